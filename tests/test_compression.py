"""Compression: what every anonymous visitor shares goes out gzipped to clients that accept it;
nothing that carries a CSRF token or a signed-in visitor's data is ever compressed (BREACH)."""

import gzip

import pytest

pytestmark = pytest.mark.django_db

ACCEPTS_GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_pages_api_and_feeds_are_compressed_for_anonymous_visitors(client, commitment):
    for address in [
        "/en/",
        f"/zh-hans/commitments/{commitment.pk}/",
        "/api/v1/commitments/",
        "/feeds/updates/",
    ]:
        plain = client.get(address)
        compressed = client.get(address, **ACCEPTS_GZIP)

        assert compressed["Content-Encoding"] == "gzip", address
        assert gzip.decompress(compressed.content) == plain.content, address
        assert "Accept-Encoding" in compressed["Vary"], address


def test_the_csv_export_streams_compressed(client, commitment):
    response = client.get("/en/commitments/export.csv", **ACCEPTS_GZIP)

    assert response.streaming
    assert response["Content-Encoding"] == "gzip"
    text = gzip.decompress(b"".join(response.streaming_content)).decode("utf-8")
    assert text.startswith("\ufeffID,")
    assert commitment.title in text


def test_signed_in_pages_are_never_compressed(client, commitment, staff_user):
    client.force_login(staff_user)
    for address in [f"/en/commitments/{commitment.pk}/", "/en/workspace/"]:
        response = client.get(address, **ACCEPTS_GZIP)
        assert response.status_code == 200, address
        assert not response.has_header("Content-Encoding"), address


def test_a_page_that_hands_out_a_csrf_token_is_never_compressed(client, db):
    response = client.get("/accounts/login/", **ACCEPTS_GZIP)

    assert "csrfmiddlewaretoken" in response.content.decode()
    assert not response.has_header("Content-Encoding")


def test_the_same_page_always_compresses_to_the_same_bytes(client, commitment):
    address = f"/en/commitments/{commitment.pk}/"
    first = client.get(address, **ACCEPTS_GZIP)
    second = client.get(address, **ACCEPTS_GZIP)

    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert not first["ETag"].startswith("W/")
