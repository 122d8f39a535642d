"""The handling report in Chromium: printed to A4 with page numbers and unbroken tables, on a
phone without sideways scrolling, without accessibility violations or CSP breaches.

The PDF is read with tests/pdf_pages.py: pypdf is not in requirements-dev.txt yet."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from pdf_pages import media_boxes, page_count, page_texts
from report_support import YEAR, build_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4_POINTS = (0, 0, 596, 843)


@pytest.fixture
def many_organisations(django_user_model, office_user):
    """Forty organisations: every organisation table runs over more than one A4 page."""
    return build_year(django_user_model, office_user, organisations=40)


def test_report_prints_on_numbered_a4_pages_with_every_table_header_on_every_page(
    page, live_server, many_organisations
):
    page.goto(f"{live_server.url}/zh-hans/reports/{YEAR}/")
    headers = set(
        page.locator("table[data-table] thead tr:first-child th:first-child").all_inner_texts()
    )
    row_labels = set(page.locator("table[data-table] tbody th").all_inner_texts())
    captions = page.locator("table[data-table] caption").all_inner_texts()

    pdf = page.pdf(format="A4")

    pages = page_count(pdf)
    assert media_boxes(pdf) == {A4_POINTS}
    texts = page_texts(pdf)
    assert len(texts) == pages >= 4
    for number, text in enumerate(texts, start=1):
        # The page number, from print.css's @page margin box: "3 / 9".
        assert re.search(rf"(?<!\d){number}\n? / \n?{pages}(?!\d)", text), number
    tables_start = next(n for n, text in enumerate(texts) if captions[0] in text)
    repeated = 0
    for number, text in enumerate(texts[tables_start:], start=tables_start + 1):
        lines = [line.strip() for line in text.split("\n")]
        header_lines = [i for i, line in enumerate(lines) if line in headers]
        row_lines = [i for i, line in enumerate(lines) if line in row_labels]
        if row_lines:
            # A table's rows on this page come after its header: repeated, or the table starts here.
            assert header_lines and header_lines[0] < row_lines[0], f"page {number}"
            # No table starts on this page: the header at its top was repeated.
            repeated += not any(caption in text for caption in captions)
    assert repeated  # some tables ran over a page, and their headers came along


def test_report_fits_a_phone_and_has_no_serious_accessibility_violations(
    page, live_server, many_organisations
):
    page.set_viewport_size({"width": 375, "height": 740})
    for address in (f"/zh-hans/reports/{YEAR}/", "/en/reports/"):
        page.goto(f"{live_server.url}{address}")

        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        violations = Axe().run(page).response["violations"]
        assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []


def test_visitor_goes_from_the_overview_to_the_report_and_downloads_the_workbook(
    browser, live_server, many_organisations
):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/zh-hans/")
    page.locator(".nav a[href='/zh-hans/reports/']").click()
    page.locator(f"a[href='/zh-hans/reports/{YEAR}/']").click()

    assert page.locator("svg.status-bars").count() == 4  # forty organisations, a dozen a block
    with page.expect_download() as download_info:
        page.locator(f"a[href='/zh-hans/reports/{YEAR}.xlsx']").click()
    assert download_info.value.suggested_filename == f"handling-report-{YEAR}.xlsx"
    with open(download_info.value.path(), "rb") as downloaded:
        assert downloaded.read(2) == b"PK"  # a zip: the .xlsx
    context.close()
