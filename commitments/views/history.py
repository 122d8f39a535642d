"""Who changed what and when on a commitment, its progress updates, the reviews and queries on
them and the sub-targets split from it (django-simple-history)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from ..models import Commitment, ProgressUpdate, Review, ReviewMessage, User
from ..permissions import WorkspaceMixin

# Bookkeeping that changes on every save and tells a reader nothing.
HIDDEN_FIELDS = {"id", "version", "updated_at", "created_at", "full_text"}


@dataclass
class Change:
    label: str
    before: object
    after: object


@dataclass
class Entry:
    when: datetime.datetime
    who: object
    subject: str
    url: str
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[Change] = field(default_factory=list)


def tracked_fields(model) -> list:
    # Our own comparison rather than diff_against(), which skips non-editable fields such as an
    # update's review state, the very changes a reader of the history looks for.
    # Fields the history leaves out (copies kept for speed, such as a commitment's session) have
    # no past values to compare.
    recorded = {f.name for f in model.history.model._meta.concrete_fields}
    return [
        f for f in model._meta.concrete_fields if f.name in recorded and f.name not in HIDDEN_FIELDS
    ]


class ValueNames:
    """Readable values: choice labels, related objects' names, local dates."""

    def __init__(self):
        self.pending = defaultdict(set)
        self.names = {}

    def want(self, model_field, value):
        if model_field.is_relation and value is not None:
            self.pending[model_field.related_model].add(value)

    def resolve(self):
        for model, pks in self.pending.items():
            for pk, obj in model._default_manager.in_bulk(pks).items():
                # People by the name colleagues know them by, not their sign-in name.
                self.names[(model, pk)] = obj.display_name() if model is User else str(obj)

    def show(self, model_field, value):
        if value is None or value == "":
            return "—"
        if model_field.is_relation:
            return self.names.get((model_field.related_model, value), value)
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, datetime.datetime):
            return formats.localize(timezone.localtime(value))
        if isinstance(value, datetime.date):
            return formats.localize(value)
        return value


def history_entries(
    records, fields, subject, url, names: ValueNames, shown_on_creation=()
) -> list[tuple]:
    """Each record as (entry, changed fields), compared with the previous one of its object.

    A creation lists the values of `shown_on_creation` (a review's verdict and comment).
    """
    raw = []
    previous_by_object = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        previous = previous_by_object.get(record.id)
        changed = []
        if previous is None:
            for model_field in fields:
                value = getattr(record, model_field.attname)
                if model_field.name in shown_on_creation and value not in (None, ""):
                    names.want(model_field, value)
                    changed.append((model_field, None, value))
        else:
            for model_field in fields:
                before = getattr(previous, model_field.attname)
                after = getattr(record, model_field.attname)
                if before != after:
                    names.want(model_field, before)
                    names.want(model_field, after)
                    changed.append((model_field, before, after))
        previous_by_object[record.id] = record
        if previous is not None and not changed and record.history_type == "~":
            continue  # a save that changed only bookkeeping
        entry = Entry(
            record.history_date,
            record.history_user,
            subject(record),
            url(record),
            record.history_type,
        )
        raw.append((entry, changed))
    return raw


class HistoryView(WorkspaceMixin, TemplateView):
    template_name = "commitments/workspace_history.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        commitment = get_object_or_404(Commitment, pk=self.kwargs["pk"])
        # Only the updates this user may see: others' drafts stay private here too.
        visible_ids = ProgressUpdate.objects.visible_to(user).filter(commitment=commitment)
        commitment_records = commitment.history.select_related("history_user")
        update_records = ProgressUpdate.history.filter(
            id__in=visible_ids.values("pk")
        ).select_related("history_user")
        update_dates = {
            pk: formats.date_format(as_of) for pk, as_of in visible_ids.values_list("pk", "as_of")
        }
        names = ValueNames()
        raw = history_entries(
            commitment_records,
            tracked_fields(Commitment),
            subject=lambda record: _("Commitment"),
            url=lambda record: "",
            names=names,
        )
        raw += history_entries(
            update_records,
            [f for f in tracked_fields(ProgressUpdate) if f.name != "commitment"],
            subject=lambda record: (
                _("Progress update as of %(date)s") % {"date": formats.date_format(record.as_of)}
            ),
            url=lambda record: reverse("workspace:update", args=[record.id]),
            names=names,
        )
        reviews = Review.history.filter(update_id__in=visible_ids.values("pk"))
        raw += history_entries(
            reviews.select_related("history_user", "member"),
            [f for f in tracked_fields(Review) if f.name not in ("update", "member")],
            subject=lambda record: (
                _("Review by %(member)s of the update as of %(date)s")
                % {"member": record.member.display_name(), "date": update_dates[record.update_id]}
            ),
            url=lambda record: reverse("workspace:update", args=[record.update_id]),
            names=names,
            shown_on_creation=("verdict", "comment"),
        )
        # Sub-targets split from this commitment: their creation and weights, kept here too.
        raw += history_entries(
            Commitment.history.filter(parent_id=commitment.pk).select_related("history_user"),
            [f for f in tracked_fields(Commitment) if f.name in ("title", "weight")],
            subject=lambda record: _("Sub-target “%(title)s”") % {"title": record.title},
            url=lambda record: reverse("workspace:commitment", args=[record.id]),
            names=names,
            shown_on_creation=("title", "weight"),
        )
        names.resolve()
        for entry, changed in raw:
            entry.changes = [
                Change(
                    str(model_field.verbose_name),
                    names.show(model_field, before),
                    names.show(model_field, after),
                )
                for model_field, before, after in changed
            ]
        entries = [entry for entry, _changed in raw]
        entries += self.thread_entries(visible_ids, update_dates)
        entries.sort(key=lambda entry: entry.when, reverse=True)
        return super().get_context_data(commitment=commitment, entries=entries, **kwargs)

    @staticmethod
    def thread_entries(visible_updates, update_dates) -> list[Entry]:
        """The messages of the query threads: answers and follow-ups, written once, never edited."""
        messages = ReviewMessage.objects.filter(
            review__update__in=visible_updates.values("pk")
        ).select_related("author", "organisation", "review")
        return [
            Entry(
                message.created_at,
                message.author,
                (
                    _("Answer to a query on the update as of %(date)s")
                    if message.is_answer
                    else _("Query on the update as of %(date)s, written again")
                )
                % {"date": update_dates[message.review.update_id]},
                reverse("workspace:update", args=[message.review.update_id])
                + f"#query-{message.review_id}",
                "+",
                [Change(_("message"), "—", message.text)],
            )
            for message in messages
        ]
