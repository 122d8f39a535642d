"""The commitments a reply letter makes, and the status vocabulary they move through."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import DEFERRED, Case, F, Func, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..addresses import address
from ..redaction import redact_contacts
from .base import SortIndex, Versioned
from .organisations import Organisation, Session
from .replies import Proposal, Reply


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
# Counted as "completed" by the overview, the scorecards and the year's report.
COMPLETED_STATUSES = (Status.COMPLETED, Status.COMPLETED_MODIFIED)
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


def title_bigrams():
    """A proposal title's bigrams, as the index of migration 0014 holds them (PostgreSQL)."""
    from django.contrib.postgres.fields import ArrayField

    return Func(F("title"), function="tracker_bigrams", output_field=ArrayField(models.TextField()))


def gram_buckets():
    """A commitment's bigrams, each marked with its bucket of ids (`电梯#3`), as the index of
    migration 0019 holds them (PostgreSQL)."""
    from django.contrib.postgres.fields import ArrayField

    return Func(
        F("search_grams"),
        F("id"),
        function="tracker_gram_buckets",
        output_field=ArrayField(models.TextField()),
    )


def stale_cutoff():
    return timezone.now() - datetime.timedelta(days=settings.TRACKER_STALE_DAYS)


def handled_by(organisation, field: str = "pk") -> Q:
    """Rows whose `field` is a commitment that `organisation` leads or co-handles.

    Subqueries rather than a join + DISTINCT: counts and aggregates stay exact and cheap. Under
    the OR each is hashed once and probed per row, so a list sorted by another index can stop
    early. On another model (`field="commitment"`), the commitments it leads are a subquery too:
    probing a set of ids is cheaper than looking up each row's commitment."""
    co_handled = Commitment.co_organisations.through.objects.filter(
        organisation=organisation
    ).values("commitment_id")
    if field == "pk":
        led = Q(lead_organisation=organisation)
    else:
        led = Q(**{f"{field}__in": Commitment.objects.filter(lead_organisation=organisation)})
    return led | Q(**{f"{field}__in": co_handled})


def newest_commitment_id() -> int:
    return Commitment.objects.aggregate(newest=models.Max("pk"))["newest"] or 0


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
        return self.filter(handled_by(organisation))

    def in_session(self, session):
        """Commitments answering proposals of one session."""
        return self.filter(session=session)

    def of_year(self, year):
        """The session's year; the reply's year when the proposal has no session."""
        # Subqueries rather than joins: the filter runs before the list's joins.
        sessions = Session.objects.filter(year=year)
        replies = Reply.objects.filter(reply_date__year=year)
        return self.filter(Q(session__in=sessions) | Q(session__isnull=True, reply__in=replies))

    def search(self, text, *, buckets=()):
        """Commitments whose title, promised text or proposal title contains `text`.

        `buckets`: only the commitments of these buckets of ids, their bigrams looked up in the
        index of migration 0019, which tells that a row holds them without reading it again to
        test its JSON (search_ids). Otherwise, in the order of a list, PostgreSQL may walk the
        list's index and test each commitment's bigrams on the way, which the JSON does cheaply
        and the array, made from the JSON for each row, does not (15 ms instead of 4)."""
        from ..search import bucket_grams, grams_decide, index_serves_search, term_grams

        queryset = self
        grams = term_grams(text) if index_serves_search() else None
        if grams and buckets:
            queryset = queryset.alias(gram_buckets=gram_buckets())
            marked = [bucket_grams(grams, bucket) for bucket in buckets]
            if len(grams) == 1:
                # One bigram in any of the buckets: a single lookup of the index.
                held = Q(gram_buckets__overlap=[gram for (gram,) in marked])
            else:
                held = Q()
                for bucket_grams_ in marked:
                    held |= Q(gram_buckets__contains=bucket_grams_)
        elif grams:
            held = Q(search_grams__contains=grams)
        if grams and grams_decide(text):
            # A two-character term without case: its bigram is in a commitment's set exactly
            # when one of the three texts contains it. No LIKE over the matches (2 ms of 3.5 for
            # 电梯 at 100,000 commitments).
            return queryset.filter(held)
        if grams:
            # The bigram index narrows to a superset of the matches; the LIKE below decides.
            queryset = queryset.filter(held)
        # Terms without letters that have case (Chinese, digits) need no case folding: a plain
        # LIKE scans the promised texts about twice as fast as UPPER(…) LIKE UPPER(…).
        lookup = "icontains" if text.lower() != text.upper() else "contains"
        proposals = Proposal.objects.filter(**{f"title__{lookup}": text})
        if grams and lookup == "contains":
            # Proposal titles have a bigram index too (migration 0014), without case folding.
            proposals = proposals.alias(title_grams=title_bigrams()).filter(
                title_grams__contains=grams
            )
        # The proposal title through a subquery, not a join, so the filter runs before the joins.
        return queryset.filter(
            Q(**{f"title__{lookup}": text})
            | Q(**{f"promised_text__{lookup}": text})
            | Q(reply__in=Reply.objects.filter(proposal__in=proposals))
        )

    def search_ids(self, text, limit):
        """The ids of at most `limit` of these commitments that contain `text`. Fewer than
        `limit` are all the matches, in the queryset's order (order_by); `limit` of them are
        some of the matches, for a count that stops there.

        On PostgreSQL, from the index of migration 0019, in one statement that stops at the
        limit: the newest two buckets of ids, then all the older ones. A GIN index builds the
        set of every row that holds a bigram before it returns the first, so counting a common
        word's first 1,001 matches over the whole table grew with the table (13 ms for 推进 at
        300,000 commitments), where two buckets hold at most 65,536 commitments. The newest id
        is kept for the public data version (kept.py), which a new commitment moves."""
        from ..kept import kept
        from ..search import gram_bucket, grams_decide, index_serves_search, term_grams
        from .search_ids import sorted_ids, word_ids

        if index_serves_search() and term_grams(text) is not None:
            newest = gram_bucket(kept("newest-commitment", newest_commitment_id))
            if newest >= 2 and not self.query.where and grams_decide(text):
                return word_ids(self, text, newest, limit)
            found = self.bucket_union(text, newest)
        else:
            found = self.search(text).order_by().values_list("pk", flat=True)
        ids = list(found[:limit])
        return sorted_ids(self, ids) if ids and len(ids) < limit and self.query.order_by else ids

    def search_page_ids(self, text, start, stop):
        """The ids of the commitments from `start` to `stop`, in the queryset's order, among
        these that contain `text`: a page of a search with more matches than search_ids
        counts."""
        from ..search import grams_decide, index_serves_search
        from .search_ids import word_page_ids

        if index_serves_search() and grams_decide(text) and not self.query.where:
            return word_page_ids(self, text, start, stop)
        return list(self.search(text).values_list("pk", flat=True)[start:stop])

    def bucket_union(self, text, newest, *, columns=()):
        """The ids (with `columns`) of the matches in the newest two buckets, then in the older
        ones."""

        def read(queryset):
            return queryset.order_by().values_list("pk", *columns, flat=not columns)

        recent = read(self.search(text, buckets=range(max(newest - 1, 0), newest + 1)))
        if newest < 2:
            return recent
        return recent.union(read(self.search(text, buckets=range(newest - 1))), all=True)

    def public(self):
        """Everything the public may see: commitments come from published reply letters."""
        return self

    def top_level(self):
        """Commitments as the letter makes them, without the sub-targets bureaus split off."""
        return self.filter(parent__isnull=True)


class CommitmentManager(models.Manager.from_queryset(CommitmentQuerySet)):
    def get_queryset(self):
        # The search bigrams are about three times the size of the rest of a row and shown
        # nowhere: only the search index and commitments/search.py read them.
        return super().get_queryset().defer("search_grams")


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
    # The bigrams of the searched text, kept by commitments/search.py: shown nowhere.
    search_grams = models.JSONField("search grams", default=list, blank=True, editable=False)
    history = HistoricalRecords(
        verbose_name=_("commitment history"), excluded_fields=["session", "search_grams"]
    )

    objects = CommitmentManager()

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
        return address("commitments:commitment", self.pk)

    @property
    def public_promised_text(self):
        """The promised text as the public reads it, contact details withheld."""
        return redact_contacts(self.promised_text)

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._loaded = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

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

    @property
    def is_sub_target(self) -> bool:
        """A sub-target is the bureau's breakdown of a commitment, not the letter's words."""
        return self.parent_id is not None

    def rolls_up(self) -> bool:
        """Whether status and progress come from the sub-targets: once one has been published."""
        return self.children.filter(last_published_at__isnull=False).exists()


class CommitmentCount(models.Model):
    """A change to the number of commitments of one organisation, session and status.

    Written by the database's triggers only (commitments/tallies.py); the sum of `n` over a
    group is its count."""

    # Internal bookkeeping, shown nowhere: no translated labels.
    organisation = models.ForeignKey(
        Organisation, models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    session = models.ForeignKey(
        Session, models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    status = models.CharField("status", max_length=20)
    # True: the organisation leads the commitment; False: it co-handles one it does not lead.
    leads = models.BooleanField("leads")
    n = models.IntegerField("change")

    class Meta:
        verbose_name = "commitment count"
        verbose_name_plural = "commitment counts"

    def __str__(self):
        return f"{self.organisation_id}/{self.session_id}/{self.status}: {self.n:+d}"


class ListedCommitment(models.Model):
    """A commitment in one organisation's list, with the keys of the list's default order: a row
    for the organisation that leads it and one for each other organisation that co-handles it.

    Written by the database's triggers only (commitments/organisation_lists.py), on PostgreSQL."""

    # Internal bookkeeping, shown nowhere: no translated labels.
    organisation = models.ForeignKey(
        Organisation, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    commitment = models.ForeignKey(
        Commitment, models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    last_published_at = models.DateTimeField("last published", null=True)
    reply = models.ForeignKey(
        Reply, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    position = models.PositiveSmallIntegerField("position")

    class Meta:
        verbose_name = "listed commitment"
        verbose_name_plural = "listed commitments"
        indexes = [
            # An organisation's page of ids in the list's order, from the index alone.
            SortIndex(
                "organisation",
                F("last_published_at").desc(nulls_last=True),
                F("reply").desc(),
                "position",
                include=["commitment"],
                name="listed_commitment_order_idx",
            )
        ]

    def __str__(self):
        return f"{self.organisation_id}: {self.commitment_id}"
