"""When the database cannot be reached: 503 with Retry-After and a short page, never a 500.

A database restart, a failover or a network cut breaks whatever request needs the database at
that moment, wherever it needs it: a view, a template, the session a middleware loads. All of
them end in Django's handler for uncaught exceptions, so that is where they are told apart:
`server_error` (settings' handler500) answers a lost or refused connection with 503, Retry-After
and templates/503.html, a page in both languages rendered from nothing but the template — no
request context, so no session, no user, no query — and leaves every other error to Django's
500 page. The page cache (page_cache.py) serves what it stored before such a request gets here.

Nothing needs restarting afterwards: Django drops a connection that failed at the end of the
request, the next request opens a new one, and the version watcher (version_watcher.py) listens
again a few seconds later.

With DJANGO_DEBUG=1 Django shows its debug page instead, as for any error.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

RETRY_AFTER_SECONDS = 5
# PostgreSQL's SQLSTATEs for a server that is going away or not yet there: admin_shutdown,
# crash_shutdown, cannot_connect_now, too_many_connections; class 08 is connection exceptions.
UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "53300"}
# SQLite's primary result codes for a file that is busy, locked, unreadable or cannot be opened.
UNAVAILABLE_SQLITE_CODES = {5, 6, 10, 14}
API_MESSAGE = (
    "数据库暂时无法访问，请稍后再试。 The database cannot be reached at the moment: "
    "please try again shortly."
)


def database_unavailable(error: BaseException | None) -> bool:
    """Whether an error says the database cannot be reached, rather than that a query was wrong."""
    if isinstance(error, InterfaceError):  # the connection was already closed
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    sqlite_code = getattr(cause, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in UNAVAILABLE_SQLITE_CODES
    sqlstate = getattr(cause, "sqlstate", None)
    # No SQLSTATE: the client library's own error — refused, reset, timed out, closed.
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in UNAVAILABLE_SQLSTATES


def unavailable_response(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": API_MESSAGE}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request, *args, **kwargs):
    """handler500: 503 when the database is out of reach, Django's 500 page otherwise."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return defaults.server_error(request, *args, **kwargs)
