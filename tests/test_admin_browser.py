"""The office's admin in Chromium, JavaScript on, under the Content-Security-Policy.

Django's admin scripts read their settings from data attributes, so the policy's ban on inline
script must leave the slug filled in from the short name and the search-as-you-type pickers
working; tests/conftest.py fails the test on any violation the pages report.
"""

import pytest
from playwright.sync_api import expect

from commitments.models import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def office_admin(browser, live_server, office_user):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    yield page
    context.close()


def test_the_admin_fills_a_slug_from_the_short_name(office_admin, live_server):
    page = office_admin
    page.goto(f"{live_server.url}/admin/commitments/organisation/add/")

    page.locator("#id_short_name").press_sequentially("Water Bureau")

    expect(page.locator("#id_slug")).to_have_value("water-bureau")


def test_the_admin_finds_a_session_by_typing_part_of_its_name(office_admin, live_server):
    Session.objects.create(body="cppcc", name="测试区政协一届二次会议", year=2025)
    page = office_admin
    page.goto(f"{live_server.url}/admin/commitments/proposal/add/")

    page.locator("#id_session").locator("xpath=..").locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("二次")
    page.locator(".select2-results__option", has_text="一届二次会议").click()

    expect(page.locator("#id_session")).to_have_value(
        str(Session.objects.get(name="测试区政协一届二次会议").pk)
    )
