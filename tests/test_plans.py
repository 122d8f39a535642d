"""Statements compiled once (commitments/plans.py) read the same rows as the querysets they
stand for, whichever value they are run with, and on whichever thread."""

import threading

import pytest
from django.db import connection

from commitments.models import Commitment, Organisation
from commitments.plans import Statement, reused_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_statement_reads_each_value_s_rows_as_its_queryset_does(reply, bureau, other_bureau):
    for position in (3, 1, 2):
        commitment = Commitment.objects.create(
            reply=reply,
            position=position,
            title=f"承诺{position}",
            promised_text="年内完成。",
            lead_organisation=bureau,
        )
        commitment.co_organisations.add(other_bureau)
    other = Commitment.objects.create(
        reply=reply, position=9, title="另一项", promised_text="……", lead_organisation=other_bureau
    )

    def make(pk):
        return (
            Commitment.objects.filter(lead_organisation=pk)
            .select_related("reply__proposal")
            .prefetch_related("co_organisations")
            .order_by("position")
        )

    statement = Statement(make)
    for organisation in (bureau, other_bureau, bureau, Organisation(pk=987654)):
        rows = statement.rows(organisation.pk)
        expected = list(make(organisation.pk))
        assert [(row.pk, row.title) for row in rows] == [(c.pk, c.title) for c in expected]
        assert [row.reply.proposal.title for row in rows] == [
            c.reply.proposal.title for c in expected
        ]
        assert [list(row.co_organisations.all()) for row in rows] == [
            list(c.co_organisations.all()) for c in expected
        ]
    assert [row.title for row in statement.rows(other_bureau.pk)] == [other.title]


def test_a_statement_reads_on_the_thread_that_runs_it(commitment):
    statement = Statement(lambda pk: Commitment.objects.filter(pk=pk))
    assert statement.rows(commitment.pk) == [commitment]  # compiled on this thread
    found, failed = [], []

    def read():
        try:
            found.extend(statement.rows(commitment.pk))
        except Exception as error:  # noqa: BLE001 - reported below
            failed.append(error)

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert failed == []
    assert found == [commitment]


def test_a_statement_refuses_a_queryset_that_does_not_use_its_value_once(commitment):
    twice = Statement(lambda pk: Commitment.objects.filter(pk=pk, parent=pk))
    with pytest.raises(ValueError, match="once"):
        twice.rows(commitment.pk)
    unused = Statement(lambda pk: Commitment.objects.filter(title="新建停车位"))
    with pytest.raises(ValueError, match="once"):
        unused.rows(commitment.pk)


def test_a_statement_finds_nothing_for_an_id_no_column_can_hold(commitment):
    statement = Statement(lambda pk: Commitment.objects.filter(pk=pk))

    for value in (2**63, 10**20, -(2**63) - 1):
        assert statement.rows(value) == list(Commitment.objects.filter(pk=value)) == []
    assert statement.rows(commitment.pk) == [commitment]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
@pytest.mark.parametrize(
    ("query", "statement"),
    [
        ("status=not_assessed", "%status%ORDER BY%"),
        ("organisation={slug}", "%listedcommitment%ORDER BY%"),
        ("organisation={slug}&sort=updated&page=1", "%listedcommitment%ORDER BY%"),
    ],
)
def test_the_list_by_status_or_organisation_is_planned_once_not_on_every_request(
    client, commitment, query, statement
):
    address = "/zh-hans/commitments/?" + query.format(slug=commitment.lead_organisation.slug)
    for _ in range(8):
        response = client.get(address)
        assert commitment.title in response.content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [statement],
        )
        plans = cursor.fetchall()
    assert plans, "the list's statement was not prepared"
    assert all(custom == 0 and generic >= 7 for generic, custom in plans)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side binding: PostgreSQL")
def test_only_statements_with_kept_plans_send_their_values_apart(db):
    """PostgreSQL keeps a generic plan for whatever is sent with its values apart
    (plan_cache_mode): a statement outside reused_plans() must carry its values, to be planned
    for them (the stale commitments' count read every commitment with a generic plan)."""
    import psycopg

    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.ClientCursor)
    with reused_plans(), connection.cursor() as cursor:
        assert not isinstance(cursor.cursor, psycopg.ClientCursor)
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.ClientCursor)
