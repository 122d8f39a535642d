import functools

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import iri_to_uri
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, override

from ..addresses import address

register = template.Library()


def path_in_language(request, language_code) -> str:
    """This page's path in another language, as django.urls.translate_url gives it, but from the
    view the request already resolved to: every page asks for it three times or more."""
    paths = request.__dict__.setdefault("_paths_in_languages", {})
    if language_code not in paths:
        match, path = request.resolver_match, request.path
        if match is not None and match.url_name:
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            arguments = [*match.args, *match.kwargs.values()]
            try:
                if len(arguments) <= 1:
                    path = address(name, *arguments, language=language_code)
                else:
                    with override(language_code):
                        path = reverse(name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                pass
        paths[language_code] = path
    return paths[language_code]


@register.simple_tag(takes_context=True)
def url_in_language(context, language_code):
    """This page's address in another language (plain links cache well; a POST form would not)."""
    request = context["request"]
    translated = path_in_language(request, language_code)
    # Addresses outside i18n_patterns (sign-in pages) have no other-language twin.
    if translated == request.path:
        return ""
    query = iri_to_uri(request.META.get("QUERY_STRING", ""))
    return f"{translated}?{query}" if query else translated


@register.simple_tag(takes_context=True)
def other_languages(context) -> list[dict]:
    """The languages other than the page's, each with its code, its name in itself and this
    page's address in it (url_in_language; "" where a form must switch the language)."""
    current = get_language()
    return [
        {"code": code, "name": name_local(code), "url": url_in_language(context, code)}
        for code, _name in settings.LANGUAGES
        if code != current
    ]


@functools.lru_cache(maxsize=16)
def name_local(code: str) -> str:
    return get_language_info(code)["name_local"]


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """The public page's absolute address in each language, and its language-neutral address
    (x-default, which redirects by the visitor's language), for hreflang links; none elsewhere.

    The same addresses as the sitemaps' alternates (commitments/sitemaps.py)."""
    request = context["request"]
    match = request.resolver_match
    if match is None or match.namespace != "commitments" or request.GET:
        return []
    # The scheme and host once, rather than for each address.
    origin = request.build_absolute_uri("/").removesuffix("/")
    alternates = [
        {"code": code, "url": origin + iri_to_uri(path_in_language(request, code))}
        for code, _name in settings.LANGUAGES
    ]
    default_path = path_in_language(request, settings.LANGUAGE_CODE)
    neutral = default_path.replace(f"/{settings.LANGUAGE_CODE}/", "/", 1)
    alternates.append({"code": "x-default", "url": origin + iri_to_uri(neutral)})
    return alternates


@register.simple_tag(takes_context=True)
def hreflang_links(context):
    """<link rel="alternate"> for each of language_alternates(), written here rather than in a
    template loop: every public page has them."""
    return mark_safe(
        "".join(
            f'\n  <link rel="alternate" hreflang="{alternate["code"]}" '
            f'href="{escape(alternate["url"])}">'
            for alternate in language_alternates(context)
        )
    )
