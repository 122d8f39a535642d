"""Emails that match the work, through the task queue: each event reaches the people who act on
it, links point at the configured site, and each user can turn kinds off in their profile."""

import subprocess
from io import StringIO
from pathlib import Path

import pytest
from conftest import link_proposer
from django.core import mail
from django.core.management import call_command
from workspace_support import publish, return_to_author, submit

from commitments import workflow
from commitments.models import Follow

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run_notices(django_capture_on_commit_callbacks):
    """Run the on-commit queueing of notices (the immediate task backend then sends them)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def sent_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_the_office_is_emailed_when_an_update_is_submitted(
    run_notices, commitment, make_update, office_user, staff_user
):
    update = make_update(commitment, text="已完成选址。")

    run_notices(submit, update)

    (notice,) = sent_to(office_user)
    assert commitment.title in notice.subject
    assert f"/zh-hans/workspace/updates/{update.pk}/" in notice.body
    assert sent_to(staff_user) == []


def test_staff_are_emailed_when_the_office_returns_their_update_with_the_note(
    run_notices, commitment, make_update, staff_user, settings
):
    settings.TRACKER_SITE_URL = "https://tracker.example.org"
    update = make_update(commitment)
    submit(update)

    run_notices(return_to_author, update, note="请补充验收报告。")

    (notice,) = sent_to(staff_user)
    assert "请补充验收报告。" in notice.body
    assert f"https://tracker.example.org/zh-hans/workspace/updates/{update.pk}/" in notice.body
    assert "https://tracker.example.org/zh-hans/workspace/profile/" in notice.body


def test_staff_are_emailed_when_their_update_is_published(
    run_notices, commitment, make_update, staff_user, office_user
):
    update = make_update(commitment, status="on_track", progress=40)
    submit(update)

    run_notices(publish, update, office_user)

    (notice,) = sent_to(staff_user)
    assert f"/zh-hans/commitments/{commitment.pk}/#update-{update.pk}" in notice.body


def test_staff_are_emailed_when_a_member_queries_their_update(
    run_notices, commitment, make_update, staff_user, other_staff_user, member_user
):
    update = make_update(commitment)
    publish(update)
    mail.outbox.clear()

    run_notices(
        workflow.review_save,
        update=update,
        member=member_user,
        verdict="needs_more",
        comment="请补充现场照片。",
    )

    (notice,) = sent_to(staff_user)
    assert "请补充现场照片。" in notice.body
    assert sent_to(other_staff_user) == []


def test_a_confirmation_sends_nobody_an_email(run_notices, commitment, make_update, member_user):
    update = make_update(commitment)
    publish(update)
    mail.outbox.clear()

    run_notices(
        workflow.review_save, update=update, member=member_user, verdict="confirmed", comment=""
    )

    assert mail.outbox == []


def test_staff_are_emailed_when_a_member_rates_their_reply(
    run_notices, reply, staff_user, member_user
):
    link_proposer(member_user, reply.proposal)
    run_notices(
        workflow.rating_save,
        reply=reply,
        member=member_user,
        handling="satisfied",
        outcome="basically",
        comment="总体满意。",
    )

    (notice,) = sent_to(staff_user)
    assert "总体满意。" in notice.body


def test_followers_are_emailed_of_every_publication_but_the_author_only_once(
    run_notices, commitment, make_update, staff_user, member_user, office_user
):
    Follow.objects.create(user=member_user, commitment=commitment)
    Follow.objects.create(user=staff_user, commitment=commitment)
    update = make_update(commitment, status="not_assessed", progress=25)
    submit(update)

    run_notices(publish, update, office_user)

    assert len(sent_to(member_user)) == 1
    assert len(sent_to(staff_user)) == 1


def test_members_are_emailed_when_a_reply_to_their_proposal_is_filed(
    run_notices, member_user, django_user_model, office_user, seed_text, other_bureau
):
    from conftest import make_user

    from commitments.importing import reply_import
    from commitments.letters import parse_letter

    letter = parse_letter(seed_text)
    member_user.filing_names = [letter["proposers"][0]]
    member_user.save()
    make_user(django_user_model, "member-2", "member")
    first = reply_import(letter=letter, full_text=seed_text, by=office_user)
    # The import proposed the member; until the office confirms, nobody is told of replies.
    assert mail.outbox == []
    (link,) = first.proposal.proposer_links.awaiting_confirmation()
    workflow.proposer_confirm(link=link, member=member_user, by=office_user)
    letter["index_number"] = ""

    reply = run_notices(
        reply_import,
        letter=letter,
        full_text=seed_text,
        by=office_user,
        organisation=other_bureau,
    )

    (notice,) = [m for m in mail.outbox if m.to[0].startswith("member")]
    assert notice.to == [member_user.email]
    assert f"/zh-hans/workspace/replies/{reply.pk}/rate/" in notice.body


def test_a_user_turns_a_kind_of_email_off_in_their_profile(
    client, run_notices, commitment, make_update, staff_user
):
    client.force_login(staff_user)
    page = client.get("/en/workspace/profile/")
    offered = [key for key, _label in page.context["form"].fields["wanted"].choices]
    assert "update_returned" in offered and "update_submitted" not in offered

    client.post(
        "/en/workspace/profile/", {"wanted": [k for k in offered if k != "update_returned"]}
    )

    staff_user.refresh_from_db()
    assert staff_user.muted_notices == ["update_returned"]
    update = make_update(commitment)
    submit(update)
    run_notices(return_to_author, update, note="请补充。")
    assert sent_to(staff_user) == []


def test_the_daily_reminder_can_be_turned_off(client, staff_user, reply, bureau):
    import datetime

    from django.utils import timezone

    from commitments.models import Commitment

    Commitment.objects.create(
        reply=reply,
        position=9,
        title="逾期承诺",
        promised_text="……",
        lead_organisation=bureau,
        original_target_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    staff_user.muted_notices = ["due_soon"]
    staff_user.save()

    call_command("send_reminders", stdout=StringIO())

    assert mail.outbox == []


def test_the_profile_page_is_each_users_own(client, staff_user, member_user):
    client.force_login(member_user)
    page = client.get("/en/workspace/profile/")
    offered = [key for key, _label in page.context["form"].fields["wanted"].choices]

    assert offered == ["my_query_answered", "proposal_replied", "followed_published"]
    client.post("/en/workspace/profile/", {"wanted": []})
    staff_user.refresh_from_db()
    member_user.refresh_from_db()
    assert staff_user.muted_notices == []
    assert set(member_user.muted_notices) == set(offered)


def test_make_run_links_emails_to_the_port_it_serves():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout

    assert "TRACKER_SITE_URL=${TRACKER_SITE_URL:-http://127.0.0.1:8123}" in dry_run
    assert "runserver 127.0.0.1:8123" in dry_run


def test_followers_of_a_commitment_hear_of_its_sub_targets_progress(
    run_notices, commitment, make_update, staff_user, member_user, office_user
):
    Follow.objects.create(user=member_user, commitment=commitment)
    part = workflow.subtarget_create(
        parent=commitment, by=staff_user, title="东区停车位", text="……", weight=1
    )
    update = make_update(part, status="on_track", progress=50)
    submit(update)

    run_notices(publish, update, office_user)

    (notice,) = sent_to(member_user)
    assert "东区停车位" in notice.subject
