"""Proposers are people: a proposal's names link to members' accounts, proposed by the import and
confirmed by the office; only linked proposers rate the reply, and they follow its commitments."""

import datetime
from io import StringIO

import pytest
from conftest import link_proposer, make_user
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from workspace_support import publish

from commitments import workflow
from commitments.importing import reply_import
from commitments.letters import parse_letter
from commitments.models import Follow, Proposal, Proposer, Reply, SatisfactionRating, User

pytestmark = pytest.mark.django_db

RATING = {"handling": "satisfied", "outcome": "basically", "comment": ""}


@pytest.fixture
def other_reply(other_bureau):
    proposal = Proposal.objects.create(title="关于别人的提案", proposers=["李四"])
    return Reply.objects.create(proposal=proposal, organisation=other_bureau)


def test_the_import_proposes_the_member_who_files_under_the_name_and_the_office_confirms(
    client, seed_text, office_user, member_user
):
    letter = parse_letter(seed_text)
    member_user.filing_names = [letter["proposers"][0]]
    member_user.save()
    reply = reply_import(letter=letter, full_text=seed_text, by=office_user)

    (link,) = reply.proposal.proposer_links.all()
    assert (link.name, link.member, link.confirmed_at) == (
        letter["proposers"][0],
        member_user,
        None,
    )
    client.force_login(member_user)
    assert client.post(f"/en/workspace/replies/{reply.pk}/rate/", RATING).status_code == 403

    client.force_login(office_user)
    response = client.post(
        "/admin/commitments/proposer/",
        {"action": "confirm_selected", "_selected_action": [link.pk]},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.confirmed_at is not None
    followed = set(Follow.objects.filter(user=member_user).values_list("commitment", flat=True))
    assert followed == set(reply.commitments.values_list("pk", flat=True)) != set()

    client.force_login(member_user)
    assert client.post(f"/en/workspace/replies/{reply.pk}/rate/", RATING).status_code == 302
    assert SatisfactionRating.objects.filter(reply=reply, member=member_user).exists()


def test_the_office_picks_another_member_in_the_admin(client, reply, office_user, member_user):
    workflow.proposers_match(proposal=reply.proposal)
    (link,) = reply.proposal.proposer_links.all()
    assert link.member is None  # nobody files under 王小明
    client.force_login(office_user)

    client.post(f"/admin/commitments/proposer/{link.pk}/change/", {"member": member_user.pk})

    assert reply.proposal.is_proposed_by(member_user)


def test_staff_cannot_link_proposers(reply, staff_user, member_user):
    workflow.proposers_match(proposal=reply.proposal)
    link = reply.proposal.proposer_links.get()

    with pytest.raises(PermissionDenied):
        workflow.proposer_confirm(link=link, member=member_user, by=staff_user)
    assert not reply.proposal.is_proposed_by(member_user)


def test_two_members_with_one_name_are_left_for_the_office_to_pick(reply, django_user_model):
    for username in ("wang-1", "wang-2"):
        user = make_user(django_user_model, username, "member")
        user.filing_names = ["王小明"]
        user.save()

    (link,) = workflow.proposers_match(proposal=reply.proposal)

    assert link.member is None


def test_add_user_creates_a_member_with_the_names_they_file_under(reply):
    workflow.proposers_match(proposal=reply.proposal)

    call_command(
        "add_user",
        "wxm",
        "--role=member",
        "--proposer-name=王小明",
        "--proposer-name=王晓明",
        stdout=StringIO(),
    )

    member = User.objects.get(username="wxm")
    assert member.filing_names == ["王小明", "王晓明"]
    link = Proposer.objects.get(proposal=reply.proposal)
    assert (link.member, link.confirmed_at) == (member, None)  # proposed, for the office


def test_a_member_who_did_not_propose_gets_no_rating_form_and_403_but_still_reviews(
    client, member_user, reply, other_reply, commitment, make_update
):
    link_proposer(member_user, reply.proposal)
    update = make_update(commitment)
    publish(update)
    client.force_login(member_user)

    home = client.get("/en/workspace/")
    refused = client.post(f"/en/workspace/replies/{other_reply.pk}/rate/", RATING)
    reviewed = client.post(
        f"/en/workspace/updates/{update.pk}/review/", {"verdict": "confirmed", "comment": ""}
    )

    page = home.content.decode()
    assert f"/workspace/replies/{reply.pk}/rate/" in page
    assert f"/workspace/replies/{other_reply.pk}/rate/" not in page
    assert client.get(f"/en/workspace/replies/{other_reply.pk}/rate/").status_code == 403
    assert refused.status_code == 403
    assert not SatisfactionRating.objects.exists()
    assert reviewed.status_code == 302


def test_my_proposals_come_first_with_replies_statuses_and_what_changed_since_my_last_visit(
    client, member_user, reply, commitment, make_update
):
    from django.utils import timezone

    link_proposer(member_user, reply.proposal)
    member_user.last_login = timezone.now() - datetime.timedelta(days=3)
    member_user.save()
    update = make_update(commitment, status="on_track", progress=40)
    publish(update)

    client.post(
        "/accounts/login/",
        {"username": member_user.username, "password": "correct horse battery staple"},
    )
    response = client.get("/en/workspace/")

    assert response.context["sections"][0].key == "my_proposals"
    assert response.context["sections"][0].items == [reply.proposal]
    page = response.content.decode()
    assert "新建停车位" in page and "40%" in page
    assert "Updated since my last visit" in page
    assert 'action="/en/workspace/replies/' in page  # the rating form, as none is given yet


def test_the_import_preview_shows_the_member_who_would_be_proposed(
    client, seed_text, office_user, member_user
):
    name = parse_letter(seed_text)["proposers"][0]
    member_user.filing_names = [name]
    member_user.save()
    client.force_login(office_user)

    page = client.post("/en/workspace/import/", {"text": seed_text}).content.decode()

    assert f"{name}: the account of" in page and "(member) will be proposed" in page
