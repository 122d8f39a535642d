"""{% address "view" argument %}: as {% url %}, for a view of at most one argument, without
reversing it on every page (commitments/addresses.py). The public pages use it."""

from django import template

from ..addresses import address

register = template.Library()


@register.simple_tag(name="address")
def address_tag(view_name, argument=None):
    return address(view_name, argument)
