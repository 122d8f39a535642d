"""Crawlers: robots.txt keeps them to the pages worth indexing, the sitemaps list every one of
them in both languages, pages name their translations, and the favicon is there."""

import re
import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from protego import Protego

from commitments import sitemaps
from commitments.models import Commitment

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
AGENT = "trackerbot"


def robots(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return Protego.parse(response.content.decode())


def test_robots_txt_lets_crawlers_index_pages_but_not_filters_exports_or_private_areas(
    client, commitment
):
    rules = robots(client)
    site = "http://testserver"
    for allowed in [
        "/zh-hans/",
        "/en/commitments/",
        f"/zh-hans/commitments/{commitment.pk}/",
        f"/en/replies/{commitment.reply_id}/",
        "/en/organisations/test-industry/",
        "/zh-hans/methodology/",
        "/en/api/",
        "/api/v1/commitments/",
        "/feeds/updates/",
        "/sitemap-commitments.xml?p=2",
    ]:
        assert rules.can_fetch(site + allowed, AGENT), allowed
    for disallowed in [
        "/zh-hans/commitments/?status=completed",
        "/en/commitments/?organisation=test-industry&overdue=1",
        "/en/commitments/?page=2",
        "/zh-hans/commitments/export.csv",
        "/en/commitments/export.csv?status=stalled",
        "/en/commitments/export.xlsx",
        "/zh-hans/workspace/",
        "/en/workspace/import/",
        "/admin/",
        "/accounts/login/",
        "/api/v1/commitments/?status=completed",
    ]:
        assert not rules.can_fetch(site + disallowed, AGENT), disallowed
    assert list(rules.sitemaps) == [f"{site}/sitemap.xml"]


def sitemap_locations(client, address):
    """The addresses a sitemap lists, each with its hreflang alternates."""
    response = client.get(address)
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    entries = {}
    for url in root.findall("sm:url", SITEMAP_NS):
        location = url.find("sm:loc", SITEMAP_NS).text
        entries[location] = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("xhtml:link", SITEMAP_NS)
            if link.get("rel") == "alternate"
        }
    return entries


def sitemap_index(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return [element.text for element in root.findall("sm:sitemap/sm:loc", SITEMAP_NS)]


def test_sitemap_lists_every_commitment_reply_organisation_and_report_in_both_languages(
    client, commitment, other_bureau
):
    entries = {}
    for address in sitemap_index(client):
        entries.update(sitemap_locations(client, address.removeprefix("http://testserver")))

    site = "http://testserver"
    for path in [
        f"/commitments/{commitment.pk}/",
        f"/replies/{commitment.reply_id}/",
        "/organisations/test-industry/",
        "/organisations/test-housing/",
        "/reports/2024/",
        "/methodology/",
        "/api/",
    ]:
        for language in ("zh-hans", "en"):
            alternates = entries[f"{site}/{language}{path}"]
            assert alternates == {
                "zh-hans": f"{site}/zh-hans{path}",
                "en": f"{site}/en{path}",
                "x-default": f"{site}{path}",
            }


def test_a_large_sitemap_is_split_into_pages_listed_in_the_index(client, commitment, monkeypatch):
    for position in range(2, 6):
        Commitment.objects.create(
            reply=commitment.reply,
            position=position,
            title=f"承诺{position}",
            promised_text="年内完成。",
            lead_organisation=commitment.lead_organisation,
        )
    monkeypatch.setattr(sitemaps.CommitmentSitemap, "limit", 4)

    pages = [a for a in sitemap_index(client) if "sitemap-commitments.xml" in a]

    assert [re.sub(r"^.*\.xml", "", address) for address in pages] == ["", "?p=2", "?p=3"]
    listed = []
    for address in pages:
        page = sitemap_locations(client, address.removeprefix("http://testserver"))
        assert len(page) <= 4
        listed += page
    assert len(listed) == 2 * 5 == len(set(listed))


def test_pages_name_their_translations_in_the_head(client, commitment):
    page = client.get(f"/zh-hans/commitments/{commitment.pk}/").content.decode()

    site = "http://testserver"
    path = f"/commitments/{commitment.pk}/"
    for language, address in [
        ("zh-hans", f"{site}/zh-hans{path}"),
        ("en", f"{site}/en{path}"),
        ("x-default", f"{site}{path}"),
    ]:
        assert f'<link rel="alternate" hreflang="{language}" href="{address}">' in page


def test_the_language_neutral_address_sends_each_visitor_to_their_language(client, commitment):
    response = client.get(f"/commitments/{commitment.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == f"/en/commitments/{commitment.pk}/"


def test_favicon_is_served_from_the_site_root(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("a", "link") and attributes.get("href"):
            self.found.append(attributes["href"])


def fetch(address):
    try:
        with urllib.request.urlopen(address, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


@pytest.mark.django_db(transaction=True)
def test_crawler_from_the_sitemap_reaches_every_commitment_and_nothing_disallowed(
    live_server, seed_reply
):
    """A polite crawler: reads robots.txt, starts from the sitemaps, follows every link on the
    pages it may fetch. It must find every commitment page, and run out of addresses."""
    origin = live_server.url
    rules = Protego.parse(fetch(f"{origin}/robots.txt")[2].decode())
    queue = deque(rules.sitemaps)
    seen = set(queue)
    fetched = {}
    refused = set()
    while queue:
        address = queue.popleft()
        if not rules.can_fetch(address, AGENT):
            refused.add(address)
            continue
        status, content_type, body = fetch(address)
        fetched[address] = status
        assert len(fetched) < 400, "the crawl should come to an end"
        if content_type == "application/xml":
            found = [
                element.text
                for element in ElementTree.fromstring(body).iter()
                if element.tag.endswith("}loc")
            ]
        elif content_type == "text/html":
            parser = Links()
            parser.feed(body.decode())
            found = parser.found
        else:
            found = []
        for link in found:
            link = urldefrag(urljoin(address, link)).url
            if urlsplit(link).netloc == urlsplit(origin).netloc and link not in seen:
                seen.add(link)
                queue.append(link)

    commitment_pages = {
        f"{origin}/{language}/commitments/{pk}/"
        for pk in Commitment.objects.values_list("pk", flat=True)
        for language in ("zh-hans", "en")
    }
    assert commitment_pages <= set(fetched)
    assert {address: status for address, status in fetched.items() if status != 200} == {}
    assert not [address for address in fetched if "?" in address and "/sitemap-" not in address]
    assert not [address for address in fetched if "/workspace/" in address or "export." in address]
    # The pages do link to filters, exports and sign-in: robots.txt kept the crawler out.
    assert any("?" in address for address in refused)
    assert any("export.csv" in address for address in refused)
