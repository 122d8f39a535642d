"""Read-only JSON API of the published data, with its OpenAPI schema at /api/v1/schema/.

Commitments take the same filters as the public list (commitments/filters.py); progress updates
are published ones only (DESIGN rule 1).
"""

import datetime

import django_filters
from django.db.models import Prefetch
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.views import SpectacularAPIView
from rest_framework import pagination, routers, viewsets
from rest_framework.exceptions import NotFound

from . import serializers
from .filters import CommitmentFilter, IdFilter
from .models import Commitment, Organisation, ProgressUpdate, Proposal, Reply, Session

app_name = "api"


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Bureaus and offices; `slug` is what the commitment filter `organisation` takes."""

    queryset = Organisation.objects.order_by("name")
    serializer_class = serializers.OrganisationSerializer
    lookup_field = "slug"
    # Django's slug converter: anything else (a NUL byte breaks a PostgreSQL query) is a 404.
    lookup_value_regex = "[-a-zA-Z0-9_]+"


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    """The sessions (会次) proposals were filed at; `id` is what the filter `session` takes."""

    queryset = Session.objects.all()
    serializer_class = serializers.SessionSerializer
    filterset_fields = ["body", "year"]


class ProposalFilter(django_filters.FilterSet):
    session = IdFilter(field_name="session_id")
    year = django_filters.NumberFilter(field_name="session__year")
    kind = django_filters.ChoiceFilter(choices=Proposal.Kind.choices)

    class Meta:
        model = Proposal
        fields = []


class ProposalViewSet(viewsets.ReadOnlyModelViewSet):
    """Proposals and suggestions with the ids of the replies that answer them."""

    queryset = (
        Proposal.objects.select_related("session", "lead_organisation")
        .prefetch_related("co_organisations", "replies")
        .order_by("-id")
    )
    serializer_class = serializers.ProposalSerializer
    filterset_class = ProposalFilter


class ReplyFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(field_name="organisation__slug")
    proposal = IdFilter(field_name="proposal_id")
    session = IdFilter(field_name="proposal__session_id")

    class Meta:
        model = Reply
        fields = []


class ReplyViewSet(viewsets.ReadOnlyModelViewSet):
    """Reply letters with their measures; contact details are never included."""

    queryset = (
        Reply.objects.select_related("organisation")
        .prefetch_related(
            "measures",
            Prefetch("commitments", queryset=Commitment.objects.public().only("id", "reply_id")),
        )
        .order_by("-id")
    )
    serializer_class = serializers.ReplySerializer
    filterset_class = ReplyFilter


class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Commitments, filterable like the public list: status, organisation, session, year,
    overdue, stale, q (text search) and sort."""

    queryset = (
        Commitment.objects.public()
        .select_related("lead_organisation")
        .prefetch_related("co_organisations")
    )
    serializer_class = serializers.CommitmentSerializer
    filterset_class = CommitmentFilter


class ProgressUpdateFilter(django_filters.FilterSet):
    commitment = IdFilter(field_name="commitment_id")

    class Meta:
        model = ProgressUpdate
        fields = []


class NewestFirstPagination(pagination.CursorPagination):
    """Pages by position in the feed rather than by number: no COUNT over a million updates."""

    ordering = ("-published_at", "-id")
    page_size = 50

    def decode_cursor(self, request):
        # DRF checks a cursor's form but hands its position to the database as it is: a forged
        # one ("p=junk", a date past the calendar's end) would fail there, with a 500.
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                moment = parse_datetime(cursor.position)
                if moment is None:
                    raise ValueError(cursor.position)
                if timezone.is_naive(moment):
                    moment = timezone.make_aware(moment)
                moment.astimezone(datetime.UTC)
            except (ValueError, OverflowError) as error:
                raise NotFound(self.invalid_cursor_message) from error
        return cursor


class ProgressUpdateViewSet(viewsets.ReadOnlyModelViewSet):
    """Published progress updates with their evidence, newest first."""

    pagination_class = NewestFirstPagination

    queryset = (
        ProgressUpdate.objects.published()
        .filter(commitment__in=Commitment.objects.public())
        .select_related("organisation")
        .prefetch_related("evidence")
        .order_by("-published_at", "-id")
    )
    serializer_class = serializers.ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilter


router = routers.DefaultRouter()
router.register("organisations", OrganisationViewSet)
router.register("sessions", SessionViewSet)
router.register("proposals", ProposalViewSet)
router.register("replies", ReplyViewSet)
router.register("commitments", CommitmentViewSet)
router.register("updates", ProgressUpdateViewSet, basename="progressupdate")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
]
