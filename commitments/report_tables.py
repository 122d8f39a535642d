"""The handling report as tables: what the page, its print and its workbook show.

The page and the workbook render the same `Table` objects, so a figure cannot differ between
them (the written summary is in report_summary.py).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Reply, SatisfactionRating, Status
from .reports import CATEGORIES, LEVELS


@dataclass
class Column:
    label: str
    kind: str = "number"  # "number", or "percent" (a share out of 100; None when undefined)


@dataclass
class Row:
    label: str
    cells: list
    url: str = ""


@dataclass
class Table:
    key: str  # stable: the anchor on the page, and what tests look for
    title: str  # the caption, and the workbook sheet's name
    heading: str  # the first column's header
    columns: list
    rows: list
    total: Row | None = None
    # Spanning headers above the columns: (label, number of columns); "" leaves them blank.
    groups: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def header_rows(self):
        """The page's header rows: with groups, a second row under the labelled ones.

        Each cell is (label, colspan, rowspan, scope, kind)."""
        if not self.groups:
            return [
                [(self.heading, 1, 1, "col", "text")]
                + [(column.label, 1, 1, "col", column.kind) for column in self.columns]
            ]
        top = [(self.heading, 1, 2, "col", "text")]
        below = []
        position = 0
        for group, span in self.groups:
            columns = self.columns[position : position + span]
            if group:
                top.append((group, span, 1, "colgroup", "group"))
                below += [(column.label, 1, 1, "col", column.kind) for column in columns]
            else:
                top += [(column.label, 1, 2, "col", column.kind) for column in columns]
            position += span
        return [top, below]

    def body(self):
        """The rows as the page writes them: (row, is_total, cell texts)."""
        rows = [(row, False) for row in self.rows]
        if self.total is not None:
            rows.append((self.total, True))
        return [
            (
                row,
                is_total,
                [
                    percent(value) if column.kind == "percent" else str(value)
                    for column, value in zip(self.columns, row.cells, strict=True)
                ],
            )
            for row, is_total in rows
        ]

    def flat_headers(self):
        """One header row (the workbook's): group labels put in front of their columns'."""
        labels = [column.label for column in self.columns]
        position = 0
        for group, span in self.groups:
            for index in range(position, position + span):
                if group:
                    labels[index] = _("%(group)s: %(column)s") % {
                        "group": group,
                        "column": labels[index],
                    }
            position += span
        return [self.heading, *labels]


def organisation_rows(report, cells):
    rows = [
        Row(str(figures.organisation), cells(figures), figures.organisation.get_absolute_url())
        for figures in report.organisations
    ]
    return rows, Row(_("All organisations"), cells(report.overall))


def category_label(category):
    return _("Class %(class)s") % {"class": category}


def level_columns():
    return [Column(str(SatisfactionRating.Level(level).label)) for level in LEVELS]


def report_tables(report):
    """The report's tables, in the order the page shows them."""
    stale_label = ngettext(
        "No published update for %(days)d day",
        "No published update for %(days)d days",
        settings.TRACKER_STALE_DAYS,
    ) % {"days": settings.TRACKER_STALE_DAYS}
    tables = []

    rows, total = organisation_rows(
        report,
        lambda f: [f.proposals_answered, f.replies, *(f.classes[c] for c in [*CATEGORIES, ""])],
    )
    tables.append(
        Table(
            "replies",
            _("Proposals and replies"),
            _("Organisation"),
            [
                Column(_("Proposals answered")),
                Column(_("Replies")),
                *(Column(category_label(c)) for c in CATEGORIES),
                Column(_("No class stated")),
            ],
            rows,
            total,
            groups=[("", 2), (_("Replies by class"), len(CATEGORIES) + 1)],
            notes=[str(label) for _value, label in Reply.Category.choices],
        )
    )

    statuses = list(Status)
    rows, total = organisation_rows(
        report, lambda f: [*(f.statuses[s.value] for s in statuses), f.commitments]
    )
    tables.append(
        Table(
            "statuses",
            _("Commitments by status"),
            _("Organisation"),
            [*(Column(str(s.label)) for s in statuses), Column(_("Total"))],
            rows,
            total,
        )
    )

    rows, total = organisation_rows(
        report,
        lambda f: [f.commitments, f.completed, f.completion_rate, f.open, f.overdue, f.stale],
    )
    tables.append(
        Table(
            "completion",
            _("Completion, overdue, stale"),
            _("Organisation"),
            [
                Column(_("Commitments")),
                Column(_("Completed")),
                Column(_("Completion rate"), "percent"),
                Column(_("Still open")),
                Column(_("Overdue")),
                Column(stale_label),
            ],
            rows,
            total,
            notes=[
                _(
                    "Completed counts commitments completed in full or after changes; the "
                    "completion rate is their share of all commitments. Still open excludes "
                    "commitments no longer pursued."
                )
            ],
        )
    )

    rows, total = organisation_rows(
        report,
        lambda f: [
            f.ratings,
            *(f.handling[level] for level in LEVELS),
            *(f.outcome[level] for level in LEVELS),
        ],
    )
    tables.append(
        Table(
            "satisfaction",
            _("Satisfaction ratings"),
            _("Organisation"),
            [Column(_("Ratings")), *level_columns(), *level_columns()],
            rows,
            total,
            groups=[("", 1), (_("Handling"), len(LEVELS)), (_("Outcome"), len(LEVELS))],
            notes=[_("Proposers rate the handling of their proposal and its outcome.")],
        )
    )

    rows, total = organisation_rows(
        report, lambda f: [f.rehandling_rounds, f.rehandling_open, f.rehandled_replies]
    )
    tables.append(
        Table(
            "rehandling",
            _("Re-handling"),
            _("Organisation"),
            [
                Column(_("Rounds opened")),
                Column(_("Still awaiting a reply")),
                Column(_("Replies after re-handling")),
            ],
            rows,
            total,
            notes=[
                _(
                    "An outcome rated dissatisfied opens a re-handling round; a round counts for "
                    "every organisation that replied to the proposal, and once in the total."
                )
            ],
        )
    )

    tables.append(
        Table(
            "months",
            _("Completions by month"),
            _("Month"),
            [Column(_("Completed"))],
            [
                Row(formats.date_format(month, "YEAR_MONTH_FORMAT"), [count])
                for month, count in report.completions_by_month
            ],
            Row(_("Total"), [sum(count for _month, count in report.completions_by_month)]),
            notes=[_("The month of the as-of date of the published update that completed it.")],
        )
    )

    if report.internal:
        rows, total = organisation_rows(
            report, lambda f: [f.awaiting_publication, f.awaiting_completion, f.returned]
        )
        tables.append(
            Table(
                "unpublished",
                _("Updates not yet published"),
                _("Organisation"),
                [
                    Column(_("Awaiting publication")),
                    Column(_("Would complete a commitment")),
                    Column(_("Returned for changes")),
                ],
                rows,
                total,
                notes=[_("Only the office sees this table; the public report leaves it out.")],
            )
        )
    return tables


def percent(value):
    """A share out of 100 as the page writes it: one decimal, or a dash when undefined."""
    return "–" if value is None else f"{value:.1f}%"
