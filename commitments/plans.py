"""Query plans that PostgreSQL makes once per connection for the pages that look a row up by id.

Planning the commitment page's main statement, a join of six tables, takes PostgreSQL about 1 ms
and running it 0.2 ms: most of the database's part of a page that a crawler asks for once. With
the values sent apart from the statement (server-side binding, DATABASE_REUSE_PLANS), the text is
the same for every commitment, so psycopg can prepare it on a connection and PostgreSQL can settle
on one generic plan for it after five runs.

Only inside `reused_plans()`, around statements whose best plan does not depend on the values: a
row and its children by id. Elsewhere nothing is prepared. A generic plan for the organisation
page's "overdue or stale" list, whose best plan does depend on the organisation and the date,
took 8 ms instead of 3.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def reused_plans(using: str = DEFAULT_DB_ALIAS):
    """Prepare the statements run inside at their first run, and reuse the ones prepared before."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not settings.DATABASE_REUSE_PLANS:
        yield
        return
    connection.ensure_connection()
    driver = connection.connection
    before = driver.prepare_threshold
    driver.prepare_threshold = 0
    try:
        yield
    finally:
        driver.prepare_threshold = before
