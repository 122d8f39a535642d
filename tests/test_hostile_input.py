"""Bad input of any kind gets a 4xx or a clear message, never a 500 (DESIGN, "Security").

The addresses come from the URL resolver, so a page, an API endpoint or a feed added later is
walked too. Each is first opened with real ids from a small world; then every query parameter a
list knows (its FilterSet's, the cursor, the page, the format) gets each hostile value on its
own, so that one refused parameter cannot hide a crash in another, and every address gets each
hostile value in all parameters at once, unknown ones included. Path values are walked too.
"""

import datetime
from urllib.parse import quote, urlencode

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from commitments.filters import CommitmentFilter
from commitments.models import Evidence

pytestmark = pytest.mark.django_db

# Signed-in and office-only areas, where anonymous clients are sent to the sign-in page.
NOT_PUBLIC = ("admin", "workspace")
LANGUAGES = ("zh-hans", "en")

# Given to each parameter of a list on its own.
HOSTILE_VALUES = [
    "",
    "abc",
    "1.5",
    "[]",
    "-1",
    str(2**63 - 1),
    str(2**63),
    str(-(2**63) - 1),
    str(10**30),
    "NaN",
    "no-such-choice",
    "a\x00b",
    "x" * 10_000,
]
JUNK_CURSORS = [
    "junk",
    "cD1ub3QtYS1kYXRl",  # base64 of "p=not-a-date"
    "cD05OTk5LTEyLTMxVDIzOjU5OjU5LTE0OjAw",  # "p=9999-12-31T23:59:59-14:00", past the calendar
]
# Sent as written: percent-encodings that are not UTF-8, and the same parameter twice.
RAW_QUERIES = ["{name}=%ff", "{name}=%c0%af", "{name}=abc&{name}=" + str(2**63)]
# Given to all parameters at once, unknown ones included, on every address.
COMBINED_VALUES = ["", "abc", str(2**63), "-1", "a\x00b", "x" * 10_000, "１２３", JUNK_CURSORS[1]]
# Read by pagination, content negotiation, or by nothing at all.
GENERIC_PARAMETERS = ["page", "cursor", "format", "q", "sort", "ordering", "lang", "limit"]
UNKNOWN_PARAMETERS = ["no_such_parameter", "\x00"]
# A list's parameters that are no filter but take each hostile value on their own too.
LIST_PARAMETERS = ["page", "cursor", "format"]
HOSTILE_PATH_VALUES = [
    "99999999999999999999",
    str(2**63),
    str(2**63 - 1),
    "0",
    "-1",
    "abc",
    "1.5",
    "a\x00b",
    "x" * 2_000,
]


@pytest.fixture
def world(publish_update, commitment):
    """Real values for each path argument: one published update with evidence, and its kin."""
    update = publish_update(commitment, text="已完成选址。", as_of=datetime.date(2024, 9, 1))
    Evidence.objects.create(update=update, url="https://example.org/a", description="会议纪要")
    reply = commitment.reply
    return {
        "pk": [commitment.pk, reply.pk, reply.proposal.pk, reply.proposal.session.pk, update.pk],
        "slug": [commitment.lead_organisation.slug],
        "year": [reply.proposal.session.year],
        "format": ["json"],
        "section": ["commitments"],
        # A password-reset link that is no longer valid still opens its page.
        "uidb64": ["MQ"],
        "token": ["set-password"],
    }


def named_patterns(resolver=None, namespace=""):
    """(name, pattern) of every named URL pattern, with its namespace: "api:commitment-list"."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def area_of(name):
    if name.split(":")[0] in NOT_PUBLIC:
        return None
    if name.startswith("api:"):
        return "api"
    if name.startswith("feed"):
        return "feeds"
    return "site"


def filter_names(pattern):
    """The query parameters a list's FilterSet reads, or [] for a page that is no list."""
    view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if view is None:
        # The CSV export is a function view over the list's filters.
        return list(CommitmentFilter.base_filters) if "export" in pattern.name else []
    actions = getattr(pattern.callback, "actions", None) or {}
    if actions and actions.get("get") != "list":
        return []
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class:
        return list(filterset_class.base_filters)
    fields = getattr(view, "filterset_fields", None)
    return list(fields) if isinstance(fields, list | tuple) else []


def is_list(pattern):
    actions = getattr(pattern.callback, "actions", None) or {}
    return actions.get("get") == "list" or bool(filter_names(pattern))


def fetch(client, address):
    """The status code of a GET, a streamed body read to the end; 500 when the view raises."""
    try:
        response = client.get(address)
        if response.streaming:
            b"".join(response.streaming_content)
    except Exception as error:  # the test client re-raises what the view raised
        return 500, repr(error)[:160]
    return response.status_code, ""


def addresses(client, area, world):
    """Every address of an area opened with real values: (path, pattern, language, kwargs)."""
    found, missing, seen = [], [], set()
    for name, pattern in named_patterns():
        if area_of(name) != area:
            continue
        arguments = list(pattern.pattern.regex.groupindex)
        unknown = [argument for argument in arguments if argument not in world]
        if unknown:
            missing.append(f"{name}: give the world fixture a real value for {unknown}")
            continue
        for language in LANGUAGES:
            with translation.override(language):
                path, kwargs = open_with_real_values(client, name, arguments, world)
            if path is None:
                missing.append(f"{name}: none of the world's values opens it")
            elif path not in seen:
                seen.add(path)
                found.append((path, pattern, language, name, kwargs))
    assert not missing, "\n".join(missing)
    return found


def open_with_real_values(client, name, arguments, world):
    """The first address built from the world's values that answers without an error."""
    candidates = [{}]
    for argument in arguments:
        candidates = [{**c, argument: value} for c in candidates for value in world[argument]]
    for kwargs in candidates:
        path = reverse(name, kwargs=kwargs)
        status = fetch(client, path)[0]
        if status < 400 or (not arguments and status < 500):
            return path, kwargs
    return None, None


def hostile_queries(pattern, language):
    """Query strings: one hostile parameter at a time for a list, then all parameters at once.

    The same view behind another language or a format suffix (".json") gets the latter only.
    """
    one_by_one = []
    if is_list(pattern) and language == LANGUAGES[0] and not format_suffixed(pattern):
        one_by_one = list(dict.fromkeys(filter_names(pattern) + LIST_PARAMETERS))
    for parameter in one_by_one:
        values = HOSTILE_VALUES + (JUNK_CURSORS if parameter == "cursor" else [])
        for value in values:
            yield urlencode({parameter: value})
        for template in RAW_QUERIES:
            yield template.format(name=quote(parameter))
    everything = filter_names(pattern) + GENERIC_PARAMETERS + UNKNOWN_PARAMETERS
    everything = list(dict.fromkeys(everything))
    for value in COMBINED_VALUES:
        yield urlencode({parameter: value for parameter in everything})
    yield "&".join(template.format(name=quote(p)) for p in everything for template in RAW_QUERIES)


def format_suffixed(pattern):
    return "format" in pattern.pattern.regex.groupindex


def hostile_paths(name, kwargs):
    """The address with each hostile value in each of its path arguments, where it parses."""
    for argument in kwargs:
        for value in HOSTILE_PATH_VALUES:
            try:
                yield reverse(name, kwargs={**kwargs, argument: value})
            except NoReverseMatch:  # the converter refuses it: the resolver never sees it
                continue


def server_errors(client, requests):
    """Each address that answered 5xx (or raised), with the error, for the failure message."""
    assert requests, "no address found to try"
    failures = []
    for address in requests:
        status, error = fetch(client, address)
        if status >= 500:
            failures.append(f"{status} {address[:150]!r} {error}")
    return failures


@pytest.mark.parametrize("area", ["site", "api", "feeds"])
def test_hostile_query_parameters_never_cause_a_server_error(client, world, area):
    requests = [
        f"{path}?{query}"
        for path, pattern, language, _name, _kwargs in addresses(client, area, world)
        for query in hostile_queries(pattern, language)
    ]
    failures = server_errors(client, requests)
    assert not failures, f"{len(failures)} of {len(requests)} failed:\n" + "\n".join(failures)


def test_hostile_path_values_never_cause_a_server_error(client, world):
    requests = []
    for area in ("site", "api", "feeds"):
        for _path, _pattern, language, name, kwargs in addresses(client, area, world):
            with translation.override(language):
                requests += hostile_paths(name, kwargs)
    # A percent-encoding that is not UTF-8 where an id or a slug belongs.
    requests += ["/zh-hans/commitments/%ff/", "/zh-hans/organisations/%ff/", "/api/v1/replies/%ff/"]
    failures = server_errors(client, requests)
    assert not failures, f"{len(failures)} of {len(requests)} failed:\n" + "\n".join(failures)
