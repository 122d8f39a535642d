"""Proposals, the reply letters that answer them, and the measures the letters report."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..addresses import address
from ..redaction import redact_contacts
from .base import Versioned
from .organisations import Organisation, Session


class ProposalQuerySet(models.QuerySet):
    def of_year(self, year):
        """The session's year; the year of a reply when the proposal has no session."""
        # As Commitment.objects.of_year: a proposal without a session belongs to its replies' years.
        replied = Reply.objects.filter(proposal__session__isnull=True, reply_date__year=year)
        return self.filter(Q(session__year=year) | Q(pk__in=replied.values("proposal")))

    def proposed_by(self, user):
        """The proposals this member is a confirmed proposer of (see `Proposer`)."""
        if not (user.is_authenticated and user.is_member):
            return self.none()
        linked = Proposer.objects.confirmed().filter(member=user).values("proposal_id")
        return self.filter(pk__in=linked)


class Proposal(Versioned):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("proposal")
        SUGGESTION = "suggestion", _("suggestion")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PROPOSAL)
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    number = models.CharField(
        _("number"),
        max_length=20,
        blank=True,
        help_text=_(
            "As written, keeping leading zeros, e.g. “028”; blank for letters without a number."
        ),
    )
    title = models.CharField(
        _("title"), max_length=300, help_text=_("The proposal's title, without 《》.")
    )
    proposers = models.JSONField(
        _("proposers"),
        default=list,
        blank=True,
        help_text=_('The proposers\' names as a list, e.g. ["张三", "李四"].'),
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_proposals",
    )
    co_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("co-handling organisations"),
        blank=True,
        related_name="co_proposals",
    )
    is_key = models.BooleanField(_("key proposal"), default=False)
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented for the demo (load_demo); remove_demo deletes it."),
    )
    assigned_date = models.DateField(_("assigned date"), null=True, blank=True)
    reply_due_date = models.DateField(_("reply due date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("proposal history"))

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal/suggestion")
        verbose_name_plural = _("proposal/suggestion")
        ordering = ["-session__year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "number"],
                condition=~Q(number=""),
                name="one_proposal_per_session_kind_number",
                violation_error_message=_(
                    "This session already has a proposal of this kind with this number."
                ),
            )
        ]

    def __str__(self):
        if self.number:
            return _("%(session)s No. %(number)s: %(title)s") % {
                "session": self.session or "",
                "number": self.number,
                "title": self.title,
            }
        return self.title

    def is_proposed_by(self, user) -> bool:
        """Whether this member is a confirmed proposer (as `Proposal.objects.proposed_by`)."""
        if not (user.is_authenticated and user.is_member):
            return False
        return Proposer.objects.confirmed().filter(proposal=self, member=user).exists()

    @transaction.atomic
    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            from .commitments import Commitment  # commitments imports this module

            # The commitments' copy of the session follows (see Commitment.session).
            commitments = Commitment.objects.filter(reply__proposal=self)
            commitments.exclude(session=self.session_id).update(session=self.session_id)


class ProposerQuerySet(models.QuerySet):
    def confirmed(self):
        """Links the office (or a command run by it) confirmed: only these count as proposers."""
        return self.filter(member__isnull=False, confirmed_at__isnull=False)

    def awaiting_confirmation(self):
        """Names the importer matched to a member, waiting for the office to confirm."""
        return self.filter(member__isnull=False, confirmed_at__isnull=True)


class Proposer(models.Model):
    """One proposer of a proposal: the name as written, linked to a member's account."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="proposer_links",
    )
    name = models.CharField(
        _("name as written"), max_length=50, help_text=_("As the proposal or letter writes it.")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposer_links",
        help_text=_(
            "The committee member's account: proposed by the import, confirmed by the office."
        ),
    )
    confirmed_at = models.DateTimeField(
        _("confirmed at"),
        null=True,
        blank=True,
        help_text=_("Blank while the match waits for the office's confirmation."),
    )

    objects = ProposerQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposer")
        verbose_name_plural = _("proposer")
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "name"], name="one_link_per_proposer_name")
        ]

    def __str__(self):
        return self.name


class ReplyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Replies are public letters; everybody may read them (contact details are not shown)."""
        return self

    def of_year(self, year):
        """The proposal's session year; the reply's own year when the proposal has no session."""
        sessionless = Q(proposal__session__isnull=True, reply_date__year=year)
        return self.filter(Q(proposal__session__year=year) | sessionless)


class Reply(Versioned):
    class Category(models.TextChoices):
        A = "A", _("A: the problem has been solved or mostly solved")
        B = "B", _("B: being solved or planned to be solved step by step")
        C = "C", _("C: cannot be solved for now because of constraints")
        D = "D", _("D: kept for reference")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="replies"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("replying organisation"),
        on_delete=models.PROTECT,
        related_name="replies",
    )
    round = models.PositiveSmallIntegerField(
        _("reply round"),
        default=1,
        help_text=_("1 for the first reply; 2, 3 … for replies after re-handling."),
    )
    title = models.CharField(
        _("title"), max_length=300, blank=True, help_text=_("The reply letter's title.")
    )
    document_number = models.CharField(
        _("document number"),
        max_length=100,
        blank=True,
        help_text=_("E.g. “新工信函〔2024〕12号”."),
    )
    index_number = models.CharField(
        _("index number"),
        max_length=100,
        blank=True,
        help_text=_("The government information disclosure index number."),
    )
    signer = models.CharField(_("signer"), max_length=50, blank=True)
    reply_date = models.DateField(
        _("reply date"), null=True, blank=True, help_text=_("The date in the letter's signature.")
    )
    published_date = models.DateField(_("publication date"), null=True, blank=True)
    category = models.CharField(
        _("reply class"),
        max_length=1,
        choices=Category.choices,
        blank=True,
        help_text=_("The class stated in the letter; leave blank if none is stated."),
    )
    full_text = models.TextField(
        _("full text"), blank=True, help_text=_("The reply letter as received.")
    )
    source_url = models.URLField(_("source URL"), blank=True, max_length=500)
    contact_name = models.CharField(
        _("contact name"),
        max_length=50,
        blank=True,
        help_text=_("Internal: never shown to the public."),
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=50,
        blank=True,
        help_text=_("Internal: never shown to the public."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("reply history"), excluded_fields=["full_text"])

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("reply")
        ordering = ["-reply_date", "-id"]
        indexes = [models.Index(fields=["-reply_date", "-id"], name="reply_recent_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation", "round"],
                name="one_reply_per_round_and_organisation",
                violation_error_message=_(
                    "This organisation has already replied to this proposal in this round."
                ),
            ),
            models.UniqueConstraint(
                fields=["index_number"],
                condition=~Q(index_number=""),
                name="unique_reply_index_number",
                violation_error_message=_("A reply with this index number already exists."),
            ),
        ]

    def __str__(self):
        return self.title or _("%(organisation)s's reply to %(proposal)s") % {
            "organisation": self.organisation,
            "proposal": self.proposal,
        }

    @transaction.atomic
    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            # The letter may have been moved to another proposal, of another session.
            session_id = self.proposal.session_id
            self.commitments.exclude(session=session_id).update(session=session_id)

    def get_absolute_url(self):
        return address("commitments:reply", self.pk)

    def answered_rehandling(self):
        """The re-handling round this reply answers; None for a first reply."""
        if self.round < 2:
            return None
        return self.proposal.rehandlings.filter(round=self.round).first()


class Measure(models.Model):
    reply = models.ForeignKey(
        Reply, verbose_name=_("reply"), on_delete=models.CASCADE, related_name="measures"
    )
    position = models.PositiveSmallIntegerField(
        _("position"), help_text=_("Order in the reply letter, starting at 1.")
    )
    title = models.CharField(_("short title"), max_length=300, blank=True)
    text = models.TextField(_("text"), help_text=_("The reply letter's words."))

    class Meta:
        verbose_name = _("measure taken")
        verbose_name_plural = _("measure taken")
        ordering = ["reply", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["reply", "position"],
                name="one_measure_per_position",
                violation_error_message=_("Two measures of one reply cannot share a position."),
            )
        ]

    def __str__(self):
        return self.title or self.text[:40]

    @property
    def public_text(self):
        """The measure's words as the public reads them, contact details withheld."""
        return redact_contacts(self.text)
