"""Conditional GET: clients that hold a page already get 304, whichever layer answers, and only
what every visitor shares may be kept by browsers and proxies."""

import contextlib
import gzip

import feedparser
import pytest
from django.db import connection
from django.test import Client
from workspace_support import publish, submit

from commitments import page_cache, version_watcher
from commitments.data_version import SCOPES
from commitments.models import DataVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache_on(settings):
    settings.TRACKER_PAGE_CACHE = True
    settings.TRACKER_PAGE_CACHE_LISTEN = False
    for scope in SCOPES:
        DataVersion.objects.get_or_create(scope=scope)
    page_cache.pages.clear()
    yield
    page_cache.pages.clear()
    version_watcher.watcher.close()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block asks to run on commit (data version bumps), as a real commit would."""

    @contextlib.contextmanager
    def commit():
        connection._pending_data_version_bump = None
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return commit


def public_addresses(commitment):
    return [
        "/en/",
        f"/en/commitments/{commitment.pk}/",
        f"/zh-hans/replies/{commitment.reply_id}/",
        "/api/v1/commitments/",
        f"/api/v1/commitments/{commitment.pk}/",
        "/feeds/updates/",
        f"/feeds/commitments/{commitment.pk}/",
    ]


def test_public_pages_api_and_feeds_answer_304_to_a_client_holding_them(client, commitment):
    for address in public_addresses(commitment):
        first = client.get(address)
        etag = first["ETag"]
        assert etag.startswith('"'), f"{address}: a strong ETag"

        again = client.get(address, HTTP_IF_NONE_MATCH=etag)

        assert again.status_code == 304, address
        assert again.content == b""
        assert again["ETag"] == etag


def test_etag_changes_when_the_page_does_and_only_then(client, commitment, publish_update):
    address = f"/en/commitments/{commitment.pk}/"
    etag = client.get(address)["ETag"]
    assert client.get(address)["ETag"] == etag

    publish_update(commitment, text="已完成选址，开工建设。", progress=50)

    changed = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "已完成选址，开工建设。" in changed.content.decode()
    assert changed["ETag"] != etag


def test_head_carries_the_same_etag_as_get(client, commitment):
    address = f"/en/commitments/{commitment.pk}/"
    assert client.head(address)["ETag"] == client.get(address)["ETag"]


def test_public_answers_may_be_kept_by_browsers_and_briefly_by_proxies(client, commitment):
    for address in public_addresses(commitment):
        cache_control = {
            directive.strip() for directive in client.get(address)["Cache-Control"].split(",")
        }
        # The browser keeps it and asks again with the ETag each time (a publication shows at
        # once); a proxy may answer with it for a minute.
        assert cache_control == {"public", "max-age=0", "s-maxage=60"}, address


def test_how_long_browsers_and_proxies_keep_public_answers_is_a_setting(
    client, commitment, settings
):
    settings.TRACKER_BROWSER_CACHE_SECONDS = 30
    settings.TRACKER_PROXY_CACHE_SECONDS = 300

    cache_control = client.get(f"/en/commitments/{commitment.pk}/")["Cache-Control"]

    assert "max-age=30" in cache_control and "s-maxage=300" in cache_control


def test_signed_in_pages_are_never_kept(client, commitment, staff_user):
    client.force_login(staff_user)
    for address in [f"/en/commitments/{commitment.pk}/", "/en/workspace/", "/api/v1/commitments/"]:
        response = client.get(address)
        assert "private" in response["Cache-Control"], address
        assert "no-store" in response["Cache-Control"], address
        assert not response.has_header("ETag"), address


def test_a_page_that_sets_a_cookie_is_never_kept(client, db):
    response = client.get("/accounts/login/")
    assert response.cookies, "the sign-in form sets its CSRF cookie"
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_feed_carries_last_modified_and_answers_if_modified_since(
    client, commitment, publish_update
):
    publish_update(commitment)
    first = client.get("/feeds/updates/")
    assert first.has_header("Last-Modified")

    again = client.get("/feeds/updates/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


def test_a_stored_page_carries_the_same_etag_as_a_fresh_rendering(
    client, commitment, page_cache_on, settings
):
    address = f"/en/commitments/{commitment.pk}/"
    fresh = client.get(address)
    stored = client.get(address)
    settings.TRACKER_PAGE_CACHE = False
    rendered_again = client.get(address)

    assert fresh["ETag"] == stored["ETag"] == rendered_again["ETag"]
    assert stored.content == rendered_again.content


def test_a_304_is_answered_from_the_page_cache_without_rendering(
    client, commitment, page_cache_on, django_assert_num_queries
):
    address = f"/en/commitments/{commitment.pk}/"
    etag = client.get(address)["ETag"]

    # The one query reads the data versions; the page itself is not rendered again.
    with django_assert_num_queries(1):
        response = client.get(address, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_a_stored_page_is_not_304_once_the_data_changed(
    client, commitment, page_cache_on, committed, make_update, office_user
):
    address = f"/en/commitments/{commitment.pk}/"
    etag = client.get(address)["ETag"]
    with committed():
        update = make_update(commitment, text="道路已经通车。")
        submit(update)
        publish(update, by=office_user)

    response = client.get(address, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "道路已经通车。" in response.content.decode()


def test_compressed_and_plain_answers_carry_different_strong_etags(client, commitment):
    address = "/api/v1/commitments/"
    plain = client.get(address)
    compressed = Client().get(address, HTTP_ACCEPT_ENCODING="gzip")

    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert compressed["ETag"] == plain["ETag"][:-1] + '-gzip"'
    again = Client().get(
        address, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=compressed["ETag"]
    )
    assert again.status_code == 304


@pytest.mark.django_db(transaction=True)
def test_feed_reader_polling_again_with_its_etag_gets_304(live_server, commitment, publish_update):
    publish_update(commitment, text="第一期工程完工。")
    address = f"{live_server.url}/feeds/updates/"

    first = feedparser.parse(address)
    assert first.status == 200
    assert [entry.summary for entry in first.entries if "第一期工程完工。" in entry.summary]

    again = feedparser.parse(address, etag=first.etag, modified=first.modified)
    assert again.status == 304
    assert again.entries == []

    publish_update(commitment, text="第二期工程开工。", progress=60)
    after_news = feedparser.parse(address, etag=first.etag, modified=first.modified)
    assert after_news.status == 200
    assert any("第二期工程开工。" in entry.summary for entry in after_news.entries)
