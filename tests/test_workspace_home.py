"""The workspace home: what needs my attention first, each with its count, per role."""

import datetime

import pytest
from conftest import link_proposer
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from workspace_support import publish, return_to_author, submit

from commitments.models import Commitment, Review


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def add_commitment(reply, organisation, position, **fields):
    return Commitment.objects.create(
        reply=reply,
        position=position,
        title=f"承诺{position}",
        promised_text="……",
        lead_organisation=organisation,
        **fields,
    )


@pytest.fixture
def attention_world(reply, bureau, other_bureau):
    long_ago = timezone.now() - datetime.timedelta(days=200)
    return {
        "overdue": add_commitment(reply, bureau, 11, original_target_date=days(-5)),
        "due_soon": add_commitment(reply, bureau, 12, original_target_date=days(10)),
        "stale": add_commitment(
            reply, bureau, 13, original_target_date=days(400), created_at=long_ago
        ),
        "done": add_commitment(reply, bureau, 14, original_target_date=days(400)),
        "elsewhere": add_commitment(reply, other_bureau, 15, original_target_date=days(-5)),
    }


def sections(client, user):
    client.force_login(user)
    response = client.get("/en/workspace/")
    assert response.status_code == 200
    return {section.key: section for section in response.context["sections"]}


def test_staff_see_their_organisations_overdue_stale_and_due_soon_commitments(
    client, staff_user, attention_world
):
    found = sections(client, staff_user)

    assert [c.title for c in found["overdue"].items] == ["承诺11"]
    assert [c.title for c in found["due_soon"].items] == ["承诺12"]
    assert [c.title for c in found["stale"].items] == ["承诺13"]
    assert (found["overdue"].count, found["due_soon"].count, found["stale"].count) == (1, 1, 1)


def test_the_office_sees_every_organisations_overdue_commitments(
    client, office_user, attention_world
):
    found = sections(client, office_user)

    assert {c.title for c in found["overdue"].items} == {"承诺11", "承诺15"}
    assert found["overdue"].count == 2


def test_each_count_is_shown_beside_its_heading(client, staff_user, attention_world):
    client.force_login(staff_user)
    page = client.get("/en/workspace/").content.decode()

    assert 'Overdue <span class="count">(1)</span>' in page
    assert 'Due within 30 days <span class="count">(1)</span>' in page


def test_staff_see_updates_returned_to_them_with_the_note(
    client, staff_user, commitment, make_update
):
    update = make_update(commitment)
    submit(update)
    return_to_author(update, note="请补充验收材料。")

    found = sections(client, staff_user)

    assert found["returned"].items == [update]
    assert "请补充验收材料。" in client.get("/en/workspace/").content.decode()


def test_staff_see_updates_members_queried(
    client, staff_user, member_user, commitment, make_update
):
    update = make_update(commitment)
    publish(update)
    Review.objects.create(update=update, member=member_user, verdict="queried", comment="存疑")

    assert [query.update for query in sections(client, staff_user)["queried"].items] == [update]


def test_members_see_published_updates_they_have_not_reviewed_and_replies_to_rate(
    client, member_user, commitment, make_update
):
    link_proposer(member_user, commitment.reply.proposal)
    reviewed = make_update(commitment, text="已评")
    publish(reviewed)
    Review.objects.create(update=reviewed, member=member_user, verdict="confirmed")
    waiting = make_update(commitment, text="待评")
    publish(waiting)
    make_update(commitment, text="草稿")

    found = sections(client, member_user)

    assert found["awaiting_review"].items == [waiting]
    assert found["to_rate"].items == [commitment.reply]


def test_the_staff_commitment_list_holds_only_their_organisations_commitments(
    client, staff_user, attention_world
):
    client.force_login(staff_user)

    everything = client.get("/en/workspace/commitments/").context["commitments"]
    overdue = client.get("/en/workspace/commitments/?show=overdue").context["commitments"]

    assert {c.title for c in everything} == {"承诺11", "承诺12", "承诺13", "承诺14"}
    assert [c.title for c in overdue] == ["承诺11"]


def test_the_commitment_list_searches_titles_and_promised_text(client, office_user, commitment):
    client.force_login(office_user)

    found = client.get("/en/workspace/commitments/?q=停车位").context["commitments"]
    missing = client.get("/en/workspace/commitments/?q=不存在的词").context["commitments"]

    assert list(found) == [commitment]
    assert list(missing) == []


@pytest.mark.parametrize("role", ["staff_user", "office_user", "member_user"])
def test_the_home_page_needs_the_same_queries_however_much_there_is(
    client, request, role, reply, bureau, make_update, member_user
):
    user = request.getfixturevalue(role)
    client.force_login(user)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/workspace/").status_code == 200
        return len(queries)

    def add_work(positions):
        for position in positions:
            commitment = add_commitment(reply, bureau, position, original_target_date=days(-1))
            make_update(commitment)
            submit(make_update(commitment))
            returned = make_update(commitment)
            submit(returned)
            return_to_author(returned, note="补充")
            published = make_update(commitment)
            publish(published)
            Review.objects.create(update=published, member=member_user, verdict="queried")

    add_work(range(1, 3))
    few = count_queries()
    add_work(range(3, 30))
    many = count_queries()

    assert many == few
    assert many <= 30


@pytest.mark.parametrize("role", ["staff_user", "office_user", "member_user"])
def test_the_home_page_counts_every_section_in_one_query(
    client, request, role, attention_world, make_update
):
    submit(make_update(attention_world["overdue"]))
    client.force_login(request.getfixturevalue(role))

    with CaptureQueriesContext(connection) as queries:
        sections = client.get("/en/workspace/").context["sections"]

    with_items = sum(1 for section in sections if section.count)
    assert with_items >= 3
    # The session and the user (and a bureau's name in the heading), every count at once, then
    # each section that has items.
    signed_in = 3 if role == "staff_user" else 2
    assert len(queries) == signed_in + 1 + with_items


def test_stale_commitments_come_longest_without_activity_first(client, office_user, reply, bureau):
    never_published = add_commitment(
        reply, bureau, 21, created_at=timezone.now() - datetime.timedelta(days=300)
    )
    published_long_ago = add_commitment(reply, bureau, 22)
    Commitment.objects.filter(pk=published_long_ago.pk).update(
        last_published_at=timezone.now() - datetime.timedelta(days=200)
    )

    stale = sections(client, office_user)["stale"].items

    assert stale == [never_published, published_long_ago]
