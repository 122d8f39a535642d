"""The commitment page's promise and facts, written in Python as the list's cards are
(public_pages.py).

The page is the one most visitors and crawlers reach, each at a different address, so most of
its views are renders. Its promise and facts were a third of the template's work: each line a few
translated words, a date or two and a link, through the template engine's lookups and filters.
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


@register.simple_tag
def commitment_promise(commitment, reply_url):
    """What was promised, in the letter's words and where the letter says it; for a sub-target,
    what the bureau set out to do, in its own words, and the commitment it is part of."""
    language, reply = get_language(), commitment.reply
    proposal = reply.proposal
    promise = esc(commitment.public_promised_text)
    if commitment.is_sub_target:
        parent = commitment.parent
        source = _(
            "A sub-target that %(organisation)s set when breaking the commitment down, with "
            "weight %(weight)s: the bureau's words, not the reply letter's."
        ) % {"organisation": esc(commitment.lead_organisation.name), "weight": commitment.weight}
        lines = [
            f'<h2 id="promise-heading">{esc(_("What the bureau set out to do"))}</h2>',
            f'<blockquote class="promise breakdown">{promise}</blockquote>',
            f'<p class="source">{source}</p>',
            f"<p>{esc(_('Part of the commitment'))} "
            f'<a href="{esc(parent.get_absolute_url())}">{esc(parent.title)}</a>, '
            f"{esc(_('which the letter promises in its own words'))} · "
            f'<a href="{esc(reply_url)}">{esc(_("Read the letter"))}</a></p>',
        ]
    else:
        anchor = f"{esc(reply_url)}#commitment-{commitment.position}"
        organisation = esc(reply.organisation.name)
        if reply.reply_date:
            day = formatted_day(reply.reply_date, get_format("DATE_FORMAT"), language)
            letter = _("From the reply letter of %(organisation)s, %(date)s") % {
                "organisation": organisation,
                "date": esc(day),
            }
        else:
            letter = _("From the reply letter of %(organisation)s") % {"organisation": organisation}
        lines = [
            f'<h2 id="promise-heading">{esc(_("What was promised"))}</h2>',
            f'<blockquote class="promise" cite="{anchor}">{promise}</blockquote>',
            f'<p class="source">{letter} · <a href="{anchor}">'
            f"{esc(_('Read it in the letter'))}</a></p>",
        ]
    answered = f"{esc(_('In answer to'))}: {esc(proposal.title)}"
    if proposal.session:
        number = ""
        if proposal.number:
            number = " · " + _("No. %(number)s") % {"number": esc(proposal.number)}
        answered += f" ({esc(proposal.session.name)}{number})"
    lines.append(f'<p class="muted">{answered}</p>')
    return mark_safe("\n    ".join(lines))
