from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import iri_to_uri
from django.utils.translation import override

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
            with override(language_code):
                try:
                    if len(arguments) <= 1:
                        path = address(name, *arguments)
                    else:
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
def language_alternates(context):
    """The public page's absolute address in each language, and its language-neutral address
    (x-default, which redirects by the visitor's language), for hreflang links; none elsewhere.

    The same addresses as the sitemaps' alternates (commitments/sitemaps.py)."""
    request = context["request"]
    match = request.resolver_match
    if match is None or match.namespace != "commitments" or request.GET:
        return []
    alternates = [
        {"code": code, "url": request.build_absolute_uri(path_in_language(request, code))}
        for code, _name in settings.LANGUAGES
    ]
    default_path = path_in_language(request, settings.LANGUAGE_CODE)
    neutral = default_path.replace(f"/{settings.LANGUAGE_CODE}/", "/", 1)
    alternates.append({"code": "x-default", "url": request.build_absolute_uri(neutral)})
    return alternates
