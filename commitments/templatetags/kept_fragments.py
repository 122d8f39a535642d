"""{% kept "name" value … %}…{% endkept %}: a fragment rendered once per worker for each set of
values, for what depends on nothing else: the site's navigation for a view and a language, its
footer for a language, the addresses of its style sheet and icon (`{% static %}`, which asks the
storage each time).

Django's {% cache None … %} keeps such a fragment too, but reads it back through the cache
backend on every page (a key hashed, the backend looked up, a lock, the text unpickled): a few
per cent of a commitment page. Here it is a dictionary lookup. The script prefix is part of the
key, as the fragments hold addresses; any change of settings (in tests) forgets them all.
"""

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix

register = template.Library()

# Bounded, though the keys are few (views × languages): forgotten all at once when full.
MOST_FRAGMENTS = 1024
fragments = {}


class KeptNode(template.Node):
    def __init__(self, nodelist, name, values):
        self.nodelist, self.name, self.values = nodelist, name, values

    def render(self, context):
        key = (self.name, get_script_prefix(), *(value.resolve(context) for value in self.values))
        text = fragments.get(key)
        if text is None:
            text = self.nodelist.render(context)
            if len(fragments) >= MOST_FRAGMENTS:
                fragments.clear()
            fragments[key] = text
        return text


@register.tag("kept")
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'kept' takes a name and the values it depends on.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])


@setting_changed.connect
def forget_fragments(**kwargs):
    fragments.clear()
