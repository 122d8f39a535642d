"""SQL per request, counted in-process, and the query plans of the slowest statements."""

import re
import statistics
import time
from dataclasses import dataclass, field
from functools import partial

from django.db import connection
from django.test import Client

EXPLAINABLE = re.compile(r"^\s*(SELECT|WITH)\b", re.I)
# Streaming exports read through a server-side cursor; the SELECT inside is what runs.
DECLARE = re.compile(r"^\s*DECLARE\s+.+?\s+CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+", re.I | re.S)
UNCACHED_RENDERS = 3


@dataclass
class PageQueries:
    status: int
    cold: int  # the first request, page cache and kept summaries empty (as after a change)
    warm: int  # the same request again, as most visitors get it (from the page cache)
    first_ms: float  # the first request of this address in this process, as `cold`
    uncached_ms: float  # median of renders with the page cache emptied first (summaries kept)
    cached_ms: float  # the same request answered from the page cache
    statements: list[str] = field(default_factory=list)


def empty_page_cache(*, kept=False):
    """Forget every page this process has stored (after django.setup(): imported late), and with
    `kept` the counts and page parts it keeps for the data version (commitments/kept.py), as a
    change to the data does."""
    from django.core.cache import cache

    from commitments.page_cache import pages

    pages.clear()
    if kept:
        cache.clear()


class InProcess:
    """A test client that times each request and counts its SQL (no HTTP, no load)."""

    def __init__(self, user=None):
        self.client = Client(raise_request_exception=False)
        if user is not None:
            self.client.force_login(user)

    def get(self, path: str):
        """(status, milliseconds, statements) of one GET, streamed content read to the end."""
        statements = []
        with connection.execute_wrapper(partial(record, statements)):
            started = time.perf_counter()
            response = self.client.get(path)
            if response.streaming:
                for _chunk in response.streaming_content:
                    pass
            elapsed = (time.perf_counter() - started) * 1000
        return response.status_code, elapsed, statements


def record(statements, execute, sql, params, many, context):
    """Note each statement with its values in place, as EXPLAIN needs it. Django's own record
    (CaptureQueriesContext) has no text for statements sent with their values apart, as the
    pages' prepared ones are (commitments/plans.py)."""
    if params and not many:
        statements.append(connection.ops.compose_sql(sql, params))
    else:
        statements.append(sql)
    return execute(sql, params, many, context)


def count_queries(path: str, user=None, repeat: int = 2) -> PageQueries:
    """Request `path` in-process: first, uncached again, then from the page cache.

    The page cache is on, as in production. A signed-in client holds the CSRF cookie after its
    first request, and the signed-in layer keys pages by it: the uncached renders are made with
    that cookie, so that the last request is answered from the store as a browser's would be.
    `repeat=1` makes only the first request (the CSV export, which is never stored)."""
    browser = InProcess(user)
    empty_page_cache(kept=True)
    status, first_ms, statements = browser.get(path)
    uncached_ms = cached_ms = first_ms
    warm = len(statements)
    if repeat > 1 and status == 200:
        renders = []
        for _ in range(UNCACHED_RENDERS):
            empty_page_cache()
            renders.append(browser.get(path)[1])
        uncached_ms = statistics.median(renders)
        _status, cached_ms, cached_statements = browser.get(path)
        warm = len(cached_statements)
    return PageQueries(status, len(statements), warm, first_ms, uncached_ms, cached_ms, statements)


def extra_parameter_is_ignored(path: str, parameter: str) -> bool:
    """Whether `path` plus an unknown `parameter` runs exactly the same SQL, uncached.

    The cold searches rely on it: a parameter the list view ignores gives a new cache key (the
    key is the full address) and the same page, so the request is a real, uncached search."""
    browser = InProcess()
    empty_page_cache()
    browser.get(path)  # stored now
    empty_page_cache()
    status, _ms, plain = browser.get(path)  # stored again, under `path` only
    extra_status, _ms, extra = browser.get(f"{path}&{parameter}")
    return status == extra_status == 200 and bool(plain) and plain == extra


@dataclass
class Plan:
    page: str
    sql: str
    milliseconds: float
    text: str


def explain(page: str, sql: str) -> Plan | None:
    """EXPLAIN (ANALYZE, BUFFERS) a read-only statement on PostgreSQL; None for anything else."""
    statement = DECLARE.sub("", sql)
    if connection.vendor != "postgresql" or not EXPLAINABLE.match(statement):
        return None
    with connection.cursor() as cursor:
        # No parameters: the captured SQL already holds its values (psycopg binds client-side).
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
        lines = [row[0] for row in cursor.fetchall()]
    match = re.search(r"Execution Time: ([\d.]+) ms", "\n".join(lines))
    return Plan(page, statement, float(match.group(1)) if match else 0.0, "\n".join(lines))


def ranked_plans(statements_by_page: dict[str, list[str]]):
    """Every distinct statement, slowest first by EXPLAIN ANALYZE; and each page's SQL time."""
    plans, page_ms = {}, {}
    for page, statements in statements_by_page.items():
        page_ms[page] = 0.0
        for sql in statements:
            if sql not in plans:
                plans[sql] = explain(page, sql)
            if plans[sql]:
                page_ms[page] += plans[sql].milliseconds
    ranked = sorted(filter(None, plans.values()), key=lambda plan: plan.milliseconds, reverse=True)
    return ranked, page_ms
