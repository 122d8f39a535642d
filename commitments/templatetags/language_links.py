from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language_code):
    """This page's address in another language (plain links cache well; a POST form would not)."""
    request = context["request"]
    current = request.get_full_path()
    translated = translate_url(current, language_code)
    # Addresses outside i18n_patterns (sign-in pages) have no other-language twin.
    return "" if translated == current else translated


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """The public page's absolute address in each language, and its language-neutral address
    (x-default, which redirects by the visitor's language), for hreflang links; none elsewhere.

    The same addresses as the sitemaps' alternates (commitments/sitemaps.py)."""
    request = context["request"]
    match = request.resolver_match
    if match is None or match.namespace != "commitments" or request.GET:
        return []
    path = request.path
    alternates = [
        {"code": code, "url": request.build_absolute_uri(translate_url(path, code))}
        for code, _name in settings.LANGUAGES
    ]
    default_path = translate_url(path, settings.LANGUAGE_CODE)
    neutral = default_path.replace(f"/{settings.LANGUAGE_CODE}/", "/", 1)
    alternates.append({"code": "x-default", "url": request.build_absolute_uri(neutral)})
    return alternates
