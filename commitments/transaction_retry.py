"""A write the database aborted to settle a conflict is tried once more, then answered with 503.

PostgreSQL breaks a deadlock by aborting one of the transactions in it (`deadlock detected`), and
aborts a serializable transaction that would see an impossible order (`could not serialize
access`); SQLite gives up on a write lock after its timeout (`database is locked`). The aborted
transaction has rolled back whole, so running the view again is safe and usually succeeds. If
it fails again the visitor gets a page that says so and asks to try again, with Retry-After —
never a 500 for what is no fault of theirs or ours.

The retry runs in `process_exception`, so it sees exceptions from the view only (after CSRF and
the other checks passed), and each run of the view is its own set of transactions.
"""

import logging

from django.db import DatabaseError, OperationalError, connections
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# serialization_failure, deadlock_detected
ABORTED_SQLSTATES = {"40001", "40P01"}
RETRY_AFTER_SECONDS = 2


def aborted_for_a_conflict(error: BaseException) -> bool:
    """Whether the database gave up on a transaction because of another one, not a mistake."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "sqlstate", None) in ABORTED_SQLSTATES:
        return True
    return "database is locked" in str(error)


def try_again_response() -> HttpResponse:
    response = HttpResponse(
        format_html(
            '<!doctype html><html lang="{}"><meta charset="utf-8"><title>{}</title>'
            "<h1>{}</h1><p>{}</p></html>",
            get_language(),
            _("Please try again"),
            _("Please try again"),
            _(
                "Others were saving changes at the same moment and yours could not be finished. "
                "Nothing of it was saved: please send it again in a moment."
            ),
        ),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class RetryAbortedTransactionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not aborted_for_a_conflict(exception):
            return None
        # A view called inside a transaction still open cannot be run again on its own.
        if any(connection.in_atomic_block for connection in connections.all(initialized_only=True)):
            return None
        match = request.resolver_match
        logger.warning("Running %s again after: %s", request.path, exception)
        try:
            return match.func(request, *match.args, **match.kwargs)
        except DatabaseError as error:
            if not aborted_for_a_conflict(error):
                raise
            logger.warning("Gave up on %s after: %s", request.path, error)
            return try_again_response()
