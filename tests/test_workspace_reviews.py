"""Committee members review updates (认可 / 存疑 / 需补充) and rate replies (满意度测评)."""

import datetime

import pytest
from conftest import link_proposer
from django.utils import timezone
from workspace_support import publish

from commitments.models import Rehandling, Reply, Review, SatisfactionRating


@pytest.fixture
def published(commitment, make_update):
    update = make_update(commitment, text="已建成停车位120个。")
    publish(update)
    return update


@pytest.fixture
def member_client(client, member_user, reply):
    """Signed in as the member linked as the proposal's proposer."""
    link_proposer(member_user, reply.proposal)
    client.force_login(member_user)
    return client


def review(client, update, **data):
    return client.post(f"/en/workspace/updates/{update.pk}/review/", data)


def rate(client, reply, **data):
    return client.post(f"/en/workspace/replies/{reply.pk}/rate/", data)


def test_a_member_queries_a_published_update_and_the_bureau_sees_it(
    member_client, client, published, member_user, staff_user
):
    response = review(member_client, published, verdict="queried", comment="120个是否已验收？")

    assert response.status_code == 302
    saved = Review.objects.get()
    assert (saved.member, saved.verdict, saved.comment) == (
        member_user,
        "queried",
        "120个是否已验收？",
    )
    client.force_login(staff_user)
    page = client.get(f"/en/workspace/commitments/{published.commitment_id}/").content.decode()
    assert "Queried" in page and "120个是否已验收？" in page


def test_a_query_needs_a_comment(member_client, published):
    response = review(member_client, published, verdict="needs_more", comment="")

    assert "comment" in response.context["review_form"].errors
    assert not Review.objects.exists()


def test_a_confirmation_needs_no_comment(member_client, published):
    review(member_client, published, verdict="confirmed", comment="")

    assert Review.objects.get().verdict == "confirmed"


def test_reviewing_again_replaces_my_earlier_verdict(member_client, published):
    review(member_client, published, verdict="queried", comment="数字存疑")
    review(member_client, published, verdict="confirmed", comment="已核实")

    assert list(Review.objects.values_list("verdict", "comment")) == [("confirmed", "已核实")]


def test_a_member_rates_a_reply_satisfied_without_reopening_it(member_client, reply):
    response = rate(member_client, reply, handling="satisfied", outcome="basically", comment="")

    assert response.status_code == 302
    rating = SatisfactionRating.objects.get()
    assert (rating.handling, rating.outcome) == ("satisfied", "basically")
    assert not Rehandling.objects.exists()


def test_an_outcome_rated_dissatisfied_opens_the_next_round_with_a_due_date(
    member_client, reply, settings
):
    settings.TRACKER_REHANDLING_DAYS = 45

    rate(member_client, reply, handling="basically", outcome="dissatisfied", comment="未落实")

    rehandling = Rehandling.objects.get()
    assert rehandling.proposal == reply.proposal
    assert rehandling.round == 2
    assert rehandling.due_date == timezone.localdate() + datetime.timedelta(days=45)
    assert rehandling.rating == SatisfactionRating.objects.get()


def test_dissatisfied_needs_a_comment(member_client, reply):
    response = rate(member_client, reply, handling="basically", outcome="dissatisfied")

    assert "comment" in response.context["form"].errors
    assert not SatisfactionRating.objects.exists()
    assert not Rehandling.objects.exists()


def test_several_dissatisfied_members_open_one_round(
    member_client, client, reply, django_user_model
):
    from conftest import make_user

    other_member = make_user(django_user_model, "member-2", "member")
    reply.proposal.proposers.append("李四")
    reply.proposal.save()
    link_proposer(other_member, reply.proposal, name="李四")
    rate(member_client, reply, handling="satisfied", outcome="dissatisfied", comment="甲")
    client.force_login(other_member)
    rate(client, reply, handling="dissatisfied", outcome="dissatisfied", comment="乙")

    assert Rehandling.objects.count() == 1
    assert SatisfactionRating.objects.count() == 2


def test_the_bureau_sees_the_rehandling_round_in_its_workspace_with_the_due_date(
    member_client, client, reply, staff_user, other_staff_user
):
    rate(member_client, reply, handling="basically", outcome="dissatisfied", comment="未落实")
    due = Rehandling.objects.get().due_date

    client.force_login(staff_user)
    home = client.get("/en/workspace/")
    client.force_login(other_staff_user)
    elsewhere = client.get("/en/workspace/")

    section = next(s for s in home.context["sections"] if s.key == "rehandling")
    assert section.count == 1
    assert f"Reply due by {due:%b}" in home.content.decode()
    other = next(s for s in elsewhere.context["sections"] if s.key == "rehandling")
    assert other.count == 0


def test_the_round_leaves_the_workspace_once_the_next_reply_arrives(
    member_client, client, reply, staff_user, bureau
):
    rate(member_client, reply, handling="basically", outcome="dissatisfied", comment="未落实")
    Reply.objects.create(proposal=reply.proposal, organisation=bureau, round=2)

    client.force_login(staff_user)
    home = client.get("/en/workspace/")

    assert next(s for s in home.context["sections"] if s.key == "rehandling").count == 0


def test_the_rating_form_shows_my_earlier_rating(member_client, reply, member_user):
    SatisfactionRating.objects.create(
        reply=reply, member=member_user, handling="satisfied", outcome="basically"
    )

    form = member_client.get(f"/en/workspace/replies/{reply.pk}/rate/").context["form"]

    assert (form["handling"].value(), form["outcome"].value()) == ("satisfied", "basically")
