"""Progress updates, which alone move a commitment, and the evidence behind them."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..addresses import address
from ..redaction import redact_contacts
from .base import Versioned
from .commitments import STATUSES_NEEDING_PROOF, Commitment, Status, handled_by
from .organisations import Organisation


class ProgressUpdateQuerySet(models.QuerySet):
    def published(self):
        """Updates the public may see."""
        return self.filter(state=ProgressUpdate.State.PUBLISHED)

    def for_organisation(self, organisation):
        """Updates on the commitments an organisation leads or co-handles."""
        return self.filter(handled_by(organisation, "commitment"))

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
    progress_before = models.PositiveSmallIntegerField(
        _("progress before (%)"), null=True, blank=True, editable=False
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

    # What the public reads, on every page, feed, export and API (DESIGN rule 1).
    @property
    def public_text(self):
        return redact_contacts(self.text)

    @property
    def public_reason(self):
        return redact_contacts(self.reason)

    @property
    def public_target_date_reason(self):
        return redact_contacts(self.target_date_reason)

    def changes(self) -> list[str]:
        """What the update changes, in words: status, progress and target date.

        Before publication it is compared with the commitment as it is now; after, with the
        status and progress recorded at publication.
        """
        published = self.state == self.State.PUBLISHED
        status_before = self.status_before if published else self.commitment.status
        progress_before = self.progress_before if published else self.commitment.progress
        labels = dict(Status.choices)
        if status_before and status_before != self.status:
            lines = [
                gettext("Status: from “%(before)s” to “%(after)s”")
                % {"before": labels[status_before], "after": labels[self.status]}
            ]
        else:
            lines = [gettext("Status stays “%(status)s”") % {"status": labels[self.status]}]
        if progress_before is None:
            # Published before the progress it started from was recorded.
            lines.append(gettext("Progress %(progress)s%%") % {"progress": self.progress})
        elif progress_before != self.progress:
            lines.append(
                gettext("Progress: from %(before)s%% to %(after)s%%")
                % {"before": progress_before, "after": self.progress}
            )
        else:
            lines.append(gettext("Progress stays %(progress)s%%") % {"progress": self.progress})
        if self.new_target_date:
            current = None if published else self.commitment.current_target_date
            after = formats.date_format(self.new_target_date)
            lines.append(
                gettext("Target date: from %(before)s to %(after)s")
                % {"before": formats.date_format(current), "after": after}
                if current
                else gettext("Target date revised to %(date)s") % {"date": after}
            )
        return lines

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
        return self.url or address("workspace:evidence", self.pk)

    @property
    def public_description(self):
        """The description as the public reads it, contact details withheld."""
        return redact_contacts(self.description)
