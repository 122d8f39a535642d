"""The commitment filters, shared by the public list, its CSV export and the JSON API.

django-filter ships no zh_Hans catalogue, so every filter carries its own translated label.
"""

import copy
import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import STATUS_RANK, Commitment, Organisation, Session, Status
from .plans import Statement

SORT_CHOICES = [
    ("updated", _("Last update")),
    ("target", _("Target date")),
    ("status", _("Status")),
]
DEFAULT_SORT = "updated"
# Before any publication: stands for "never published" in an order by last publication.
NEVER = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
# The largest id a row can carry: databases store ids as signed 64-bit integers.
LARGEST_ID = 2**63 - 1

SORT_ORDERINGS = {
    "updated": [F("last_published_at").desc(nulls_last=True), "-reply_id", "position"],
    "target": [F("current_target_date").asc(nulls_last=True), "-reply_id", "position"],
    "status": [STATUS_RANK, "-reply_id", "position"],
}


class FlagFilter(django_filters.BooleanFilter):
    """A tick box: `?overdue=1` narrows the list, leaving it out does not filter at all."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """A row's id, as in `?session=3`: a whole number a database can hold, else a 400.

    A number past the 64-bit range would reach the database and fail there (SQLite raises
    OverflowError), so the form refuses it with the other malformed values.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None  # max_value bounds it already


# The organisations a list can be narrowed to: the bureaus, not the office.
BUREAUS = Organisation.objects.filter(is_office=False)


class BureauField(django_filters.fields.ModelChoiceField):
    """A bureau by its slug, looked up with a statement compiled once (plans.py): building the
    lookup took longer than running it."""

    by_slug = Statement(lambda slug: BUREAUS.filter(slug=slug), text=True)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        if isinstance(value, Organisation):
            value = value.slug
        found = self.by_slug.rows(str(value))
        if not found:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found[0]


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelChoiceFilter):
    """A bureau chosen by its slug, as in `?organisation=xinwu-industry`."""

    field_class = BureauField


class CopiedFilters(dict):
    """A FilterSet class's filters, which each FilterSet copies (deep, in django-filter): a copy
    of each filter is enough, as what they share (their options: labels, choices, widgets, the
    organisations' queryset) is only read. The deep copies were a tenth of the list's work. A
    filter with a method takes one bound to its copy, as the copy's FilterSet is the method's."""

    def __deepcopy__(self, memo):
        copied = {}
        for name, original in self.items():
            filter_ = copied[name] = copy.copy(original)
            if original.method is not None:
                filter_.method = original.method
        return copied


class CopiedFields(dict):
    """A form class's fields, which each form copies (deep, in Django): a copy of each field is
    enough, as no form changes what they share (widgets, choices, the organisations' queryset,
    only cloned to be read). The deep copies were 0.3 ms of every list page and search."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(field) for name, field in self.items()}


class CommitmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search titles and promised text"), method="filter_text", max_length=100
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses")
    )
    organisation = SlugFilter(
        label=_("Organisation"),
        queryset=lambda request: BUREAUS,
        to_field_name="slug",
        method="filter_organisation",
        empty_label=_("All organisations"),
    )
    session = django_filters.ModelChoiceFilter(
        label=_("Session"),
        queryset=lambda request: Session.objects.all(),
        method="filter_session",
        empty_label=_("All sessions"),
    )
    year = django_filters.NumberFilter(
        label=_("Year"), method="filter_year", min_value=1949, max_value=2999, decimal_places=0
    )
    overdue = FlagFilter(label=_("Overdue only"), method="filter_overdue")
    stale = FlagFilter(label=_("Not updated for a long time only"), method="filter_stale")
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, empty_label=None, method="keep_for_ordering"
    )

    class Meta:
        model = Commitment
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # Always bound, so the default sort applies to an address without any parameters too.
        super().__init__(data if data is not None else {}, *args, **kwargs)

    def get_form_class(self):
        # The filters' fields are the same for every request: the form class is made once rather
        # than per request (a third of the filters' cost on the list page). Each form copies the
        # fields it is made from, as any Django form does, but not deep (CopiedFields).
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = CopiedFields(form_class.base_fields)
            type(self)._form_class = form_class
        return form_class

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.search(value) if value and not self.without_text else queryset

    # Set while unsearched() filters: the filter methods are bound to this FilterSet.
    without_text = False

    def matching_ids(self, limit):
        """The ids of at most `limit` of the filtered commitments that contain the text searched
        for, for counting them: fewer than `limit` are all of them, in the list's order
        (CommitmentQuerySet.search_ids)."""
        return self.unsearched().search_ids(self.searched_text(), limit)

    def page_ids(self, start, stop):
        """The ids of a page of the filtered commitments that contain the text searched for, in
        the list's order (CommitmentQuerySet.search_page_ids)."""
        return self.unsearched().search_page_ids(self.searched_text(), start, stop)

    def unsearched(self):
        """The commitments as filtered and ordered, but for the text searched for."""
        self.without_text = True
        try:
            return self.filter_queryset(self.queryset.all())
        finally:
            self.without_text = False

    def searched_text(self):
        return self.form.cleaned_data["q"].strip()

    def filter_organisation(self, queryset, name, organisation):
        return queryset.for_organisation(organisation)

    def filter_session(self, queryset, name, session):
        return queryset.in_session(session)

    def filter_year(self, queryset, name, value):
        return queryset.of_year(int(value))

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset

    def filter_stale(self, queryset, name, value):
        return queryset.stale() if value else queryset

    def keep_for_ordering(self, queryset, name, value):
        # Ordering is applied last, in filter_queryset, so it also holds when `sort` is absent.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or DEFAULT_SORT
        ordering = SORT_ORDERINGS[sort]
        if sort == "status" and self.form.cleaned_data.get("status"):
            # One status: its rank is the same on every row, and walking the rank's index to the
            # rows of a late status (not pursued) read nearly every commitment (60 ms).
            ordering = ordering[1:]
        if sort == "updated" and self.form.cleaned_data.get("stale"):
            # The same order, written so that PostgreSQL cannot walk the last update's index from
            # the newest commitment to reach the stale ones, the oldest (80 ms at 100,000): the
            # stale ones come from their own index, which holds the order's keys (migration
            # 0016), and are sorted among themselves (3 ms). Never published sorts last, as
            # NULLS LAST does.
            ordering = [Coalesce("last_published_at", Value(NEVER)).desc(), *ordering[1:]]
        return queryset.order_by(*ordering)


CommitmentFilter.base_filters = CopiedFilters(CommitmentFilter.base_filters)
