"""`manage.py generate_demo_data`: realistic synthetic data that keeps the domain's rules."""

from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from commitments.models import (
    Commitment,
    Organisation,
    ProgressUpdate,
    Proposal,
    Reply,
    Session,
    Status,
)
from commitments.synthetic import phrases

SIZE = 400


@pytest.fixture
def generated(db):
    output = StringIO()
    call_command("generate_demo_data", commitments=SIZE, seed=7, stdout=output)
    return output.getvalue()


def test_generates_the_requested_number_of_commitments_with_their_letters(generated):
    assert Commitment.objects.count() == SIZE
    # Each proposal has one reply with 3–7 commitments and 3–6 measures.
    assert SIZE / 7 <= Proposal.objects.count() <= SIZE / 3 + 1
    assert Reply.objects.count() == Proposal.objects.count()
    assert not Reply.objects.filter(commitments__isnull=True).exists()
    assert not Reply.objects.filter(measures__isnull=True).exists()
    assert Session.objects.count() == 12
    assert Organisation.objects.count() >= 60
    assert 8 * SIZE <= ProgressUpdate.objects.count() <= 12 * SIZE
    assert "100%" in generated


def test_generated_text_is_chinese(generated):
    commitment = Commitment.objects.select_related("reply__proposal").first()
    assert commitment.reply.proposal.title.startswith("关于")
    assert "将" in commitment.promised_text
    assert commitment.promised_text in commitment.reply.full_text
    assert Commitment.objects.filter(title__contains=phrases.SEARCH_WORD).exists()


def test_every_status_of_a_real_tracker_is_present(generated):
    present = set(Commitment.objects.values_list("status", flat=True))
    assert present == set(Status.values)
    states = set(ProgressUpdate.objects.values_list("state", flat=True))
    assert states == set(ProgressUpdate.State.values)
    published = ProgressUpdate.objects.published().count()
    assert published > 0.9 * ProgressUpdate.objects.count()


def test_some_open_commitments_are_overdue_and_some_stale(generated):
    open_count = Commitment.objects.open().count()
    assert 0.05 * open_count < Commitment.objects.overdue().count() < 0.3 * open_count
    assert 0.03 * open_count < Commitment.objects.stale().count() < 0.25 * open_count


def test_each_commitment_shows_its_latest_published_update(generated):
    latest = {}
    for update in ProgressUpdate.objects.published().order_by("published_at"):
        latest[update.commitment_id] = update
    for commitment in Commitment.objects.all():
        update = latest.get(commitment.pk)
        if update is None:
            assert commitment.status == Status.NOT_ASSESSED
            assert commitment.last_published_at is None
        else:
            assert commitment.status == update.status
            assert commitment.progress == update.progress
            assert commitment.last_published_at == update.published_at


def test_published_updates_record_the_status_before_them(generated):
    chains = defaultdict(list)
    for update in ProgressUpdate.objects.published().order_by("published_at"):
        chains[update.commitment_id].append(update)
    for updates in chains.values():
        assert updates[0].status_before == Status.NOT_ASSESSED
        for earlier, later in zip(updates, updates[1:], strict=False):
            assert later.status_before == earlier.status


def test_a_revised_target_date_keeps_the_original(generated):
    revised = Commitment.objects.exclude(original_target_date=None).exclude(
        current_target_date=F("original_target_date")
    )
    assert revised.exists()
    for commitment in revised[:20]:
        revision = commitment.updates.published().exclude(new_target_date=None).get()
        assert revision.new_target_date == commitment.current_target_date
        assert revision.target_date_reason


def test_completed_and_not_pursued_commitments_carry_proof(generated):
    for commitment in Commitment.objects.filter(status__in=["completed", "not_pursued"]):
        final = commitment.updates.published().order_by("-published_at").first()
        assert final.reason or final.evidence.exists()


def test_refuses_a_database_that_already_holds_data(generated):
    with pytest.raises(CommandError, match="--append"):
        call_command("generate_demo_data", commitments=10, stdout=StringIO())
    assert Commitment.objects.count() == SIZE

    call_command("generate_demo_data", commitments=10, append=True, stdout=StringIO())
    assert Commitment.objects.count() == SIZE + 10
