"""/healthz: whether this server can do its work, for a load balancer or a monitoring system.

JSON, no sign-in, and cheap: one trivial query, a cache round trip, a look at the media folder
and, when mail goes through the database task queue, one query for the oldest waiting task.
200 with `"status": "ok"` when every check passes; 503 naming the failed checks otherwise,
never a 500 (a check that raises has failed). Never stored: `never_cache` sets
`Cache-Control: no-store`, and the page cache does not store this address.

Details are safe to show anyone: the name of an error, never its message (which may hold a host
name or a path); the message goes to the log.
"""

import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@dataclass
class CheckResult:
    ok: bool
    detail: str = ""
    values: dict = field(default_factory=dict)

    def as_json(self, milliseconds: float) -> dict:
        result = {"status": "ok" if self.ok else "fail", "ms": round(milliseconds, 1)}
        if self.detail:
            result["detail"] = self.detail
        return {**result, **self.values}


def check_database() -> CheckResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return CheckResult(ok=True)


def check_cache() -> CheckResult:
    # A key of this process's own, so that two workers checking at once cannot pass each other.
    key = f"healthz:{os.getpid()}"
    token = uuid.uuid4().hex
    cache.set(key, token, timeout=10)
    found = cache.get(key)
    cache.delete(key)
    if found != token:
        return CheckResult(ok=False, detail="a value written to the cache was not read back")
    return CheckResult(ok=True)


def check_media() -> CheckResult:
    """Evidence can be stored: the media folder is writable (or, on object storage, answers)."""
    if not isinstance(default_storage, FileSystemStorage):
        default_storage.exists("evidence")
        return CheckResult(ok=True)
    folder = Path(default_storage.location)
    if not folder.exists():
        # Django makes it at the first upload, provided it can.
        if os.access(folder.parent, os.W_OK | os.X_OK):
            return CheckResult(ok=True, detail="made at the first upload")
        return CheckResult(ok=False, detail="the media folder is missing and cannot be made")
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        return CheckResult(ok=False, detail="the media folder is not writable")
    return CheckResult(ok=True)


def uses_database_queue() -> bool:
    """Whether tasks (mail) wait in the database for `manage.py db_worker`."""
    backends = getattr(settings, "TASKS", {}).values()
    return apps.is_installed("django_tasks_db") and any(
        backend.get("BACKEND", "").startswith("django_tasks_db") for backend in backends
    )


def oldest_ready_task_age() -> timedelta | None:
    """How long the oldest task that could run now has waited; None when none is waiting.

    A task deferred or retried later is waiting from its `run_after`, not from when it was
    queued. django-tasks-db marks "no deferral" with a `run_after` in the year 9999.
    """
    from django_tasks_db.models import DBTaskResult

    no_deferral = datetime(9000, 1, 1, tzinfo=UTC)
    due = Case(
        When(run_after__lt=no_deferral, then=Greatest(F("run_after"), F("enqueued_at"))),
        default=F("enqueued_at"),
    )
    oldest = DBTaskResult.objects.ready().aggregate(due=Min(due))["due"]
    return None if oldest is None else max(timezone.now() - oldest, timedelta(0))


def check_queue() -> CheckResult:
    if not uses_database_queue():
        return CheckResult(ok=True, detail="not configured")
    age = oldest_ready_task_age()
    seconds = 0 if age is None else round(age.total_seconds())
    limit = settings.TRACKER_HEALTH_QUEUE_LAG_SECONDS
    if limit and seconds > limit:
        return CheckResult(
            ok=False,
            detail=f"a task has waited more than {limit} s: is `manage.py db_worker` running?",
            values={"lag_seconds": seconds},
        )
    return CheckResult(ok=True, values={"lag_seconds": seconds})


CHECKS: dict[str, Callable[[], CheckResult]] = {
    "database": check_database,
    "cache": check_cache,
    "media": check_media,
    "queue": check_queue,
}
# Checks that query the database: skipped when it is down, rather than waiting on it twice.
NEEDS_DATABASE = {"queue"}


def run_check(name: str) -> tuple[CheckResult, float]:
    started = time.perf_counter()
    try:
        result = CHECKS[name]()
    except Exception as error:  # A check that raises has failed; /healthz must still answer.
        logger.warning("Health check %s failed", name, exc_info=True)
        result = CheckResult(ok=False, detail=type(error).__name__)
    return result, (time.perf_counter() - started) * 1000


@require_safe
@never_cache
def healthz(request):
    """Every check, or those named in ?checks=database,media: a stuck email queue fails every
    server at once, so a load balancer that takes failing servers out should not ask for it."""
    names = list(CHECKS)
    if "checks" in request.GET:
        names = [name for name in request.GET["checks"].split(",") if name]
        unknown = sorted(set(names) - set(CHECKS))
        if unknown or not names:
            return JsonResponse(
                {"error": f"unknown checks: {', '.join(unknown)}", "checks": list(CHECKS)},
                status=400,
            )
    checks = {}
    failed = []
    for name in names:
        if name in NEEDS_DATABASE and "database" in failed:
            checks[name] = {"status": "skipped", "detail": "the database is unavailable"}
            continue
        result, milliseconds = run_check(name)
        checks[name] = result.as_json(milliseconds)
        if not result.ok:
            failed.append(name)
    body = {"status": "fail" if failed else "ok", "failed": failed, "checks": checks}
    return JsonResponse(body, status=503 if failed else 200)
