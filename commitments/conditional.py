"""Caching headers and conditional GET: what lets browsers, proxies and feed readers keep a page.

Two middleware, one on each side of the page cache (page_cache.py):

- `CachingHeadersMiddleware`, below it and below compression, marks every response. One that a
  signed-in browser gets, or that sets a cookie (a CSRF token, a message), is
  `private, no-store`: nobody keeps it. One that every anonymous visitor gets alike (a public
  page, an API answer, a feed, robots.txt, a sitemap) is `public`: a browser keeps it and may
  show it again for TRACKER_BROWSER_CACHE_SECONDS (by default 0: it asks each time, with the
  ETag, so that a publication shows at once and costs a 304 when nothing moved), a shared proxy
  for TRACKER_PROXY_CACHE_SECONDS (s-maxage). A whole one carries a strong ETag: a hash of its
  body, so it changes exactly when the content does, whatever made the content move (a
  publication, a correction, the clock turning a commitment overdue or "3 days ago" into "4").
  The compression above it gives a compressed body the same tag with `-gzip` added, as it is
  another sequence of bytes.
- `ConditionalGetMiddleware`, above the page cache, answers `304 Not Modified` when the client
  already holds what would be sent (If-None-Match, else If-Modified-Since), whichever layer made
  the answer: the page cache replays a stored page with the headers it was stored with, so a
  stored page and a fresh rendering of the same content carry the same ETag, and a 304 from a
  stored page costs no rendering at all.

Last-Modified comes only where a date bounds everything shown: the feeds (the newest
publication, set by Django's syndication framework) and the sitemaps (Django's, from `lastmod`).
Pages and API answers carry no Last-Modified: what they show also moves with the clock (overdue,
stale, "n days ago") and with rows they do not own, so no date would be honest; the ETag is
their validator.
"""

import hashlib

from django.conf import settings
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import parse_http_date_safe

from .page_cache import public_paths

SAFE_METHODS = {"GET", "HEAD"}
# A request without any of these cannot be answered 304 (or 412): most requests, let through.
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# Answers a shared cache may keep: a page, and the absence of one.
SHAREABLE_STATUSES = {200, 404}


def is_private(request, response) -> bool:
    """Whether a response belongs to one browser: it was asked for with a session (a signed-in
    visitor), or it sets a cookie (a CSRF token, a message)."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or bool(response.cookies)


def body_etag(content: bytes) -> str:
    """A strong ETag: the same bytes, the same tag; any other bytes, another."""
    return f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'


class CachingHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.public_paths = public_paths()

    def __call__(self, request):
        response = self.get_response(request)
        if is_private(request, response):
            add_never_cache_headers(response)
            return response
        if (
            request.method in SAFE_METHODS
            and response.status_code in SHAREABLE_STATUSES
            and not response.has_header("Cache-Control")
            and self.public_paths.match(request.path_info)
        ):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.TRACKER_BROWSER_CACHE_SECONDS,
                s_maxage=settings.TRACKER_PROXY_CACHE_SECONDS,
            )
            # The language of an address without one (the API, the feeds) may come from the
            # language cookie as well as from Accept-Language: a proxy must tell them apart.
            if has_vary_header(response, "Accept-Language"):
                patch_vary_headers(response, ("Cookie",))
            if response.status_code == 200 and not response.streaming:
                # A HEAD request's view renders the body too (the server leaves it out), so GET
                # and HEAD answers carry the same tag.
                response["ETag"] = body_etag(response.content)
        return response


class ConditionalGetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method not in SAFE_METHODS
            or not any(header in request.META for header in CONDITIONAL_HEADERS)
            or response.status_code != 200
            # Streamed files (static files, evidence) answer conditional requests themselves.
            or response.streaming
        ):
            return response
        etag = response.get("ETag")
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if not etag and not last_modified:
            return response
        return get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
