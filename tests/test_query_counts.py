"""Each public page runs the same, small number of queries whether it shows 5 rows or 50."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from workspace_support import publish, submit

from commitments.models import (
    Commitment,
    Evidence,
    Measure,
    Organisation,
    Proposal,
    Reply,
    Session,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10

ADDRESSES = [
    "/en/",
    "/en/commitments/",
    "/en/commitments/?q=承诺&sort=status&overdue=1&organisation={organisation}",
    "/en/commitments/{commitment}/",
    "/en/replies/{reply}/",
    "/en/organisations/{organisation}/",
    "/en/commitments/export.csv",
    "/api/v1/commitments/",
    "/api/v1/replies/",
    "/api/v1/proposals/",
    "/api/v1/updates/",
    "/feeds/updates/",
    "/feeds/commitments/{commitment}/",
]


@pytest.fixture
def build_world(bureau, other_bureau, make_update, office_user):
    """A reply with `size` commitments, each with a published update and evidence; the first
    commitment has `size` published updates."""
    session = Session.objects.create(body="cppcc", name="查询测试会议", year=2024)

    def build(size):
        proposal = Proposal.objects.create(
            session=session, number=str(size), title=f"关于第{size}号的提案", proposers=["甲", "乙"]
        )
        proposal.co_organisations.add(other_bureau)
        reply = Reply.objects.create(proposal=proposal, organisation=bureau, full_text="……")
        for position in range(1, size + 1):
            Measure.objects.create(reply=reply, position=position, text=f"措施{position}")
            commitment = Commitment.objects.create(
                reply=reply,
                position=position,
                title=f"承诺{size}-{position}",
                promised_text="将于年内完成。",
                lead_organisation=bureau,
                original_target_date=datetime.date(2020, 1, 1),
            )
            commitment.co_organisations.add(other_bureau)
        first = reply.commitments.order_by("position").first()
        for commitment in [*reply.commitments.all(), *[first] * (size - 1)]:
            update = make_update(
                commitment, new_target_date=datetime.date(2021, 1, 1), target_date_reason="延期"
            )
            Evidence.objects.create(update=update, url="https://example.org/e", description="证据")
            submit(update)
            publish(update, by=office_user)
        return {"reply": reply.pk, "commitment": first.pk, "organisation": bureau.slug}

    return build


def queries_for(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, address
    return len(queries)


@pytest.mark.parametrize("address", ADDRESSES)
def test_queries_per_page_do_not_grow_with_the_rows_shown(client, build_world, address):
    small = address.format(**build_world(5))
    queries_for(client, small)  # Warm up caches that only the first request fills.
    with_5_rows = queries_for(client, small)

    with_50_rows = queries_for(client, address.format(**build_world(50)))

    assert with_50_rows == with_5_rows
    assert with_50_rows <= MAX_QUERIES


def test_overview_and_scorecard_queries_do_not_grow_with_organisations_and_sessions(client, bureau):
    def add_organisations_and_sessions(first, last):
        for n in range(first, last):
            organisation = Organisation.objects.create(name=f"第{n}局", slug=f"bureau-{n}")
            session = Session.objects.create(body="congress", name=f"第{n}次会议", year=2000 + n)
            proposal = Proposal.objects.create(session=session, number=str(n), title=f"提案{n}")
            reply = Reply.objects.create(proposal=proposal, organisation=organisation)
            commitment = Commitment.objects.create(
                reply=reply,
                position=1,
                title=f"承诺{n}",
                promised_text="……",
                lead_organisation=organisation,
            )
            commitment.co_organisations.add(bureau)

    add_organisations_and_sessions(1, 3)
    queries_for(client, "/en/")
    few = [
        queries_for(client, address) for address in ("/en/", f"/en/organisations/{bureau.slug}/")
    ]
    add_organisations_and_sessions(3, 30)
    many = [
        queries_for(client, address) for address in ("/en/", f"/en/organisations/{bureau.slug}/")
    ]

    assert many == few
    assert max(many) <= 5


@pytest.mark.parametrize(
    "address", ["/admin/commitments/commitment/", "/admin/commitments/progressupdate/"]
)
def test_admin_lists_need_the_same_queries_for_5_rows_and_50(
    client, build_world, office_user, address
):
    office_user.is_staff = office_user.is_superuser = True
    office_user.save()
    client.force_login(office_user)
    build_world(5)
    queries_for(client, address)
    with_5_rows = queries_for(client, address)

    build_world(50)
    with_50_rows = queries_for(client, address)

    assert with_50_rows == with_5_rows
    assert with_50_rows <= MAX_QUERIES
