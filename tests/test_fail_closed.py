"""Failing closed: evidence files only through the checked view, idle sessions end.

(That an expired session is never served a stored page is in test_page_cache.py.)"""

import datetime
import importlib
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches
from django.utils import timezone
from workspace_support import PDF_BYTES

import tracker.urls
from commitments.models import Evidence

HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def debug_mode(settings):
    """DEBUG on, with the address list built again as `make run` builds it."""
    settings.DEBUG = True
    importlib.reload(tracker.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(tracker.urls)
    clear_url_caches()


def evidence_file(update, name, content):
    return Evidence.objects.create(
        update=update, description="附件", file=SimpleUploadedFile(name, content)
    )


def test_debug_mode_serves_no_evidence_file_from_the_media_folder(
    client, debug_mode, commitment, make_update, publish_update
):
    draft = evidence_file(make_update(commitment), "draft.pdf", PDF_BYTES)
    published = evidence_file(publish_update(commitment), "report.pdf", PDF_BYTES)

    for evidence in (draft, published):
        assert client.get(f"/media/{evidence.file.name}").status_code == 404


def test_an_anonymous_visitor_cannot_fetch_unpublished_evidence(client, commitment, make_update):
    draft = evidence_file(make_update(commitment), "draft.pdf", PDF_BYTES)

    response = client.get(f"/en/workspace/evidence/{draft.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_published_evidence_is_served_to_anyone_as_the_public_page_links_it(
    client, commitment, publish_update
):
    published = evidence_file(publish_update(commitment), "report.pdf", PDF_BYTES)
    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()
    assert f"/en/workspace/evidence/{published.pk}/" in page

    response = client.get(f"/en/workspace/evidence/{published.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<script>alert(document.cookie)</script>"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ],
)
def test_html_and_svg_evidence_is_downloaded_never_shown_in_the_page(
    client, commitment, publish_update, name, content
):
    # However such a file got in, the browser saves it rather than running it on our origin.
    published = evidence_file(publish_update(commitment), name, content)

    response = client.get(f"/en/workspace/evidence/{published.pk}/")

    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_session_idle_longer_than_the_limit_is_sent_to_the_login_page(client, staff_user):
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        client.force_login(staff_user)
    # A user at work stays signed in past the limit, counted from their last request...
    for elapsed in (7 * HOUR, 14 * HOUR):
        with mock.patch("django.utils.timezone.now", return_value=start + elapsed):
            assert client.get("/en/workspace/").status_code == 200

    # ...and one away for longer than it is signed out.
    with mock.patch("django.utils.timezone.now", return_value=start + 22 * HOUR + MINUTE):
        response = client.get("/en/workspace/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/en/workspace/"
