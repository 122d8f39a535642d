"""/healthz tells a load balancer or a monitor whether this server can work, and what is wrong."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_with_every_check_without_sign_in(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "media", "queue"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


def test_healthz_is_never_stored(client, settings):
    settings.TRACKER_PAGE_CACHE = True
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"]
    # The page cache leaves the address alone: a failure shows on the very next request.
    settings.MEDIA_ROOT = "/proc/no-such-folder/media"
    assert client.get("/healthz").status_code == 503


def test_healthz_answers_503_not_500_when_the_database_is_down(client, monkeypatch):
    def refuse():
        raise OperationalError("connection to server at 10.0.0.5 failed: Connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == {
        "status": "fail",
        "ms": body["checks"]["database"]["ms"],
        "detail": "OperationalError",
    }
    # The queue lives in the database: not asked again once it is known to be down.
    assert body["checks"]["queue"]["status"] == "skipped"
    assert body["checks"]["cache"]["status"] == "ok"
    # The error's message (a host name) goes to the log, not to anyone who asks.
    assert "10.0.0.5" not in response.content.decode()


def test_healthz_names_a_cache_that_loses_what_is_written(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_healthz_names_a_media_folder_it_cannot_write(client, settings, tmp_path):
    # A file where the folder should be: unwritable even for root, who may write anywhere else.
    media = tmp_path / "media"
    media.write_text("not a folder")
    settings.MEDIA_ROOT = media
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["media"]
    assert response.json()["checks"]["media"]["detail"] == "the media folder is not writable"


def test_healthz_reports_the_queue_as_not_configured_without_the_database_queue(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    queue = client.get("/healthz").json()["checks"]["queue"]
    assert queue["status"] == "ok"
    assert queue["detail"] == "not configured"


def queue_task(*, queued_ago, run_after=None, **fields):
    """A task as django-tasks-db stores it, queued some time ago."""
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="commitments.tasks.send",
        backend_name="default",
        run_after=run_after or get_date_max(),  # the year 9999: "not deferred"
        **fields,
    )
    # enqueued_at is set on creation; move it back as if the task had waited.
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - queued_ago)


def test_healthz_reports_the_waiting_time_of_the_oldest_task(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = timezone.now()
    queue_task(queued_ago=datetime.timedelta(minutes=3))
    # Retried with a backoff: waiting only since it became due a minute ago.
    queue_task(
        queued_ago=datetime.timedelta(hours=2), run_after=now - datetime.timedelta(minutes=1)
    )
    # Due later: not waiting at all. Finished: not waiting either.
    queue_task(queued_ago=datetime.timedelta(hours=5), run_after=now + datetime.timedelta(hours=1))
    queue_task(queued_ago=datetime.timedelta(hours=9), status="SUCCESSFUL")

    response = client.get("/healthz")
    assert response.status_code == 200
    assert 175 <= response.json()["checks"]["queue"]["lag_seconds"] <= 200

    settings.TRACKER_HEALTH_QUEUE_LAG_SECONDS = 60
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["queue"]
    assert "db_worker" in response.json()["checks"]["queue"]["detail"]


def test_healthz_skips_the_https_redirect_for_a_probe_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/api/v1/").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_healthz_runs_only_the_checks_asked_for(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TRACKER_HEALTH_QUEUE_LAG_SECONDS = 60
    queue_task(queued_ago=datetime.timedelta(hours=1))
    assert client.get("/healthz").status_code == 503
    # A load balancer asks only about what this server itself needs.
    response = client.get("/healthz?checks=database,media")
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "media"}
    assert client.get("/healthz?checks=database,disk").status_code == 400
