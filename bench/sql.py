"""SQL per request, counted in-process, and the query plans of the slowest statements."""

import re
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

EXPLAINABLE = re.compile(r"^\s*(SELECT|WITH)\b", re.I)
# Streaming exports read through a server-side cursor; the SELECT inside is what runs.
DECLARE = re.compile(r"^\s*DECLARE\s+.+?\s+CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+", re.I | re.S)


@dataclass
class PageQueries:
    status: int
    cold: int  # the first request, caches empty
    warm: int  # the same request again, as most visitors get it
    milliseconds: tuple[float, float]  # wall time of the first and last request, in-process
    statements: list[str] = field(default_factory=list)


def count_queries(path: str, user=None, repeat: int = 2) -> PageQueries:
    """Request `path` in-process `repeat` times; count each request's SQL statements."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    counts, statements, status, elapsed = [], [], 0, []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            if response.streaming:
                for _chunk in response.streaming_content:
                    pass
            elapsed.append((time.perf_counter() - started) * 1000)
        status = response.status_code
        counts.append(len(captured.captured_queries))
        statements = statements or [query["sql"] for query in captured.captured_queries]
    return PageQueries(status, counts[0], counts[-1], (elapsed[0], elapsed[-1]), statements)


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
