"""Open-data clients: other sites may read the API and the feeds (CORS), the API is documented
and its schema valid, the CSV's columns are explained, and no client may call the API or the
exports faster than the limits, however many workers answer."""

import csv
import io

import pytest
from django.test import Client
from openapi_spec_validator import validate

from commitments import page_cache, version_watcher
from commitments.data_version import SCOPES
from commitments.models import DataVersion

pytestmark = pytest.mark.django_db


def test_api_and_feeds_may_be_read_by_pages_on_any_other_site(client, commitment):
    for address in [
        "/api/v1/commitments/",
        f"/api/v1/commitments/{commitment.pk}/",
        "/feeds/updates/",
    ]:
        response = client.get(address, HTTP_ORIGIN="https://www.example.gov.cn")
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*", address
        assert "ETag" in response["Access-Control-Expose-Headers"]
        assert not response.has_header("Access-Control-Allow-Credentials")


def test_a_preflight_allows_reading_with_a_validator_but_nothing_else(client, db):
    response = client.options(
        "/api/v1/commitments/",
        HTTP_ORIGIN="https://www.example.gov.cn",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert not response.has_header("Access-Control-Allow-Credentials")


def test_pages_and_writes_are_not_opened_to_other_sites(client, commitment):
    page = client.get(f"/en/commitments/{commitment.pk}/", HTTP_ORIGIN="https://evil.example")
    write = client.post("/api/v1/commitments/", {}, HTTP_ORIGIN="https://evil.example")

    assert not page.has_header("Access-Control-Allow-Origin")
    assert write.status_code in (403, 405)
    assert not write.has_header("Access-Control-Allow-Origin")


def test_openapi_validator_accepts_the_schema(client, db):
    for language in ("zh-hans", "en"):
        response = client.get(
            "/api/v1/schema/?format=json",
            HTTP_ACCEPT="application/vnd.oai.openapi+json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        validate(response.json())


def test_api_documentation_page_describes_every_address_and_object(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    for language in ("en", "zh-hans"):
        page = client.get(f"/{language}/api/").content.decode()

        for path in schema["paths"]:
            assert f"GET {path}" in page, path
        for field in ("promised_text", "original_target_date", "is_overdue", "status"):
            assert f"<code>{field}</code>" in page
        assert 'href="/api/v1/schema/"' in page


def test_api_documentation_is_linked_from_every_page_footer_and_the_methodology(client, db):
    for address in ["/en/", "/zh-hans/methodology/"]:
        assert 'href="/' + address.split("/")[1] + '/api/"' in client.get(address).content.decode()


def test_methodology_explains_each_column_of_the_csv(client, commitment):
    for language in ("en", "zh-hans"):
        exported = client.get(f"/{language}/commitments/export.csv")
        text = b"".join(exported.streaming_content).decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(text)))
        page = client.get(f"/{language}/methodology/").content.decode()

        for column in header:
            assert f'<th scope="row">{column}</th>' in page, column


@pytest.fixture
def limits(settings):
    settings.TRACKER_THROTTLE_API_PER_MINUTE = 3
    settings.TRACKER_THROTTLE_EXPORTS_PER_MINUTE = 2
    return settings


def test_a_client_past_the_api_limit_gets_429_with_retry_after(client, commitment, limits):
    answers = [client.get("/api/v1/commitments/") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "detail" in refused.json()
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "no-store" in refused["Cache-Control"]


def test_the_limit_holds_across_workers(commitment, limits):
    # Each Client has a handler of its own, as each worker process has: they share the count.
    workers = [Client(), Client()]
    answers = [workers[n % 2].get("/api/v1/commitments/").status_code for n in range(5)]

    assert answers == [200, 200, 200, 429, 429]


def test_a_stored_answer_counts_against_the_limit_too(client, commitment, limits):
    limits.TRACKER_PAGE_CACHE = True
    limits.TRACKER_PAGE_CACHE_LISTEN = False
    for scope in SCOPES:
        DataVersion.objects.get_or_create(scope=scope)
    page_cache.pages.clear()
    try:
        answers = [client.get("/api/v1/commitments/").status_code for _ in range(4)]
    finally:
        page_cache.pages.clear()
        version_watcher.watcher.close()

    assert answers == [200, 200, 200, 429]


def test_other_clients_and_other_pages_are_not_held_back(client, commitment, limits):
    for _ in range(4):
        client.get("/api/v1/commitments/")

    assert client.get("/api/v1/commitments/", REMOTE_ADDR="10.0.0.8").status_code == 200
    assert client.get(f"/en/commitments/{commitment.pk}/").status_code == 200
    assert client.get("/feeds/updates/").status_code == 200


def test_exports_have_a_limit_of_their_own(client, commitment, limits):
    answers = [client.get("/en/commitments/export.csv").status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert client.get("/api/v1/commitments/").status_code == 200


def test_behind_a_proxy_each_forwarded_client_is_counted_apart(client, commitment, limits):
    limits.TRACKER_TRUSTED_PROXIES = 1

    def ask(address, claimed=""):
        forwarded = f"{claimed}, {address}" if claimed else address
        return client.get(
            "/api/v1/commitments/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    assert [ask("203.0.113.5") for _ in range(4)] == [200, 200, 200, 429]
    assert ask("203.0.113.6") == 200
    # What the client writes itself into X-Forwarded-For does not make it someone else.
    assert ask("203.0.113.5", claimed="198.51.100.1") == 429
