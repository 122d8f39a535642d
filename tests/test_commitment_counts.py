"""The counts the database keeps (tallies.py) are always what counting the commitments gives,
and the organisation lists it keeps (organisation_lists.py) what filtering them gives.

On PostgreSQL, triggers keep CommitmentCount in the writing transaction; the overview, the
scorecards and the list's "N found" read it. Every test here makes changes by a different path —
saves, QuerySet.update(), the co-handling rows, deletes, a publication, a proposal moved to
another session — and compares every figure with a count over the commitments themselves.
"""

import datetime

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments import organisation_lists, tallies
from commitments.filters import DEFAULT_SORT, SORT_ORDERINGS
from commitments.models import (
    Commitment,
    CommitmentCount,
    Organisation,
    ProgressUpdate,
    Proposal,
    Reply,
    Session,
    Status,
)
from tests.workspace_support import publish

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the database keeps the counts on PostgreSQL; SQLite counts the commitments",
)

TODAY = datetime.date.today()
NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


def figures(organisation=None):
    """The counts as the pages read them, in an order that compares."""
    rows, per_status = tallies.tally(organisation)
    return sorted(tuple(sorted(row.items())) for row in rows), {
        status: n for status, n in per_status.items() if n
    }


def counted(organisation=None):
    """The same counts from the commitments themselves."""
    commitments = Commitment.objects.all()
    if organisation is not None:
        commitments = commitments.for_organisation(organisation)
    rows, per_status = tallies.live_counts(commitments)
    if organisation is not None:
        # Kept counts group an organisation's commitments by session alone.
        merged = {}
        for row in rows:
            total = merged.setdefault(
                row["session"], dict.fromkeys(("total", "completed", "overdue", "stale"), 0)
            )
            for name in total:
                total[name] += row[name]
        rows = [
            {"lead_organisation": organisation.pk, "session": session, **totals}
            for session, totals in merged.items()
        ]
    return sorted(tuple(sorted(row.items())) for row in rows), per_status


def assert_counts_agree():
    assert figures() == counted()
    for organisation in Organisation.objects.all():
        assert figures(organisation) == counted(organisation), organisation.slug
    assert_lists_agree()


def listed(organisation):
    """An organisation's list in the default order, by filtering the commitments."""
    found = Commitment.objects.for_organisation(organisation)
    return list(found.order_by(*SORT_ORDERINGS[DEFAULT_SORT]).values_list("pk", flat=True))


def assert_lists_agree():
    for organisation in Organisation.objects.all():
        kept = organisation_lists.page_ids(organisation, 0, 10_000)
        assert kept == listed(organisation), organisation.slug


@pytest.fixture
def world(db):
    bureaus = [
        Organisation.objects.create(name=f"计数测试局{i}", slug=f"count-bureau-{i}")
        for i in range(3)
    ]
    sessions = [
        Session.objects.create(body="cppcc", name=f"计数测试会议{i}", year=2024 + i)
        for i in range(2)
    ]
    replies = []
    for index in range(4):
        proposal = Proposal.objects.create(
            session=sessions[index % 2], number=str(index + 1), title=f"提案{index}"
        )
        replies.append(
            Reply.objects.create(
                proposal=proposal,
                organisation=bureaus[index % 3],
                reply_date=datetime.date(2024, 6, 1),
            )
        )
    return bureaus, sessions, replies


def add_commitment(reply, lead, position, **fields):
    return Commitment.objects.create(
        reply=reply,
        position=position,
        title=f"承诺{position}",
        promised_text="年内完成。",
        lead_organisation=lead,
        **fields,
    )


def three_commitments(world):
    """Two commitments led by the first bureau, one by the second, in three replies."""
    bureaus, _sessions, replies = world
    for position, (reply, lead) in enumerate(
        [(replies[0], bureaus[0]), (replies[1], bureaus[1]), (replies[2], bureaus[0])], 1
    ):
        add_commitment(reply, lead, position)
    return world


def test_new_commitments_are_counted_per_organisation_session_and_status(world):
    bureaus, _sessions, replies = world
    add_commitment(replies[0], bureaus[0], 1)
    add_commitment(replies[0], bureaus[1], 2, original_target_date=TODAY - datetime.timedelta(3))
    add_commitment(replies[1], bureaus[0], 1)

    assert_counts_agree()
    assert figures()[1] == {Status.NOT_ASSESSED: 3}


def test_status_lead_and_session_changes_by_every_path_keep_the_counts(world):
    bureaus, sessions, replies = world
    first = add_commitment(replies[0], bureaus[0], 1)
    second = add_commitment(replies[1], bureaus[1], 1, original_target_date=TODAY)
    # QuerySet.update() sends no signal: only the database sees it.
    Commitment.objects.filter(pk=first.pk).update(status=Status.COMPLETED)
    Commitment.objects.filter(pk=second.pk).update(
        lead_organisation=bureaus[2], current_target_date=TODAY - datetime.timedelta(1)
    )
    assert_counts_agree()

    proposal = replies[0].proposal
    proposal.session = sessions[1]
    proposal.save()
    assert Commitment.objects.get(pk=first.pk).session == sessions[1]
    assert_counts_agree()


def test_co_handling_counts_for_the_co_handler_once_and_follows_the_lead(world):
    bureaus, _sessions, replies = world
    commitment = add_commitment(replies[0], bureaus[0], 1)
    commitment.co_organisations.add(bureaus[1], bureaus[0])
    assert tallies.tally(bureaus[1])[0][0]["total"] == 1
    assert tallies.tally(bureaus[0])[0][0]["total"] == 1  # leads and co-handles: once
    assert_counts_agree()

    Commitment.objects.filter(pk=commitment.pk).update(lead_organisation=bureaus[1])
    assert_counts_agree()
    commitment.co_organisations.remove(bureaus[1])
    commitment.co_organisations.clear()
    assert_counts_agree()


def test_moves_within_and_between_letters_keep_the_organisation_lists(world):
    bureaus, _sessions, replies = world
    first = add_commitment(replies[0], bureaus[0], 1)
    second = add_commitment(replies[0], bureaus[0], 2)
    second.co_organisations.add(bureaus[1])
    assert organisation_lists.page_ids(bureaus[0], 0, 10) == [first.pk, second.pk]

    Commitment.objects.filter(pk=first.pk).update(position=3)
    assert organisation_lists.page_ids(bureaus[0], 0, 10) == [second.pk, first.pk]
    Commitment.objects.filter(pk=second.pk).update(reply=replies[3], position=1)
    Commitment.objects.filter(pk=first.pk).update(reply=replies[1])
    assert organisation_lists.page_ids(bureaus[1], 0, 10) == [second.pk]
    assert_counts_agree()


def test_deleted_commitments_leave_the_counts(world):
    bureaus, _sessions, replies = world
    kept = add_commitment(replies[0], bureaus[0], 1)
    gone = add_commitment(replies[0], bureaus[1], 2)
    gone.co_organisations.add(bureaus[2])
    gone.delete()

    assert_counts_agree()
    assert figures()[0][0] == counted()[0][0]
    assert sum(row["total"] for row in tallies.tally()[0]) == 1
    assert Commitment.objects.get() == kept


def test_a_published_update_moves_the_commitment_between_statuses(world, office_org):
    bureaus, _sessions, replies = world
    commitment = add_commitment(replies[0], bureaus[0], 1)
    update = ProgressUpdate.objects.create(
        commitment=commitment,
        organisation=bureaus[0],
        as_of=TODAY,
        status=Status.ON_TRACK,
        progress=40,
        text="已完成选址。",
    )
    publish(update)

    assert figures()[1] == {Status.ON_TRACK: 1}
    assert_counts_agree()


def test_the_list_says_how_many_it_found_as_the_commitments_do(world, client):
    bureaus, sessions, _replies = three_commitments(world)
    Commitment.objects.filter(lead_organisation=bureaus[1]).update(status=Status.STALLED)
    Commitment.objects.first().co_organisations.add(bureaus[1])
    # A proposal without a session: its year is its reply's.
    loose = Reply.objects.create(
        proposal=Proposal.objects.create(number="99", title="无届次提案"),
        organisation=bureaus[2],
        reply_date=datetime.date(2025, 3, 1),
    )
    add_commitment(loose, bureaus[2], 1, status=Status.STALLED)
    queries = [
        "",
        "status=stalled",
        "status=completed",
        f"organisation={bureaus[1].slug}",
        f"organisation={bureaus[0].slug}&status=not_assessed",
        f"session={sessions[0].pk}",
        f"session={sessions[1].pk}&organisation={bureaus[0].slug}",
        "q=承诺",
        "year=2024",
        "year=2025",
        "year=2026",
        f"year=2025&organisation={bureaus[2].slug}&status=stalled",
        f"year=2025&organisation={bureaus[1].slug}",
    ]
    for query in queries:
        response = client.get(f"/zh-hans/commitments/?{query}")
        filterset = response.context["filter"]
        assert response.context["paginator"].count == filterset.qs.count(), query


def test_an_organisation_s_list_pages_through_what_it_leads_and_co_handles_in_order(
    world, client, office_org
):
    bureaus, _sessions, replies = world
    for position in range(1, 46):
        lead = bureaus[position % 3]
        commitment = add_commitment(replies[position % 3], lead, position)
        if position % 4 == 0:
            commitment.co_organisations.add(bureaus[0], bureaus[1])
        if position % 3:
            Commitment.objects.filter(pk=commitment.pk).update(
                last_published_at=NOW - datetime.timedelta(hours=position % 7)
            )
    address = f"/zh-hans/commitments/?organisation={bureaus[0].slug}"

    def shown(page):
        response = client.get(f"{address}&page={page}")
        assert response.status_code == 200
        return [commitment.pk for commitment in response.context["page_obj"].object_list]

    expected = listed(bureaus[0])
    assert len(expected) > 20
    assert shown(1) + shown(2) == expected
    assert client.get(f"{address}&page=3").status_code == 404

    # A publication moves a commitment to the top of its bureaus' lists at once.
    last = Commitment.objects.get(pk=expected[-1])
    update = ProgressUpdate.objects.create(
        commitment=last, organisation=last.lead_organisation, as_of=TODAY,
        status=Status.ON_TRACK, progress=10, text="已开工。",
    )  # fmt: skip
    publish(update)
    assert shown(1)[0] == last.pk
    assert shown(1) + shown(2) == listed(bureaus[0])


@pytest.mark.django_db(transaction=True)
def test_compacting_folds_the_rows_and_keeps_every_figure(world):
    bureaus, _sessions, replies = world
    commitment = add_commitment(replies[0], bureaus[0], 1)
    for status in [Status.ON_TRACK, Status.STALLED, Status.ON_TRACK, Status.COMPLETED]:
        Commitment.objects.filter(pk=commitment.pk).update(status=status)
    before = figures()
    rows_before = CommitmentCount.objects.count()

    assert tallies.compact()

    assert CommitmentCount.objects.count() < rows_before
    assert CommitmentCount.objects.count() == 1
    assert figures() == before


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                *["add", "status", "lead", "target", "co_add", "co_remove", "delete"],
                *["published", "position", "reply"],
            ]
        ),
        st.integers(min_value=0, max_value=50),
        st.sampled_from(list(Status)),
    ),
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_any_sequence_of_changes_keeps_the_counts(world, operations):
    bureaus, _sessions, replies = world
    Commitment.objects.all().delete()
    for step, (operation, number, status) in enumerate(operations):
        commitments = list(Commitment.objects.order_by("pk"))
        bureau = bureaus[number % len(bureaus)]
        if operation == "add" or not commitments:
            reply = replies[number % len(replies)]
            add_commitment(reply, bureau, 100 + step, status=status)
            continue
        chosen = Commitment.objects.filter(pk=commitments[number % len(commitments)].pk)
        if operation == "status":
            chosen.update(status=status)
        elif operation == "lead":
            chosen.update(lead_organisation=bureau)
        elif operation == "target":
            chosen.update(current_target_date=TODAY + datetime.timedelta(number - 25))
        elif operation == "published":
            published = NOW - datetime.timedelta(hours=number % 7)
            chosen.update(last_published_at=None if number % 5 == 0 else published)
        elif operation == "position":
            chosen.update(position=200 + step)
        elif operation == "reply":
            chosen.update(reply=replies[number % len(replies)])
        elif operation == "co_add":
            chosen.get().co_organisations.add(bureau)
        elif operation == "co_remove":
            chosen.get().co_organisations.remove(bureau)
        else:
            chosen.get().delete()

    assert_counts_agree()


def test_the_admin_list_says_how_many_it_found_as_the_commitments_do(world, admin_client):
    bureaus, sessions, _replies = three_commitments(world)
    Commitment.objects.filter(lead_organisation=bureaus[0]).update(status=Status.ON_TRACK)
    queries = [
        "",
        "status__exact=on_track",
        f"lead_organisation__id__exact={bureaus[0].pk}&status__exact=on_track",
        f"session__id__exact={sessions[1].pk}&o=2",
        "q=承诺1",
        "is_key__exact=1",
    ]
    for query in queries:
        response = admin_client.get(f"/admin/commitments/commitment/?{query}")
        changelist = response.context["cl"]
        assert changelist.result_count == changelist.queryset.count(), query
