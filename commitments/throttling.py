"""Per-client limits on the API and the exports, counted in the database.

A script that pages through the whole API, or asks for the full CSV in a loop, must not take the
server from everybody else. Each client address may make TRACKER_THROTTLE_API_PER_MINUTE requests
to /api/ and TRACKER_THROTTLE_EXPORTS_PER_MINUTE downloads of a .csv or .xlsx export per minute
(0: no limit); past that it gets `429 Too Many Requests` with `Retry-After`, the seconds until
its minute is over.

The counts live in one table of the shared database, so the limit holds however many workers
and servers answer: each request counts itself with a single upsert that returns the new count,
atomic on PostgreSQL and SQLite alike, so two workers counting at once never lose a request (a
per-process cache, or a read-then-write, would). On PostgreSQL the table is UNLOGGED (migration
0009): counts lost in a crash do not matter, and the write then commits without waiting for the
disk — about 0.4 ms a request rather than several. Minutes are fixed windows: a client may make
up to twice the limit across the turn of a minute, never more.

The middleware runs before the page cache, so a stored answer counts as much as a fresh one.
Should the count fail (the database is down), the request goes on uncounted: the limit protects
the database, and a stored page needs none (outage.py answers the rest).

Behind a reverse proxy every request comes from the proxy's address: set TRACKER_TRUSTED_PROXIES
to the number of proxies in front of the application (nginx alone: 1) and the client is read from
X-Forwarded-For, the address the outermost trusted proxy saw.
"""

import logging
import math
import re
import time

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

PERIOD_SECONDS = 60
# Rows of clients not seen for this long are deleted, by each process at most this often.
PRUNE_SECONDS = 600
# The longest an address can be (IPv6 with a zone); longer X-Forwarded-For entries are cut.
ADDRESS_LENGTH = 64
# After a count failed, requests go uncounted for this long rather than each waiting for a
# database that hangs (as page_cache.py does).
UNREACHABLE_PAUSE_SECONDS = 1.0


class RequestCount(models.Model):
    """How many requests one client made to one kind of address in the current minute."""

    # Internal bookkeeping, shown nowhere: no translated labels.
    client = models.CharField("client", max_length=80, primary_key=True)
    period_start = models.BigIntegerField("period start (Unix time)", db_index=True)
    requests = models.PositiveIntegerField("requests", default=0)

    class Meta:
        verbose_name = "request count"
        verbose_name_plural = "request counts"

    def __str__(self):
        return f"{self.client}: {self.requests}"


TABLE = "commitments_requestcount"
# One statement: the count of this minute, or 1 when the row is of an earlier minute.
COUNT_REQUEST = (
    f"INSERT INTO {TABLE} (client, period_start, requests) VALUES (%s, %s, 1) "
    f"ON CONFLICT (client) DO UPDATE SET "
    f"requests = CASE WHEN {TABLE}.period_start = excluded.period_start "
    f"THEN {TABLE}.requests + 1 ELSE 1 END, "
    f"period_start = excluded.period_start "
    f"RETURNING requests"
)
PRUNE = f"DELETE FROM {TABLE} WHERE period_start < %s"


def client_address(request) -> str:
    """The address of the client, as the outermost trusted proxy saw it."""
    proxies = settings.TRACKER_TRUSTED_PROXIES
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if forwarded:
            # Each trusted proxy appended the address it was asked from; what comes before
            # the outermost one's entry was written by the client and proves nothing.
            address = forwarded[-min(proxies, len(forwarded))]
    return address[:ADDRESS_LENGTH]


def too_many_requests(request, *, as_json: bool, retry_after: int) -> HttpResponse:
    # Before LocaleMiddleware: the visitor's language, as it would choose it.
    with translation.override(translation.get_language_from_request(request, check_path=True)):
        message = _(
            "Too many requests from your address. Please wait %(seconds)s seconds and try again."
        ) % {"seconds": retry_after}
    if as_json:
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=429)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


class ClientThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
        self.scopes = [
            ("api", re.compile(r"/api/"), "TRACKER_THROTTLE_API_PER_MINUTE"),
            (
                "exports",
                re.compile(rf"/(?:{languages})/(?!workspace/).*\.(?:csv|xlsx)$"),
                "TRACKER_THROTTLE_EXPORTS_PER_MINUTE",
            ),
        ]
        self.pruned_at = 0.0
        self.unreachable_until = 0.0

    def __call__(self, request):
        for scope, pattern, setting in self.scopes:
            if pattern.match(request.path_info):
                limit = getattr(settings, setting)
                if limit:
                    refusal = self.count(request, scope, limit)
                    if refusal is not None:
                        return refusal
                break
        return self.get_response(request)

    def count(self, request, scope, limit) -> HttpResponse | None:
        if time.monotonic() < self.unreachable_until:
            return None
        now = time.time()
        period_start = int(now // PERIOD_SECONDS * PERIOD_SECONDS)
        try:
            with connection.cursor() as cursor:
                cursor.execute(COUNT_REQUEST, [f"{scope} {client_address(request)}", period_start])
                (requests,) = cursor.fetchone()
        except DatabaseError as error:
            logger.warning("Could not count a request to %s: %s", request.path, error)
            self.unreachable_until = time.monotonic() + UNREACHABLE_PAUSE_SECONDS
            return None
        if now - self.pruned_at > PRUNE_SECONDS:
            self.prune(period_start)
        if requests <= limit:
            return None
        retry_after = max(1, math.ceil(period_start + PERIOD_SECONDS - now))
        return too_many_requests(request, as_json=scope == "api", retry_after=retry_after)

    def prune(self, period_start):
        self.pruned_at = time.time()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(PRUNE, [period_start - PERIOD_SECONDS])
        except DatabaseError as error:  # another worker pruning the same rows: no matter
            logger.warning("Could not prune request counts: %s", error)
