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
children by id, a page's rows by their ids, an organisation's kept list, the list unfiltered or by
status (an index leads with the status), and a session and its user by key (page_cache.py).
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
TEXT_PLACEHOLDER = "\x00value of the statement\x00"  # no text a database stores holds NUL


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

    `values=n`: `make` takes a list of n values, as `pk__in` does, and `rows` is given n of them
    (`RowsByIds`). `text=True`: the value is text, as a slug. `rows(…, start=, stop=)` reads a
    slice of the rows, with LIMIT and OFFSET as parameters, so that every page of a list is the
    same statement. Prefetches on the queryset run as usual, once the rows are read.
    """

    def __init__(self, make: Callable[[object], QuerySet], *, values=None, text=False):
        self.values = values
        if text:
            self.placeholders = [TEXT_PLACEHOLDER]
        else:
            self.placeholders = [PLACEHOLDER - index for index in range(values or 1)]
        self.prototype = make(self.placeholders if values else self.placeholders[0])
        if self.prototype.query.is_sliced:
            raise ValueError("Slice the rows with rows(start=, stop=), not the queryset.")
        self.compiled = {}

    def rows(self, value, using: str = DEFAULT_DB_ALIAS, *, start=0, stop=None) -> list:
        values = list(value) if self.values else [value]
        if len(values) != len(self.placeholders):
            raise ValueError(f"{len(self.placeholders)} values expected, {len(values)} given")
        connection = connections[using]
        low, high = connection.ops.integer_field_range("BigIntegerField")
        if any(isinstance(item, int) and not low <= item <= high for item in values):
            # No id can hold it, and SQLite refuses to bind it: no rows, as Django's own lookups
            # answer.
            return []
        queryset = self.reader(using)
        compiler, sql, params, converters = self.compiled.get(using) or self.compile(using)
        slots = dict(zip(self.placeholders, values, strict=True))
        bound = [
            slots.get(param, param) if self.is_placeholder(param) else param for param in params
        ]
        if stop is not None:
            # LIMIT and OFFSET as parameters: Django writes a slice's bounds into the text.
            sql = f"{sql} LIMIT %s OFFSET %s"
            bound += [max(stop - start, 0), start]
        elif start:
            raise ValueError("A slice of the rows needs its stop.")

        def make_compiler(*args, **kwargs):
            # The compiler of the first run knows how to read the rows into models; this one
            # reads them without compiling again, on this thread's connection.
            reader = copy.copy(compiler)
            reader.connection = connection
            reader.as_sql = lambda *args, **kwargs: (sql, bound)
            # The same columns each run, so the same functions to read them (a tenth of a run).
            reader.get_converters = lambda expressions: converters
            return reader

        # Only this copy of the query, read at once below and never handed on, takes the SQL.
        queryset.query.get_compiler = make_compiler
        with reused_plans(using):
            return list(queryset)

    def reader(self, using: str) -> QuerySet:
        """A copy of the prototype to read one run's rows with. Not a clone: cloning copies the
        whole query (a tenth of a run), and a run reads the rows without changing it; only the
        copy's own `get_compiler` is set, on a copy of the query object."""
        queryset, query = shallow_copy(self.prototype), shallow_copy(self.prototype.query)
        queryset._db, queryset._query = using, query
        return queryset

    def is_placeholder(self, param) -> bool:
        return type(param) is type(self.placeholders[0]) and param in self.placeholders

    def compile(self, using: str):
        compiler = self.prototype.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        found = sorted(param for param in params if self.is_placeholder(param))
        if found != sorted(self.placeholders):
            raise ValueError(f"The value must appear once among the parameters of: {sql}")
        columns = [column for column, *_rest in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        self.compiled[using] = (compiler, sql, params, converters)
        return self.compiled[using]


def shallow_copy(instance):
    """A new instance sharing the attributes' values (copy.copy would evaluate a queryset)."""
    copied = object.__new__(type(instance))
    copied.__dict__.update(instance.__dict__)
    return copied


class RowsByIds:
    """The rows of `queryset` whose ids are given, in no particular order: a page's rows, once
    its ids are known. A `Statement` for each number of ids up to `most` (a page's length), so
    neither the SQL nor its plan is made again; more ids are read with the queryset."""

    def __init__(self, queryset: QuerySet, most: int = 100):
        self.queryset, self.most, self.statements = queryset, most, {}

    def rows(self, ids, using: str = DEFAULT_DB_ALIAS) -> list:
        ids = list(ids)
        if not ids:
            return []
        if len(ids) > self.most:
            return list(self.queryset.using(using).filter(pk__in=ids))
        statement = self.statements.get(len(ids))
        if statement is None:
            statement = Statement(lambda pks: self.queryset.filter(pk__in=pks), values=len(ids))
            statement = self.statements.setdefault(len(ids), statement)
        return statement.rows(ids, using)
