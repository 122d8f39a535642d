"""{% translate "…" %} of a constant phrase, translated once per worker and language.

Load it after i18n (`{% load i18n i18n_once %}`): its `translate` then stands in for Django's in
that template. A phrase written in the template is the same text on every page in a language, but
Django's tag makes it a lazy string, translates it, localizes and checks it again on every render:
about 70 Python calls, and a commitment page has some fifty. This one looks the result up. Every
other use of the tag (a variable, `noop`, `context`, `as`) is Django's own, and so is what
makemessages reads: the tag keeps its name and its syntax.
"""

import functools

from django import template
from django.core.signals import setting_changed
from django.templatetags.i18n import do_translate
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()


class PhraseNode(template.Node):
    def __init__(self, phrase: str):
        self.phrase = phrase

    def render(self, context):
        return translated(self.phrase, get_language())


@functools.lru_cache(maxsize=4096)
def translated(phrase: str, language) -> SafeString:
    """As Django's tag renders a constant phrase: its msgid has each % doubled, and a phrase
    written in the template is trusted, so not escaped (django.template.base.Variable)."""
    return mark_safe(gettext(mark_safe(phrase.replace("%", "%%"))).replace("%%", "%"))


@setting_changed.connect
def forget_translations(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        translated.cache_clear()


@register.tag("translate")
@register.tag("trans")
def translate(parser, token):
    node = do_translate(parser, token)
    expression = node.filter_expression
    if (
        node.noop
        or node.asvar
        or node.message_context is not None
        or expression.filters
        or expression.var.lookups is not None
        or not isinstance(expression.var.literal, str)
    ):
        return node
    return PhraseNode(str(expression.var.literal))
