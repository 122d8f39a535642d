"""The commitment page's facts, written in Python as the list's cards are (public_pages.py).

The page is the one most visitors and crawlers reach, each at a different address, so most of
its views are renders. Its facts were a fifth of the template's work: each row a few translated
words, a date or two and a link, through the template engine's lookups and filters.
"""

from django import template
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .public_pages import esc, formatted_day, progress_bar_in, status_badge_in

register = template.Library()

FACT = "<div><dt>{label}</dt><dd>{value}</dd></div>"


@register.simple_tag
def commitment_facts(commitment, co_organisations, rollup):
    """Status (and what it means), progress, the original and current target dates, the last
    update, the lead and the other responsible organisations."""
    language, day = get_language(), get_format("DATE_FORMAT")
    not_stated = esc(_("Not stated"))

    def date(value):
        return esc(formatted_day(value, day, language)) if value else not_stated

    if rollup and rollup.applies:
        meaning = esc(_("Read from its sub-targets, below."))
    else:
        meaning = esc(commitment.status_definition())
    status = (
        f'{status_badge_in(commitment.status, language)}<br><span class="muted">{meaning}</span>'
    )
    current = date(commitment.current_target_date)
    if commitment.is_target_revised():
        current += f' <span class="badge revised">{esc(_("Revised"))}</span>'
    facts = [
        (_("Status"), status),
        (_("Progress"), progress_bar_in(commitment.progress, language)),
        (_("Original target date"), date(commitment.original_target_date)),
        (_("Current target date"), current),
        (_("Last updated"), last_update(commitment.last_published_at, day, language)),
        (_("Lead organisation"), organisation_link(commitment.lead_organisation)),
    ]
    if co_organisations:
        links = "、".join(organisation_link(organisation) for organisation in co_organisations)
        facts.append((_("Other responsible organisations"), links))
    return mark_safe(
        "\n      ".join(FACT.format(label=esc(label), value=value) for label, value in facts)
    )


def last_update(published, day, language) -> str:
    if not published:
        return esc(_("No published update yet"))
    local = timezone.localtime(published)
    ago = _("%(ago)s ago") % {"ago": esc(timesince(published))}
    return (
        f'<time datetime="{local.isoformat()}">{esc(formatted_day(local.date(), day, language))}'
        f'</time> <span class="muted">({ago})</span>'
    )


def organisation_link(organisation) -> str:
    return f'<a href="{esc(organisation.get_absolute_url())}">{esc(organisation.name)}</a>'
