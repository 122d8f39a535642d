"""Sub-targets in the workspace: the lead bureau splits a commitment and weighs the parts.

The writes go through `workflow.subtarget_create` and `workflow.subtargets_weigh`; the public
page shows the tree and explains the roll-up (subtargets.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from .. import workflow
from ..forms_subtargets import SubTargetForm, WeightsForm
from ..models import Commitment
from ..permissions import WorkspaceMixin, can_split_commitment
from ..subtargets import roll_up


def splittable_commitment(user, pk) -> Commitment:
    commitment = get_object_or_404(
        Commitment.objects.select_related("reply__proposal", "lead_organisation"), pk=pk
    )
    if not can_split_commitment(user, commitment):
        raise PermissionDenied(_("Only the lead bureau splits its commitments, one level deep."))
    return commitment


class SubTargetsView(WorkspaceMixin, View):
    template_name = "commitments/workspace_subtargets.html"

    def render_page(self, commitment, *, new_form=None, weights_form=None, status=200):
        children = list(commitment.children.order_by("position"))
        summary = roll_up(children)
        weights_form = weights_form or WeightsForm(children=children)
        context = {
            "commitment": commitment,
            "children": children,
            "summary": summary,
            "new_form": new_form or SubTargetForm(),
            "weights_form": weights_form,
            # Both in the sub-targets' order.
            "weight_rows": list(zip(weights_form, summary.lines, strict=True)),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(splittable_commitment(request.user, pk))

    def post(self, request, pk):
        commitment = splittable_commitment(request.user, pk)
        if request.POST.get("action") == "weigh":
            form = WeightsForm(request.POST, children=commitment.children.order_by("position"))
            if not form.is_valid():
                return self.render_page(commitment, weights_form=form)
            workflow.subtargets_weigh(parent=commitment, by=request.user, weights=form.weights())
            messages.success(request, _("The weights were saved."))
            return redirect("workspace:subtargets", pk=pk)
        form = SubTargetForm(request.POST)
        if not form.is_valid():
            return self.render_page(commitment, new_form=form)
        child = workflow.subtarget_create(
            parent=commitment,
            by=request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["promised_text"],
            weight=form.cleaned_data["weight"],
        )
        messages.success(
            request,
            _("Sub-target “%(title)s” added: write its progress updates as for any commitment.")
            % {"title": child.title},
        )
        return redirect("workspace:subtargets", pk=pk)
