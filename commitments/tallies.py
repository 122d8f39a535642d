"""Counts of commitments that do not grow with the data: the overview, scorecards, list totals.

Counting every commitment on every request costs time in proportion to their number (about 70 ms
at 100,000 on PostgreSQL, and three times that at 300,000). So on PostgreSQL the database keeps
the counts itself: `CommitmentCount` holds how many commitments each organisation leads or
co-handles, per session and status, maintained by statement triggers on the commitments and on
their co-handling rows (migration 0013), in the same transaction as the change and whatever
makes it (the workspace, the admin, imports, `QuerySet.update()`, COPY). A read sums a few
thousand rows however many commitments there are.

The triggers only ever insert: each change adds rows of +n and −n, summed when read. No count
row is updated in place, so two writes never wait for each other on a count, nor deadlock
through one (data_version.py tells why that matters). `compact()` folds the rows back into one
per group from time to time; a read asks for it when the rows have piled up.

Overdue and stale depend on the clock as well as the rows, so they are counted live, but only
over the open commitments past their date or cutoff, from covering partial indexes
(index-only scans; migration 0013).

SQLite, the embedded demo database, has no statement triggers with transition tables: there the
same figures are counted from the commitments, as before.

Each worker keeps the figures made from them for the current public data version (kept.py): the
overview and the organisation pages cost no count at all between two changes, nor does the list's
"N found".
"""

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from .kept import kept
from .models import COMPLETED_STATUSES, Commitment, CommitmentCount, Status

CO_HANDLING = "commitments_commitment_co_organisations"
# Fold the rows once there are this many more than groups: a read stays a few milliseconds.
COMPACT_MARGIN = 2000


def kept_by_database() -> bool:
    return connection.vendor == "postgresql"


def live_counts(commitments) -> tuple[list[dict], dict]:
    """The figures counted from the commitments themselves (SQLite, and the tests' reference)."""
    found = (
        commitments.with_flags()
        .order_by()
        .values("lead_organisation", "session", "status")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(flag_overdue=True)),
            stale=Count("pk", filter=Q(flag_stale=True)),
        )
    )
    groups, per_status = {}, {}
    for row in found:
        status = row.pop("status")
        per_status[status] = per_status.get(status, 0) + row["total"]
        group = groups.setdefault(
            (row["lead_organisation"], row["session"]),
            {"lead_organisation": row["lead_organisation"], "session": row["session"]}
            | dict.fromkeys(("total", "completed", "overdue", "stale"), 0),
        )
        for name in ("total", "overdue", "stale"):
            group[name] += row[name]
        if status in COMPLETED_STATUSES:
            group["completed"] += row["total"]
    return list(groups.values()), per_status


def tally(organisation=None) -> tuple[list[dict], dict]:
    """Counts of every commitment, or of those `organisation` leads or co-handles.

    Returns rows per lead organisation and session (`lead_organisation`, `session`, `total`,
    `completed`, `overdue`, `stale`) and the number per status. On PostgreSQL in one statement:
    the kept counts grouped both ways, and the live overdue and stale counts."""
    commitments = Commitment.objects.public()
    if organisation is not None:
        commitments = commitments.for_organisation(organisation)
    if not kept_by_database():
        return live_counts(commitments)
    # An organisation's scorecard counts what it leads or co-handles, in one row per session.
    key = ("lead_organisation", "session") if organisation is None else ("session",)
    statement, params = _tally_sql(organisation, commitments, key)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        found = cursor.fetchall()
    groups, per_status, flags, pieces = {}, {}, {"overdue": {}, "stale": {}}, 0
    for kind, group, session, status, total, completed, rows in found:
        if kind == "group":
            pieces += rows
            if total:  # a group whose commitments all moved elsewhere sums to nothing
                groups[(group, session)] = {"total": total, "completed": completed}
        elif kind == "status":
            per_status[status] = total
        else:
            flags[kind][(group, session)] = total
    if pieces > len(groups) * len(Status) + COMPACT_MARGIN:
        compact()
    return [
        {
            "lead_organisation": group,
            "session": session,
            **figures,
            "overdue": flags["overdue"].get((group, session), 0),
            "stale": flags["stale"].get((group, session), 0),
        }
        for (group, session), figures in groups.items()
    ], per_status


def _tally_sql(organisation, commitments, key) -> tuple[str, list]:
    table = CommitmentCount._meta.db_table
    where, params = ("organisation_id = %s", [organisation.pk]) if organisation else ("leads", [])
    parts = [
        f"""SELECT CASE WHEN GROUPING(status) = 1 THEN 'group' ELSE 'status' END,
               organisation_id, session_id, status, SUM(n),
               COALESCE(SUM(n) FILTER (WHERE status = ANY(%s)), 0), COUNT(*)
            FROM {table} WHERE {where}
            GROUP BY GROUPING SETS ((organisation_id, session_id), (status))"""
    ]
    params = [[str(status) for status in COMPLETED_STATUSES], *params]
    for kind, flagged in (("overdue", commitments.overdue()), ("stale", commitments.stale())):
        counted = flagged.order_by().values_list(*key).annotate(n=Count("*"))
        sql, flag_params = counted.query.sql_with_params()
        if organisation is None:
            parts.append(f"SELECT %s, o, s, NULL, n, 0, 0 FROM ({sql}) AS flagged (o, s, n)")
            params += [kind, *flag_params]
        else:
            parts.append(f"SELECT %s, %s, s, NULL, n, 0, 0 FROM ({sql}) AS flagged (s, n)")
            params += [kind, organisation.pk, *flag_params]
    return " UNION ALL ".join(parts), params


def count_of(*, status=None, organisation=None, lead_organisation=None, session=None, year=None):
    """How many commitments have this status, session (or year) and organisation (leading or
    co-handling it; or `lead_organisation`, leading it), from the kept counts; None where there
    are none."""
    if not kept_by_database():
        return None
    chosen = (status, organisation, lead_organisation, session, year)
    key = "count:" + ":".join(str(getattr(value, "pk", value)) for value in chosen)
    return kept(key, lambda: _sum_counts(status, organisation, lead_organisation, session, year))


def _sum_counts(status, organisation, lead_organisation, session, year=None):
    counts = CommitmentCount.objects.all()
    without_session = 0
    if year is not None:
        # A year is its sessions' (the counts are kept per session), and the reply's year for
        # the few commitments whose proposal has no session: those are counted.
        counts = counts.filter(session__year=year)
        unsessioned = Commitment.objects.filter(session__isnull=True).of_year(year)
        if organisation is not None:
            unsessioned = unsessioned.for_organisation(organisation)
        elif lead_organisation is not None:
            unsessioned = unsessioned.filter(lead_organisation=lead_organisation)
        if status:
            unsessioned = unsessioned.filter(status=status)
        without_session = unsessioned.count()
    if organisation is not None:
        counts = counts.filter(organisation=organisation)
    else:
        counts = counts.filter(leads=True)
        if lead_organisation is not None:
            counts = counts.filter(organisation=lead_organisation)
    if status:
        counts = counts.filter(status=status)
    if session is not None:
        counts = counts.filter(session=session)
    return counts.aggregate(n=Sum("n", default=0))["n"] + without_session


def list_count(filterset) -> int | None:
    """How many commitments the public list shows for these filters, when the counts say;
    None when a filter (text, overdue, stale) needs the commitments themselves."""
    if not kept_by_database() or not filterset.is_valid():
        return None
    chosen = filterset.form.cleaned_data
    if any(chosen.get(name) for name in ("q", "overdue", "stale")):
        return None
    return count_of(
        status=chosen.get("status"),
        organisation=chosen.get("organisation"),
        session=chosen.get("session"),
        year=int(chosen["year"]) if chosen.get("year") else None,
    )


COMPACT = f"""
WITH folded AS (
    DELETE FROM {CommitmentCount._meta.db_table}
    RETURNING organisation_id, session_id, status, leads, n
)
INSERT INTO {CommitmentCount._meta.db_table} (organisation_id, session_id, status, leads, n)
SELECT organisation_id, session_id, status, leads, SUM(n) FROM folded
GROUP BY organisation_id, session_id, status, leads HAVING SUM(n) <> 0
"""


def compact() -> bool:
    """Fold the count rows into one per group, in one statement: a concurrent read sees the rows
    before or after, which sum alike, and rows that writes add meanwhile are kept as they are.

    Only outside a transaction (a request's read), and one process at a time."""
    if not kept_by_database() or connection.in_atomic_block:
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('commitments_commitmentcount'))")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(COMPACT)
    return True


def _changes(rows: str, sign: int) -> str:
    """SQL for the count changes of transition table `rows` (commitments) with sign ±1."""
    return f"""
        SELECT c.lead_organisation_id AS organisation_id, c.session_id, c.status,
               TRUE AS leads, {sign} AS n
        FROM {rows} c
        UNION ALL
        SELECT co.organisation_id, c.session_id, c.status, FALSE, {sign}
        FROM {rows} c JOIN {CO_HANDLING} co ON co.commitment_id = c.id
        WHERE co.organisation_id <> c.lead_organisation_id"""


def _co_changes(rows: str, sign: int) -> str:
    """SQL for the count changes of transition table `rows` (co-handling rows) with sign ±1."""
    return f"""
        SELECT t.organisation_id, c.session_id, c.status, FALSE AS leads, {sign} AS n
        FROM {rows} t JOIN commitments_commitment c ON c.id = t.commitment_id
        WHERE t.organisation_id <> c.lead_organisation_id"""


def _insert(changes: str) -> str:
    return f"""
        INSERT INTO {CommitmentCount._meta.db_table} (organisation_id, session_id, status, leads, n)
        SELECT organisation_id, session_id, status, leads, SUM(n) FROM ({changes}) AS change
        GROUP BY organisation_id, session_id, status, leads HAVING SUM(n) <> 0;"""


def trigger_sql() -> tuple[list[str], list[str]]:
    """The statements that create the triggers, and those that remove them (migration 0013)."""
    create, drop = [], []
    for table, name, changes in (
        ("commitments_commitment", "commitments_count_commitments", _changes),
        (CO_HANDLING, "commitments_count_co_handling", _co_changes),
    ):
        create.append(f"""
            CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN {_insert(changes("new_rows", 1))}
                ELSIF TG_OP = 'DELETE' THEN {_insert(changes("old_rows", -1))}
                ELSE {_insert(changes("new_rows", 1) + " UNION ALL " + changes("old_rows", -1))}
                END IF;
                RETURN NULL;
            END $$""")
        create += statement_triggers(table, name)
        drop.append(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
    fill = _insert(_changes("commitments_commitment", 1))
    return [*create, fill], drop


def statement_triggers(table: str, function: str) -> list[str]:
    """Triggers that run `function` after each statement that inserts, updates or deletes rows of
    `table`, with its rows before (old_rows) and after (new_rows) as transition tables. Such a
    trigger fires for one kind of statement only, hence three."""
    return [
        f"CREATE TRIGGER {function}_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        for event, referencing in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ]
