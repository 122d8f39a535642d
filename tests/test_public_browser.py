"""The public site in Chromium: a visitor's journey without JavaScript, accessibility, phones."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from workspace_support import publish, submit

from commitments.models import Evidence, ProgressUpdate

# The seed letter's four commitments, by words that survive any punctuation clean-up.
SEED_PHRASES = ["加强政策引领", "开展精准招商", "提高创新能力", "优化产业生态"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def publish_seed_update(reply):
    """One published update with evidence, so the timeline has something to show."""
    commitment = reply.commitments.get(position=2)
    update = ProgressUpdate.objects.create(
        commitment=commitment,
        as_of=datetime.date(2024, 10, 8),
        text="已签约落地人工智能项目3个。",
        status="on_track",
        progress=40,
        organisation=reply.organisation,
    )
    Evidence.objects.create(update=update, url="https://example.org/news", description="签约新闻")
    submit(update)
    publish(update)
    return commitment


@pytest.fixture
def no_script_page(browser):
    # A visitor whose browser asks for Chinese, with JavaScript switched off.
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, accept_downloads=True)
    yield context.new_page()
    context.close()


def card_titles(page):
    return page.locator(".commitment-list .card-title").all_inner_texts()


def test_visitor_finds_filters_opens_follows_switches_language_downloads_and_subscribes(
    no_script_page, live_server, seed_reply
):
    page = no_script_page
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/zh-hans/")

    titles = [c.title for c in seed_reply.commitments.order_by("position")]
    assert all(phrase in title for phrase, title in zip(SEED_PHRASES, titles, strict=True))
    page.locator(".nav a[href='/zh-hans/commitments/']").click()
    assert sorted(card_titles(page)) == sorted(titles)

    page.fill("#id_q", "招商")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/commitments/\?q=%E6%8B%9B%E5%95%86"))
    assert card_titles(page) == [titles[1]]

    page.get_by_role("link", name=titles[1]).click()
    expect(page.locator("blockquote.promise")).to_contain_text("充分利用产业图谱")

    page.locator("a[href$='#commitment-2']").first.click()
    expect(page).to_have_url(re.compile(rf"/zh-hans/replies/{seed_reply.pk}/#commitment-2$"))
    expect(page.locator("#commitment-2")).to_contain_text("开展精准招商")
    expect(page.locator(".commitment-list > li")).to_have_count(4)

    page.locator(".language-switcher [lang='en']").click()
    expect(page).to_have_url(re.compile(rf"/en/replies/{seed_reply.pk}/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator(".nav a[href='/en/commitments/']").click()
    with page.expect_download() as download_info:
        page.locator("a[href^='/en/commitments/export.csv']").click()
    with open(download_info.value.path(), encoding="utf-8") as downloaded:
        csv_text = downloaded.read()
    assert csv_text.startswith("\ufeffID,")
    assert all(title in csv_text for title in titles)

    feed_address = page.locator("link[type='application/atom+xml']").get_attribute("href")
    feed = page.request.get(f"{live_server.url}{feed_address}")
    assert feed.ok
    assert feed.headers["content-type"].startswith("application/atom+xml")


def public_addresses(reply, commitment):
    return [
        "/zh-hans/",
        "/en/",
        "/zh-hans/commitments/",
        "/zh-hans/commitments/?q=招商&overdue=1",
        f"/zh-hans/commitments/{commitment.pk}/",
        f"/en/commitments/{commitment.pk}/",
        f"/zh-hans/replies/{reply.pk}/",
        f"/zh-hans/organisations/{reply.organisation.slug}/",
        "/zh-hans/methodology/",
    ]


def test_public_pages_have_no_serious_accessibility_violations(page, live_server, seed_reply):
    commitment = publish_seed_update(seed_reply)
    axe = Axe()
    problems = {}
    for address in public_addresses(seed_reply, commitment):
        page.goto(f"{live_server.url}{address}")
        violations = axe.run(page).response["violations"]
        serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
        if serious:
            problems[address] = serious
    assert problems == {}


@pytest.mark.parametrize("address", ["/zh-hans/commitments/", "commitment", "reply"])
def test_pages_fit_a_375_pixel_phone_without_sideways_scrolling(
    page, live_server, seed_reply, address
):
    commitment = publish_seed_update(seed_reply)
    address = {
        "commitment": f"/zh-hans/commitments/{commitment.pk}/",
        "reply": f"/zh-hans/replies/{seed_reply.pk}/",
    }.get(address, address)
    page.set_viewport_size({"width": 375, "height": 740})

    page.goto(f"{live_server.url}{address}")

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
