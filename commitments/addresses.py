"""Addresses of the views, as reverse() gives them, without reversing each time.

reverse() matches the view's pattern against its arguments on every call: a few dozen
microseconds, and a commitment page asked for about ten (its letter, its bureaus, its feed, the
list, the page in the other language). The address of a view that takes at most one argument (an
id or a slug) is the same text around that argument for a given language and script prefix, so
it is reversed once per worker with a stand-in argument and then filled in.
"""

import functools
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, override

# Stands for the argument while the address is reversed: digits, so that an id's pattern and a
# slug's both take it, and long enough to appear nowhere else in an address.
STAND_IN = "7318245906113"
# As reverse() quotes an argument (django.urls.resolvers, RFC 3986's sub-delimiters).
SAFE = "/~:@!$&'()*+,;="


def address(view_name: str, argument=None, *, language=None) -> str:
    """The address of `view_name`, with `argument` when it takes one, in `language` (by default
    the active one)."""
    language = language or get_language()
    around = _around(view_name, argument is not None, language, get_script_prefix())
    if argument is None:
        return around
    before, after = around
    if type(argument) is not int:  # an id needs no quoting
        argument = quote(str(argument), safe=SAFE)
    return f"{before}{argument}{after}"


@functools.lru_cache(maxsize=512)
def _around(view_name: str, takes_argument: bool, language, prefix):
    """The address (with no argument), or the text before and after its argument: the language
    and the script prefix are part of the key, as reverse() reads them."""
    with override(language):
        if not takes_argument:
            return reverse(view_name)
        reversed_address = reverse(view_name, args=[STAND_IN])
    before, found, after = reversed_address.rpartition(STAND_IN)
    if not found:
        raise ValueError(f"{view_name}'s address does not hold its argument as given")
    return before, after
