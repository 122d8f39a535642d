"""The loop after a member's verdict, walked in Chromium by each role, JavaScript off.

A proposer rates a reply 不满意 → the bureau sees why and files round 2 → the proposer rates it;
a member queries an update → the bureau answers → the member resolves it; and the bureau splits
a commitment into weighted sub-targets that the public page and the CSV show. The emails each
step sends are captured (Django's test mail outbox) and checked by recipient.
"""

import csv
import io

import pytest
from conftest import link_proposer
from django.core import mail
from playwright.sync_api import expect
from workspace_support import publish

from commitments.models import Rehandling, Reply, Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
REASON = "停车位仍未建成，答复与实际不符。"
ROUND_2_LETTER = """关于区政协一届一次会议第7号提案的再次答复

王小明委员：

您提出的《关于改善社区停车的建议》收悉。经再次研究办理，现答复如下：

一、已采取的措施

一是新建公共停车位120个，已全部投入使用。

二、下一步工作计划

（一）加快建设。年底前再建成公共停车位80个。

（二）加强管理。明年起实行错时共享停车。

感谢您对我们工作的关心和支持。

测试区工业和信息化局
2024年11月1日
"""


@pytest.fixture
def open_as(browser, live_server):
    """A fresh browser session, signed in as `username`, without JavaScript."""
    contexts = []

    def open_as(username=None, width=1024):
        context = browser.new_context(
            java_script_enabled=False, locale="en-US", viewport={"width": width, "height": 800}
        )
        contexts.append(context)
        page = context.new_page()
        if username:
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_url(f"{live_server.url}/en/workspace/")
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def proposer(member_user, reply):
    """The committee member who filed the proposal (王小明, as the reply fixture names him)."""
    member_user.last_name, member_user.first_name = "王", "小明"
    member_user.save()
    return link_proposer(member_user, reply.proposal)


def mail_to(user):
    """The subjects of the emails sent to `user` so far, and forget them."""
    subjects = [m.subject for m in mail.outbox if m.to == [user.email]]
    mail.outbox[:] = [m for m in mail.outbox if m.to != [user.email]]
    return subjects


def test_a_reply_rated_dissatisfied_is_handled_again_and_rated_again(
    open_as, live_server, commitment, proposer, staff_user, office_user, other_staff_user
):
    reply = commitment.reply

    # The proposer rates the outcome 不满意 and says why.
    member = open_as("member")
    member.goto(f"{live_server.url}/en/workspace/replies/{reply.pk}/rate/")
    member.locator("#id_handling_1").check()
    member.locator("#id_outcome_2").check()
    member.get_by_label("Comment").fill(REASON)
    member.get_by_role("button", name="Save my rating").click()
    expect(member.get_by_role("status")).to_contain_text("round 2")
    assert len(mail_to(staff_user)) == 2  # rated, and sent back for re-handling
    assert mail_to(other_staff_user) == [] and mail_to(office_user) == []

    # The bureau sees why and by when, and files the round-2 reply from there.
    staff = open_as("staff-a")
    rehandling_section = staff.locator("#rehandling")
    expect(rehandling_section).to_contain_text(REASON)
    rehandling_section.get_by_role("link", name=reply.proposal.title).click()
    expect(staff.locator("main")).to_contain_text(REASON)
    staff.get_by_role("link", name="File the reply of round 2").click()
    expect(staff.locator("main")).to_contain_text("re-handling round 2")
    staff.get_by_label("Paste the text of the letter").fill(ROUND_2_LETTER)
    staff.get_by_role("button", name="Preview").click()
    expect(staff.locator("main")).to_contain_text("re-handling round 2")
    staff.get_by_role("button", name="Save reply").click()
    expect(staff.locator("main")).to_contain_text("Reply after re-handling (round 2)")
    second = Reply.objects.get(round=2)
    assert second.proposal == reply.proposal
    assert not Rehandling.objects.open().exists()
    assert len(mail_to(proposer)) == 1  # a new reply to his proposal

    # The proposer rates the new round; the bureau hears of it.
    member.goto(f"{live_server.url}/en/workspace/")
    member.locator("#to_rate").get_by_role("link").first.click()
    expect(member.locator("main")).to_contain_text("Round 2")
    member.locator("#id_handling_0").check()
    member.locator("#id_outcome_0").check()
    member.get_by_role("button", name="Save my rating").click()
    expect(member.get_by_role("status")).to_contain_text("Your rating was saved")
    assert second.ratings.get().outcome == "satisfied"
    assert len(mail_to(staff_user)) == 1


def test_a_query_is_answered_by_the_bureau_and_resolved_by_the_member(
    open_as, live_server, commitment, make_update, proposer, staff_user, office_user
):
    update = make_update(commitment, text="已建成公共停车位120个。", progress=60)
    publish(update, by=office_user)
    mail.outbox.clear()
    public_url = f"{live_server.url}/en/commitments/{commitment.pk}/"

    # The member's queue names the commitment and what changed; he queries the update.
    member = open_as("member")
    queue = member.locator("#awaiting_review")
    expect(queue).to_contain_text(commitment.title)
    expect(queue).to_contain_text("Progress: from 0% to 60%")
    queue.get_by_role("link").first.click()
    member.get_by_label("Queried").check()
    member.get_by_label("Comment").fill("120个车位是否都已验收？")
    member.get_by_role("button", name="Save my review").click()
    expect(member.get_by_role("status")).to_contain_text("Your review was saved")
    assert len(mail_to(staff_user)) == 1

    # The bureau answers from its workspace.
    staff = open_as("staff-a")
    staff.locator("#queried").get_by_role("link").first.click()
    staff.get_by_label("Your answer").fill("已于9月全部验收。")
    staff.get_by_role("button", name="Send the answer").click()
    expect(staff.get_by_role("status")).to_contain_text("Your answer was sent")
    assert len(mail_to(proposer)) == 1
    assert len(mail_to(office_user)) == 1

    # The public sees that a query was raised and answered, not the exchange.
    visitor = open_as()
    visitor.goto(public_url)
    expect(visitor.locator("main")).to_contain_text("A committee member raised a query")
    expect(visitor.locator("main")).to_contain_text("The bureau answered on")
    expect(visitor.locator("main")).not_to_contain_text("已于9月全部验收。")

    # The office sees both, and publishes the exchange.
    office = open_as("office")
    office.goto(f"{live_server.url}/en/workspace/")
    office.locator("#queried").get_by_role("link").first.click()
    expect(office.locator("#queries")).to_contain_text("120个车位是否都已验收？")
    expect(office.locator("#queries")).to_contain_text("已于9月全部验收。")
    office.get_by_role("button", name="Publish this exchange on the public page").click()
    expect(office.get_by_role("status")).to_contain_text("now on the public page")

    # The member marks it resolved.
    member.goto(f"{live_server.url}/en/workspace/")
    member.locator("#my_queries").get_by_role("link").first.click()
    member.get_by_role("button", name="The answer settles it: mark resolved").click()
    expect(member.get_by_role("status")).to_contain_text("marked resolved")
    assert Review.objects.get().resolved_at is not None

    visitor.goto(public_url)
    expect(visitor.locator("main")).to_contain_text("已于9月全部验收。")
    expect(visitor.locator("main")).to_contain_text("The member marked it resolved.")


def test_the_bureau_splits_a_commitment_and_the_public_sees_the_weighted_parts(
    open_as, live_server, commitment, staff_user, office_user
):
    staff = open_as("staff-a")
    staff.goto(f"{live_server.url}/en/workspace/commitments/{commitment.pk}/")
    staff.get_by_role("link", name="Split into sub-targets").click()
    for title, weight in (("东区停车位", "2"), ("西区停车位", "1")):
        staff.get_by_label("Short title").fill(title)
        staff.get_by_label("What is to be done").fill(f"{title}建成。")
        staff.get_by_label("Weight").fill(weight)
        staff.get_by_role("button", name="Add the sub-target").click()
        expect(staff.get_by_role("status")).to_contain_text(title)
    staff.get_by_label("西区停车位").fill("2")
    staff.get_by_role("button", name="Save the weights").click()
    expect(staff.get_by_role("status")).to_contain_text("weights were saved")

    # A progress update on one part, submitted by the bureau and published by the office.
    east = commitment.children.get(title="东区停车位")
    staff.goto(f"{live_server.url}/en/workspace/commitments/{east.pk}/")
    staff.get_by_role("link", name="New progress update").click()
    staff.get_by_label("What was done").fill("东区已建成80个。")
    staff.get_by_label("Status after").select_option("on_track")
    staff.get_by_label("Progress (%)").fill("60")
    staff.get_by_role("button", name="Submit to the office for review").click()
    office = open_as("office")
    office.locator("#awaiting_publication").get_by_role("link").first.click()
    expect(office.locator("main")).to_contain_text("Status: from “Not yet assessed” to")
    office.get_by_role("button", name="Publish").click()
    expect(office.get_by_role("status")).to_contain_text("Published")

    visitor = open_as(width=375)
    visitor.goto(f"{live_server.url}/en/commitments/{commitment.pk}/")
    main = visitor.locator("main")
    expect(main).to_contain_text("东区停车位")
    expect(main).to_contain_text("西区停车位")
    expect(main).to_contain_text("total weight of 4, gives 30%")
    expect(main).to_contain_text("Under way – on track")
    expect(main).not_to_contain_text("No evidence yet")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 375
    visitor.get_by_role("link", name="东区停车位").click()
    expect(visitor.locator("main")).to_contain_text("Sub-target set by the bureau")

    export = visitor.request.get(f"{live_server.url}/en/commitments/export.csv")
    rows = list(csv.DictReader(io.StringIO(export.text().removeprefix("\ufeff"))))
    parts = {row["Title"]: row for row in rows if row["Parent commitment ID"]}
    assert set(parts) == {"东区停车位", "西区停车位"}
    assert {row["Parent commitment ID"] for row in parts.values()} == {str(commitment.pk)}
    assert parts["西区停车位"]["Weight in the parent"] == "2"


def test_the_loops_pages_fit_a_phone_in_both_languages_and_pass_axe(
    browser, live_server, commitment, make_update, proposer, staff_user, office_user
):
    from axe_playwright_python.sync_playwright import Axe

    from commitments import workflow

    update = make_update(commitment, text="已建成公共停车位120个。")
    publish(update, by=office_user)
    query = workflow.review_save(
        update=update, member=proposer, verdict="queried", comment="是否已验收？"
    )
    workflow.query_answer(review=query, by=staff_user, text="已验收。")
    _rating, rehandling = workflow.rating_save(
        reply=commitment.reply,
        member=proposer,
        handling="basically",
        outcome="dissatisfied",
        comment=REASON,
    )
    workflow.subtarget_create(
        parent=commitment, by=staff_user, title="东区停车位", text="东区建成。", weight=2
    )
    pages = {
        "staff-a": [
            "/{lang}/workspace/",
            f"/{{lang}}/workspace/rehandlings/{rehandling.pk}/",
            f"/{{lang}}/workspace/import/?rehandling={rehandling.pk}",
            f"/{{lang}}/workspace/commitments/{commitment.pk}/sub-targets/",
            f"/{{lang}}/workspace/updates/{update.pk}/",
            "/{lang}/workspace/profile/",
        ],
        "member": ["/{lang}/workspace/", f"/{{lang}}/workspace/updates/{update.pk}/"],
        "office": [f"/{{lang}}/workspace/updates/{update.pk}/"],
        None: [f"/{{lang}}/commitments/{commitment.pk}/", "/{lang}/"],
    }
    axe = Axe()
    problems = {}
    for username, paths in pages.items():
        context = browser.new_context(locale="en-US", viewport={"width": 375, "height": 800})
        page = context.new_page()
        if username:
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.get_by_role("button", name="Sign in").click()
        for path in paths:
            for lang in ("zh-hans", "en"):
                address = live_server.url + path.format(lang=lang)
                assert page.goto(address).status == 200, address
                if page.evaluate("document.documentElement.scrollWidth") > 375:
                    problems[address] = "wider than 375 px"
                violations = axe.run(page).response["violations"]
                serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
                if serious:
                    problems[address] = serious
        context.close()

    assert problems == {}
