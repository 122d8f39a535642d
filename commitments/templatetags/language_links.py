from django import template
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
