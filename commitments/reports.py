"""The year's handling report (办理情况报告): its figures, per organisation and overall.

A report counts what belongs to one year as `Commitment.objects.of_year` does: the proposal's
session year, or the reply's year when the proposal has no session. Every figure comes from a
few grouped queries (one per kind of row: commitments, replies, ratings, re-handling rounds,
completions, unpublished updates), so a report costs the same number of queries for one
organisation or for two hundred.

Where a figure belongs to an organisation:
- commitments, by their lead organisation (as on the overview);
- proposals, replies and their classes, by the organisation that wrote the reply;
- satisfaction ratings, by the organisation whose reply was rated;
- re-handling rounds, by every organisation that replied to the proposal.
The "all organisations" row counts each proposal and each round once, so it may be less than the
sum of the rows above it.

The public report reads published data only: a commitment's status moves only when an update is
published. The office's report adds the updates not published yet (`internal_for`), as far as
`ProgressUpdate.objects.visible_to` lets that user see them.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from .models import (
    COMPLETED_STATUSES,
    Commitment,
    Organisation,
    ProgressUpdate,
    Proposal,
    Rehandling,
    Reply,
    SatisfactionRating,
    Status,
)

CATEGORIES = [category.value for category in Reply.Category]
LEVELS = [level.value for level in SatisfactionRating.Level]
# Years a report can be asked for: the filters' range (commitments/filters.py).
FIRST_YEAR, LAST_YEAR = 1949, 2999


@dataclass
class Figures:
    """The figures of one organisation, or of all of them (`organisation` None)."""

    organisation: Organisation | None = None
    proposals: int = 0  # overall only: every proposal of the year, answered or not
    proposals_answered: int = 0
    replies: int = 0
    classes: dict = field(default_factory=lambda: dict.fromkeys([*CATEGORIES, ""], 0))
    commitments: int = 0
    statuses: dict = field(default_factory=lambda: dict.fromkeys([s.value for s in Status], 0))
    overdue: int = 0
    stale: int = 0
    ratings: int = 0
    handling: dict = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    outcome: dict = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    rehandling_rounds: int = 0
    rehandling_open: int = 0
    rehandled_replies: int = 0
    # Only in the office's report.
    awaiting_publication: int = 0
    awaiting_completion: int = 0
    returned: int = 0

    @property
    def completed(self):
        return sum(self.statuses[status] for status in COMPLETED_STATUSES)

    @property
    def open(self):
        return self.commitments - self.completed - self.statuses[Status.NOT_PURSUED]

    @property
    def completion_rate(self):
        """Completed (in full or modified) as a percentage of all commitments; None if none."""
        return 100 * self.completed / self.commitments if self.commitments else None


@dataclass
class HandlingReport:
    year: int
    as_of: datetime.date
    overall: Figures
    organisations: list  # of Figures, by organisation name
    completions_by_month: list  # of (datetime.date first of month, count), in order
    completions_undated: int
    internal: bool

    @property
    def is_empty(self):
        return not (self.overall.proposals or self.overall.replies or self.overall.commitments)


def commitment_counts(commitments):
    """Per lead organisation: commitments in total, per status, overdue and stale."""
    per_status = {f"status_{s.value}": Count("pk", filter=Q(status=s)) for s in Status}
    return (
        commitments.with_flags()
        .order_by()
        .values(group=F("lead_organisation"))
        .annotate(
            commitments=Count("pk"),
            overdue=Count("pk", filter=Q(flag_overdue=True)),
            stale=Count("pk", filter=Q(flag_stale=True)),
            **per_status,
        )
    )


def reply_counts(replies):
    """Per replying organisation: proposals answered, replies by class, re-handling replies."""
    per_class = {f"class_{c}": Count("pk", filter=Q(category=c)) for c in [*CATEGORIES, ""]}
    return (
        replies.order_by()
        .values(group=F("organisation"))
        .annotate(
            replies=Count("pk"),
            proposals_answered=Count("proposal", distinct=True),
            rehandled_replies=Count("pk", filter=Q(round__gte=2)),
            **per_class,
        )
    )


def rating_counts(replies):
    """Per organisation whose reply was rated: ratings, and each level on both axes."""
    levels = {
        f"{axis}_{level}": Count("pk", filter=Q(**{axis: level}))
        for axis in ("handling", "outcome")
        for level in LEVELS
    }
    return (
        SatisfactionRating.objects.filter(reply__in=replies)
        .order_by()
        .values(group=F("reply__organisation"))
        .annotate(ratings=Count("pk"), **levels)
    )


def rehandling_counts(rehandlings):
    """Per organisation that replied to the proposal: rounds opened, and those still open."""
    still_open = Q(pk__in=Rehandling.objects.open().values("pk"))
    return (
        rehandlings.order_by()
        .values(group=F("proposal__replies__organisation"))
        .annotate(
            rehandling_rounds=Count("pk", distinct=True),
            rehandling_open=Count("pk", distinct=True, filter=still_open),
        )
    )


def unpublished_counts(commitments, user):
    """Per lead organisation: the updates `user` may see that are submitted or returned."""
    state = ProgressUpdate.State
    submitted = Q(state=state.SUBMITTED)
    return (
        ProgressUpdate.objects.visible_to(user)
        .filter(commitment__in=commitments)
        .order_by()
        .values(group=F("commitment__lead_organisation"))
        .annotate(
            awaiting_publication=Count("pk", filter=submitted),
            awaiting_completion=Count("pk", filter=submitted & Q(status__in=COMPLETED_STATUSES)),
            returned=Count("pk", filter=Q(state=state.RETURNED)),
        )
    )


def completion_dates(commitments):
    """The date each completed commitment was completed: the as-of date of the latest published
    update that moved it into a completed status (a later one that keeps it completed, with
    more evidence, does not move it). One row per completed commitment, none for a commitment
    completed without such an update."""
    return (
        ProgressUpdate.objects.published()
        .filter(
            commitment__in=commitments.filter(status__in=COMPLETED_STATUSES),
            status__in=COMPLETED_STATUSES,
        )
        .exclude(status_before__in=COMPLETED_STATUSES)
        .order_by()
        .values("commitment")
        .annotate(completed_on=Max("as_of"))
        .values_list("completed_on", flat=True)
    )


def _add_counts(figures, row):
    """Add one grouped row's counts to an organisation's figures."""
    for name, value in row.items():
        prefix, _sep, key = name.partition("_")
        if prefix == "status":
            figures.statuses[key] += value
        elif prefix == "class":
            figures.classes[key] += value
        elif prefix in ("handling", "outcome") and key in LEVELS:
            getattr(figures, prefix)[key] += value
        elif name != "group" and hasattr(figures, name):
            setattr(figures, name, getattr(figures, name) + value)


def build_report(year: int, *, internal_for=None) -> HandlingReport:
    """The year's figures; with `internal_for` (the office) the unpublished updates too."""
    commitments = Commitment.objects.public().of_year(year)
    replies = Reply.objects.of_year(year)
    proposals = Proposal.objects.of_year(year)
    rehandlings = Rehandling.objects.filter(proposal__in=proposals)

    # Rows of counts, each for the organisation in its "group".
    grouped = [
        *commitment_counts(commitments),
        *reply_counts(replies),
        *rating_counts(replies),
        *rehandling_counts(rehandlings),
    ]
    if internal_for is not None:
        grouped += list(unpublished_counts(commitments, internal_for))

    by_organisation = {}
    overall = Figures()
    for row in grouped:
        organisation_id = row["group"]
        if organisation_id is not None:
            figures = by_organisation.setdefault(organisation_id, Figures())
            _add_counts(figures, row)
        if "rehandling_rounds" not in row:
            # Rounds are counted once for all organisations below, not once per organisation.
            _add_counts(overall, {k: v for k, v in row.items() if k != "proposals_answered"})

    # Proposals and rounds can belong to several organisations: count them once overall.
    counted = proposals.aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(pk__in=replies.values("proposal")))
    )
    overall.proposals, overall.proposals_answered = counted["total"], counted["answered"]
    rounds = rehandlings.aggregate(
        rounds=Count("pk"), still_open=Count("pk", filter=Q(pk__in=Rehandling.objects.open()))
    )
    overall.rehandling_rounds, overall.rehandling_open = rounds["rounds"], rounds["still_open"]

    organisations = Organisation.objects.in_bulk(list(by_organisation))
    for organisation_id, figures in by_organisation.items():
        figures.organisation = organisations[organisation_id]
    rows = sorted(by_organisation.values(), key=lambda f: (f.organisation.name, f.organisation.pk))

    months = Counter(day.replace(day=1) for day in completion_dates(commitments))
    return HandlingReport(
        year=year,
        as_of=timezone.localdate(),
        overall=overall,
        organisations=rows,
        completions_by_month=month_series(year, months),
        completions_undated=overall.completed - months.total(),
        internal=internal_for is not None,
    )


def month_series(year, counts):
    """Every month from January of `year` (or an earlier completion) to December (or a later
    one), each with its count: months without completions show as zero, not as gaps."""
    first = min([datetime.date(year, 1, 1), *counts])
    last = max([datetime.date(year, 12, 1), *counts])
    series = []
    month = first
    while month <= last:
        series.append((month, counts.get(month, 0)))
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return series


def report_years():
    """Years with proposals, replies or commitments, newest first, with their counts."""
    years = {}

    def entry(year):
        return years.setdefault(
            year, {"year": year, "proposals": 0, "replies": 0, "commitments": 0}
        )

    # Proposals of a session count in its year; those without one in their replies' years.
    for row in (
        Proposal.objects.filter(session__isnull=False)
        .order_by()
        .values(year=F("session__year"))
        .annotate(count=Count("pk"))
    ):
        entry(row["year"])["proposals"] += row["count"]
    for row in (
        Reply.objects.order_by()
        .values(year=Coalesce("proposal__session__year", ExtractYear("reply_date")))
        .annotate(
            count=Count("pk"),
            sessionless=Count("proposal", distinct=True, filter=Q(proposal__session__isnull=True)),
        )
    ):
        if row["year"] is not None:
            entry(row["year"])["replies"] += row["count"]
            entry(row["year"])["proposals"] += row["sessionless"]
    for row in (
        Commitment.objects.public()
        .order_by()
        .values(year=Coalesce("session__year", ExtractYear("reply__reply_date")))
        .annotate(count=Count("pk"))
    ):
        if row["year"] is not None:
            entry(row["year"])["commitments"] += row["count"]
    return sorted(
        (row for row in years.values() if FIRST_YEAR <= row["year"] <= LAST_YEAR),
        key=lambda row: -row["year"],
    )
