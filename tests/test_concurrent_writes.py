"""Writes never wait on each other, no pair of write paths deadlocks, and a transaction the
database aborts anyway is retried once, then answered with "try again", never a 500.

The concurrency tests need PostgreSQL, which CI runs the suite on: SQLite locks the whole
database for every write, so there writes wait on each other by design.
"""

import datetime
import threading
import time

import psycopg.errors
import pytest
from django.contrib.auth.models import update_last_login
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from workspace_support import publish, submit

from commitments import page_cache, version_watcher, workflow
from commitments.models import Commitment, Follow, Measure, ProgressUpdate, Reply
from tests.conftest import SEED_LETTER, make_user

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks: PostgreSQL"
)
THREAD_SECONDS = 120


def run_together(*workers):
    """Run each worker in a thread of its own (so a connection of its own), all at once;
    the exceptions they raised."""
    errors = []
    start = threading.Barrier(len(workers))

    def run(worker):
        try:
            start.wait()
            worker()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a writer is still waiting"
    return errors


def new_update(commitment, author, text, progress):
    return ProgressUpdate.objects.create(
        commitment=commitment,
        as_of=datetime.date(2024, 9, 1),
        text=text,
        status="on_track",
        progress=progress,
        author=author,
        organisation=author.organisation,
    )


def second_commitment(commitment):
    return Commitment.objects.create(
        reply=commitment.reply,
        position=2,
        title="新建充电桩",
        promised_text="年内新建充电桩50个。",
        lead_organisation=commitment.lead_organisation,
    )


def edit(commitment, title):
    commitment = Commitment.objects.get(pk=commitment.pk)
    commitment.title = title
    commitment.save()


def publish_new_update(commitment, text, office_user, staff_user):
    publish(new_update(commitment, staff_user, text, 40), by=office_user)


def seconds_another_write_waits(first_write, second_write):
    """How long `second_write` took while a transaction that ran `first_write` stayed open."""
    written, finished = threading.Event(), threading.Event()
    waited = []

    def hold_open():
        with transaction.atomic():
            first_write()
            written.set()
            finished.wait(10)

    def write_meanwhile():
        written.wait(10)
        started = time.monotonic()
        second_write()
        waited.append(time.monotonic() - started)
        finished.set()

    errors = run_together(hold_open, write_meanwhile)
    assert errors == []
    return waited[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_does_not_hold_up_an_edit_of_another_commitment(commitment):
    other = second_commitment(commitment)
    waited = seconds_another_write_waits(
        lambda: edit(commitment, "第一个改了"), lambda: edit(other, "第二个改了")
    )
    assert waited < 1, f"the second write waited {waited:.1f} s"
    titles = set(Commitment.objects.values_list("title", flat=True))
    assert titles == {"第一个改了", "第二个改了"}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_open_publish_does_not_hold_up_a_publish_on_another_commitment(
    commitment, office_user, staff_user
):
    other = second_commitment(commitment)
    waited = seconds_another_write_waits(
        lambda: publish_new_update(commitment, "第一条", office_user, staff_user),
        lambda: publish_new_update(other, "第二条", office_user, staff_user),
    )
    assert waited < 1, f"the second publish waited {waited:.1f} s"
    assert ProgressUpdate.objects.published().count() == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_publishes_workspace_edits_and_an_import_run_together_without_deadlock(
    settings, django_user_model, office_user, member_user
):
    rounds = 4
    call_command("import_reply", str(SEED_LETTER))
    reply = Reply.objects.get()
    commitments = list(reply.commitments.order_by("position"))
    staff = make_user(django_user_model, "xinwu-staff", "staff", reply.organisation)
    reviewed = new_update(commitments[0], staff, "待评议。", 5)
    publish(reviewed, by=office_user)

    settings.TRACKER_PAGE_CACHE = True
    settings.TRACKER_PAGE_CACHE_LISTEN = True
    page_cache.pages.clear()
    client = Client()
    for commitment in commitments:  # stored before the writes
        client.get(f"/en/commitments/{commitment.pk}/")

    def publisher(name, order):
        def run():
            for round_number in range(rounds):
                for commitment in order:
                    text = f"{name}第{round_number}轮:{commitment.position}"
                    progress = 10 + round_number * 10 + commitment.position
                    update = new_update(commitment, staff, text, progress)
                    submit(update)
                    publish(update, by=office_user)

        return run

    def workspace_editor():
        for round_number in range(rounds * 2):
            commitment = commitments[round_number % len(commitments)]
            draft = new_update(commitment, staff, f"草稿{round_number}", 1)
            draft.text += "(改)"
            draft.save()
            follow, created = Follow.objects.get_or_create(user=member_user, commitment=commitment)
            if not created:
                follow.delete()
            workflow.review_save(
                update=reviewed, member=member_user, verdict="queried", comment=str(round_number)
            )
            update_last_login(None, staff)  # a sign-in

    def importer():
        for _round in range(rounds):
            call_command("import_reply", str(SEED_LETTER), "--update")

    try:
        errors = run_together(
            publisher("甲", commitments),
            publisher("乙", commitments[::-1]),
            workspace_editor,
            importer,
        )
        assert errors == []
        published = ProgressUpdate.objects.published()
        assert published.count() == 1 + 2 * rounds * len(commitments)
        assert Reply.objects.count() == 1
        assert reply.commitments.count() == len(commitments)
        assert Measure.objects.filter(reply=reply).count() == 5
        for commitment in reply.commitments.all():
            latest = published.filter(commitment=commitment).latest("published_at", "id")
            # The import did not put back the status it read before a publish committed.
            assert (commitment.status, commitment.progress) == (latest.status, latest.progress)
            page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()
            assert latest.text in page
    finally:
        version_watcher.watcher.close()
        page_cache.pages.clear()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_locking_a_commitment_as_the_publish_form_does_leaves_its_reply_alone(commitment):
    # The importer holds the reply and then takes its commitments: a publish that held its
    # commitment and then waited for the reply deadlocked with it (found by bench/soak.py).
    reply_held, release = threading.Event(), threading.Event()

    def importer():
        with transaction.atomic():
            list(Reply.objects.select_for_update().filter(pk=commitment.reply_id))
            reply_held.set()
            release.wait(THREAD_SECONDS)
        connections.close_all()

    holder = threading.Thread(target=importer)
    holder.start()
    try:
        assert reply_held.wait(THREAD_SECONDS)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            commitment.lock_version(commitment.version)  # the publish form's version check
    finally:
        release.set()
        holder.join(THREAD_SECONDS)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_import_does_not_put_back_a_status_published_while_it_ran(
    django_user_model, office_user, monkeypatch
):
    call_command("import_reply", str(SEED_LETTER))
    reply = Reply.objects.get()
    staff = make_user(django_user_model, "xinwu-staff", "staff", reply.organisation)
    first = reply.commitments.get(position=1)
    read, published = threading.Event(), threading.Event()
    save = Commitment.save

    def save_after_a_pause(commitment, *args, **kwargs):
        # The import has read the commitments: give a publish the time to commit meanwhile.
        if threading.current_thread().name == "importer" and not read.is_set():
            read.set()
            published.wait(0.5)
        save(commitment, *args, **kwargs)

    monkeypatch.setattr(Commitment, "save", save_after_a_pause)

    def importer():
        threading.current_thread().name = "importer"
        call_command("import_reply", str(SEED_LETTER), "--update")

    def publisher():
        read.wait(10)
        publish(new_update(first, staff, "已完成。", 55), by=office_user)
        published.set()

    assert run_together(importer, publisher) == []
    first.refresh_from_db()
    assert (first.status, first.progress) == ("on_track", 55)


calls = []


def deadlocked(times):
    """A view whose first `times` runs the database aborts as a deadlock's victim."""

    def view(request):
        calls.append(request.path)
        if len(calls) <= times:
            raise OperationalError("deadlock detected") from psycopg.errors.DeadlockDetected()
        return HttpResponse("saved")

    return view


def broken(request):
    raise OperationalError("no such table: commitments_commitment")


urlpatterns = [
    path("en/saves-after-one-deadlock/", deadlocked(1)),
    path("en/deadlocks-every-time/", deadlocked(1000)),
    path("en/broken/", broken),
]


@pytest.fixture
def retrying(settings):
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "commitments.transaction_retry.RetryAbortedTransactionMiddleware",
    ]
    calls.clear()


def test_a_request_whose_transaction_was_aborted_is_run_once_more(retrying):
    response = Client().post("/en/saves-after-one-deadlock/")
    assert response.status_code == 200
    assert response.content == b"saved"
    assert len(calls) == 2


def test_aborted_twice_the_visitor_is_asked_to_try_again(retrying):
    response = Client(raise_request_exception=False).post(
        "/en/deadlocks-every-time/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "Please try again" in response.content.decode()
    assert len(calls) == 2


def test_other_database_errors_are_not_retried(retrying):
    response = Client(raise_request_exception=False).post("/en/broken/")
    assert response.status_code == 500
