"""An organisation's commitments in the list's default order, read from an index of their own.

The list by organisation shows the commitments an organisation leads *or* co-handles, newest
update first. No index of the commitments can answer that "or" in order: PostgreSQL walked the
list's order and read each row to test it, about 1,000 rows (3 ms, and as much again planning)
for a large bureau's first page. So on PostgreSQL the database keeps `ListedCommitment`: a row per
organisation and commitment it leads or co-handles, with the order's keys (last publication,
reply, position), and an index in that order per organisation (migration 0015). A page of the
list is then 20 entries of that index, and the rows for those ids.

Statement triggers on the commitments and on their co-handling rows keep it in the same
transaction as the change, whatever makes it (the workspace, the admin, imports,
`QuerySet.update()`, COPY): a commitment's rows are made again whenever its lead or one of the
keys changes. SQLite, the embedded demo database, has no such triggers: there the list filters
the commitments as before.
"""

from .filters import DEFAULT_SORT, SORT_ORDERINGS
from .models import ListedCommitment
from .plans import Statement
from .tallies import CO_HANDLING, statement_triggers

LISTED = ListedCommitment._meta.db_table
COLUMNS = "organisation_id, commitment_id, last_published_at, reply_id, position"


# Compiled once (plans.py): the same statement for every organisation and page.
LISTED_IDS = Statement(
    lambda organisation: (
        ListedCommitment.objects.filter(organisation=organisation)
        .order_by(*SORT_ORDERINGS[DEFAULT_SORT])
        .values_list("commitment_id", flat=True)
    )
)


def page_ids(organisation, start: int, stop: int) -> list[int]:
    """The ids of the commitments `organisation` leads or co-handles, [start:stop] in the list's
    default order (filters.SORT_ORDERINGS), on PostgreSQL."""
    return LISTED_IDS.rows(organisation.pk, start=start, stop=stop)


def _rows(commitments: str) -> str:
    """SQL for the rows of the commitments in `commitments` (a table of commitments)."""
    return f"""
        SELECT c.lead_organisation_id, c.id, c.last_published_at, c.reply_id, c.position
        FROM {commitments} c
        UNION ALL
        SELECT co.organisation_id, c.id, c.last_published_at, c.reply_id, c.position
        FROM {commitments} c JOIN {CO_HANDLING} co ON co.commitment_id = c.id
        WHERE co.organisation_id <> c.lead_organisation_id"""


# A commitment's rows change when its lead or a key does; every other update leaves them.
MOVED = """
    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (n.lead_organisation_id, n.last_published_at, n.reply_id, n.position)
        IS DISTINCT FROM (o.lead_organisation_id, o.last_published_at, o.reply_id, o.position)"""

COMMITMENTS = f"""
CREATE OR REPLACE FUNCTION commitments_list_commitments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {LISTED} ({COLUMNS}) {_rows("new_rows")};
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM {LISTED} WHERE commitment_id IN (SELECT id FROM old_rows);
    ELSE
        DELETE FROM {LISTED} WHERE commitment_id IN ({MOVED});
        INSERT INTO {LISTED} ({COLUMNS}) {_rows(f"(SELECT * FROM new_rows WHERE id IN ({MOVED}))")};
    END IF;
    RETURN NULL;
END $$"""

CO_HANDLERS = f"""
CREATE OR REPLACE FUNCTION commitments_list_co_handling() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM {LISTED} l USING old_rows t
        WHERE l.commitment_id = t.commitment_id AND l.organisation_id = t.organisation_id
          AND NOT EXISTS (
              SELECT FROM commitments_commitment c
              WHERE c.id = t.commitment_id AND c.lead_organisation_id = t.organisation_id
          );
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO {LISTED} ({COLUMNS})
        SELECT t.organisation_id, c.id, c.last_published_at, c.reply_id, c.position
        FROM new_rows t JOIN commitments_commitment c ON c.id = t.commitment_id
        WHERE t.organisation_id <> c.lead_organisation_id;
    END IF;
    RETURN NULL;
END $$"""


def trigger_sql() -> tuple[list[str], list[str]]:
    """The statements that create the triggers and fill the table, and those that remove the
    triggers (migration 0015)."""
    create = [
        COMMITMENTS,
        *statement_triggers("commitments_commitment", "commitments_list_commitments"),
        CO_HANDLERS,
        *statement_triggers(CO_HANDLING, "commitments_list_co_handling"),
    ]
    fill = f"INSERT INTO {LISTED} ({COLUMNS}) {_rows('commitments_commitment')}"
    drop = [
        "DROP FUNCTION IF EXISTS commitments_list_commitments() CASCADE",
        "DROP FUNCTION IF EXISTS commitments_list_co_handling() CASCADE",
    ]
    return [*create, fill], drop
