"""Who changed what and when on a commitment and its progress updates (django-simple-history)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from ..models import Commitment, ProgressUpdate
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
                self.names[(model, pk)] = str(obj)

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


def history_entries(records, fields, subject, url, names: ValueNames) -> list[tuple]:
    """Each record as (entry, changed fields), compared with the previous one of its object."""
    raw = []
    previous_by_object = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        previous = previous_by_object.get(record.id)
        changed = []
        if previous is not None:
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
        entries = sorted((entry for entry, _changed in raw), key=lambda e: e.when, reverse=True)
        return super().get_context_data(commitment=commitment, entries=entries, **kwargs)
