"""A per-worker cache of whole responses, keyed by the data versions (data_version.py).

`PageCacheMiddleware` comes before every middleware that does real work, so that a stored page
is answered before they run: with the rest of the stack in the way, a cached page reached well
under half of the throughput of a bare Django view. Only three cheap ones come first, as they
must hold for stored pages too: the CORS header (cors.py), 304 for a client that holds the page
(conditional.py) and the per-client limits (throttling.py). What it stores is the final
response, with every header the other middleware added (compressed for clients that accept
gzip, with its ETag), and it replays it byte for byte.

Pages are stored for GET and HEAD, keyed by the data versions (read once per request, or on
PostgreSQL watched through LISTEN/NOTIFY: version_watcher.py), the local date (overdue flips at
midnight), the path, the query and the negotiated language, and expire after
TRACKER_PAGE_CACHE_SECONDS (the stale flag and "3 hours ago" move with the clock). Two layers:

- anonymous visitors (no session cookie, no messages cookie): the public pages, the API and the
  feeds, keyed by the public version only, so drafts, follows and reviews leave them alone; only
  responses that set no cookie, so no page with a CSRF token is ever shared;
- signed-in visitors: the same pages plus the workspace and the admin changelists, keyed by both
  versions, the session and the CSRF cookie, so that a stored page, CSRF tokens included, only
  ever goes back to the browser it was made for; before a stored page is served the session is
  checked as AuthenticationMiddleware would (still valid, same user, password unchanged, no
  messages waiting).

When the database cannot be reached (reading the versions fails), the pages stored for the last
versions this process saw are served, expired or not: a page a minute old is a better answer than
none. Anything else goes on down the stack, whose views then fail and answer 503 (outage.py).
Stored pages carry the ETag and Cache-Control that conditional.py gave them when they were made,
so a page answered from here and one rendered afresh for the same content agree, and
conditional.py's 304 works on both.

The query is keyed as the page reads it: each parameter with its values, names in alphabetical
order. A page is looked up and stored only when it knows every parameter of the address (its
filters, its pagination, the few it reads itself: `known_parameters`); any other parameter, such
as a tracking tag, gets the page rendered and not stored, so junk cannot push hot pages out. Not
dropped from the key: pages echo the address in their links (`{% querystring %}`, the API's
`next`), so a page made for one query is never served for another. The admin's changelists
refuse parameters they do not know with a redirect, which is never stored, so all of theirs count.
"""

import copy
import functools
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
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re
from django.utils.crypto import constant_time_compare
from rest_framework.settings import api_settings

from .plans import reused_plans
from .version_watcher import watcher

CACHEABLE_METHODS = {"GET", "HEAD"}
# A page bigger than this share of the cache would push out everything else.
LARGEST_SHARE = 4
# Once the versions could not be read, stored pages are served without asking again for this
# long: a database that hangs rather than refuses would hold each request for its timeout.
UNREACHABLE_PAUSE_SECONDS = 1.0
# Query parameters that views read from request.GET themselves, beside their filters and pages.
READ_BY_VIEW = {"workspace:commitments": {"q", "show"}, "sitemap-section": {"p"}}
PAGINATION_PARAMETERS = (
    "page_query_param",
    "page_size_query_param",
    "cursor_query_param",
    "limit_query_param",
    "offset_query_param",
)


def public_paths() -> re.Pattern:
    """Addresses that show every anonymous visitor the same thing: the public pages in each
    language, the API, the feeds, and what crawlers read (robots.txt, the sitemaps)."""
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.compile(
        rf"/(?:{languages})/(?!workspace/)|/api/v1/|/feeds/|/robots\.txt$|/sitemap[-\w]*\.xml$"
    )


def variant_values(header_names, meta) -> tuple:
    """The request's values of the headers a page varies on. Accept-Encoding counts only as
    whether gzip is accepted (GZipMiddleware's own test), not the many ways clients spell it."""
    return tuple(
        bool(re_accepts_gzip.search(meta.get(name, "")))
        if name == "HTTP_ACCEPT_ENCODING"
        else meta.get(name, "")
        for name in header_names
    )


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
        self._versions = None
        self.size = 0

    def __len__(self):
        return sum(len(variants.pages) for variants in self._addresses.values())

    def clear(self):
        with self._lock:
            self._addresses.clear()
            self.size = 0

    def note_versions(self, versions):
        """Pages of older versions can never be asked for again: free their memory.

        Keys start with the versions they were stored under: the public one alone for anonymous
        pages, both for signed-in pages, so a workspace change leaves anonymous pages alone."""
        if versions == self._versions:
            return
        with self._lock:
            if self._versions is None or versions[0] != self._versions[0]:
                self._addresses.clear()
                self.size = 0
            else:
                for key in [key for key in self._addresses if len(key[0]) > 1]:
                    self._drop(key)
            self._versions = versions

    def get(self, key, meta, *, expired_too=False) -> StoredPage | None:
        with self._lock:
            variants = self._addresses.get(key)
            if variants is None:
                return None
            self._addresses.move_to_end(key)
            values = variant_values(variants.header_names, meta)
            page = variants.pages.get(values)
            if page is not None and page.expires <= time.monotonic() and not expired_too:
                del variants.pages[values]
                variants.size -= page.size
                self.size -= page.size
                return None
            return page

    def put(self, key, header_names, meta, page: StoredPage, max_bytes: int):
        if page.size * LARGEST_SHARE > max_bytes:
            return
        values = variant_values(header_names, meta)
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
    pages read (session, CSRF). So is Accept-Language: the key holds the language negotiated from
    it, not the many ways browsers spell it."""
    names = set()
    for header in cc_delim_re.split(response.headers.get("Vary", "")):
        header = header.strip().lower()
        if header == "*":
            return None
        if header and header not in {"cookie", "accept-language"}:
            names.add("HTTP_" + header.upper().replace("-", "_"))
    return tuple(sorted(names))


@functools.lru_cache(maxsize=256)
def known_parameters(callback, view_name: str) -> frozenset:
    """The query parameters a view reads: its filters, its pagination and READ_BY_VIEW."""
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    names = set(READ_BY_VIEW.get(view_name, ()))
    filterset_class = getattr(view_class, "filterset_class", None)
    if filterset_class is not None:
        names.update(filterset_class.base_filters)
    names.update(getattr(view_class, "filterset_fields", None) or ())
    if getattr(view_class, "paginate_by", None):
        names.add(view_class.page_kwarg)
    pagination_class = getattr(view_class, "pagination_class", None)
    if pagination_class is not None:
        names.update(
            value
            for attribute in PAGINATION_PARAMETERS
            if (value := getattr(pagination_class, attribute, None))
        )
    if getattr(callback, "cls", None) is not None:  # Django REST framework
        names.add(api_settings.URL_FORMAT_OVERRIDE)
    return frozenset(names)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
        shared = public_paths().pattern
        self.anonymous_paths = re.compile(rf"(?:{shared})")
        self.admin_changelists = re.compile(r"/admin/commitments/[a-z]+/$")
        self.signed_in_paths = re.compile(
            rf"(?:{shared}|/(?:{languages})/workspace/|{self.admin_changelists.pattern})"
        )
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore
        self.unreachable_until = 0.0

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
        # As LocaleMiddleware will: the address's prefix, else the cookie, else Accept-Language.
        language = translation.get_language_from_request(request, check_path=True)
        query = self.query_key(request, language)
        if query is None:
            return self.get_response(request)
        reachable = time.monotonic() >= self.unreachable_until
        if reachable:
            try:
                versions = watcher.current()
            except DatabaseError:
                reachable = False
                self.unreachable_until = time.monotonic() + UNREACHABLE_PAUSE_SECONDS
        if not reachable:
            # The database is down or restarting: what was stored for the versions last seen is
            # still the newest this process knows of.
            versions = watcher.last_seen()
        if versions is None:
            return self.get_response(request)
        pages.note_versions(versions)
        key = (
            versions if session_key else versions[:1],
            timezone.localdate(),
            request.method,
            request.scheme,
            request.get_host(),  # refuses a host not in ALLOWED_HOSTS, as CommonMiddleware does
            request.path,
            query,
            language,
            session_key,
            cookies.get(settings.CSRF_COOKIE_NAME, "") if session_key else "",
        )
        page = pages.get(key, request.META, expired_too=not reachable)
        if page is not None and (not session_key or self.signed_in_as(session_key, page.user_id)):
            return page.response()
        response = self.get_response(request)
        self.store(key, request, response, signed_in=bool(session_key))
        return response

    def query_key(self, request, language) -> tuple | None:
        """The query as the key holds it; None when the page does not know every parameter."""
        if not request.GET:
            return ()
        if not self.admin_changelists.match(request.path_info):
            try:
                # The language prefix of an address resolves only in its own language.
                with translation.override(language):
                    match = resolve(request.path_info)
            except Resolver404:
                return None
            if not known_parameters(match.func, match.view_name).issuperset(request.GET):
                return None
        return tuple((name, tuple(request.GET.getlist(name))) for name in sorted(request.GET))

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
        try:
            # The session and the user by their keys: one plan for every key (plans.py).
            with reused_plans():
                return self.session_signs_in(session_key, user_id)
        except DatabaseError:
            # No session can be checked while the database is down: the stack answers (503).
            return False

    def session_signs_in(self, session_key, user_id) -> bool:
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
