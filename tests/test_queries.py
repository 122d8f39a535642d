"""Queries answered: a member's 存疑 / 需补充 opens a thread the bureau answers, the office sees and
may publish, and the member resolves; the public sees that a query was raised and answered."""

import datetime

import pytest
from conftest import link_proposer
from django.core import mail
from workspace_support import publish

from commitments import workflow
from commitments.models import Commitment, Review, ReviewMessage

pytestmark = pytest.mark.django_db

QUESTION = "120个车位是否都已验收？"
ANSWER = "已于9月全部验收，验收报告见新的进展记录。"


@pytest.fixture
def published(commitment, make_update):
    update = make_update(commitment, text="已建成停车位120个。")
    publish(update)
    return update


@pytest.fixture
def query(published, member_user):
    return workflow.review_save(
        update=published, member=member_user, verdict="queried", comment=QUESTION
    )


def thread_url(review):
    return f"/en/workspace/updates/{review.update_id}/#query-{review.pk}"


def answer(client, review, **data):
    return client.post(f"/en/workspace/queries/{review.pk}/answer/", data)


def test_the_bureau_answers_a_query_and_the_member_and_the_office_are_emailed(
    client, query, staff_user, office_user, member_user, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    # The bureau's workspace names the query itself, not just a count, and leads to the thread.
    home = client.get("/en/workspace/").content.decode()
    assert QUESTION in home and thread_url(query) in home
    page = client.get(f"/en/workspace/updates/{query.update_id}/").content.decode()
    assert QUESTION in page and 'name="query-' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = answer(client, query, **{f"query-{query.pk}-text": ANSWER})

    assert response.status_code == 302
    assert response["Location"] == thread_url(query)
    query.refresh_from_db()
    assert query.answered_at is not None
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == [member_user.email, office_user.email]
    assert all(ANSWER in m.body for m in mail.outbox)


def test_the_office_sees_the_query_and_the_answer(client, query, staff_user, office_user):
    workflow.query_answer(review=query, by=staff_user, text=ANSWER)
    client.force_login(office_user)

    home = client.get("/en/workspace/")
    page = client.get(f"/en/workspace/updates/{query.update_id}/").content.decode()

    queried = next(s for s in home.context["sections"] if s.key == "queried")
    assert queried.items == [query]
    assert QUESTION in page and ANSWER in page
    assert "Publish this exchange on the public page" in page


def test_the_member_marks_an_answered_query_resolved(client, query, staff_user, member_user):
    workflow.query_answer(review=query, by=staff_user, text=ANSWER)
    client.force_login(member_user)
    page = client.get(f"/en/workspace/updates/{query.update_id}/").content.decode()
    assert ANSWER in page and "mark resolved" in page

    client.post(f"/en/workspace/queries/{query.pk}/resolve/")

    query.refresh_from_db()
    assert query.resolved_at is not None
    home = client.get("/en/workspace/")
    assert next(s for s in home.context["sections"] if s.key == "my_queries").count == 0


def test_writing_again_puts_the_query_back_before_the_bureau(
    client, query, staff_user, member_user, django_capture_on_commit_callbacks
):
    workflow.query_answer(review=query, by=staff_user, text=ANSWER)
    mail.outbox.clear()
    client.force_login(member_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/workspace/queries/{query.pk}/follow-up/",
            {f"query-{query.pk}-text": "验收报告在哪里可以看到？"},
        )

    query.refresh_from_db()
    assert query.answered_at is None
    (notice,) = mail.outbox
    assert notice.to == [staff_user.email]
    assert "验收报告在哪里可以看到？" in notice.body
    client.force_login(staff_user)
    home = client.get("/en/workspace/")
    assert next(s for s in home.context["sections"] if s.key == "queried").items == [query]


def test_only_the_bureau_that_wrote_the_update_answers_and_only_the_member_resolves(
    client, query, other_staff_user, office_user, django_user_model, staff_user
):
    from conftest import make_user

    other_member = make_user(django_user_model, "member-2", "member")
    for user in (other_staff_user, office_user, other_member):
        client.force_login(user)
        assert answer(client, query, **{f"query-{query.pk}-text": "?"}).status_code == 403
    for user in (other_member, staff_user, office_user):
        client.force_login(user)
        assert client.post(f"/en/workspace/queries/{query.pk}/resolve/").status_code == 403
    assert not ReviewMessage.objects.exists()
    query.refresh_from_db()
    assert query.resolved_at is None


def test_an_answer_may_point_to_a_newer_update_of_the_bureau(
    client, query, staff_user, make_update, commitment
):
    newer = make_update(commitment, text="验收报告已上传。", as_of=datetime.date(2024, 10, 1))
    publish(newer)
    client.force_login(staff_user)

    answer(
        client,
        query,
        **{f"query-{query.pk}-text": ANSWER, f"query-{query.pk}-follow_up": str(newer.pk)},
    )

    assert ReviewMessage.objects.get().follow_up == newer
    page = client.get(f"/en/workspace/updates/{query.update_id}/").content.decode()
    assert f"/en/workspace/updates/{newer.pk}/" in page


def test_the_public_page_says_a_query_was_raised_and_answered_but_not_what(
    client, query, staff_user, commitment
):
    public = f"/en/commitments/{commitment.pk}/"
    assert "The bureau has not answered yet." in client.get(public).content.decode()

    workflow.query_answer(review=query, by=staff_user, text=ANSWER)

    page = client.get(public).content.decode()
    assert "A committee member raised a query" in page
    assert "The bureau answered on" in page
    assert QUESTION not in page and ANSWER not in page


def test_the_exchange_is_public_once_the_office_publishes_it_and_only_as_published(
    client, query, staff_user, office_user, member_user, commitment
):
    member_user.first_name = "赵委员"
    member_user.save()
    workflow.query_answer(review=query, by=staff_user, text=ANSWER)
    client.force_login(office_user)
    client.post(f"/en/workspace/queries/{query.pk}/publish/")
    workflow.query_follow_up(review=query, by=member_user, text="后来的追问，未经发布。")
    client.logout()

    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()

    assert QUESTION in page and ANSWER in page
    assert "后来的追问" not in page
    assert "has asked again since" in page
    assert "赵委员" not in page  # the member is not named in public


def test_the_office_cannot_publish_an_unanswered_query(client, query, office_user):
    client.force_login(office_user)

    assert client.post(f"/en/workspace/queries/{query.pk}/publish/").status_code == 403
    query.refresh_from_db()
    assert query.exchange_published_at is None


def test_the_members_review_queue_puts_their_own_proposals_first_and_says_what_changed(
    client, member_user, reply, bureau, make_update, commitment
):
    from commitments.models import Proposal

    link_proposer(member_user, reply.proposal)
    elsewhere_proposal = Proposal.objects.create(title="关于别的事的提案", proposers=["李四"])
    elsewhere_reply = type(reply).objects.create(proposal=elsewhere_proposal, organisation=bureau)
    elsewhere = Commitment.objects.create(
        reply=elsewhere_reply,
        position=1,
        title="别的承诺",
        promised_text="……",
        lead_organisation=bureau,
    )
    mine = make_update(commitment, status="on_track", progress=35)
    publish(mine)
    theirs = make_update(elsewhere, status="completed", progress=100, reason="已完成。")
    publish(theirs)  # published later: newest first would put it first
    client.force_login(member_user)

    response = client.get("/en/workspace/")

    queue = next(s for s in response.context["sections"] if s.key == "awaiting_review")
    assert queue.items == [mine, theirs]
    page = response.content.decode()
    assert "新建停车位" in page and "别的承诺" in page
    assert "Status: from “Not yet assessed” to “Under way – on track”" in page
    assert "Progress: from 0% to 35%" in page


def test_a_member_has_proposals_only_through_a_confirmed_link(member_user, reply):
    from commitments.models import Proposal, Proposer

    member_user.first_name, member_user.last_name = "小明", "王"  # the name alone is not enough
    member_user.save()
    assert not Proposal.objects.proposed_by(member_user).exists()
    Proposer.objects.create(proposal=reply.proposal, name="王小明", member=member_user)
    assert not reply.proposal.is_proposed_by(member_user)  # proposed, not yet confirmed
    link_proposer(member_user, reply.proposal)
    assert list(Proposal.objects.proposed_by(member_user)) == [reply.proposal]
    assert reply.proposal.is_proposed_by(member_user)


def test_a_changed_query_is_asked_again(query, staff_user, member_user):
    workflow.query_answer(review=query, by=staff_user, text=ANSWER)

    workflow.review_save(
        update=query.update, member=member_user, verdict="needs_more", comment="请补充照片。"
    )

    query = Review.objects.get(pk=query.pk)
    assert (query.verdict, query.answered_at) == ("needs_more", None)
