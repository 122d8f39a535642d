"""The workspace: what needs my attention, the commitments I work on, following a commitment."""

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Value,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from ..forms import RatingForm
from ..kept import fragment_context, kept
from ..last_visit import previous_visit
from ..models import (
    LAST_ACTIVITY,
    Commitment,
    Evidence,
    Follow,
    ProgressUpdate,
    Proposal,
    Rehandling,
    Reply,
    Review,
    SatisfactionRating,
)
from ..permissions import (
    WorkspaceMixin,
    can_correct_commitment,
    can_correct_reply,
    can_rate_reply,
    can_split_commitment,
    can_write_update,
    update_actions,
)

# How many items each section of the home page lists; its count says how many there are.
SECTION_SIZE = 10


@dataclass
class Section:
    """One heading of the home page: its count, and its first SECTION_SIZE items if any."""

    key: str
    title: str
    queryset: object
    template: str
    empty: str
    more_url: str = ""
    count: int = 0

    # Listed before the rest (a member's own proposals): `queryset` must include these rows.
    first: object = None

    # Whether its list may be kept between changes (kept.py): not when it holds a form.
    kept: bool = True

    @cached_property
    def items(self):
        if not self.count:
            return []
        if self.first is None:
            return list(self.queryset[:SECTION_SIZE])
        # Two short queries rather than one ORDER BY over a CASE, which could use no index and
        # would sort every row before the first ten.
        items = list(self.first[:SECTION_SIZE])
        if len(items) < SECTION_SIZE:
            others = self.queryset.exclude(pk__in=self.first.values("pk"))
            items += others[: SECTION_SIZE - len(items)]
        return items


def section_counts(sections) -> dict[str, int]:
    """Every section's count from one query: a UNION ALL of one COUNT per section.

    The page then runs one query for the counts and one per section that has items, however many
    sections a role has.
    """
    counts = [
        section.queryset.order_by()
        .annotate(section=Value(section.key, output_field=CharField()))
        .values("section")
        # COUNT(*), not COUNT(id): the count can then come from an index alone.
        .annotate(count=Count("*"))
        for section in sections
    ]
    return {row["section"]: row["count"] for row in counts[0].union(*counts[1:], all=True)}


def kept_scope(user) -> str:
    """Who sees the same home page: the office, the staff of one bureau, or one member alone."""
    if user.is_office:
        scope = "office"
    elif user.is_bureau_staff:
        scope = f"organisation-{user.organisation_id}"
    else:
        scope = f"member-{user.pk}"
    # Overdue, stale and due soon move with the day, as well as with the data.
    return f"{scope}:{timezone.localdate()}"


def prepare_own_proposals(proposals):
    """A rating form on each reply of the member's own proposals that they have not rated."""
    for proposal in proposals:
        for reply in proposal.replies.all():
            reply.proposal = proposal
            if not reply.rated:
                # Several forms on one page: ids of their own per reply.
                reply.rating_form = RatingForm(auto_id=f"rate-{reply.pk}-%s")


def commitments_list_url(show):
    return f"{reverse('workspace:commitments')}?show={show}"


class HomeView(WorkspaceMixin, TemplateView):
    template_name = "commitments/workspace_home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        commitments = Commitment.objects.select_related("reply__proposal", "lead_organisation")
        updates = ProgressUpdate.objects.select_related("commitment", "organisation", "author")
        rehandlings = Rehandling.objects.open().select_related("proposal__session", "rating")
        queries = (
            Review.objects.unresolved()
            .filter(update__state=ProgressUpdate.State.PUBLISHED)
            .select_related("update__commitment", "update__organisation", "member")
        )
        if user.is_bureau_staff:
            commitments = commitments.for_organisation(user.organisation)
            updates = updates.filter(organisation=user.organisation)
            rehandlings = rehandlings.for_organisation(user.organisation)
            queries = queries.filter(update__organisation=user.organisation)

        def commitment_section(key, title, queryset, empty):
            return Section(
                key,
                title,
                queryset,
                "commitments/_workspace_commitments.html",
                empty,
                more_url=commitments_list_url(key),
            )

        def update_section(key, title, queryset, empty):
            return Section(key, title, queryset, "commitments/_workspace_updates.html", empty)

        def query_section(key, title, queryset, empty):
            return Section(key, title, queryset, "commitments/_workspace_queries.html", empty)

        state = ProgressUpdate.State
        due_days = settings.TRACKER_DUE_SOON_DAYS
        watch = [
            commitment_section(
                "overdue",
                _("Overdue"),
                commitments.overdue().order_by("current_target_date"),
                _("Nothing is overdue."),
            ),
            commitment_section(
                "stale",
                _("Not updated for %(days)d days") % {"days": settings.TRACKER_STALE_DAYS},
                commitments.stale().order_by(LAST_ACTIVITY, "pk"),
                # Counted from creation for a commitment never published: say so, rather than
                # claim recent updates that may not exist.
                _(
                    "No commitment has waited %(days)d days or more for a published update "
                    "(counted from its creation until its first one)."
                )
                % {"days": settings.TRACKER_STALE_DAYS},
            ),
            commitment_section(
                "due_soon",
                _("Due within %(days)d days") % {"days": due_days},
                commitments.due_within(due_days).order_by("current_target_date"),
                _("Nothing falls due soon."),
            ),
        ]
        rehandling = Section(
            "rehandling",
            _("Re-handling rounds"),
            rehandlings,
            "commitments/_workspace_rehandlings.html",
            _("No proposal is being handled again."),
        )
        if user.is_bureau_staff:
            doubted = query_section(
                "queried",
                _("Queries awaiting our answer"),
                queries.awaiting_answer().order_by("created_at"),
                _("No query is waiting for our answer."),
            )
        else:
            doubted = query_section(
                "queried",
                _("Queries from committee members"),
                # Those still waiting for the bureau first, the oldest first.
                queries.order_by(F("answered_at").asc(nulls_first=True), "created_at"),
                _("No query is open."),
            )
        submitted = updates.filter(state=state.SUBMITTED).order_by("submitted_at")
        returned = updates.filter(state=state.RETURNED).order_by("-updated_at")

        if user.is_bureau_staff:
            sections = [
                update_section(
                    "returned",
                    _("Returned to us for correction"),
                    returned,
                    _("No update has been returned."),
                ),
                *watch,
                rehandling,
                doubted,
                update_section(
                    "drafts",
                    _("Drafts not yet submitted"),
                    updates.filter(state=state.DRAFT).order_by("-updated_at"),
                    _("No drafts."),
                ),
                update_section(
                    "submitted",
                    _("Submitted, waiting for the office"),
                    submitted,
                    _("Nothing is waiting for the office."),
                ),
            ]
        elif user.is_office:
            sections = [
                update_section(
                    "awaiting_publication",
                    _("Awaiting my decision"),
                    submitted,
                    _("No update is waiting to be published."),
                ),
                *watch,
                doubted,
                rehandling,
                update_section(
                    "returned",
                    _("Returned, waiting for the bureau"),
                    returned,
                    _("No update is with a bureau for correction."),
                ),
            ]
        else:
            mine = Review.objects.filter(update=OuterRef("pk"), member=user)
            rated = SatisfactionRating.objects.filter(reply=OuterRef("pk"), member=user)
            own = Proposal.objects.proposed_by(user)
            to_review = (
                updates.filter(state=state.PUBLISHED)
                .exclude(Exists(mine))
                .order_by("-published_at")
            )
            replies = Reply.objects.select_related("organisation").defer("full_text")
            my_proposals = Section(
                "my_proposals",
                _("My proposals"),
                own.select_related("session")
                .prefetch_related(
                    Prefetch(
                        "replies",
                        replies.annotate(rated=Exists(rated)).order_by("round", "pk"),
                    ),
                    Prefetch("replies__commitments", Commitment.objects.order_by("position")),
                )
                .order_by("-session__year", "-pk"),
                "commitments/_workspace_proposals.html",
                _("No proposal is linked to your account yet: the office links proposers."),
                kept=False,
            )
            sections = [
                my_proposals,
                Section(
                    "awaiting_review",
                    _("Published updates awaiting my review"),
                    to_review,
                    "commitments/_workspace_updates.html",
                    _("I have reviewed every published update."),
                    first=to_review.filter(commitment__reply__proposal__in=own),
                ),
                query_section(
                    "my_queries",
                    _("My queries"),
                    queries.filter(member=user).order_by(
                        F("answered_at").desc(nulls_last=True), "-created_at"
                    ),
                    _("I have no open query."),
                ),
                Section(
                    "to_rate",
                    _("Replies to my proposals awaiting my rating"),
                    replies.filter(proposal__in=own)
                    .exclude(Exists(rated))
                    .select_related("proposal__session")
                    .order_by("-round", "-reply_date", "-pk"),
                    "commitments/_workspace_replies.html",
                    _("I have rated every reply to my proposals."),
                ),
                *watch,
                rehandling,
            ]
        scope = kept_scope(user)
        counts = kept(f"workspace-counts:{scope}", lambda: section_counts(sections), signed_in=True)
        for section in sections:
            section.count = counts.get(section.key, 0)
        if user.is_member:
            prepare_own_proposals(sections[0].items)
        return super().get_context_data(
            sections=sections,
            previous_visit=previous_visit(self.request),
            kept_scope=scope,
            **fragment_context(signed_in=True),
            **kwargs,
        )


class CommitmentListView(WorkspaceMixin, ListView):
    """The commitments I work on (bureau staff: my organisation's; others: all), filterable."""

    template_name = "commitments/workspace_commitment_list.html"
    context_object_name = "commitments"
    paginate_by = 25
    FILTERS = {
        "overdue": gettext_lazy("Overdue"),
        "stale": gettext_lazy("Not updated recently"),
        "due_soon": gettext_lazy("Due soon"),
    }

    def get_queryset(self):
        user = self.request.user
        queryset = Commitment.objects.select_related("reply__proposal", "lead_organisation")
        if user.is_bureau_staff:
            queryset = queryset.for_organisation(user.organisation)
        show = self.request.GET.get("show")
        if show == "overdue":
            queryset = queryset.overdue()
        elif show == "stale":
            queryset = queryset.stale()
        elif show == "due_soon":
            queryset = queryset.due_within(settings.TRACKER_DUE_SOON_DAYS)
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = queryset.filter(
                Q(title__icontains=query)
                | Q(promised_text__icontains=query)
                | Q(reply__proposal__title__icontains=query)
            )
        return queryset.order_by("current_target_date", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filters=self.FILTERS,
            show=self.request.GET.get("show", ""),
            query=self.request.GET.get("q", ""),
            **kwargs,
        )


class CommitmentDetailView(WorkspaceMixin, DetailView):
    """One commitment with every update I may see, and what I may do with each."""

    template_name = "commitments/workspace_commitment_detail.html"
    queryset = Commitment.objects.select_related(
        "reply__proposal__session", "reply__organisation", "lead_organisation", "parent"
    )

    def get_context_data(self, **kwargs):
        user = self.request.user
        commitment = self.object
        updates = list(
            ProgressUpdate.objects.visible_to(user)
            .filter(commitment=commitment)
            .select_related("author", "organisation")
            .prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.order_by("pk")),
                Prefetch("reviews", queryset=Review.objects.select_related("member")),
            )
        )
        for update in updates:
            update.commitment = commitment
            update.actions = update_actions(user, update)
        return super().get_context_data(
            updates=updates,
            can_write=can_write_update(user, commitment),
            can_correct=can_correct_commitment(user, commitment),
            can_correct_reply=can_correct_reply(user, commitment.reply),
            can_rate=can_rate_reply(user, commitment.reply),
            can_split=can_split_commitment(user, commitment),
            children=commitment.children.order_by("position"),
            **kwargs,
        )


class FollowView(LoginRequiredMixin, View):
    """Anyone signed in may follow a commitment: an email arrives with every published update."""

    def post(self, request, pk):
        commitment = get_object_or_404(Commitment, pk=pk)
        if request.POST.get("action") == "unfollow":
            Follow.objects.filter(user=request.user, commitment=commitment).delete()
            messages.success(request, _("You no longer follow this commitment."))
        else:
            Follow.objects.get_or_create(user=request.user, commitment=commitment)
            messages.success(
                request,
                _("You follow this commitment: an email will tell you of every published update."),
            )
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = commitment.get_absolute_url()
        return redirect(next_url)
