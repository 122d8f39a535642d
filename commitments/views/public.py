"""Public pages: everything here shows published data only (DESIGN rule 1)."""

from django.views.generic import DetailView, TemplateView

from ..models import Commitment, Organisation, Reply


class OverviewView(TemplateView):
    template_name = "commitments/overview.html"


class CommitmentDetailView(DetailView):
    queryset = Commitment.objects.public().select_related("reply__proposal")


class ReplyDetailView(DetailView):
    queryset = Reply.objects.select_related("proposal", "organisation")


class OrganisationDetailView(DetailView):
    model = Organisation
