"""The reply import, driven in Chromium: sign in, paste, correct the preview, save."""

import re

import pytest
from playwright.sync_api import expect

from commitments.models import Reply

IMPORT_PATH = "/zh-hans/workspace/import/"
EDITED_TITLE = "加强政策引领（已核对）"


def open_import_page(page, live_server, user):
    """Open the import page as a visitor, sign in where it sends you, and come back to it."""
    page.goto(f"{live_server.url}{IMPORT_PATH}")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "correct horse battery staple")
    page.press("input[name=password]", "Enter")
    expect(page).to_have_url(f"{live_server.url}{IMPORT_PATH}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_pastes_a_letter_corrects_the_preview_and_saves_it(
    page, live_server, staff_user, seed_text
):
    open_import_page(page, live_server, staff_user)
    page.fill("textarea[name=text]", seed_text)
    page.locator("form.import-source button[type=submit]").click()

    expect(page.locator(".import-warnings")).to_be_visible()
    expect(page.locator("#measures .item-rows > fieldset")).to_have_count(7)
    expect(page.locator("#commitments .item-rows > fieldset")).to_have_count(6)
    second_title = page.locator("input[name='commitments-1-title']").input_value()
    assert second_title.startswith("开展精准招商")
    page.fill("input[name='commitments-0-title']", EDITED_TITLE)
    # The enhancement: move the edited commitment below the second one.
    page.locator("#commitments-0 button[data-direction=down]").click()
    expect(page.locator("input[name='commitments-0-ORDER']")).to_have_value("2")
    expect(page.locator("input[name='commitments-1-ORDER']")).to_have_value("1")
    # The test bureau did not sign the seed letter: its staff say the reply is co-handled.
    page.check("input[name=signed_elsewhere][value=co_handled]")
    page.locator("#import-actions button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/zh-hans/replies/\d+/$"))
    expect(page.get_by_text(EDITED_TITLE).first).to_be_visible()
    reply = Reply.objects.get()
    assert [c.title for c in reply.commitments.order_by("position")][:2] == [
        second_title,
        EDITED_TITLE,
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_added_row_from_the_template_is_saved(page, live_server, staff_user, seed_text):
    open_import_page(page, live_server, staff_user)
    page.fill("textarea[name=text]", seed_text)
    page.locator("form.import-source button[type=submit]").click()

    page.locator("#commitments button.row-add").click()
    expect(page.locator("input[name='commitments-TOTAL_FORMS']")).to_have_value("7")
    page.fill("input[name='commitments-6-title']", "新增承诺")
    page.fill("textarea[name='commitments-6-text']", "明年上半年完成园区二期建设。")
    # The test bureau did not sign the seed letter: its staff say the reply is co-handled.
    page.check("input[name=signed_elsewhere][value=co_handled]")
    page.locator("#import-actions button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/zh-hans/replies/\d+/$"))
    titles = [c.title for c in Reply.objects.get().commitments.order_by("position")]
    assert titles[-1] == "新增承诺"
    assert len(titles) == 5


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_stated_deadline_is_shown_beside_its_words_and_saved_as_corrected(
    page, live_server, staff_user
):
    from tests.test_import_due_dates import DATED_LETTER

    open_import_page(page, live_server, staff_user)
    page.fill("textarea[name=text]", DATED_LETTER)
    page.locator("form.import-source button[type=submit]").click()

    due = page.locator("input[name='commitments-1-target_date']")
    expect(due).to_have_value("2025-06-30")
    expect(page.locator("#commitments-1 .target-phrase")).to_contain_text("明年6月底前")
    expect(page.locator("input[name=signed_elsewhere]")).to_have_count(0)  # its own bureau signed
    due.fill("2025-05-31")
    page.locator("#import-actions button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/zh-hans/replies/\d+/$"))
    second = Reply.objects.get().commitments.get(position=2)
    assert str(second.original_target_date) == "2025-05-31"
