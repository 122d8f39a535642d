"""How members and followers answer the record: reviews, ratings, re-handling rounds, follows."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..redaction import redact_contacts
from .commitments import Commitment
from .organisations import Organisation
from .replies import Proposal, Reply
from .updates import ProgressUpdate


class ReviewQuerySet(models.QuerySet):
    def queries(self):
        """Reviews that query an update (存疑 or 需补充): each opens a thread with the bureau."""
        return self.filter(verdict__in=Review.QUERY_VERDICTS)

    def unresolved(self):
        """Queries the member has not marked resolved."""
        return self.queries().filter(resolved_at__isnull=True)

    def awaiting_answer(self):
        """Unresolved queries the bureau has not answered since they were last raised."""
        return self.unresolved().filter(answered_at__isnull=True)


class Review(models.Model):
    class Verdict(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        QUERIED = "queried", _("Queried")
        NEEDS_MORE = "needs_more", _("Needs more")

    QUERY_VERDICTS = (Verdict.QUERIED, Verdict.NEEDS_MORE)

    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("progress update"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    exchange_published_at = models.DateTimeField(
        _("exchange published at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the office made the query and its answers public."),
    )
    history = HistoricalRecords(verbose_name=_("review history"))

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("review")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["update", "member"], name="one_review_per_member")
        ]

    def __str__(self):
        return f"{self.member} · {self.get_verdict_display()}"

    @property
    def is_query(self) -> bool:
        return self.verdict in self.QUERY_VERDICTS

    @property
    def query_state(self) -> str:
        """Where the thread stands: resolved, answered, or open (waiting for the bureau)."""
        if self.resolved_at:
            return "resolved"
        return "answered" if self.answered_at else "open"

    @property
    def public_comment(self):
        return redact_contacts(self.comment)

    def was_answered(self) -> bool:
        """Whether the bureau ever answered (it may be asked again since)."""
        return any(message.is_answer for message in self.messages.all())

    def published_messages(self):
        """The messages the office published with the query: none before, none written since."""
        if self.exchange_published_at is None:
            return []
        return [m for m in self.messages.all() if m.created_at <= self.exchange_published_at]


class ReviewMessage(models.Model):
    """One message in the thread a query opens: the bureau's answer or the member's follow-up."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="review_messages",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The bureau that answered; blank for the member's own messages."),
    )
    text = models.TextField(_("message"))
    follow_up = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("new progress update"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A later update of the bureau's that answers the query."),
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("query message")
        verbose_name_plural = _("query messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:40]

    @property
    def is_answer(self) -> bool:
        return self.organisation_id is not None

    @property
    def public_text(self):
        return redact_contacts(self.text)


class SatisfactionRating(models.Model):
    class Level(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    reply = models.ForeignKey(
        Reply, verbose_name=_("reply"), on_delete=models.PROTECT, related_name="ratings"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    handling = models.CharField(_("handling"), max_length=12, choices=Level.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction rating")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "member"], name="one_rating_per_member")
        ]

    def __str__(self):
        return f"{self.member} · {self.get_outcome_display()}"


class RehandlingQuerySet(models.QuerySet):
    def open(self):
        """Rounds neither closed nor answered yet by a reply of that round."""
        answered = Reply.objects.filter(proposal=OuterRef("proposal"), round__gte=OuterRef("round"))
        return self.filter(closed_at__isnull=True).exclude(Exists(answered))

    def counts(self) -> dict:
        """Rounds opened, answered by a reply of the round, still waiting, and waiting past due."""
        answered = Reply.objects.filter(proposal=OuterRef("proposal"), round__gte=OuterRef("round"))
        waiting = Q(answered=False, closed_at__isnull=True)
        return self.annotate(answered=Exists(answered)).aggregate(
            opened=Count("pk"),
            answered_count=Count("pk", filter=Q(answered=True)),
            waiting=Count("pk", filter=waiting),
            overdue=Count("pk", filter=waiting & Q(due_date__lt=timezone.localdate())),
        )

    def for_organisation(self, organisation):
        """Rounds of proposals the organisation leads, co-handles or has replied to."""
        co_handled = Proposal.co_organisations.through.objects.filter(
            organisation=organisation
        ).values("proposal_id")
        replied = Reply.objects.filter(organisation=organisation).values("proposal_id")
        return self.filter(
            Q(proposal__lead_organisation=organisation)
            | Q(proposal__in=co_handled)
            | Q(proposal__in=replied)
        )


class Rehandling(models.Model):
    """A new reply round opened because a member rated the outcome 不满意."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="rehandlings"
    )
    round = models.PositiveSmallIntegerField(_("reply round"))
    rating = models.ForeignKey(
        SatisfactionRating,
        verbose_name=_("rating that opened it"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rehandlings",
    )
    due_date = models.DateField(_("re-handling due date"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = RehandlingQuerySet.as_manager()

    class Meta:
        verbose_name = _("re-handling")
        verbose_name_plural = _("re-handling")
        ordering = ["due_date"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "round"], name="one_rehandling_per_round")
        ]

    def __str__(self):
        return f"{self.proposal} · {self.round}"

    def get_absolute_url(self):
        return reverse("workspace:rehandling", args=[self.pk])

    def reasons(self):
        """Why the proposal came back: the outcomes rated 不满意 in the round before, and why."""
        return SatisfactionRating.objects.filter(
            reply__proposal=self.proposal_id,
            reply__round=self.round - 1,
            outcome=SatisfactionRating.Level.DISSATISFIED,
        ).select_related("member", "reply__organisation")

    def replies(self):
        """The replies filed for this round."""
        return Reply.objects.filter(proposal=self.proposal_id, round=self.round).select_related(
            "organisation"
        )

    def is_overdue(self) -> bool:
        return self.closed_at is None and self.due_date < timezone.localdate()


class Follow(models.Model):
    """A signed-in user who wants an email whenever a commitment has a new published update."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(_("followed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follow")
        constraints = [
            models.UniqueConstraint(fields=["user", "commitment"], name="one_follow_per_user")
        ]

    def __str__(self):
        return f"{self.user} → {self.commitment}"
