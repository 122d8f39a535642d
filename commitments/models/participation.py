"""How members and followers answer the record: reviews, ratings, re-handling rounds, follows."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .commitments import Commitment
from .replies import Proposal, Reply
from .updates import ProgressUpdate


class Review(models.Model):
    class Verdict(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        QUERIED = "queried", _("Queried")
        NEEDS_MORE = "needs_more", _("Needs more")

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

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("review")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["update", "member"], name="one_review_per_member")
        ]

    def __str__(self):
        return f"{self.member} · {self.get_verdict_display()}"


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


class Follow(models.Model):
    """A signed-in user who wants an email when a commitment's status changes."""

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
