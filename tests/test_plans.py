"""Statements compiled once (commitments/plans.py) read the same rows as the querysets they
stand for, whichever value they are run with, and on whichever thread."""

import threading

import pytest
from django.db import connection

from commitments.models import Commitment, Organisation
from commitments.plans import RowsByIds, Statement, reused_plans

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


def test_a_statement_reads_a_page_of_rows_as_slicing_the_queryset_does(reply, bureau):
    for position in (4, 2, 5, 1, 3):
        Commitment.objects.create(
            reply=reply, position=position, title=f"承诺{position}", promised_text="……",
            lead_organisation=bureau,
        )  # fmt: skip

    def make(pk):
        return Commitment.objects.filter(lead_organisation=pk).order_by("-position")

    statement = Statement(make)
    for start, stop in ((0, 2), (2, 4), (4, 6), (6, 8), (0, 5), (3, 3)):
        expected = list(make(bureau.pk)[start:stop])
        assert statement.rows(bureau.pk, start=start, stop=stop) == expected
    assert statement.rows(bureau.pk) == list(make(bureau.pk))
    with pytest.raises(ValueError, match="stop"):
        statement.rows(bureau.pk, start=2)


def test_rows_by_ids_are_the_rows_of_those_ids_however_many(reply, bureau, other_bureau):
    commitments = [
        Commitment.objects.create(
            reply=reply, position=position, title=f"承诺{position}", promised_text="……",
            lead_organisation=bureau if position % 2 else other_bureau,
        )
        for position in range(1, 8)
    ]  # fmt: skip
    by_ids = RowsByIds(Commitment.objects.select_related("lead_organisation"), most=5)
    ids = [commitment.pk for commitment in commitments]
    for chosen in ([ids[3]], ids[:2], ids[2:5][::-1], ids[:5], ids, [ids[1], 987654], []):
        rows = by_ids.rows(chosen)
        assert sorted(row.pk for row in rows) == sorted(set(chosen) & set(ids))
        assert {row.pk: row.lead_organisation.name for row in rows} == {
            c.pk: c.lead_organisation.name for c in commitments if c.pk in chosen
        }
    # Each count of ids its own statement, up to `most`; beyond it the queryset reads them.
    assert sorted(by_ids.statements) == [1, 2, 3, 5]


def test_a_text_statement_finds_a_slug_and_nothing_for_an_unknown_one(bureau, other_bureau):
    statement = Statement(lambda slug: Organisation.objects.filter(slug=slug), text=True)
    assert statement.rows(bureau.slug) == [bureau]
    assert statement.rows(other_bureau.slug) == [other_bureau]
    assert statement.rows("no-such-bureau") == []
    assert statement.rows("'; DROP TABLE commitments_organisation; --") == []
    assert Organisation.objects.filter(pk=bureau.pk).exists()


def test_the_list_refuses_an_unknown_organisation_and_lists_a_known_one(client, commitment):
    listed = client.get(
        "/zh-hans/commitments/", {"organisation": commitment.lead_organisation.slug}
    )
    assert commitment.title in listed.content.decode()
    unknown = client.get("/zh-hans/commitments/", {"organisation": "no-such-bureau"})
    assert commitment.title not in unknown.content.decode()
    assert "no-such-bureau" in unknown.content.decode()  # named in the form's error


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
