"""Workspace pieces used on pages other engineers own (the public commitment page)."""

from django import template

from ..models import Follow

register = template.Library()


@register.simple_tag(takes_context=True)
def is_following(context, commitment):
    """Whether the signed-in user follows this commitment."""
    user = context["user"]
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, commitment=commitment).exists()
