"""A commitment keeps a copy of its proposal's session, so counts and filters by session need no
join; the copy follows every way the session can change."""

import datetime

import pytest

from commitments.models import Commitment, Proposal, Reply, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def later_session(db):
    return Session.objects.create(body="cppcc", name="测试区政协一届二次会议", year=2025)


def session_of(commitment):
    return Commitment.objects.values_list("session", flat=True).get(pk=commitment.pk)


def test_a_new_commitment_takes_its_proposals_session(commitment):
    assert session_of(commitment) == commitment.reply.proposal.session_id


def test_moving_a_proposal_to_another_session_moves_its_commitments(
    client, commitment, later_session
):
    proposal = commitment.reply.proposal
    proposal.session = later_session
    proposal.save()

    assert session_of(commitment) == later_session.pk
    listed = client.get("/en/commitments/", {"session": later_session.pk})
    assert list(listed.context["page_obj"].object_list) == [commitment]
    [row] = client.get("/en/").context["by_session"]
    assert (row["group"], row["total"]) == (later_session, 1)


def test_moving_a_reply_to_another_proposal_moves_its_commitments(commitment, later_session):
    other = Proposal.objects.create(session=later_session, number="8", title="另一件提案")
    reply = commitment.reply
    reply.proposal = other
    reply.save()

    assert session_of(commitment) == later_session.pk


def test_moving_a_commitment_to_another_reply_takes_that_replys_session(
    commitment, bureau, later_session
):
    other = Proposal.objects.create(session=later_session, number="9", title="又一件提案")
    other_reply = Reply.objects.create(proposal=other, organisation=bureau)
    commitment = Commitment.objects.get(pk=commitment.pk)
    commitment.reply = other_reply
    commitment.save()

    assert session_of(commitment) == later_session.pk


def test_a_proposal_without_session_is_found_by_the_year_of_its_reply(client, bureau):
    proposal = Proposal.objects.create(title="没有会次的建议")
    reply = Reply.objects.create(
        proposal=proposal, organisation=bureau, reply_date=datetime.date(2023, 5, 4)
    )
    commitment = Commitment.objects.create(
        reply=reply, position=1, title="无会次承诺", promised_text="……", lead_organisation=bureau
    )

    assert session_of(commitment) is None
    found = client.get("/en/commitments/", {"year": 2023}).context["page_obj"].object_list
    assert list(found) == [commitment]
    assert list(client.get("/en/commitments/", {"year": 2024}).context["page_obj"]) == []
    [row] = client.get("/en/").context["by_session"]
    assert (row["group"], row["total"]) == (None, 1)
