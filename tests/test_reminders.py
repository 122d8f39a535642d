"""Emails: the daily digest for bureau staff, and the notice to a commitment's followers."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from commitments.models import Commitment, Follow


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def due_work(reply, bureau, other_bureau):
    def add(position, organisation, target, **fields):
        return Commitment.objects.create(
            reply=reply,
            position=position,
            title=f"承诺{position}",
            promised_text="……",
            lead_organisation=organisation,
            original_target_date=target,
            **fields,
        )

    add(1, bureau, days(-3))
    add(2, bureau, days(7))
    add(3, bureau, days(500), created_at=timezone.now() - datetime.timedelta(days=120))
    add(4, bureau, days(500))
    add(5, other_bureau, days(500))


def test_send_reminders_emails_each_staff_member_their_organisations_digest(
    due_work, staff_user, other_staff_user, settings
):
    settings.TRACKER_SITE_URL = "https://tracker.example.org"
    out = StringIO()

    call_command("send_reminders", stdout=out)

    assert "Sent 1 reminder" in out.getvalue()
    (message,) = mail.outbox
    assert message.to == ["staff-a@example.org"]
    assert "承诺1" in message.body and "承诺2" in message.body and "承诺3" in message.body
    assert "承诺4" not in message.body and "承诺5" not in message.body
    assert "https://tracker.example.org/zh-hans/workspace/commitments/" in message.body
    assert "\n" not in message.subject


def test_staff_of_a_co_handling_organisation_get_the_digest_too(
    due_work, other_staff_user, staff_user
):
    Commitment.objects.get(position=1).co_organisations.add(other_staff_user.organisation)

    call_command("send_reminders", stdout=StringIO())

    digest = next(m for m in mail.outbox if m.to == ["staff-b@example.org"])
    assert "承诺1" in digest.body and "承诺2" not in digest.body


def test_nobody_is_emailed_when_nothing_is_due(staff_user, commitment):
    call_command("send_reminders", stdout=StringIO())

    assert mail.outbox == []


def test_staff_without_an_email_address_are_skipped(due_work, staff_user):
    staff_user.email = ""
    staff_user.save()

    call_command("send_reminders", stdout=StringIO())

    assert mail.outbox == []


def test_a_dry_run_lists_the_recipients_and_sends_nothing(due_work, staff_user):
    out = StringIO()

    call_command("send_reminders", "--dry-run", stdout=out)

    assert "staff-a@example.org" in out.getvalue()
    assert mail.outbox == []


def test_a_follower_is_emailed_when_a_published_update_changes_the_status(
    client, commitment, make_update, member_user, office_user, django_capture_on_commit_callbacks
):
    Follow.objects.create(user=member_user, commitment=commitment)
    update = make_update(commitment, status="challenges", text="资金到位滞后。")
    update.submit()
    client.force_login(office_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/workspace/updates/{update.pk}/publish/",
            {"update_version": update.version, "commitment_version": commitment.version},
        )

    (message,) = mail.outbox
    assert message.to == ["member@example.org"]
    assert commitment.title in message.subject
    assert "资金到位滞后。" in message.body
    assert f"/zh-hans/commitments/{commitment.pk}/" in message.body


def test_followers_are_not_emailed_when_the_status_stays_the_same(
    commitment, make_update, member_user, django_capture_on_commit_callbacks
):
    Follow.objects.create(user=member_user, commitment=commitment)

    with django_capture_on_commit_callbacks(execute=True):
        make_update(commitment, status="not_assessed", progress=5).publish()

    assert mail.outbox == []


def test_a_signed_in_visitor_follows_and_unfollows_from_the_public_page(
    client, commitment, staff_user
):
    public_url = f"/en/commitments/{commitment.pk}/"
    assert "Follow this commitment" not in client.get(public_url).content.decode()
    client.force_login(staff_user)
    assert "Follow this commitment" in client.get(public_url).content.decode()

    followed = client.post(
        f"/en/workspace/commitments/{commitment.pk}/follow/",
        {"action": "follow", "next": public_url},
    )
    assert followed["Location"] == public_url
    assert Follow.objects.filter(user=staff_user, commitment=commitment).exists()
    assert "Stop following" in client.get(public_url).content.decode()

    client.post(f"/en/workspace/commitments/{commitment.pk}/follow/", {"action": "unfollow"})
    assert not Follow.objects.exists()


def test_following_never_redirects_to_another_site(client, commitment, staff_user):
    client.force_login(staff_user)

    response = client.post(
        f"/en/workspace/commitments/{commitment.pk}/follow/",
        {"action": "follow", "next": "https://evil.example.com/"},
    )

    assert response["Location"] == commitment.get_absolute_url()
