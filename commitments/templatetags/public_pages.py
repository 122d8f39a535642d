"""Small pieces of markup that repeat on every public page: status, flags and progress.

Written as simple tags rather than included templates, since a list page renders them per row.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from ..models import Status
from ..redaction import reply_public_text

register = template.Library()


@register.simple_tag
def status_badge(status):
    """The status as text on a tinted background; the text, not the colour, carries the meaning."""
    return format_html('<span class="status status-{}">{}</span>', status, Status(status).label)


@register.simple_tag
def flag_badges(commitment):
    """The overdue and not-updated-recently badges that apply, or nothing."""
    badges = []
    if commitment.is_overdue():
        badges.append(("overdue", _("Overdue")))
    if commitment.is_stale():
        badges.append(("stale", _("Not updated recently")))
    return format_html_join(" ", '<span class="badge {}">{}</span>', badges)


@register.simple_tag
def progress_bar(percent):
    """A progress bar that screen readers announce, with the number also written out.

    A native <progress>: its width needs no style attribute, which the Content-Security-Policy
    would refuse."""
    return format_html(
        '<span class="progress-row"><progress class="progress" max="100" value="{}" '
        'aria-label="{}"></progress> <span class="progress-value">{}%</span></span>',
        percent,
        _("Progress"),
        percent,
    )


@register.filter
def public_text(reply):
    """The reply letter's full text with contact names and phone numbers withheld."""
    return reply_public_text(reply)


@register.filter
def repeats_title(text, title):
    """Whether a letter's paragraph already opens with the short title drawn from it."""
    return bool(title) and text.lstrip().startswith(title.rstrip("。.；;"))
