"""Public pages: everything here shows published data only (DESIGN rule 1).

Each page runs a fixed number of queries whatever the number of rows it shows: lists use
select_related/prefetch_related, and the summaries are aggregates computed in the database.
"""

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from ..filters import CommitmentFilter
from ..models import (
    FINAL_STATUSES,
    STATUS_DEFINITIONS,
    Commitment,
    Organisation,
    ProgressUpdate,
    Reply,
    Status,
)

COMPLETED_STATUSES = (Status.COMPLETED, Status.COMPLETED_MODIFIED)
LATEST_UPDATES_SHOWN = 8
SCORECARD_ITEMS_SHOWN = 20


def status_breakdown(commitments):
    """Every status with its count and share of the total, in the vocabulary's order."""
    counts = dict(
        commitments.order_by()
        .values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    total = sum(counts.values())
    rows = []
    for status in Status:
        count = counts.get(status.value, 0)
        share = round(100 * count / total, 1) if total else 0
        # The share is written into a style attribute: keep it free of localised separators.
        rows.append(
            {"status": status, "count": count, "share": f"{share:g}", "whole_share": round(share)}
        )
    return rows, total


def headline_counts(commitments):
    """Total, completed, overdue and stale counts in one query."""
    return commitments.with_flags().aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(status__in=COMPLETED_STATUSES)),
        overdue=Count("pk", filter=Q(flag_overdue=True)),
        stale=Count("pk", filter=Q(flag_stale=True)),
    )


def counts_by(commitments, *fields):
    """Headline counts per group (an organisation, a session), largest group first."""
    return (
        commitments.with_flags()
        .values(*fields)
        .annotate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(status__in=COMPLETED_STATUSES)),
            overdue=Count("pk", filter=Q(flag_overdue=True)),
            stale=Count("pk", filter=Q(flag_stale=True)),
        )
        .order_by("-total", *fields)
    )


def latest_published_updates(limit, commitments=None):
    updates = ProgressUpdate.objects.published()
    if commitments is not None:
        updates = updates.filter(commitment__in=commitments)
    return updates.select_related("commitment", "organisation").order_by("-published_at")[:limit]


class OverviewView(TemplateView):
    template_name = "commitments/overview.html"

    def get_context_data(self, **kwargs):
        commitments = Commitment.objects.public()
        status_rows, _total = status_breakdown(commitments)
        return super().get_context_data(
            counts=headline_counts(commitments),
            status_rows=status_rows,
            by_organisation=counts_by(
                commitments,
                "lead_organisation__slug",
                "lead_organisation__name",
                "lead_organisation__short_name",
            ),
            by_session=counts_by(
                commitments, "reply__proposal__session__id", "reply__proposal__session__name"
            ),
            latest_updates=latest_published_updates(LATEST_UPDATES_SHOWN),
            stale_days=settings.TRACKER_STALE_DAYS,
            **kwargs,
        )


class CommitmentListView(FilterView):
    filterset_class = CommitmentFilter
    paginate_by = 20
    template_name = "commitments/commitment_list.html"

    def get_queryset(self):
        return (
            Commitment.objects.public()
            .select_related("reply__proposal__session", "lead_organisation")
            .defer("reply__full_text")
        )

    def get_context_data(self, **kwargs):
        form = self.filterset.form
        return super().get_context_data(
            organisations=form.fields["organisation"].queryset,
            sessions=form.fields["session"].queryset,
            years=form.fields["session"]
            .queryset.order_by("-year")
            .values_list("year", flat=True)
            .distinct(),
            stale_days=settings.TRACKER_STALE_DAYS,
            **kwargs,
        )


class CommitmentDetailView(DetailView):
    template_name = "commitments/commitment_detail.html"

    def get_queryset(self):
        published_updates = (
            ProgressUpdate.objects.published()
            .select_related("organisation")
            .prefetch_related("evidence")
            .order_by("-as_of", "-published_at")
        )
        return (
            Commitment.objects.public()
            .select_related(
                "reply__proposal__session", "reply__organisation", "lead_organisation", "parent"
            )
            .defer("reply__full_text")
            .prefetch_related(
                "co_organisations",
                Prefetch("updates", queryset=published_updates, to_attr="published_updates"),
                Prefetch("children", queryset=Commitment.objects.public().order_by("position")),
            )
        )

    def get_context_data(self, **kwargs):
        commitment = self.object
        return super().get_context_data(
            revisions=[u for u in commitment.published_updates if u.new_target_date],
            stale_days=settings.TRACKER_STALE_DAYS,
            **kwargs,
        )


class ReplyDetailView(DetailView):
    template_name = "commitments/reply_detail.html"

    def get_queryset(self):
        return Reply.objects.select_related(
            "proposal__session", "proposal__lead_organisation", "organisation"
        ).prefetch_related(
            "measures",
            "proposal__co_organisations",
            Prefetch("commitments", queryset=Commitment.objects.public().order_by("position")),
        )


class OrganisationDetailView(DetailView):
    model = Organisation
    template_name = "commitments/organisation_detail.html"

    def get_context_data(self, **kwargs):
        commitments = Commitment.objects.public().for_organisation(self.object)
        status_rows, _total = status_breakdown(commitments)
        attention = (
            commitments.open()
            .with_flags()
            .filter(Q(flag_overdue=True) | Q(flag_stale=True))
            .select_related("reply__proposal")
            .defer("reply__full_text")
            .order_by("current_target_date", "pk")[:SCORECARD_ITEMS_SHOWN]
        )
        return super().get_context_data(
            counts=headline_counts(commitments),
            status_rows=status_rows,
            attention=attention,
            latest_updates=latest_published_updates(LATEST_UPDATES_SHOWN, commitments),
            stale_days=settings.TRACKER_STALE_DAYS,
            **kwargs,
        )


class MethodologyView(TemplateView):
    template_name = "commitments/methodology.html"

    def get_context_data(self, **kwargs):
        statuses = [
            {
                "status": status,
                "definition": STATUS_DEFINITIONS[status],
                "is_final": status in FINAL_STATUSES,
            }
            for status in Status
        ]
        return super().get_context_data(
            statuses=statuses,
            categories=Reply.Category.choices,
            stale_days=settings.TRACKER_STALE_DAYS,
            **kwargs,
        )
