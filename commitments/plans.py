"""Statements that the pages looking rows up by id make once: SQL once per process, plans once
per connection.

SQL: Django compiles a queryset to SQL on every run. For the commitment page's main statement, a
join of six tables with two EXISTS, that took 1.5 ms, longer than running it. A `Statement` is a
queryset that differs between runs only by one value (an id): it is compiled once per process and
database, and each run sends the same SQL with that value in its place.

Plans: planning the same join takes PostgreSQL about 1 ms and running it 0.2 ms. With the values
sent apart from the statement (server-side binding, inside `reused_plans()` only), the text is
the same for every commitment, so psycopg can prepare it on a connection and PostgreSQL keeps one
generic plan for it (`plan_cache_mode`, set in the settings: left to choose, PostgreSQL kept
planning the status list afresh, as its generic plan's estimate was a little higher). That
setting holds for every statement sent with its values apart, prepared or not, which is why no
other statement is: a generic plan for the stale commitments' count read every commitment (45 ms
instead of 2). Only inside
`reused_plans()`, around statements whose best plan does not depend on the values: a row and its
children by id, and the list unfiltered or by status (an index leads with the status).
Elsewhere nothing is prepared. A generic plan for the organisation page's "overdue or stale" list,
whose best plan does depend on the organisation and the date, took 8 ms instead of 3.
"""

import copy
from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Stands for the value while the statement is compiled: a number no id or count reaches, so that
# its place among the statement's parameters is unmistakable.
PLACEHOLDER = -7_318_245_906_113


@contextmanager
def reused_plans(using: str = DEFAULT_DB_ALIAS):
    """Prepare the statements run inside at their first run, and reuse the ones prepared before.

    Inside, and only inside, values are sent apart from the statements (server-side binding), so
    that the text is the same whatever the values; PostgreSQL keeps one generic plan for each
    (`plan_cache_mode`, in the settings). Every other statement carries its values in its text
    and is planned for them."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not settings.DATABASE_REUSE_PLANS:
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    driver = connection.connection
    before = driver.prepare_threshold, driver.cursor_factory
    driver.prepare_threshold, driver.cursor_factory = 0, ServerBindingCursor
    try:
        yield
    finally:
        driver.prepare_threshold, driver.cursor_factory = before


class Statement:
    """The rows of `make(value)`, a queryset that depends on nothing but `value`: not on the
    date, the language or the visitor. Compiled once per process and database with a placeholder
    for the value, then run for each value with its plan kept (`reused_plans`).

        page = Statement(lambda pk: Commitment.objects.public().filter(pk=pk))
        page.rows(5000)  # [<Commitment 5000>] or []

    Prefetches on the queryset run as usual, once the rows are read.
    """

    def __init__(self, make: Callable[[object], QuerySet]):
        self.prototype = make(PLACEHOLDER)
        self.compiled = {}

    def rows(self, value, using: str = DEFAULT_DB_ALIAS) -> list:
        low, high = connections[using].ops.integer_field_range("BigIntegerField")
        if isinstance(value, int) and not low <= value <= high:
            # No id can hold it, and SQLite refuses to bind it: no rows, as Django's own lookups
            # answer.
            return []
        queryset = self.prototype.using(using)
        compiler, sql, params = self.compiled.get(using) or self.compile(using)
        bound = [value if param == PLACEHOLDER else param for param in params]

        def make_compiler(*args, **kwargs):
            # The compiler of the first run knows how to read the rows into models; this one
            # reads them without compiling again, on this thread's connection.
            reader = copy.copy(compiler)
            reader.connection = connections[using]
            reader.as_sql = lambda *args, **kwargs: (sql, bound)
            return reader

        # Only this copy of the query, read at once below and never handed on, takes the SQL.
        queryset.query.get_compiler = make_compiler
        with reused_plans(using):
            return list(queryset)

    def compile(self, using: str):
        compiler = self.prototype.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if [param == PLACEHOLDER for param in params].count(True) != 1:
            raise ValueError(f"The value must appear once among the parameters of: {sql}")
        self.compiled[using] = (compiler, sql, params)
        return self.compiled[using]
