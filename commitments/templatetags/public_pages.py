"""Small pieces of markup that repeat on every public page: status, flags and progress.

Written as simple tags rather than included templates, since a list page renders them per row.
"""

import datetime
import functools
import html
import re

from django import template
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import addresses
from ..models import Organisation, Status
from ..redaction import reply_public_text

register = template.Library()


def esc(value) -> str:
    """As django.utils.html.escape, the same text, without its check of every argument for lazy
    translations: on a list page the check cost more than the escaping."""
    return html.escape(str(value))


@register.simple_tag
def status_badge(status):
    """The status as text on a tinted background; the text, not the colour, carries the meaning."""
    return status_badge_in(status, get_language())


@functools.lru_cache(maxsize=64)
def status_badge_in(status, language):
    """A status badge in a language: the same few for every page, made once per worker."""
    return mark_safe(
        f'<span class="status status-{esc(status)}">{esc(Status(status).label)}</span>'
    )


@register.simple_tag
def flag_badges(commitment):
    """The overdue and not-updated-recently badges that apply, or nothing."""
    return flag_badges_in(commitment.is_overdue(), commitment.is_stale(), get_language())


@functools.lru_cache(maxsize=16)
def flag_badges_in(overdue, stale, language):
    """The flags' badges in a language, made once per worker for each of the four cases."""
    # Translated outside the f-strings, where xgettext would not find them.
    badges = []
    if overdue:
        badges.append(("overdue", _("Overdue")))
    if stale:
        badges.append(("stale", _("Not updated recently")))
    return mark_safe(
        " ".join(f'<span class="badge {kind}">{esc(label)}</span>' for kind, label in badges)
    )


@register.simple_tag
def progress_bar(percent):
    """A progress bar that screen readers announce, with the number also written out.

    A native <progress>: its width needs no style attribute, which the Content-Security-Policy
    would refuse."""
    return progress_bar_in(percent, get_language())


@functools.lru_cache(maxsize=512)
def progress_bar_in(percent, language):
    """A progress bar for a percentage in a language, made once per worker."""
    percent, label = esc(percent), esc(_("Progress"))
    return mark_safe(
        f'<span class="progress-row"><progress class="progress" max="100" value="{percent}" '
        f'aria-label="{label}"></progress> <span class="progress-value">{percent}%</span></span>'
    )


def address_maker(view_name):
    """A function giving `view_name`'s address for one argument (a pk or a slug), escaped for
    HTML: reversing each row's address was a fifth of a list row's cost (addresses.py)."""
    return lambda value: esc(addresses.address(view_name, value))


def local_date(value, pattern=None, language=None):
    """As the template filter `date:"DATE_FORMAT"` writes a date, or a time's local date. A tag
    that writes many passes the format and the language, looked up once."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return formatted_day(value, pattern or get_format("DATE_FORMAT"), language or get_language())


@register.filter(expects_localtime=True)
def day(value):
    """As the filter `date:"DATE_FORMAT"`, a day as the language writes it, through the days
    made before (formatted_day); nothing for no date."""
    return local_date(value) if value else ""


@functools.lru_cache(maxsize=4096)
def formatted_day(day, pattern, language):
    """A day as `pattern` writes it in `language` (month names are translated): a page writes
    the same few days many times over, and Django's date formatting parses the pattern each time."""
    return dateformat.format(day, pattern)


CARD = """<li class="commitment-card">
    <h2 class="card-title"><a href="{url}">{title}</a></h2>
    <p class="badges">{badges}</p>
    {progress}
    <p class="excerpt">{excerpt}</p>
    <dl class="facts compact">
      <div><dt>{lead_label}</dt><dd>{lead}</dd></div>
      <div><dt>{target_label}</dt><dd>{target}</dd></div>
      <div><dt>{updated_label}</dt><dd>{updated}</dd></div>
      <div><dt>{proposal_label}</dt><dd>{proposal}</dd></div>
    </dl>
  </li>"""


@register.simple_tag
def commitment_cards(commitments):
    """The list's cards: a commitment's title, badges, progress, promise and facts.

    Built here rather than in a template loop, where each card took 0.2 ms: a third of the
    list page's time. Expects the commitments with the values the list adds (CARD_VALUES):
    `proposal_title`, `proposal_is_sample`, `lead_name` and `lead_short_name`."""
    address, language = address_maker("commitments:commitment"), get_language()
    labels = {
        "lead_label": esc(_("Lead organisation")),
        "target_label": esc(_("Target date")),
        "updated_label": esc(_("Last updated")),
        "proposal_label": esc(_("Proposal")),
    }
    not_stated, not_updated = esc(_("Not stated")), esc(_("No published update yet"))
    day = get_format("DATE_FORMAT")
    sub_target = format_html(
        '<span class="badge breakdown">{}</span>', _("Sub-target set by the bureau")
    )
    sample = sample_badge()
    cards = []
    for commitment in commitments:
        extra = [sub_target] if commitment.parent_id else []
        if commitment.proposal_is_sample:
            extra.append(sample)
        flags = flag_badges_in(commitment.is_overdue(), commitment.is_stale(), language)
        badges = f"{status_badge_in(commitment.status, language)} {flags}"
        target, updated = commitment.current_target_date, commitment.last_published_at
        cards.append(
            CARD.format(
                url=address(commitment.pk),
                title=esc(commitment.title),
                badges=" ".join([badges, *extra]),
                progress=progress_bar_in(commitment.progress, language),
                excerpt=esc(excerpt(commitment.public_promised_text, 120)),
                # As the organisation's name reads (Organisation.__str__).
                lead=esc(commitment.lead_short_name or commitment.lead_name),
                target=esc(local_date(target, day, language)) if target else not_stated,
                updated=esc(local_date(updated, day, language)) if updated else not_updated,
                proposal=esc(commitment.proposal_title),
                **labels,
            )
        )
    return mark_safe("\n  ".join(cards))


LETTER_COMMITMENT = """<li id="commitment-{position}" class="commitment-card">
      <h3 class="card-title"><a href="{url}">{title}</a></h3>
      <p class="badges">{status} {flags}</p>
      <blockquote class="promise">{promise}</blockquote>
      {progress}{sub_targets}
      <p><a href="{url}">{read_label}</a></p>
    </li>"""
SUB_TARGETS = """
      <p class="muted small">{intro}</p>
      <ul class="subtarget-list">
        {items}
      </ul>"""
SUB_TARGET = (
    '<li id="commitment-{position}"><a href="{url}">{title}</a> '
    '<span class="badge breakdown">{badge}</span> {status} '
    '<span class="muted small">{progress}% · {weight}</span></li>'
)


@register.simple_tag
def letter_commitments(tree):
    """A letter's commitments on its page, each with the sub-targets the bureau split it into:
    `tree` holds (commitment, sub-targets) pairs. Built here for the reason the cards are."""
    address, language = address_maker("commitments:commitment"), get_language()
    read_label, intro, badge = (
        esc(_("Promise and delivery")),
        esc(_("Split by the bureau into sub-targets (its breakdown, not the letter's words):")),
        esc(_("Sub-target set by the bureau")),
    )
    items = []
    for commitment, children in tree:
        sub_targets = ""
        if children:
            sub_targets = SUB_TARGETS.format(
                intro=intro,
                items="".join(
                    SUB_TARGET.format(
                        position=child.position,
                        url=address(child.pk),
                        title=esc(child.title),
                        badge=badge,
                        status=status_badge_in(child.status, language),
                        progress=child.progress,
                        weight=esc(_("weight %(weight)s") % {"weight": child.weight}),
                    )
                    for child in children
                ),
            )
        items.append(
            LETTER_COMMITMENT.format(
                position=commitment.position,
                url=address(commitment.pk),
                title=esc(commitment.title),
                status=status_badge_in(commitment.status, language),
                flags=flag_badges_in(commitment.is_overdue(), commitment.is_stale(), language),
                promise=esc(commitment.public_promised_text),
                progress=progress_bar_in(commitment.progress, language),
                sub_targets=sub_targets,
                read_label=read_label,
            )
        )
    return mark_safe("\n    ".join(items))


def excerpt(text, length):
    """As the filter `truncatechars`, which is slow enough to matter per row: only when longer."""
    text = text or ""
    return Truncator(text).chars(length) if len(text) > length else text


LATEST_UPDATE = """<li>
    <p class="update-head">
      <time datetime="{published}">{published_date}</time>
      · <a href="{url}#update-{pk}">{title}</a>
    </p>
    <p>{status} <span class="muted">{progress}{organisation}</span></p>
    <p>{excerpt}</p>
  </li>"""


@register.simple_tag
def latest_update_items(updates):
    """The items of the latest published updates (_latest_updates.html), with their
    commitments and organisations."""
    address = address_maker("commitments:commitment")
    items = []
    for update in updates:
        published = timezone.localtime(update.published_at)
        items.append(
            LATEST_UPDATE.format(
                published=published.isoformat(),
                published_date=esc(local_date(published)),
                url=address(update.commitment_id),
                pk=update.pk,
                title=esc(update.commitment.title),
                status=status_badge(update.status),
                progress=esc(_("Progress %(progress)s%%") % {"progress": update.progress}),
                organisation=esc(f" · {update.organisation}") if update.organisation else "",
                excerpt=esc(excerpt(update.public_text, 160)),
            )
        )
    return mark_safe("\n  ".join(items))


ATTENTION_ITEM = """<li>
      <a href="{url}">{title}</a>
      {status} {flags}
      <span class="muted">{target_label}: {target}</span>
    </li>"""


@register.simple_tag
def attention_items(commitments):
    """The items of a scorecard's overdue or not recently updated commitments."""
    address = address_maker("commitments:commitment")
    target_label, not_stated = esc(_("Target date")), esc(_("Not stated"))
    return mark_safe(
        "\n    ".join(
            ATTENTION_ITEM.format(
                url=address(commitment.pk),
                title=esc(commitment.title),
                status=status_badge(commitment.status),
                flags=flag_badges(commitment),
                target_label=target_label,
                target=esc(local_date(target))
                if (target := commitment.current_target_date)
                else not_stated,
            )
            for commitment in commitments
        )
    )


TIMELINE_ITEM = """<li id="update-{pk}" class="timeline-item">
      <h3><time datetime="{iso_date}">{date}</time></h3>
      <p class="badges">
        {change}{status}
        <span class="muted">{progress}</span>
      </p>
      <div class="update-text">{text}</div>{reason}{new_target}
{evidence}{queries}      <p class="muted small">{published_label} {published}{organisation}</p>
    </li>"""
EVIDENCE = """
      <h4>{heading}</h4>
      <ul class="evidence">
        {items}
      </ul>
"""


@functools.lru_cache(maxsize=8)
def timeline_words(language):
    """The timeline's own words in a language, translated and escaped once per worker."""
    words = {
        "changed_to": _("changed to"),
        "reason": _("Reason"),
        "target_revised": _("Target date revised to"),
        "published": _("Published"),
        "evidence": _("Evidence"),
        "file": _("file"),
    }
    return {
        **{name: esc(text) for name, text in words.items()},
        # Filled in per update, then escaped.
        "progress": _("Progress %(progress)s%%"),
    }


@register.simple_tag
def timeline(updates):
    """A commitment's published updates, newest first, each as timeline_item writes it: the
    language, its words and the time zone looked up once for them all."""
    language = get_language()
    words, day = timeline_words(language), get_format("DATE_FORMAT")
    zone = timezone.get_current_timezone()
    return mark_safe(
        "".join(timeline_item(update, words, day, language, zone) for update in updates)
    )


def timeline_item(update, words, day, language, zone):
    """A published update on its commitment's timeline: date, status (and the one it replaced),
    progress, text, reason, revised target date, its evidence, the queries raised on it
    (_update_queries.html, where there are some), and when and by whom it was published."""
    change = reason = new_target = evidence = queries = organisation = ""
    if update.status_before and update.status_before != update.status:
        change = (
            f"{status_badge_in(update.status_before, language)} "
            f'<span aria-hidden="true">→</span>'
            f'<span class="visually-hidden">{words["changed_to"]}</span> '
        )
    if update.reason:
        reason = f"\n      <p><strong>{words['reason']}:</strong> {esc(update.public_reason)}</p>"
    if update.new_target_date:
        new_target = (
            f"\n      <p><strong>{words['target_revised']}</strong> "
            f"{esc(formatted_day(update.new_target_date, day, language))}. "
            f"{words['reason']}: {esc(update.public_target_date_reason)}</p>"
        )
    if update.public_evidence:
        evidence = EVIDENCE.format(
            heading=words["evidence"],
            items="\n        ".join(evidence_item(item, words) for item in update.public_evidence),
        )
    if update.public_queries:
        queries = render_to_string("commitments/_update_queries.html", {"update": update})
    if update.organisation_name:
        organisation = f" · {esc(update.organisation_name)}"
    published = update.published_at.astimezone(zone).date()
    return TIMELINE_ITEM.format(
        pk=update.pk,
        iso_date=update.as_of.isoformat(),
        date=esc(formatted_day(update.as_of, day, language)),
        change=change,
        status=status_badge_in(update.status, language),
        progress=esc(words["progress"] % {"progress": update.progress}),
        text=paragraphs(update.public_text),
        reason=reason,
        new_target=new_target,
        evidence=evidence,
        queries=queries,
        published_label=words["published"],
        published=esc(formatted_day(published, day, language)),
        organisation=organisation,
    )


PARAGRAPH_BREAK = re.compile("\n{2,}")


def paragraphs(text) -> str:
    """As Django's linebreaks(text, autoescape=True): paragraphs at blank lines, <br> at the
    others, escaped; without its checks for lazy text, which were a tenth of an update's cost."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n\n".join(
        "<p>{}</p>".format(esc(paragraph).replace("\n", "<br>"))
        for paragraph in PARAGRAPH_BREAK.split(text)
    )


def evidence_item(item, words):
    """A piece of evidence: a link as given (and the file beside it, if any), or the file
    through the view that checks who may see it."""
    description = esc(item.public_description)
    if not item.url:
        return (
            f'<li><a href="{esc(item.get_absolute_url())}">{description}</a> '
            f'<span class="muted">({words["file"]})</span></li>'
        )
    file = ""
    if item.file:
        file = (
            f' · <a href="{addresses.address("workspace:evidence", item.pk)}">{words["file"]}</a>'
        )
    return f'<li><a href="{esc(item.url)}" rel="nofollow noopener">{description}</a>{file}</li>'


@register.simple_tag
def sample_badge():
    """Marks what the demo invented (proposals loaded with is_sample)."""
    return format_html(
        '<span class="badge sample" title="{}">{}</span>',
        _("Invented for the demo: not a real proposal, reply or bureau."),
        _("Sample data"),
    )


@register.simple_tag
def options(choices, selected):
    """A select's options, `selected` marked: `choices` are (value, label) pairs, or plain values
    that are their own labels. Compared as the submitted text is, as strings; nothing is marked
    when nothing was submitted."""
    chosen = None if selected is None else str(selected)
    lines = []
    for choice in choices:
        value, label = choice if isinstance(choice, tuple | list) else (choice, choice)
        mark = " selected" if str(value) == chosen else ""
        lines.append(f'<option value="{esc(value)}"{mark}>{esc(label)}</option>')
    return mark_safe("".join(lines))


@register.simple_tag
def group_count_rows(rows, none_label):
    """The rows of a table of counts per organisation or session (_counts_by_group.html).

    An organisation links to its page, a session to the list filtered to it; the figures link
    to the list filtered to them. Built here rather than in the template: the overview shows a
    row per organisation and session, and in the template the 70 rows took 5 ms of its render.
    """
    list_url = addresses.address("commitments:commitment_list")
    organisation_url = address_maker("commitments:organisation")
    lines = []
    for row in rows:
        group = row["group"]
        figures = [row[name] for name in ("total", "completed", "overdue", "stale")]
        if group is None:
            cells = "".join(f'<td class="number">{figure}</td>' for figure in figures)
            lines.append(f'<tr><th scope="row">{esc(none_label)}</th>{cells}</tr>')
            continue
        query = f"{list_url}?{esc(row['query'])}"
        own = organisation_url(group.slug) if isinstance(group, Organisation) else query
        lines.append(
            f'<tr><th scope="row"><a href="{own}">{esc(group)}</a></th>'
            f'<td class="number"><a href="{query}">{figures[0]}</a></td>'
            f'<td class="number">{figures[1]}</td>'
            f'<td class="number"><a href="{query}&amp;overdue=1">{figures[2]}</a></td>'
            f'<td class="number"><a href="{query}&amp;stale=1">{figures[3]}</a></td></tr>'
        )
    return mark_safe("\n".join(lines))


@register.filter
def public_text(reply):
    """The reply letter's full text with contact names and phone numbers withheld."""
    return reply_public_text(reply)


@register.filter
def repeats_title(text, title):
    """Whether a letter's paragraph already opens with the short title drawn from it."""
    return bool(title) and text.lstrip().startswith(title.rstrip("。.；;"))
