"""Re-handling as a round of its own: why the proposal came back, the bureau's round-2 reply
filed from the workspace, the proposer's rating of it, and the rounds counted in public."""

import datetime

import pytest
from conftest import link_proposer
from django.core import mail
from django.utils import timezone

from commitments.models import Rehandling, Reply, SatisfactionRating
from tests.test_import_preview import preview_data, save

pytestmark = pytest.mark.django_db

REASON = "停车位仍未建成，答复与实际不符。"


@pytest.fixture
def proposer(member_user, reply):
    """The member linked as the proposal's proposer (王小明 in conftest's `reply`)."""
    member_user.last_name, member_user.first_name = "王", "小明"
    member_user.save()
    return link_proposer(member_user, reply.proposal)


@pytest.fixture
def rehandling(client, reply, proposer, django_capture_on_commit_callbacks):
    client.force_login(proposer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/workspace/replies/{reply.pk}/rate/",
            {"handling": "basically", "outcome": "dissatisfied", "comment": REASON},
        )
    client.logout()
    return Rehandling.objects.get()


def import_round(client, seed_text, rehandling):
    """Paste the round's letter from the re-handling page's link, then save the preview."""
    preview = client.post(
        "/en/workspace/import/", {"text": seed_text, "rehandling": str(rehandling.pk)}
    )
    return preview, save(client, preview_data(preview))


def test_the_bureau_sees_why_the_proposal_came_back_and_when_the_reply_is_due(
    client, rehandling, staff_user
):
    client.force_login(staff_user)
    home = client.get("/en/workspace/").content.decode()
    page = client.get(f"/en/workspace/rehandlings/{rehandling.pk}/").content.decode()

    assert f"/en/workspace/rehandlings/{rehandling.pk}/" in home
    assert REASON[:20] in home
    assert REASON in page
    assert "Dissatisfied" in page
    assert rehandling.due_date.strftime("%Y") in page
    assert f"/en/workspace/import/?rehandling={rehandling.pk}" in page


def test_the_bureau_files_the_round_2_reply_under_the_proposal_from_the_workspace(
    client, rehandling, staff_user, seed_text, reply
):
    client.force_login(staff_user)

    preview, saved = import_round(client, seed_text, rehandling)

    assert "re-handling round 2" in preview.content.decode()
    # The letter names another proposal: the round's reply is filed under its own all the same.
    assert preview.context["form"]["title"].value() == reply.proposal.title
    assert saved.status_code == 302, saved.content.decode()[:2000]
    second = Reply.objects.get(round=2)
    assert (second.proposal, second.organisation) == (reply.proposal, staff_user.organisation)
    assert second.commitments.count() == 4
    assert not Rehandling.objects.open().exists()
    page = client.get(f"/en/workspace/rehandlings/{rehandling.pk}/").content.decode()
    assert second.get_absolute_url() in page


def test_a_bureau_that_does_not_handle_the_proposal_cannot_file_its_round(
    client, rehandling, other_staff_user, seed_text
):
    client.force_login(other_staff_user)

    assert client.get(f"/en/workspace/import/?rehandling={rehandling.pk}").status_code == 403
    refused = client.post(
        "/en/workspace/import/", {"text": seed_text, "rehandling": str(rehandling.pk)}
    )
    assert refused.status_code == 403
    assert not Reply.objects.filter(round=2).exists()


def test_the_proposer_rates_the_new_round_and_can_send_it_back_again(
    client, rehandling, proposer, reply, bureau
):
    second = Reply.objects.create(proposal=reply.proposal, organisation=bureau, round=2)
    client.force_login(proposer)

    home = client.get("/en/workspace/")
    to_rate = next(s for s in home.context["sections"] if s.key == "to_rate")
    assert to_rate.items[0] == second
    client.post(
        f"/en/workspace/replies/{second.pk}/rate/",
        {"handling": "satisfied", "outcome": "dissatisfied", "comment": "仍不满意"},
    )

    assert SatisfactionRating.objects.get(reply=second).outcome == "dissatisfied"
    assert Rehandling.objects.order_by("round").last().round == 3


def test_the_overview_and_the_scorecard_count_the_rounds(client, rehandling, reply, bureau):
    Rehandling.objects.filter(pk=rehandling.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    overview = client.get("/en/").content.decode()
    scorecard = client.get(f"/en/organisations/{bureau.slug}/").content.decode()

    for page in (overview, scorecard):
        assert "Re-handling rounds opened" in page
    assert client.get("/en/").context["rounds"] == {
        "opened": 1,
        "answered_count": 0,
        "waiting": 1,
        "overdue": 1,
    }

    Reply.objects.create(proposal=reply.proposal, organisation=bureau, round=2)

    assert client.get(f"/en/organisations/{bureau.slug}/").context["rounds"]["answered_count"] == 1


def test_staff_are_emailed_when_a_proposal_comes_back_with_the_reason(
    client, reply, proposer, staff_user, other_staff_user, django_capture_on_commit_callbacks
):
    client.force_login(proposer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/workspace/replies/{reply.pk}/rate/",
            {"handling": "basically", "outcome": "dissatisfied", "comment": REASON},
        )

    to_staff = [m for m in mail.outbox if m.to == [staff_user.email]]
    assert len(to_staff) == 2  # the rating, and the round it opened
    rehandling_notice = next(m for m in to_staff if "/workspace/rehandlings/" in m.body)
    assert REASON in rehandling_notice.body
    assert not [m for m in mail.outbox if m.to == [other_staff_user.email]]
