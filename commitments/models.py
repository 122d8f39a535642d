"""The domain: proposals, the replies that answer them, and the commitments in those replies.

A commitment's status and progress move only when a progress update is published
(`ProgressUpdate.publish`); see DESIGN.md, "Rules".
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import DEFERRED, Case, Exists, F, OrderBy, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        help_text=_("Full name, as in the signature of the reply letters."),
    )
    short_name = models.CharField(
        _("short name"),
        max_length=50,
        blank=True,
        help_text=_("Short name shown in lists and charts, e.g. “Xinwu Industry Bureau”."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        help_text=_("Identifier used in web addresses, e.g. xinwu-industry."),
    )
    is_office = models.BooleanField(
        _("supervising office"),
        default=False,
        help_text=_("Tick for the proposals committee or another office that supervises handling."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("commitments:organisation", args=[self.slug])


class User(AbstractUser):
    class Role(models.TextChoices):
        STAFF = "staff", _("bureau staff")
        OFFICE = "office", _("supervising office staff")
        MEMBER = "member", _("committee member")

    role = models.CharField(
        _("role"),
        max_length=10,
        choices=Role.choices,
        blank=True,
        help_text=_("Decides what this person can do in the workspace."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Bureau staff must belong to one organisation."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("user")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="staff") | Q(organisation__isnull=False),
                name="staff_user_has_organisation",
                violation_error_message=_("Bureau staff must have an organisation."),
            )
        ]

    @property
    def is_bureau_staff(self):
        return self.role == self.Role.STAFF

    @property
    def is_office(self):
        return self.role == self.Role.OFFICE or self.is_superuser

    @property
    def is_member(self):
        return self.role == self.Role.MEMBER


class Session(models.Model):
    class Body(models.TextChoices):
        CPPCC = "cppcc", _("CPPCC")
        CONGRESS = "congress", _("People's Congress")

    body = models.CharField(_("body"), max_length=10, choices=Body.choices)
    name = models.CharField(
        _("session"),
        max_length=100,
        unique=True,
        help_text=_("As written in the reply letter, e.g. “区政协二届三次会议”."),
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year the session met."))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("session")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name


class Proposal(models.Model):
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
    assigned_date = models.DateField(_("assigned date"), null=True, blank=True)
    reply_due_date = models.DateField(_("reply due date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("proposal history"))

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

    @transaction.atomic
    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            # The commitments' copy of the session follows (see Commitment.session).
            commitments = Commitment.objects.filter(reply__proposal=self)
            commitments.exclude(session=self.session_id).update(session=self.session_id)


class ReplyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Replies are public letters; everybody may read them (contact details are not shown)."""
        return self


class Reply(models.Model):
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
        return reverse("commitments:reply", args=[self.pk])


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


class Status(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not yet assessed")
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("Under way – on track")
    CHALLENGES = "challenges", _("Under way – with challenges")
    STALLED = "stalled", _("Stalled")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed – fully met")
    COMPLETED_MODIFIED = "completed_modified", _("Completed – modified or partly")
    NOT_PURSUED = "not_pursued", _("Not being pursued")


FINAL_STATUSES = (Status.COMPLETED, Status.COMPLETED_MODIFIED, Status.NOT_PURSUED)
# The vocabulary's own order (not assessed … not pursued), so "sort by status" reads naturally.
STATUS_RANK = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(Status)),
    default=Value(len(Status)),
)
# Statuses that need evidence or a written reason before they can be published (DESIGN rule 2).
STATUSES_NEEDING_PROOF = (Status.COMPLETED, Status.NOT_PURSUED)

STATUS_DEFINITIONS = {
    Status.NOT_ASSESSED: _("No evidence yet to judge progress (the default for a new commitment)."),
    Status.NOT_STARTED: _("The bureau confirms that work has not started."),
    Status.ON_TRACK: _("Work is under way and on schedule."),
    Status.CHALLENGES: _("Work is under way but meets difficulties that may delay it."),
    Status.STALLED: _("Work started but is not moving now."),
    Status.ONGOING: _("Continuing work with no end point."),
    Status.COMPLETED: _("The promise has been kept in full, with evidence."),
    Status.COMPLETED_MODIFIED: _("The promise was completed after changes, or only partly."),
    Status.NOT_PURSUED: _("The bureau has decided not to pursue it and has given its reason."),
}


# When a commitment last moved: its last published update, or its creation if none yet.
LAST_ACTIVITY = Coalesce(F("last_published_at"), F("created_at"))


def stale_cutoff():
    return timezone.now() - datetime.timedelta(days=settings.TRACKER_STALE_DAYS)


class SortIndex(models.Index):
    """An index in the order of a list's ORDER BY, with its NULLS FIRST/LAST.

    SQLite accepts no NULLS clause in CREATE INDEX (and sorts NULLs last in DESC order anyway),
    so there the index is made without it.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        index = self
        if schema_editor.connection.vendor == "sqlite":
            index = self.clone()
            index.expressions = tuple(
                OrderBy(part.expression, descending=part.descending)
                if isinstance(part, OrderBy)
                else part
                for part in self.expressions
            )
        return super(SortIndex, index).create_sql(model, schema_editor, using=using, **kwargs)


class EditConflict(Exception):
    """Someone else saved the row after the form being saved was loaded."""


class Versioned(models.Model):
    """Optimistic concurrency: every save bumps `version`; a form carries the version it read."""

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.version += 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def lock_version(self, expected):
        """Lock the row until the transaction ends; refuse if it changed since `expected`."""
        current = (
            type(self)
            ._default_manager.select_for_update()
            .filter(pk=self.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current != expected:
            raise EditConflict
        self.version = current


class CommitmentQuerySet(models.QuerySet):
    def open(self):
        """Commitments whose status is not final."""
        return self.exclude(status__in=FINAL_STATUSES)

    def overdue(self):
        """Current target date has passed and the status is not final."""
        return self.open().filter(current_target_date__lt=timezone.localdate())

    def stale(self):
        """No published update for TRACKER_STALE_DAYS days (counted from creation if none yet)."""
        return (
            self.open().alias(last_activity=LAST_ACTIVITY).filter(last_activity__lt=stale_cutoff())
        )

    def due_within(self, days):
        """Open commitments whose current target date falls within the next `days` days."""
        today = timezone.localdate()
        return self.open().filter(
            current_target_date__gte=today,
            current_target_date__lte=today + datetime.timedelta(days=days),
        )

    def with_flags(self):
        """Annotate `flag_overdue` and `flag_stale`, computed in the database."""
        not_final = ~Q(status__in=FINAL_STATUSES)
        return self.alias(last_activity=LAST_ACTIVITY).annotate(
            flag_overdue=Case(
                When(not_final & Q(current_target_date__lt=timezone.localdate()), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            flag_stale=Case(
                When(
                    not_final & Q(last_activity__lt=stale_cutoff()),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def for_organisation(self, organisation):
        """Commitments an organisation leads or co-handles."""
        # A subquery rather than a join + DISTINCT: counts and aggregates stay exact and cheap.
        # Under the OR it is hashed once and probed per row, so a sorted list can stop early.
        co_handled = Commitment.co_organisations.through.objects.filter(
            organisation=organisation
        ).values("commitment_id")
        return self.filter(Q(lead_organisation=organisation) | Q(pk__in=co_handled))

    def in_session(self, session):
        """Commitments answering proposals of one session."""
        return self.filter(session=session)

    def of_year(self, year):
        """The session's year; the reply's year when the proposal has no session."""
        # Subqueries rather than joins: the filter runs before the list's joins.
        sessions = Session.objects.filter(year=year)
        replies = Reply.objects.filter(reply_date__year=year)
        return self.filter(Q(session__in=sessions) | Q(session__isnull=True, reply__in=replies))

    def search(self, text):
        """Commitments whose title, promised text or proposal title contains `text`."""
        # Terms without letters that have case (Chinese, digits) need no case folding: a plain
        # LIKE scans the promised texts about twice as fast as UPPER(…) LIKE UPPER(…).
        lookup = "icontains" if text.lower() != text.upper() else "contains"
        proposals = Proposal.objects.filter(**{f"title__{lookup}": text})
        # The proposal title through a subquery, not a join, so the filter runs before the joins.
        return self.filter(
            Q(**{f"title__{lookup}": text})
            | Q(**{f"promised_text__{lookup}": text})
            | Q(reply__in=Reply.objects.filter(proposal__in=proposals))
        )

    def public(self):
        """Everything the public may see: commitments come from published reply letters."""
        return self


class Commitment(Versioned):
    reply = models.ForeignKey(
        Reply, verbose_name=_("reply"), on_delete=models.PROTECT, related_name="commitments"
    )
    position = models.PositiveSmallIntegerField(
        _("position"), help_text=_("Order in the reply letter, starting at 1.")
    )
    title = models.CharField(
        _("short title"), max_length=300, help_text=_("A short title for the commitment.")
    )
    promised_text = models.TextField(
        _("promised text"),
        help_text=_(
            "The commitment quoted word for word from the reply letter; do not rewrite it."
        ),
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_commitments",
    )
    co_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("other responsible organisations"),
        blank=True,
        related_name="co_commitments",
    )
    original_target_date = models.DateField(
        _("original target date"),
        null=True,
        blank=True,
        help_text=_(
            "The completion date promised in the reply. It cannot be changed once set; "
            "revise it through a progress update."
        ),
    )
    current_target_date = models.DateField(
        _("current target date"),
        null=True,
        blank=True,
        help_text=_(
            "The completion date after approved revisions; the original date when never revised."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NOT_ASSESSED,
        help_text=_("Changes only when a progress update is published."),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("0–100; changes only when a progress update is published."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent commitment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_(
            "For a sub-target, the commitment it belongs to; "
            "a parent's progress is the weighted mean of its children's."
        ),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        help_text=_("The weight of this sub-target in its parent's progress."),
    )
    is_key = models.BooleanField(_("key item"), default=False)
    # A copy of reply.proposal.session, kept in step by Commitment, Reply and Proposal.save: the
    # overview's counts by session and the session filter then need no join over 3 tables.
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    last_published_at = models.DateTimeField(
        _("last published update"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("commitment history"), excluded_fields=["session"])

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitment")
        ordering = ["reply", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["reply", "position"],
                name="one_commitment_per_position",
                violation_error_message=_("Two commitments of one reply cannot share a position."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="commitment_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
        ]
        # The public list's sort orders (commitments/filters.py), alone and after a status
        # filter; the workspace's overdue, due-soon and stale sections, which skip final statuses.
        indexes = [
            SortIndex(
                F("last_published_at").desc(nulls_last=True),
                F("reply").desc(),
                "position",
                name="commitment_recent_idx",
            ),
            SortIndex(
                "status",
                F("last_published_at").desc(nulls_last=True),
                F("reply").desc(),
                "position",
                name="commitment_status_recent_idx",
            ),
            SortIndex(
                F("current_target_date").asc(nulls_last=True),
                F("reply").desc(),
                "position",
                name="commitment_target_idx",
            ),
            models.Index(STATUS_RANK, F("reply").desc(), "position", name="commitment_rank_idx"),
            models.Index(
                fields=["current_target_date"],
                condition=~Q(status__in=FINAL_STATUSES),
                name="commitment_open_target_idx",
            ),
            models.Index(
                LAST_ACTIVITY,
                condition=~Q(status__in=FINAL_STATUSES),
                name="commitment_open_activity_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded", None)
        if loaded is not None:
            if not getattr(self, "_moved_by_update", False):
                for name in ("status", "progress"):
                    if name in loaded and loaded[name] != getattr(self, name):
                        raise ValidationError(
                            {name: _("Status and progress change only through a published update.")}
                        )
            original = loaded.get("original_target_date")
            if original is not None and original != self.original_target_date:
                raise ValidationError(
                    {
                        "original_target_date": _(
                            "The original target date cannot be changed once set."
                        )
                    }
                )
        if self.current_target_date is None:
            self.current_target_date = self.original_target_date
        # The copy of the proposal's session (see the field) follows the reply.
        reply_moved = loaded is None or loaded.get("reply_id", self.reply_id) != self.reply_id
        if reply_moved and self.reply_id:
            self.session_id = self.reply.proposal.session_id
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "session"}
        super().save(*args, **kwargs)
        self._loaded = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}
        self._moved_by_update = False

    def get_absolute_url(self):
        return reverse("commitments:commitment", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember what was read, so save() can refuse changes the rules forbid.
        instance._loaded = {
            name: value
            for name, value in zip(field_names, values, strict=True)
            if value is not DEFERRED
        }
        return instance

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A commitment cannot be its own parent.")})

    def is_final(self):
        return self.status in FINAL_STATUSES

    def is_overdue(self):
        return (
            not self.is_final()
            and self.current_target_date is not None
            and self.current_target_date < timezone.localdate()
        )

    def is_stale(self):
        return not self.is_final() and (self.last_published_at or self.created_at) < stale_cutoff()

    def is_target_revised(self):
        return self.current_target_date != self.original_target_date

    def status_definition(self):
        return STATUS_DEFINITIONS[self.status]

    def recompute_from_children(self):
        """Set a parent's progress to the weighted mean of its children's."""
        children = list(self.children.only("progress", "weight"))
        total = sum(child.weight for child in children)
        if not total:
            return
        self.progress = round(sum(c.progress * c.weight for c in children) / total)
        self._moved_by_update = True
        self.save(update_fields=["progress", "updated_at"])


class ProgressUpdateQuerySet(models.QuerySet):
    def published(self):
        """Updates the public may see."""
        return self.filter(state=ProgressUpdate.State.PUBLISHED)

    def visible_to(self, user):
        """Published updates for everyone; signed-in users also see others' non-draft updates."""
        if not user.is_authenticated:
            return self.published()
        if user.is_office:
            return self.exclude(Q(state=ProgressUpdate.State.DRAFT) & ~Q(author=user))
        if user.is_bureau_staff:
            return self.filter(
                Q(state=ProgressUpdate.State.PUBLISHED)
                | Q(organisation=user.organisation)
                | Q(author=user)
            )
        return self.exclude(Q(state=ProgressUpdate.State.DRAFT) & ~Q(author=user))


class ProgressUpdate(Versioned):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned")

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.PROTECT, related_name="updates"
    )
    as_of = models.DateField(_("as of"), help_text=_("The date the progress actually happened."))
    created_at = models.DateTimeField(_("entered at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last edited at"), auto_now=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    text = models.TextField(
        _("progress"),
        help_text=_("What was done and what came of it; required when the status changes."),
    )
    status_before = models.CharField(
        _("status before"), max_length=20, choices=Status.choices, blank=True, editable=False
    )
    status = models.CharField(
        _("status after"),
        max_length=20,
        choices=Status.choices,
        help_text=_("The commitment moves to this status when the update is published."),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)], help_text=_("0–100.")
    )
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_(
            "Explain why when marking “Completed” without evidence, or “Not being pursued”."
        ),
    )
    new_target_date = models.DateField(
        _("revised target date"),
        null=True,
        blank=True,
        help_text=_("Fill in only to revise the completion date."),
    )
    target_date_reason = models.TextField(
        _("reason for the revision"),
        blank=True,
        help_text=_("A revision of the target date needs a reason."),
    )
    state = models.CharField(
        _("review state"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    return_note = models.TextField(
        _("return note"), blank=True, help_text=_("Internal: never shown to the public.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords(verbose_name=_("progress update history"))

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress update")
        ordering = ["-as_of", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="update_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(new_target_date__isnull=True) | ~Q(target_date_reason=""),
                name="target_revision_has_reason",
                violation_error_message=_("A revision of the target date needs a reason."),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-published_at"]),
            # The workspace: the office's queue (oldest first), returned updates and drafts.
            models.Index(
                fields=["submitted_at"],
                condition=Q(state="submitted"),
                name="update_submitted_idx",
            ),
            models.Index(
                fields=["state", "-updated_at"],
                condition=Q(state__in=["draft", "returned"]),
                name="update_state_edited_idx",
            ),
            # The admin list, newest first.
            models.Index(fields=["-as_of", "-created_at", "-id"], name="update_recent_idx"),
        ]

    def __str__(self):
        return f"{self.commitment} · {self.as_of}"

    def get_absolute_url(self):
        return self.commitment.get_absolute_url() + f"#update-{self.pk}"

    def clean(self):
        errors = {}
        commitment = self.commitment if self.commitment_id else None
        if commitment and self.status != commitment.status and not self.text.strip():
            errors["text"] = _("A status change needs a description of the progress.")
        if self.new_target_date and not self.target_date_reason.strip():
            errors["target_date_reason"] = _("A revision of the target date needs a reason.")
        if errors:
            raise ValidationError(errors)

    def check_proof(self):
        """`completed` and `not_pursued` need evidence or a written reason (DESIGN rule 2)."""
        if self.status in STATUSES_NEEDING_PROOF and not self.reason.strip():
            if not self.pk or not self.evidence.exists():
                raise ValidationError(
                    {
                        "reason": _(
                            "“Completed” and “Not being pursued” need evidence or a written reason."
                        )
                    }
                )

    @transaction.atomic
    def submit(self):
        self.full_clean()
        self.check_proof()
        self.state = self.State.SUBMITTED
        self.submitted_at = timezone.now()
        self.save()

    @transaction.atomic
    def publish(self, *, by=None):
        """Publish this update and move its commitment to the status and progress it records."""
        commitment = Commitment.objects.select_for_update().get(pk=self.commitment_id)
        self.commitment = commitment
        self.full_clean()
        self.check_proof()
        self.status_before = commitment.status
        commitment.status = self.status
        commitment.progress = self.progress
        if self.new_target_date:
            if commitment.original_target_date is None:
                commitment.original_target_date = commitment.current_target_date
            commitment.current_target_date = self.new_target_date
        now = timezone.now()
        commitment.last_published_at = now
        commitment._moved_by_update = True
        commitment.save()
        self.state = self.State.PUBLISHED
        self.published_at = now
        self.published_by = by
        self.save()
        if commitment.parent_id:
            commitment.parent.recompute_from_children()
        if self.status_before != self.status:
            from .notifications import notify_followers  # notifications imports the models

            transaction.on_commit(lambda: notify_followers(self.pk))
        return commitment

    @transaction.atomic
    def return_to_author(self, *, note, by=None):
        if not note.strip():
            raise ValidationError({"return_note": _("Write a note when returning an update.")})
        self.state = self.State.RETURNED
        self.return_note = note
        self.save()


def evidence_upload_to(instance, filename):
    # A random folder: files of unpublished updates must not be found by guessing their names.
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class Evidence(models.Model):
    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("progress update"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    url = models.URLField(_("link"), blank=True, max_length=500)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=300)
    description = models.CharField(
        _("description"), max_length=200, help_text=_("Say briefly what this document shows.")
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""),
                name="evidence_has_link_or_file",
                violation_error_message=_("Give a link or upload a file."),
            )
        ]

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        """A link as given; a file through the view that checks who may see it."""
        return self.url or reverse("workspace:evidence", args=[self.pk])


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


class DataVersion(models.Model):
    """A counter bumped in the same transaction as every change the public or workspace pages
    show; cached pages are keyed by it."""

    # Internal bookkeeping, shown nowhere: no translated labels.
    version = models.BigIntegerField("data version", default=0)

    class Meta:
        verbose_name = "data version"
        verbose_name_plural = "data version"

    def __str__(self):
        return str(self.version)
