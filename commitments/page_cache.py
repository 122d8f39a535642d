"""A per-worker cache of whole responses, keyed by the data version (data_version.py).

`PageCacheMiddleware` comes first in settings.MIDDLEWARE, so that a stored page is answered
before any other middleware runs: with the rest of the stack in the way, a cached page reached
well under half of the throughput of a bare Django view. What it stores is the final response,
with every header the other middleware added, and it replays it byte for byte.

Pages are stored for GET and HEAD, keyed by the data version (read once per request, or on
PostgreSQL watched through LISTEN/NOTIFY), the local date (overdue flips at midnight) and the full
address, and expire after TRACKER_PAGE_CACHE_SECONDS (the stale flag and "3 hours ago" move with
the clock). Two layers:

- anonymous visitors (no session cookie, no messages cookie): the public pages, the API and the
  feeds; only responses that set no cookie, so no page with a CSRF token is ever shared;
- signed-in visitors: the same pages plus the workspace and the admin changelists, keyed by the
  session and the CSRF cookie, so that a stored page, CSRF tokens included, only ever goes back to
  the browser it was made for; before a stored page is served the session is checked as
  AuthenticationMiddleware would (still valid, same user, password unchanged, no messages waiting).
"""

import copy
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import cc_delim_re
from django.utils.crypto import constant_time_compare

from .data_version import watcher

CACHEABLE_METHODS = {"GET", "HEAD"}
# A page bigger than this share of the cache would push out everything else.
LARGEST_SHARE = 4


@dataclass
class StoredPage:
    content: bytes
    headers: dict
    cookies: object  # http.cookies.SimpleCookie
    user_id: object  # None for anonymous pages
    expires: float
    size: int

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, headers=self.headers)
        if self.cookies:
            response.cookies = copy.deepcopy(self.cookies)
        return response


@dataclass
class Variants:
    """The stored pages of one address; the response's Vary header names what tells them apart."""

    header_names: tuple  # request.META keys
    pages: dict = field(default_factory=dict)
    size: int = 0


class PageStore:
    """A least-recently-used store bounded by the bytes it holds; one per worker process."""

    def __init__(self):
        self._addresses = OrderedDict()
        self._lock = threading.Lock()
        self._version = None
        self.size = 0

    def clear(self):
        with self._lock:
            self._addresses.clear()
            self.size = 0

    def note_version(self, version):
        """Pages of an older version can never be asked for again: free their memory."""
        if version != self._version:
            self.clear()
            self._version = version

    def get(self, key, meta) -> StoredPage | None:
        with self._lock:
            variants = self._addresses.get(key)
            if variants is None:
                return None
            self._addresses.move_to_end(key)
            values = tuple(meta.get(name, "") for name in variants.header_names)
            page = variants.pages.get(values)
            if page is not None and page.expires <= time.monotonic():
                del variants.pages[values]
                variants.size -= page.size
                self.size -= page.size
                return None
            return page

    def put(self, key, header_names, meta, page: StoredPage, max_bytes: int):
        if page.size * LARGEST_SHARE > max_bytes:
            return
        values = tuple(meta.get(name, "") for name in header_names)
        with self._lock:
            variants = self._addresses.get(key)
            if variants is None or variants.header_names != header_names:
                self._drop(key)
                variants = self._addresses[key] = Variants(header_names)
            self._addresses.move_to_end(key)
            replaced = variants.pages.get(values)
            if replaced is not None:
                variants.size -= replaced.size
                self.size -= replaced.size
            variants.pages[values] = page
            variants.size += page.size
            self.size += page.size
            while self.size > max_bytes:
                self._drop(next(iter(self._addresses)))

    def _drop(self, key):
        variants = self._addresses.pop(key, None)
        if variants is not None:
            self.size -= variants.size


pages = PageStore()


def vary_header_names(response) -> tuple | None:
    """The request headers the response varies on, as META keys; None for `Vary: *`.

    Cookie is left out: the layers decide which cookies may be present and key by the ones the
    pages read (session, CSRF, language)."""
    names = set()
    for header in cc_delim_re.split(response.headers.get("Vary", "")):
        header = header.strip().lower()
        if header == "*":
            return None
        if header and header != "cookie":
            names.add("HTTP_" + header.upper().replace("-", "_"))
    return tuple(sorted(names))


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
        shared = rf"/(?:{languages})/(?!workspace/)|/api/v1/|/feeds/"
        self.anonymous_paths = re.compile(rf"(?:{shared})")
        self.signed_in_paths = re.compile(
            rf"(?:{shared}|/(?:{languages})/workspace/|/admin/commitments/[a-z]+/$)"
        )
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        if not settings.TRACKER_PAGE_CACHE or request.method not in CACHEABLE_METHODS:
            return self.get_response(request)
        cookies = request.COOKIES
        session_key = cookies.get(settings.SESSION_COOKIE_NAME, "")
        paths = self.signed_in_paths if session_key else self.anonymous_paths
        if (
            CookieStorage.cookie_name in cookies
            or not paths.match(request.path_info)
            # SecurityMiddleware would redirect this request to https.
            or (settings.SECURE_SSL_REDIRECT and not request.is_secure())
        ):
            return self.get_response(request)
        version = watcher.current()
        if version is None:
            return self.get_response(request)
        pages.note_version(version)
        key = (
            version,
            timezone.localdate(),
            request.method,
            request.scheme,
            request.get_host(),  # refuses a host not in ALLOWED_HOSTS, as CommonMiddleware does
            request.get_full_path(),
            cookies.get(settings.LANGUAGE_COOKIE_NAME, ""),
            session_key,
            cookies.get(settings.CSRF_COOKIE_NAME, "") if session_key else "",
        )
        page = pages.get(key, request.META)
        if page is not None and (not session_key or self.signed_in_as(session_key, page.user_id)):
            return page.response()
        response = self.get_response(request)
        self.store(key, request, response, signed_in=bool(session_key))
        return response

    def store(self, key, request, response, *, signed_in):
        if response.status_code != 200 or response.streaming:
            return
        header_names = vary_header_names(response)
        if header_names is None:
            return
        # Signed-in pages renew the CSRF cookie the page's tokens belong to; the key holds it.
        allowed_cookies = {settings.CSRF_COOKIE_NAME} if signed_in else set()
        if set(response.cookies) - allowed_cookies:
            return
        messages = getattr(request, "_messages", None)
        if messages is not None and messages.used:
            return
        user_id = None
        if signed_in:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return
            user_id = user.pk
        content = response.content
        headers = dict(response.headers.items())
        size = len(content) + sum(len(k) + len(v) for k, v in headers.items()) + 500
        page = StoredPage(
            content=content,
            headers=headers,
            cookies=copy.deepcopy(response.cookies) if response.cookies else None,
            user_id=user_id,
            expires=time.monotonic() + settings.TRACKER_PAGE_CACHE_SECONDS,
            size=size,
        )
        pages.put(key, header_names, request.META, page, settings.TRACKER_PAGE_CACHE_BYTES)

    def signed_in_as(self, session_key, user_id) -> bool:
        """Whether the session still signs in `user_id`, checked as django.contrib.auth.get_user
        does but without its side effects (anything unusual falls through to the real stack)."""
        session = self.session_store(session_key)
        try:
            session_user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
            backend_path = session[BACKEND_SESSION_KEY]
        except KeyError:
            return False
        if (
            session_user_id != user_id
            or backend_path not in settings.AUTHENTICATION_BACKENDS
            # Messages kept in the session must be shown by a real rendering.
            or SessionStorage.session_key in session
        ):
            return False
        user = load_backend(backend_path).get_user(user_id)
        session_hash = session.get(HASH_SESSION_KEY)
        return bool(
            user is not None
            and session_hash
            and constant_time_compare(session_hash, user.get_session_auth_hash())
        )
