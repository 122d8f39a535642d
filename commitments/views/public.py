"""Public pages: everything here shows published data only (DESIGN rule 1).

Each page runs a fixed number of queries whatever the number of rows it shows: lists use
select_related/prefetch_related, and the summaries are aggregates computed in the database.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from .. import organisation_lists
from ..filters import DEFAULT_SORT, CommitmentFilter
from ..kept import fragment_context, kept
from ..models import (
    FINAL_STATUSES,
    STATUS_DEFINITIONS,
    Commitment,
    Evidence,
    Measure,
    Organisation,
    ProgressUpdate,
    Rehandling,
    Reply,
    Review,
    ReviewMessage,
    Session,
    Status,
)
from ..plans import RowsByIds, Statement, reused_plans
from ..subtargets import roll_up
from ..tallies import kept_by_database, list_count, tally
from .export import column_descriptions

LATEST_UPDATES_SHOWN = 8
# The columns the commitment page shows (commitment_detail.html): what was promised, by whom, in
# which letter, and how it stands. Each column costs its compilation and reading per request.
PAGE_FIELDS = [
    "reply",
    "position",
    "title",
    "promised_text",
    "lead_organisation",
    "original_target_date",
    "current_target_date",
    "status",
    "progress",
    "parent",
    "weight",
    "is_key",
    "last_published_at",
    "created_at",
    "reply__proposal",
    "reply__organisation",
    "reply__title",
    "reply__reply_date",
    "reply__proposal__session",
    "reply__proposal__title",
    "reply__proposal__number",
    "reply__proposal__is_sample",
    "reply__proposal__session__name",
    *(
        f"{organisation}__{name}"
        for organisation in ("reply__organisation", "lead_organisation")
        for name in ("name", "short_name", "slug")
    ),
]
# The columns of a letter's commitments on its page (reply_detail.html).
LETTER_FIELDS = [
    "reply",
    "position",
    "title",
    "promised_text",
    "status",
    "progress",
    "parent",
    "weight",
    "current_target_date",
    "last_published_at",
    "created_at",
]
# The columns of a published update on the commitment's timeline (timeline_item), which also
# reads the publishing bureau's name as a value (`organisation_name`), not as a related object.
TIMELINE_FIELDS = [
    "commitment",
    "as_of",
    "status_before",
    "status",
    "progress",
    "text",
    "reason",
    "new_target_date",
    "target_date_reason",
    "published_at",
]
# The columns of a commitment card (templatetags/public_pages.py, commitment_cards): its own, the
# flags' (is_overdue, is_stale), and, as plain values, the proposal's and lead organisation's it
# names: making a reply, a proposal and a bureau for each of a page's 20 rows was a tenth of it.
CARD_FIELDS = [
    "title",
    "status",
    "progress",
    "promised_text",
    "parent",
    "current_target_date",
    "last_published_at",
    "created_at",
]
CARD_VALUES = {
    "proposal_title": F("reply__proposal__title"),
    "proposal_is_sample": F("reply__proposal__is_sample"),
    "lead_name": F("lead_organisation__name"),
    "lead_short_name": F("lead_organisation__short_name"),
}
SCORECARD_ITEMS_SHOWN = 20


class Tally:
    """The figures of the overview and a scorecard, from counts per lead organisation and session.

    Every figure shown — in total, per status, overdue and stale — is a sum of those few hundred
    rows, which the database keeps (tallies.py) rather than recounts per request.
    """

    def __init__(self, organisation=None):
        self.rows, self.per_status = tally(organisation)

    @staticmethod
    def headline(rows):
        """Total, completed, overdue and stale counts of some of the rows."""
        return {
            name: sum(row[name] for row in rows)
            for name in ("total", "completed", "overdue", "stale")
        }

    def counts(self):
        return self.headline(self.rows)

    def status_rows(self):
        """Every status with its count and share of the total, in the vocabulary's order."""
        total = sum(self.per_status.values())
        status_rows = []
        offset = 0
        for status in Status:
            count = self.per_status.get(status.value, 0)
            share = round(100 * count / total, 1) if total else 0
            # Shares and offsets are SVG attributes (the chart's segments, _status_chart.html):
            # keep them free of localised separators.
            status_rows.append(
                {
                    "status": status,
                    "count": count,
                    "share": f"{share:g}",
                    "offset": f"{offset:g}",
                    "middle": f"{offset + share / 2:g}",
                    "whole_share": round(share),
                }
            )
            offset = round(offset + share, 1)
        return status_rows

    def by(self, key, model, *, param, value):
        """Headline counts per organisation or session (None: none stated), largest first.

        Each row carries `group` and `query`, the list's filter for that group (`param=value`).
        """
        groups = defaultdict(list)
        for row in self.rows:
            groups[row[key]].append(row)
        objects = model.objects.in_bulk([pk for pk in groups if pk is not None])
        summaries = []
        for pk, rows in groups.items():
            group = objects.get(pk)
            query = f"{param}={value(group)}" if group else ""
            summaries.append({"group": group, "query": query, **self.headline(rows)})
        return sorted(
            summaries, key=lambda summary: (-summary["total"], str(summary["group"] or ""))
        )


def latest_published_updates(limit, organisation=None):
    """The latest published updates, read only when a page renders them rather than shows the
    ones it kept ({% cache %} in the template): building the query alone takes 0.4 ms."""

    def read():
        updates = ProgressUpdate.objects.published()
        if organisation is not None:
            updates = updates.for_organisation(organisation)
        updates = updates.select_related("commitment", "organisation")
        return list(updates.order_by("-published_at")[:limit])

    return SimpleLazyObject(read)


class OverviewView(TemplateView):
    template_name = "commitments/overview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kept(f"overview:{timezone.localdate()}", self.figures),
            latest_updates=latest_published_updates(LATEST_UPDATES_SHOWN),
            stale_days=settings.TRACKER_STALE_DAYS,
            **fragment_context(),
            **kwargs,
        )

    @staticmethod
    def figures():
        """Every figure of the overview, from one tally: they agree with each other."""
        tally = Tally()
        return {
            "counts": tally.counts(),
            "status_rows": tally.status_rows(),
            "by_organisation": tally.by(
                "lead_organisation", Organisation, param="organisation", value=lambda o: o.slug
            ),
            "by_session": tally.by("session", Session, param="session", value=lambda s: s.pk),
            "rounds": Rehandling.objects.counts(),
        }


class CommitmentListView(FilterView):
    filterset_class = CommitmentFilter
    paginate_by = 20
    count_limit = None  # a text search's count stopped here (get_paginator)
    matches = None  # the ids a text search found, when no more than the limit (get_paginator)
    template_name = "commitments/commitment_list.html"
    # What the filters narrow: a page's ids are read from it, then their cards' rows.
    queryset = Commitment.objects.public()
    # What the cards show (commitment_cards), and no more: every column is compiled, read and
    # made into an attribute for each of the 20 rows.
    cards = Commitment.objects.public().only(*CARD_FIELDS).annotate(**CARD_VALUES)
    # A page's rows once its ids are known, compiled once (plans.py).
    rows_by_ids = RowsByIds(cards.order_by())

    def get(self, request, *args, **kwargs):
        # Unfiltered or by status, the list's statement has one best plan whatever the page and
        # the status (an index leads with the status): PostgreSQL keeps it (plans.py; planning
        # took 1-2 ms, running 0.5). So has one organisation's list in the default order, read
        # from its own index (listed_organisation). Other filters' best plans depend on their
        # values (a small organisation's rows are better found by their own index).
        chosen = {name for name, value in request.GET.items() if value} - {"page"}
        by_status = chosen <= {"sort", "status"}
        by_organisation = (
            chosen <= {"organisation", "sort"}
            and (request.GET.get("sort") or DEFAULT_SORT) == DEFAULT_SORT
        )
        if not (by_status or by_organisation):
            return self.filtered(request)
        with reused_plans():
            return self.filtered(request).render()

    def filtered(self, request):
        """As FilterView.get, but an organisation's list kept in order (listed_organisation)
        and a search leave the commitments unfiltered: their pages and counts come from their
        own statements (paginate_queryset), and building the "leads or co-handles" filter alone
        took 0.5 ms, a search's as long."""
        self.filterset = self.get_filterset(self.get_filterset_class())
        if not self.filterset.is_valid():
            self.object_list = self.filterset.queryset.none()
        elif self.searched() or self.listed_organisation() is not None:
            self.object_list = self.filterset.queryset
        else:
            self.object_list = self.filterset.qs
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        # The number found, from the counts the database keeps when the filters allow: an exact
        # COUNT over the filtered commitments costs as much as the page itself and more.
        known = list_count(self.filterset)
        if known is None and self.searched():
            # A text search: its matches' ids, found by the bigram index, up to the limit, in the
            # list's order. Beyond it the list says "more than" and its pages run to the limit;
            # the export holds every match.
            limit = settings.TRACKER_SEARCH_COUNT_LIMIT
            ids = self.filterset.matching_ids(limit + 1)
            known = len(ids)
            if known > limit:
                self.count_limit = limit
            else:
                self.matches = ids
        if known is not None:
            paginator.count = known
        return paginator

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        # The page's ids first, then those 20 rows with what the cards show (rows_by_ids).
        start = (page.number - 1) * paginator.per_page
        end = min(start + paginator.per_page, paginator.count)
        if self.matches is not None:
            # A search within the limit: its matches, already found and sorted (search_ids).
            ids = self.matches[start:end]
        elif self.count_limit is not None:
            # A search beyond the limit: the page's ids in the list's order (search_page_ids),
            # sorted among the commitments alone. PostgreSQL cannot tell how many commitments
            # hold a word's bigrams, guesses a few, and joined every match to its reply,
            # proposal and bureau before sorting (32 ms for 2,500 matches).
            ids = self.filterset.page_ids(start, end)
        elif (organisation := self.listed_organisation()) is not None:
            # An organisation's list as it is kept in order (organisation_lists.py).
            ids = organisation_lists.page_ids(organisation, start, end)
        else:
            # The ids sorted among the commitments alone, then their rows with what the cards
            # show (compiled once: compiling the join took longer than running it). The stale
            # ones by last update: their ids and the order's keys are in an index of their own
            # (filters.py), their rows are not.
            ids = list(rows.values_list("pk", flat=True))
        found = {row.pk: row for row in self.rows_by_ids.rows(ids)}
        rows = page.object_list = [found[pk] for pk in ids if pk in found]
        return paginator, page, rows, is_paginated

    def listed_organisation(self):
        """The organisation, when the list is one organisation's in the default order and no
        other filter applies, and the database keeps its list (organisation_lists.py)."""
        if not kept_by_database() or not self.filterset.is_valid():
            return None
        chosen = {name: value for name, value in self.filterset.form.cleaned_data.items() if value}
        others = set(chosen) - {"organisation", "sort"}
        if others or chosen.get("sort", DEFAULT_SORT) != DEFAULT_SORT:
            return None
        return chosen.get("organisation")

    def searched(self) -> bool:
        return self.filterset.is_valid() and bool(self.filterset.form.cleaned_data["q"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            **kept("list-choices", self.choices),
            stale_days=settings.TRACKER_STALE_DAYS,
            **fragment_context(),
            **kwargs,
        )
        # Set by get_paginator, which the context above has just called.
        context["count_limit"] = self.count_limit
        return context

    def choices(self):
        """The filter's organisations, sessions and years as (value, label) pairs: the same for
        every visitor until an organisation or session changes."""
        fields = self.filterset.form.fields
        sessions = fields["session"].queryset
        return {
            "organisations": list(fields["organisation"].queryset.values_list("slug", "name")),
            "sessions": list(sessions.values_list("pk", "name")),
            "years": list(sessions.order_by("-year").values_list("year", flat=True).distinct()),
        }


class CommitmentDetailView(DetailView):
    """A commitment with its published updates, evidence and the queries raised on them.

    Every commitment page is a different address, so most views are renders, not stored pages
    (a crawler, a busy day). The page therefore asks only for what it shows: the commitment and
    its updates, then evidence, queries, co-handling bureaus and sub-targets only where the first
    two queries say there are some. Most commitments take two or three queries.
    """

    template_name = "commitments/commitment_detail.html"
    # Compiled once (plans.py): the statements are the same for every commitment but for its id,
    # and compiling them took longer than running them.
    page = Statement(
        lambda pk: (
            Commitment.objects.public()
            .filter(pk=pk)
            .select_related("reply__proposal__session", "reply__organisation", "lead_organisation")
            .only(*PAGE_FIELDS)
            .order_by()  # one row: the model's order would sort it, after a join for the key
            .annotate(
                has_co_organisations=Exists(
                    Commitment.co_organisations.through.objects.filter(commitment=OuterRef("pk"))
                ),
                has_children=Exists(Commitment.objects.public().filter(parent=OuterRef("pk"))),
            )
        )
    )
    timeline = Statement(
        lambda pk: (
            ProgressUpdate.objects.published()
            .filter(commitment=pk)
            .only(*TIMELINE_FIELDS)
            .annotate(
                organisation_name=F("organisation__name"),
                has_evidence=Exists(Evidence.objects.filter(update=OuterRef("pk"))),
                has_queries=Exists(Review.objects.queries().filter(update=OuterRef("pk"))),
            )
            .order_by("-as_of", "-published_at")
        )
    )
    evidence = Statement(
        lambda pk: Evidence.objects.filter(
            update__in=ProgressUpdate.objects.published().filter(commitment=pk)
        ).order_by("pk")
    )
    co_organisations = Statement(
        lambda pk: Organisation.objects.filter(co_commitments=pk).only("name", "slug")
    )
    children = Statement(
        lambda pk: Commitment.objects.public().filter(parent=pk).order_by("position")
    )

    def get_object(self, queryset=None):
        found = self.page.rows(self.kwargs["pk"])
        if not found:
            raise Http404
        commitment = found[0]
        commitment.published_updates = self.timeline.rows(commitment.pk)
        updates = {update.pk: update for update in commitment.published_updates}
        for update in commitment.published_updates:
            update.commitment = commitment
            update.public_evidence, update.public_queries = [], []
        if any(update.has_evidence for update in updates.values()):
            for item in self.evidence.rows(commitment.pk):
                updates[item.update_id].public_evidence.append(item)
        if with_queries := [update.pk for update in updates.values() if update.has_queries]:
            # Queries members raised: the public sees that they were raised and answered, and
            # the exchange itself once the office publishes it.
            queries = (
                Review.objects.queries()
                .filter(update__in=with_queries)
                .order_by("created_at", "pk")
                .prefetch_related(
                    Prefetch(
                        "messages", queryset=ReviewMessage.objects.select_related("organisation")
                    )
                )
            )
            for query in queries:
                updates[query.update_id].public_queries.append(query)
        return commitment

    def get_context_data(self, **kwargs):
        commitment = self.object
        children = self.children.rows(commitment.pk) if commitment.has_children else []
        co_organisations = (
            self.co_organisations.rows(commitment.pk) if commitment.has_co_organisations else []
        )
        return super().get_context_data(
            revisions=[u for u in commitment.published_updates if u.new_target_date],
            co_organisations=co_organisations,
            stale_days=settings.TRACKER_STALE_DAYS,
            rollup=roll_up(children) if children else None,
            **kwargs,
        )


class ReplyDetailView(DetailView):
    template_name = "commitments/reply_detail.html"
    # Compiled once, as the commitment page's: the same for every letter but for its id.
    page = Statement(
        lambda pk: Reply.objects.filter(pk=pk).select_related(
            "proposal__session", "proposal__lead_organisation", "organisation"
        )
    )
    measures = Statement(lambda pk: Measure.objects.filter(reply=pk))
    co_organisations = Statement(
        lambda pk: Organisation.objects.filter(co_proposals=pk).only("name")
    )
    commitments = Statement(
        lambda pk: (
            Commitment.objects.public().filter(reply=pk).only(*LETTER_FIELDS).order_by("position")
        )
    )

    def get_object(self, queryset=None):
        found = self.page.rows(self.kwargs["pk"])
        if not found:
            raise Http404
        return found[0]

    def get_context_data(self, **kwargs):
        # The letter's commitments, each with the sub-targets the bureau split it into.
        commitments = self.commitments.rows(self.object.pk)
        children = defaultdict(list)
        for commitment in commitments:
            if commitment.parent_id:
                children[commitment.parent_id].append(commitment)
        tree = [(c, children[c.pk]) for c in commitments if c.parent_id is None]
        return super().get_context_data(
            commitment_tree=tree,
            measures=self.measures.rows(self.object.pk),
            co_organisations=self.co_organisations.rows(self.object.proposal_id),
            **kwargs,
        )


class OrganisationDetailView(DetailView):
    model = Organisation
    template_name = "commitments/organisation_detail.html"

    def figures(self):
        tally = Tally(self.object)
        return {
            "counts": tally.counts(),
            "status_rows": tally.status_rows(),
            "rounds": Rehandling.objects.for_organisation(self.object).counts(),
        }

    def attention(self):
        """The organisation's open commitments that are overdue or not updated recently."""
        commitments = Commitment.objects.public().for_organisation(self.object)
        return list(
            commitments.open()
            .with_flags()
            .filter(Q(flag_overdue=True) | Q(flag_stale=True))
            .select_related("reply__proposal")
            .defer("reply__full_text")
            .order_by("current_target_date", "pk")[:SCORECARD_ITEMS_SHOWN]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kept(f"scorecard:{self.object.pk}:{timezone.localdate()}", self.figures),
            # Read only when the template renders it rather than shows the one it kept.
            attention=SimpleLazyObject(self.attention),
            latest_updates=latest_published_updates(LATEST_UPDATES_SHOWN, self.object),
            stale_days=settings.TRACKER_STALE_DAYS,
            **fragment_context(),
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
            csv_columns=column_descriptions(),
            stale_days=settings.TRACKER_STALE_DAYS,
            **kwargs,
        )
