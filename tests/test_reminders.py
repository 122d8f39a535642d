"""Emails: the daily digest for bureau staff, and the notice to a commitment's followers.

The other notices of the work (returned, published, queried, answered …) are in test_notices.py.

They go out from tasks. conftest.py runs tasks at once; the tests named for the queue store them in
the database and run the worker, as production does.
"""

import datetime
import re
import signal
import smtplib
import socket
import threading
from io import StringIO

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as MemoryEmailBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from workspace_support import publish, submit

from commitments.forms_accounts import PasswordResetForm
from commitments.models import Commitment, Follow, ProgressUpdate, ReminderRun
from commitments.notifications import send_notice


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

    assert "Queued 1 reminder" in out.getvalue()
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
    submit(update)
    client.force_login(office_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/workspace/updates/{update.pk}/publish/",
            {"update_version": update.version, "commitment_version": commitment.version},
        )

    (message,) = [m for m in mail.outbox if m.to == ["member@example.org"]]
    assert commitment.title in message.subject
    assert "资金到位滞后。" in message.body
    assert f"/zh-hans/commitments/{commitment.pk}/" in message.body


def test_followers_are_emailed_of_progress_even_when_the_status_stays_the_same(
    commitment, make_update, member_user, django_capture_on_commit_callbacks
):
    Follow.objects.create(user=member_user, commitment=commitment)
    with django_capture_on_commit_callbacks(execute=True):
        publish(make_update(commitment, status="on_track", progress=25))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        publish(make_update(commitment, status="on_track", progress=35, text="又建成10个。"))

    (message,) = [m for m in mail.outbox if m.to == ["member@example.org"]]
    assert "25% to 35%" in message.body or "25% 变为 35%" in message.body
    assert "又建成10个。" in message.body


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


# The task queue


@pytest.fixture
def queued_tasks(settings):
    """Tasks are stored in the database, as in production, until `run_worker()`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker(*options):
    """`manage.py db_worker --batch`: run every task that is due, then stop."""
    # The worker installs handlers for Ctrl-C; give the test run its own back.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", *options, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def let_waits_pass():
    """Make every task that is waiting to be tried again due now; returns the waits."""
    waiting = DBTaskResult.objects.filter(status="READY").exclude(run_after=get_date_max())
    waits = [round((task.run_after - task.enqueued_at).total_seconds() / 60) for task in waiting]
    waiting.update(run_after=timezone.now())
    return waits


class FailingMailServer(MemoryEmailBackend):
    """A mail server that refuses the first `failures` sends, then accepts."""

    failures = 0

    def send_messages(self, messages):
        if FailingMailServer.failures > 0:
            FailingMailServer.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def failing_mail_server(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingMailServer"

    def fail(times):
        FailingMailServer.failures = times

    yield fail
    FailingMailServer.failures = 0


def publish_in_workspace(client, update, office_user):
    client.force_login(office_user)
    return client.post(
        f"/en/workspace/updates/{update.pk}/publish/",
        {"update_version": update.version, "commitment_version": update.commitment.version},
    )


@pytest.fixture
def followed_update(commitment, make_update, member_user, staff_user):
    """A submitted update that changes the status of a commitment a member follows."""
    # Only the follower's notice is looked at here: its author hears of it too, unless they turn
    # it off (test_notices.py).
    staff_user.muted_notices = ["update_published"]
    staff_user.save()
    Follow.objects.create(user=member_user, commitment=commitment)
    update = make_update(commitment, status="challenges", text="资金到位滞后。")
    submit(update)
    update.refresh_from_db()
    return update


@pytest.mark.parametrize("tasks", ["immediate", "queued"])
def test_a_mail_server_error_after_publishing_never_reaches_the_office(
    request,
    tasks,
    client,
    followed_update,
    office_user,
    failing_mail_server,
    django_capture_on_commit_callbacks,
):
    if tasks == "queued":
        request.getfixturevalue("queued_tasks")
    failing_mail_server(100)

    with django_capture_on_commit_callbacks(execute=True):
        response = publish_in_workspace(client, followed_update, office_user)

    assert response.status_code == 302
    assert response["Location"] == f"/en/workspace/updates/{followed_update.pk}/"
    followed_update.refresh_from_db()
    assert followed_update.state == ProgressUpdate.State.PUBLISHED
    assert mail.outbox == []
    if tasks == "immediate":
        assert FailingMailServer.failures == 99  # the send was tried, and failed, in the request
    else:
        assert DBTaskResult.objects.filter(status="READY").count() == 1


@pytest.mark.django_db(transaction=True)
def test_publishing_only_queues_the_notice_and_the_worker_sends_it(
    queued_tasks, client, followed_update, office_user
):
    publish_in_workspace(client, followed_update, office_user)

    assert mail.outbox == []
    queued = DBTaskResult.objects.filter(status="READY")
    # The publication's notices (and, from the fixture's submit, the office's notice).
    assert queued.filter(args_kwargs__kwargs__event="update_published").count() == 1

    run_worker()

    (message,) = mail.outbox
    assert message.to == ["member@example.org"]
    assert "资金到位滞后。" in message.body
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_is_tried_again_after_growing_waits(
    queued_tasks, failing_mail_server, client, followed_update, office_user
):
    failing_mail_server(2)
    publish_in_workspace(client, followed_update, office_user)

    run_worker()
    assert mail.outbox == []
    assert let_waits_pass() == [1]
    run_worker()
    assert mail.outbox == []
    assert let_waits_pass() == [5]
    run_worker()

    (message,) = mail.outbox
    assert message.to == ["member@example.org"]
    assert DBTaskResult.objects.filter(status="FAILED").count() == 2
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db(transaction=True)
def test_an_email_is_given_up_after_four_attempts(
    queued_tasks, failing_mail_server, followed_update, member_user
):
    failing_mail_server(100)
    publish(followed_update)

    run_worker()  # the fan-out to each follower, and the first attempt
    waits = []
    while pending := let_waits_pass():
        waits += pending
        run_worker()

    assert waits == [1, 5, 25]
    assert mail.outbox == []
    assert (
        DBTaskResult.objects.filter(
            task_path="commitments.notifications.send_notice", status="FAILED"
        ).count()
        == 4
    )


@pytest.mark.django_db(transaction=True)
def test_a_silent_mail_server_holds_the_worker_no_longer_than_email_timeout(
    queued_tasks, settings, followed_update, member_user
):
    publish(followed_update)
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections, never answers
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    settings.EMAIL_TIMEOUT = 1
    started = timezone.now()
    try:
        run_worker()
    finally:
        silent.close()

    assert (timezone.now() - started).total_seconds() < 5
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert "timed out" in DBTaskResult.objects.get(status="FAILED").traceback


@pytest.mark.django_db(transaction=True)
def test_a_queued_notice_for_an_update_no_longer_published_sends_nothing(
    queued_tasks, followed_update, member_user
):
    publish(followed_update)
    run_worker("--max-tasks", "1")  # the fan-out queues the notice to the follower
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    ProgressUpdate.objects.filter(pk=followed_update.pk).update(state="returned")

    run_worker()

    assert mail.outbox == []


def test_a_notice_to_someone_who_stopped_following_sends_nothing(
    followed_update, member_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(followed_update)
    mail.outbox.clear()
    Follow.objects.filter(user=member_user).delete()

    send_notice.enqueue(
        event="update_published",
        object_id=followed_update.pk,
        user_id=member_user.pk,
        kind="followed_published",
    )

    assert mail.outbox == []


# Reminders, once a day


def test_reminders_go_out_once_a_day_however_often_the_command_runs(
    due_work, staff_user, other_staff_user
):
    first, second, forced = StringIO(), StringIO(), StringIO()

    call_command("send_reminders", stdout=first)
    call_command("send_reminders", stdout=second)

    assert [m.to for m in mail.outbox] == [["staff-a@example.org"]]
    assert "already queued" in second.getvalue()
    assert ReminderRun.objects.get().digests == 1

    call_command("send_reminders", "--force", stdout=forced)

    assert len(mail.outbox) == 2
    assert "Queued 1 reminder" in forced.getvalue()


@pytest.mark.django_db(transaction=True)
def test_two_servers_sending_reminders_at_once_send_each_digest_once(
    queued_tasks, due_work, staff_user, django_user_model, bureau
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite allows one writer at a time; the race needs PostgreSQL")
    from conftest import make_user

    make_user(django_user_model, "staff-a2", "staff", bureau)
    servers = 4
    start = threading.Barrier(servers)
    outputs = [StringIO() for _ in range(servers)]

    def server(out):
        try:
            start.wait()
            call_command("send_reminders", stdout=out)
        finally:
            connection.close()

    threads = [threading.Thread(target=server, args=(out,)) for out in outputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_worker()

    assert sorted(m.to[0] for m in mail.outbox) == ["staff-a2@example.org", "staff-a@example.org"]
    assert sum("Queued 2 reminder" in out.getvalue() for out in outputs) == 1
    assert sum("already queued" in out.getvalue() for out in outputs) == servers - 1


# Password reset


@pytest.mark.django_db(transaction=True)
def test_the_password_reset_email_is_queued_without_its_link_and_sent_by_the_worker(
    queued_tasks, staff_user
):
    form = PasswordResetForm({"email": "staff-a@example.org"})
    assert form.is_valid()

    form.save(domain_override="tracker.example.org", use_https=True)

    assert mail.outbox == []
    (queued,) = DBTaskResult.objects.all()
    assert "token" not in str(queued.args_kwargs)

    run_worker()

    (message,) = mail.outbox
    assert message.to == ["staff-a@example.org"]
    uid, token = re.search(
        r"https://tracker\.example\.org/accounts/reset/([^/]+)/([^/]+)/", message.body
    ).groups()
    assert default_token_generator.check_token(staff_user, token)


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_for_an_account_closed_meanwhile_sends_nothing(queued_tasks, staff_user):
    form = PasswordResetForm({"email": "staff-a@example.org"})
    assert form.is_valid()
    form.save(domain_override="tracker.example.org")
    staff_user.is_active = False
    staff_user.save()

    run_worker()

    assert mail.outbox == []
