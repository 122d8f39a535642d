"""The main journeys in Chromium, each by its role, with JavaScript switched off.

Bureau staff submit an update with a file, the office publishes it, the public page shows it,
and a committee member queries it.
"""

import pytest
from conftest import link_proposer
from playwright.sync_api import expect
from workspace_support import PDF_BYTES, publish, submit

from commitments.models import Evidence, ProgressUpdate, Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def open_as(browser, live_server):
    """A fresh browser session, signed in as `username` (or anonymous), without JavaScript."""
    contexts = []

    def open_as(username=None, width=1024):
        context = browser.new_context(
            java_script_enabled=False,
            locale="en-US",
            viewport={"width": width, "height": 800},
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


def test_an_update_goes_from_bureau_to_office_to_public_to_member(
    open_as, live_server, commitment, staff_user, office_user, member_user, tmp_path
):
    report = tmp_path / "验收报告.pdf"
    report.write_bytes(PDF_BYTES)
    public_url = f"{live_server.url}/en/commitments/{commitment.pk}/"

    # Bureau staff write the update, attach the report and submit it.
    staff = open_as("staff-a")
    staff.get_by_role("link", name="Our commitments").click()
    staff.get_by_role("link", name=commitment.title).click()
    staff.get_by_role("link", name="New progress update").click()
    staff.get_by_label("What was done").fill("已建成公共停车位120个，正在验收。")
    staff.get_by_label("Status after").select_option("on_track")
    staff.get_by_label("Progress (%)").fill("60")
    staff.locator("#id_evidence-0-description").fill("验收报告")
    staff.locator("#id_evidence-0-file").set_input_files(str(report))
    staff.get_by_role("button", name="Submit to the office for review").click()
    expect(staff.get_by_role("status")).to_contain_text("submitted to the office")

    # Not public yet.
    visitor = open_as()
    visitor.goto(public_url)
    expect(visitor.locator("main")).not_to_contain_text("已建成公共停车位120个")

    # The office publishes it from its workspace.
    office = open_as("office")
    office.locator("#awaiting_publication").get_by_role("link").first.click()
    expect(office.locator("main")).to_contain_text("已建成公共停车位120个")
    office.get_by_role("button", name="Publish").click()
    expect(office.get_by_role("status")).to_contain_text("Published")

    # The public page shows it at once, and anyone may now fetch its file.
    visitor.goto(public_url)
    expect(visitor.locator("main")).to_contain_text("已建成公共停车位120个")
    expect(visitor.locator("main")).to_contain_text("Under way – on track")
    expect(visitor.locator("main")).to_contain_text("验收报告")
    evidence = Evidence.objects.get()
    file_response = visitor.request.get(live_server.url + evidence.get_absolute_url())
    assert file_response.ok and file_response.body() == PDF_BYTES

    # A committee member queries it.
    member = open_as("member")
    member.locator("#awaiting_review").get_by_role("link").first.click()
    member.get_by_label("Queried").check()
    member.get_by_label("Comment").fill("120个车位是否都已验收？")
    member.get_by_role("button", name="Save my review").click()
    expect(member.get_by_role("status")).to_contain_text("Your review was saved")

    # The bureau sees the query in its workspace.
    staff.goto(f"{live_server.url}/en/workspace/")
    expect(staff.locator("#queried")).to_contain_text(commitment.title)
    update = ProgressUpdate.objects.get()
    assert update.state == "published"
    assert Review.objects.get().verdict == "queried"


def test_the_office_returns_an_update_and_the_bureau_corrects_it(
    open_as, live_server, commitment, make_update, office_user
):
    update = make_update(commitment, text="初稿：完成选址。")
    submit(update)

    office = open_as("office")
    office.goto(f"{live_server.url}/en/workspace/updates/{update.pk}/")
    office.get_by_label("Note to the bureau").fill("请补充选址批复文件。")
    office.get_by_role("button", name="Return to the bureau").click()
    expect(office.get_by_role("status")).to_contain_text("returned to the bureau")

    staff = open_as("staff-a")
    expect(staff.locator("#returned")).to_contain_text("请补充选址批复文件。")
    staff.locator("#returned").get_by_role("link").first.click()
    staff.get_by_role("link", name="Edit").click()
    staff.get_by_label("What was done").fill("完成选址，批复文件见链接。")
    staff.locator("#id_evidence-0-description").fill("选址批复")
    staff.locator("#id_evidence-0-url").fill("https://example.org/approval")
    staff.get_by_role("button", name="Submit to the office for review").click()
    expect(staff.get_by_role("status")).to_contain_text("submitted to the office")
    update.refresh_from_db()
    assert (update.state, update.text) == ("submitted", "完成选址，批复文件见链接。")


def test_a_false_pdf_is_refused_with_the_error_beside_the_field(
    open_as, live_server, commitment, staff_user, tmp_path
):
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 300)

    staff = open_as("staff-a")
    staff.goto(f"{live_server.url}/en/workspace/commitments/{commitment.pk}/updates/new/")
    staff.get_by_label("What was done").fill("附上报告。")
    staff.locator("#id_evidence-0-description").fill("报告")
    staff.locator("#id_evidence-0-file").set_input_files(str(fake))
    staff.get_by_role("button", name="Save draft").click()

    file_input = staff.locator("#id_evidence-0-file")
    expect(file_input).to_have_attribute("aria-invalid", "true")
    error_id = file_input.get_attribute("aria-describedby").split()[-1]
    expect(staff.locator(f"#{error_id}")).to_contain_text("not a PDF")
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/en/workspace/", "/en/workspace/commitments/{pk}/updates/new/", "/en/workspace/commitments/"],
)
def test_workspace_pages_fit_a_375px_phone(open_as, live_server, commitment, staff_user, path):
    staff = open_as("staff-a", width=375)

    staff.goto(live_server.url + path.format(pk=commitment.pk))

    assert staff.evaluate("document.documentElement.scrollWidth") <= 375


def test_workspace_pages_pass_the_axe_accessibility_checks(
    browser, live_server, commitment, make_update, staff_user, office_user, member_user
):
    from axe_playwright_python.sync_playwright import Axe

    link_proposer(member_user, commitment.reply.proposal)  # the home page lists it, with a form
    submitted = make_update(commitment)
    submit(submitted)
    published = make_update(commitment)
    publish(published)
    pages = {
        "staff-a": [
            "/en/workspace/",
            f"/en/workspace/commitments/{commitment.pk}/",
            f"/en/workspace/commitments/{commitment.pk}/updates/new/",
            f"/en/workspace/commitments/{commitment.pk}/history/",
        ],
        "office": [f"/en/workspace/updates/{submitted.pk}/", "/en/workspace/commitments/"],
        "member": [
            "/en/workspace/",
            f"/en/workspace/updates/{published.pk}/",
            f"/en/workspace/replies/{commitment.reply_id}/rate/",
        ],
    }
    axe = Axe()
    problems = {}
    for username, paths in pages.items():
        context = browser.new_context(locale="en-US")  # axe itself needs JavaScript
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        for path in paths:
            page.goto(live_server.url + path)
            if path.endswith("/new/"):  # the form as it comes back with an error
                page.fill("#id_text", "推进中。")
                page.fill("#id_new_target_date", "2031-06-30")
                page.get_by_role("button", name="Save draft").click()
                expect(page.locator("#id_target_date_reason")).to_have_attribute(
                    "aria-invalid", "true"
                )
            violations = axe.run(page).response["violations"]
            serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
            if serious:
                problems[path] = serious
        context.close()

    assert problems == {}
