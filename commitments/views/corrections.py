"""Correcting an import in the workspace: the bureau fixes what the parser misread, with history.

The write goes through `workflow.record_correct`, which asks `permissions.py` and checks the
version; a correction that lost a race answers 409 with the user's input kept.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from .. import workflow
from ..forms_corrections import CommitmentCorrectionForm, ReplyCorrectionForm
from ..models import Commitment, EditConflict, Reply
from ..permissions import (
    WorkspaceMixin,
    can_correct_commitment,
    can_correct_reply,
    can_set_original_target_date,
)


class CorrectionView(WorkspaceMixin, View):
    """Shared by the reply and commitment corrections: load, check, show, save."""

    model = None
    form_class = None
    template_name = "commitments/workspace_correction_form.html"

    def get_record(self):
        record = get_object_or_404(self.model.objects.all(), pk=self.kwargs["pk"])
        if not self.may_correct(record):
            raise PermissionDenied(_("You may correct only your organisation's records."))
        return record

    def get_form(self, record, data=None):
        return self.form_class(data, instance=record)

    def render_form(self, record, form, *, status=200, conflict=False):
        context = {"record": record, "form": form, "conflict": conflict, "kind": self.kind}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        record = self.get_record()
        return self.render_form(record, self.get_form(record))

    def post(self, request, pk):
        record = self.get_record()
        form = self.get_form(record, request.POST)
        if not form.is_valid():
            return self.render_form(record, form)
        try:
            workflow.record_correct(
                record=form.instance,
                by=request.user,
                version=form.cleaned_data["version"],
                save=form.save,
            )
        except EditConflict:
            current = self.get_record()
            data = request.POST.copy()
            data["version"] = current.version  # saving again overwrites knowingly
            kept = self.get_form(current, data)
            kept.is_valid()
            return self.render_form(current, kept, status=409, conflict=True)
        messages.success(request, _("Your correction was saved; the history keeps the old text."))
        return redirect(self.success_url(form.instance))


class ReplyCorrectView(CorrectionView):
    model = Reply
    form_class = ReplyCorrectionForm
    kind = "reply"

    def may_correct(self, reply):
        return can_correct_reply(self.request.user, reply)

    def success_url(self, reply):
        return reply.get_absolute_url()


class CommitmentCorrectView(CorrectionView):
    model = Commitment
    form_class = CommitmentCorrectionForm
    kind = "commitment"

    def may_correct(self, commitment):
        return can_correct_commitment(self.request.user, commitment)

    def get_form(self, record, data=None):
        return self.form_class(
            data,
            instance=record,
            may_set_original_date=can_set_original_target_date(self.request.user),
        )

    def success_url(self, commitment):
        return reverse("workspace:commitment", args=[commitment.pk])
