"""A re-handling round in the workspace: why the proposal came back, by when, and its reply."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from ..models import Rehandling
from ..permissions import WorkspaceMixin, can_reply_to_rehandling


def visible_rehandling(pk) -> Rehandling:
    """Every signed-in role may read a round: the bureau answers it, the office chases it and the
    members rated the reply that opened it."""
    return get_object_or_404(
        Rehandling.objects.select_related("proposal__session", "proposal__lead_organisation"),
        pk=pk,
    )


class RehandlingDetailView(WorkspaceMixin, TemplateView):
    template_name = "commitments/workspace_rehandling.html"

    def get_context_data(self, **kwargs):
        rehandling = visible_rehandling(self.kwargs["pk"])
        proposal = rehandling.proposal
        may_reply = can_reply_to_rehandling(self.request.user, rehandling)
        return super().get_context_data(
            rehandling=rehandling,
            proposal=proposal,
            reasons=rehandling.reasons(),
            earlier_replies=proposal.replies.filter(round__lt=rehandling.round)
            .select_related("organisation")
            .defer("full_text")
            .order_by("round", "pk"),
            round_replies=rehandling.replies().defer("full_text"),
            may_reply=may_reply,
            import_url=f"{reverse('workspace:import')}?rehandling={rehandling.pk}",
            **kwargs,
        )
