"""A member's own proposals in Chromium: they rate the reply to theirs, are refused for another's,
and an outcome rated 不满意 sends the proposal back to the bureau for another round."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commitments import workflow
from commitments.models import Proposal, Rehandling, Reply, SatisfactionRating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
REASON = "停车位仍未建成，答复与实际不符。"


def sign_in(browser, live_server, username):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/en/workspace/")
    return page


def test_a_member_rates_their_own_proposal_and_is_refused_for_another(
    browser, live_server, commitment, member_user, office_user, staff_user, other_bureau
):
    reply = commitment.reply
    member_user.filing_names = ["王小明"]
    member_user.save()
    (link,) = workflow.proposers_match(proposal=reply.proposal)
    workflow.proposer_confirm(link=link, member=link.member, by=office_user)
    theirs = Reply.objects.create(
        proposal=Proposal.objects.create(title="关于别人的提案", proposers=["李四"]),
        organisation=other_bureau,
        reply_date=timezone.localdate(),
    )

    page = sign_in(browser, live_server, "member")

    mine = page.locator("#my_proposals")
    expect(mine).to_contain_text("关于改善社区停车的建议")
    expect(mine).to_contain_text("新建停车位")
    expect(mine).not_to_contain_text("关于别人的提案")
    expect(page.locator(f'form[action$="/replies/{theirs.pk}/rate/"]')).to_have_count(0)
    form = mine.locator(f'form[action$="/replies/{reply.pk}/rate/"]')
    form.get_by_label("Basically satisfied").first.check()
    form.locator("fieldset, div").filter(has_text="Outcome").get_by_label("Dissatisfied").check()
    form.get_by_label("Comment").fill(REASON)
    form.get_by_role("button", name="Save my rating").click()
    expect(page.get_by_role("status")).to_contain_text("round 2")
    rating = SatisfactionRating.objects.get()
    assert (rating.reply, rating.member, rating.outcome) == (reply, member_user, "dissatisfied")
    assert Rehandling.objects.get().proposal == reply.proposal

    # Another's proposal: no form, and a POST (with a valid CSRF token) is refused.
    response = page.goto(f"{live_server.url}/en/workspace/replies/{theirs.pk}/rate/")
    assert response.status == 403
    expect(page.locator("form#rating, form.card")).to_have_count(0)
    page.goto(f"{live_server.url}/en/workspace/")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    refused = page.request.post(
        f"{live_server.url}/en/workspace/replies/{theirs.pk}/rate/",
        form={
            "csrfmiddlewaretoken": token,
            "handling": "satisfied",
            "outcome": "satisfied",
            "comment": "",
        },
        headers={"Referer": f"{live_server.url}/en/workspace/"},
    )
    assert refused.status == 403
    assert "CSRF" not in refused.text()
    assert not SatisfactionRating.objects.filter(reply=theirs).exists()

    # The bureau finds the proposal back on its desk, with the reason.
    staff = sign_in(browser, live_server, "staff-a")
    rehandling = staff.locator("#rehandling")
    expect(rehandling).to_contain_text("关于改善社区停车的建议")
    staff.goto(f"{live_server.url}{Rehandling.objects.get().get_absolute_url()}")
    expect(staff.locator("main")).to_contain_text(REASON)
