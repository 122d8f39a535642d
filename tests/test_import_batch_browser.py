"""A session's replies imported at once, driven in Chromium: upload, check the rows, save."""

import re

import pytest
from playwright.sync_api import expect

from commitments.models import Commitment, Reply
from tests.batch_letters import as_file, zip_of
from tests.letter_pdfs import scanned_pdf

BATCH_PATH = "/zh-hans/workspace/import/batch/"
MIME = {
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def open_batch_page(page, live_server, user):
    page.goto(f"{live_server.url}{BATCH_PATH}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "correct horse battery staple")
    page.press("input[name=password]", "Enter")
    expect(page).to_have_url(f"{live_server.url}{BATCH_PATH}")


def payload(name, content):
    return {"name": name, "mimeType": MIME[name[name.rindex(".") :]], "buffer": content}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", [".txt", ".docx", ".pdf", ".zip"])
def test_thirty_letters_are_read_and_saved_together(page, live_server, staff_user, kind):
    letters = [as_file(number, ".pdf" if kind == ".zip" else kind) for number in range(1, 31)]
    files = [("第一批答复.zip", zip_of(letters))] if kind == ".zip" else letters
    open_batch_page(page, live_server, staff_user)

    page.set_input_files("input[name=files]", [payload(*f) for f in files])
    page.locator("form.batch-upload button[type=submit]").click()

    expect(page.locator(".batch-row.status-ready")).to_have_count(30)
    assert not Reply.objects.exists()
    page.locator(".import-batch .actions button[type=submit]").first.click()

    expect(page.locator(".message.success")).to_contain_text("30")
    expect(page.locator(".batch-row.status-duplicate")).to_have_count(30)
    assert Reply.objects.count() == 30 and Commitment.objects.count() == 30
    dates = set(Commitment.objects.values_list("original_target_date", flat=True))
    assert [str(d) for d in dates] == ["2025-12-31"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bad_file_in_the_middle_is_left_out_and_the_good_ones_wait_to_be_asked(
    page, live_server, staff_user
):
    files = [as_file(1, ".txt"), ("扫描件.pdf", scanned_pdf()), as_file(2, ".docx")]
    open_batch_page(page, live_server, staff_user)

    page.set_input_files("input[name=files]", [payload(*f) for f in files])
    page.locator("form.batch-upload button[type=submit]").click()

    rows = page.locator(".batch-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_have_class(re.compile("status-unreadable"))
    expect(rows.nth(1)).to_contain_text("没有文字层")
    assert not Reply.objects.exists()
    page.locator(".import-batch .actions button[type=submit]").first.click()

    expect(page.locator(".message.success")).to_be_visible()
    assert sorted(Reply.objects.values_list("proposal__number", flat=True)) == ["1", "2"]
    expect(page.locator(".batch-row.status-unreadable")).to_have_count(1)
