"""The rules of DESIGN.md enforced by the models themselves, not only by forms."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from workspace_support import publish, submit

from commitments.models import Commitment, Evidence, ProgressUpdate, Proposal


def test_original_target_date_cannot_be_overwritten(commitment):
    commitment.original_target_date = datetime.date(2031, 6, 30)
    with pytest.raises(ValidationError):
        commitment.save()
    commitment.refresh_from_db()
    assert commitment.original_target_date == datetime.date(2030, 12, 31)


def test_original_target_date_can_be_set_once_when_blank(reply, bureau):
    commitment = Commitment.objects.create(
        reply=reply, position=2, title="t", promised_text="p", lead_organisation=bureau
    )
    commitment = Commitment.objects.get(pk=commitment.pk)
    commitment.original_target_date = datetime.date(2030, 1, 1)
    commitment.save()
    commitment.refresh_from_db()
    assert commitment.original_target_date == datetime.date(2030, 1, 1)
    assert commitment.current_target_date == datetime.date(2030, 1, 1)


def test_status_cannot_be_edited_directly(commitment):
    commitment = Commitment.objects.get(pk=commitment.pk)
    commitment.status = "completed"
    with pytest.raises(ValidationError):
        commitment.save()
    assert Commitment.objects.get(pk=commitment.pk).status == "not_assessed"


def test_progress_cannot_be_edited_directly(commitment):
    commitment = Commitment.objects.get(pk=commitment.pk)
    commitment.progress = 80
    with pytest.raises(ValidationError):
        commitment.save()
    assert Commitment.objects.get(pk=commitment.pk).progress == 0


def test_publishing_an_update_moves_the_commitment_and_records_status_before(
    commitment, make_update, office_user
):
    update = make_update(commitment, status="on_track", progress=40)
    submit(update)
    assert Commitment.objects.get(pk=commitment.pk).status == "not_assessed"

    publish(update, by=office_user)

    commitment.refresh_from_db()
    update.refresh_from_db()
    assert commitment.status == "on_track"
    assert commitment.progress == 40
    assert commitment.last_published_at is not None
    assert update.state == "published"
    assert update.status_before == "not_assessed"
    assert update.published_by == office_user


def test_status_may_move_backwards(commitment, make_update):
    publish(make_update(commitment, status="on_track", progress=60))
    publish(make_update(commitment, status="stalled", progress=60, text="资金未到位，暂停施工。"))
    commitment.refresh_from_db()
    assert commitment.status == "stalled"


def test_status_change_needs_text(commitment, make_update):
    update = make_update(commitment, status="on_track", text="")
    with pytest.raises(ValidationError) as error:
        publish(update)
    assert "text" in error.value.message_dict
    assert Commitment.objects.get(pk=commitment.pk).status == "not_assessed"


def test_completion_needs_evidence_or_reason(commitment, make_update):
    update = make_update(commitment, status="completed", progress=100)
    with pytest.raises(ValidationError):
        publish(update)
    assert Commitment.objects.get(pk=commitment.pk).status == "not_assessed"

    Evidence.objects.create(update=update, url="https://example.org/report", description="验收报告")
    publish(update)
    assert Commitment.objects.get(pk=commitment.pk).status == "completed"


def test_not_pursued_with_reason_is_accepted(commitment, make_update):
    update = make_update(
        commitment, status="not_pursued", progress=0, text="规划调整。", reason="地块已另作他用。"
    )
    publish(update)
    assert Commitment.objects.get(pk=commitment.pk).status == "not_pursued"


def test_target_date_revision_needs_a_reason(commitment, make_update):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_update(commitment, new_target_date=datetime.date(2031, 6, 30))
    unsaved = ProgressUpdate(
        commitment=commitment,
        as_of=datetime.date(2024, 9, 1),
        text="延期",
        status="on_track",
        progress=10,
        new_target_date=datetime.date(2031, 6, 30),
    )
    with pytest.raises(ValidationError) as error:
        unsaved.full_clean()
    assert "target_date_reason" in error.value.message_dict


def test_target_date_revision_keeps_the_original_date(commitment, make_update):
    update = make_update(
        commitment, new_target_date=datetime.date(2031, 6, 30), target_date_reason="施工许可延后。"
    )
    publish(update)
    commitment.refresh_from_db()
    assert commitment.current_target_date == datetime.date(2031, 6, 30)
    assert commitment.original_target_date == datetime.date(2030, 12, 31)
    assert commitment.is_target_revised()


def test_progress_outside_0_to_100_is_refused_by_the_database(commitment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(progress=101)


def test_one_proposal_per_session_kind_and_number(reply):
    proposal = reply.proposal
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(session=proposal.session, number="7", title="重复")
    # Without a number, several letters may share a session.
    Proposal.objects.create(session=proposal.session, number="", title="来信一")
    Proposal.objects.create(session=proposal.session, number="", title="来信二")


def test_one_position_per_reply(commitment, reply, bureau):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(
            reply=reply, position=1, title="x", promised_text="y", lead_organisation=bureau
        )


def test_overdue_is_a_database_filter(commitment, reply, bureau):
    late = Commitment.objects.create(
        reply=reply,
        position=2,
        title="逾期事项",
        promised_text="p",
        lead_organisation=bureau,
        original_target_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert list(Commitment.objects.overdue()) == [late]
    flags = {c.pk: c.flag_overdue for c in Commitment.objects.with_flags()}
    assert flags == {commitment.pk: False, late.pk: True}
    assert late.is_overdue() and not commitment.is_overdue()


def test_completed_commitment_is_not_overdue(reply, bureau, make_update):
    late = Commitment.objects.create(
        reply=reply,
        position=2,
        title="逾期事项",
        promised_text="p",
        lead_organisation=bureau,
        original_target_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    publish(make_update(late, status="completed", progress=100, reason="已验收，见公告。"))
    assert not Commitment.objects.overdue().exists()


def test_stale_counts_days_since_last_published_update(commitment, make_update, settings):
    settings.TRACKER_STALE_DAYS = 90
    Commitment.objects.filter(pk=commitment.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=200)
    )
    assert list(Commitment.objects.stale()) == [commitment]
    assert Commitment.objects.with_flags().get().flag_stale

    publish(make_update(commitment))
    assert not Commitment.objects.stale().exists()
    assert not Commitment.objects.with_flags().get().flag_stale


def test_parent_progress_is_weighted_mean_of_children(commitment, reply, bureau, make_update):
    first = Commitment.objects.create(
        reply=reply,
        position=2,
        title="a",
        promised_text="a",
        lead_organisation=bureau,
        parent=commitment,
        weight=3,
    )
    Commitment.objects.create(
        reply=reply,
        position=3,
        title="b",
        promised_text="b",
        lead_organisation=bureau,
        parent=commitment,
        weight=1,
    )
    publish(make_update(first, progress=100, status="completed", reason="已完成"))
    commitment.refresh_from_db()
    assert commitment.progress == 75


def test_change_history_is_recorded(commitment, make_update, staff_user):
    update = make_update(commitment)
    publish(update)
    commitment.refresh_from_db()
    history = list(commitment.history.order_by("history_date"))
    assert [h.status for h in history] == ["not_assessed", "on_track"]
    assert update.history.count() >= 2
    assert ProgressUpdate.history.filter(id=update.pk, state="published").exists()
