"""The site's navigation and footer, kept once per worker for each view and language
(kept_fragments.py), still mark the page the visitor is on, in the page's language, with the
addresses of the script prefix the site is served under."""

import re

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import set_script_prefix

pytestmark = pytest.mark.django_db


def served_under(prefix, path) -> HttpResponse:
    """The page as a WSGI server gives it when the site is mounted at `prefix`.

    As Django's test client does, the handler is kept from closing the test's database
    connection at the start and end of the request."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, SCRIPT_NAME=prefix)
    response = HttpResponse()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        content = WSGIHandler()(environ, lambda status, headers: None)
        response.content = b"".join(content)
        content.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        set_script_prefix("/")
    return response


def current_link(response) -> tuple[str, str]:
    html = response.content.decode()
    (link,) = re.findall(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', html)
    return link


def footer_feed(response) -> str:
    footer = response.content.decode().split('<footer class="site-footer">')[1]
    return re.search(r'<a href="([^"]+)">[^<]*(?:Atom)', footer).group(1)


def test_the_navigation_marks_the_page_the_visitor_is_on_in_its_language(client):
    assert current_link(client.get("/zh-hans/")) == ("/zh-hans/", "概览")
    commitments = client.get("/zh-hans/commitments/")
    assert current_link(commitments) == ("/zh-hans/commitments/", "承诺事项")
    assert current_link(client.get("/en/commitments/")) == ("/en/commitments/", "Commitments")
    assert current_link(client.get("/en/")) == ("/en/", "Overview")
    assert current_link(client.get("/zh-hans/")) == ("/zh-hans/", "概览")


def test_the_navigation_and_footer_follow_the_script_prefix(client):
    assert footer_feed(client.get("/en/")) == "/feeds/updates/"
    mounted = served_under("/tracker", "/en/")
    assert current_link(mounted) == ("/tracker/en/", "Overview")
    assert footer_feed(mounted) == "/tracker/feeds/updates/"
    assert current_link(client.get("/en/")) == ("/en/", "Overview")
