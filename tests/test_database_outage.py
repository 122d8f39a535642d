"""Outages answered honestly: with the database out of reach, stored pages are still served and
everything else is a 503 with Retry-After and a page in both languages — never a 500 — and the
site is back by itself once the database is.

Here the database "goes away" by every query on the connection failing as a refused connection
does; test_database_restart.py stops and starts a real PostgreSQL under load."""

import contextlib
import time

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client

from commitments import page_cache, version_watcher
from commitments.data_version import SCOPES
from commitments.models import DataVersion
from commitments.views import public

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor():
    # Django's test client would raise the view's exception in the test; a browser gets a page.
    return Client(raise_request_exception=False)


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


@contextlib.contextmanager
def database_down(*, hangs_for=0.0):
    def refuse(execute, sql, params, many, context):
        time.sleep(hangs_for)
        raise OperationalError(
            'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
        )

    with connection.execute_wrapper(refuse):
        yield


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "网站暂时无法访问" in page
    assert "Temporarily unavailable" in page
    assert "no-store" in response["Cache-Control"]


def test_stored_pages_are_served_while_the_database_is_down(visitor, commitment, page_cache_on):
    addresses = [f"/en/commitments/{commitment.pk}/", "/api/v1/commitments/", "/feeds/updates/"]
    before = {address: visitor.get(address).content for address in addresses}

    with database_down():
        during = {address: visitor.get(address) for address in addresses}

    for address in addresses:
        assert during[address].status_code == 200, address
        assert during[address].content == before[address], address


def test_stored_pages_past_their_time_are_still_served_during_an_outage(
    visitor, commitment, page_cache_on, settings
):
    address = f"/en/commitments/{commitment.pk}/"
    settings.TRACKER_PAGE_CACHE_SECONDS = 0
    before = visitor.get(address).content

    with database_down():
        during = visitor.get(address)

    assert during.status_code == 200
    assert during.content == before


def test_stored_pages_come_at_once_while_the_database_hangs(visitor, commitment, page_cache_on):
    address = f"/en/commitments/{commitment.pk}/"
    visitor.get(address)

    with database_down(hangs_for=0.5):
        started = time.monotonic()
        answers = [visitor.get(address).status_code for _ in range(5)]
        elapsed = time.monotonic() - started

    assert answers == [200] * 5
    # The first request waits for the database to give up; the next ones do not ask again.
    assert elapsed < 1.5


def test_pages_not_stored_answer_503_in_both_languages(visitor, commitment, page_cache_on):
    with database_down():
        for address in [
            f"/zh-hans/commitments/{commitment.pk}/",
            "/en/commitments/?q=停车",
            f"/en/replies/{commitment.reply_id}/",
        ]:
            assert_unavailable_page(visitor.get(address))


def test_without_the_page_cache_every_page_answers_503(visitor, commitment):
    with database_down():
        assert_unavailable_page(visitor.get(f"/en/commitments/{commitment.pk}/"))
        assert_unavailable_page(visitor.get("/en/"))


def test_api_answers_503_as_json_during_an_outage(visitor, commitment):
    with database_down():
        response = visitor.get("/api/v1/commitments/")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "The database cannot be reached" in response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_signed_in_visitors_get_503_not_someone_elses_page(
    visitor, commitment, staff_user, page_cache_on
):
    visitor.force_login(staff_user)
    address = f"/en/commitments/{commitment.pk}/"
    visitor.get(address)

    with database_down():
        assert_unavailable_page(visitor.get(address))
        assert_unavailable_page(visitor.get("/en/workspace/"))


def test_throttling_lets_stored_answers_through_during_an_outage(
    visitor, commitment, page_cache_on, settings
):
    settings.TRACKER_THROTTLE_API_PER_MINUTE = 100
    before = visitor.get("/api/v1/commitments/").content

    with database_down():
        during = visitor.get("/api/v1/commitments/")

    assert during.status_code == 200
    assert during.content == before


def test_the_site_is_back_by_itself_when_the_database_returns(visitor, commitment, page_cache_on):
    address = f"/zh-hans/commitments/{commitment.pk}/"
    with database_down():
        assert visitor.get(address).status_code == 503

    response = visitor.get(address)

    assert response.status_code == 200
    assert commitment.title in response.content.decode()


def test_a_mistake_in_a_query_is_still_an_error_not_an_outage(visitor, commitment, monkeypatch):
    def broken_query(value, using="default"):
        raise ProgrammingError('column "no_such_column" does not exist')

    monkeypatch.setattr(public.CommitmentDetailView.page, "rows", broken_query)

    response = visitor.get(f"/en/commitments/{commitment.pk}/")

    assert response.status_code == 500
