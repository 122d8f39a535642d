"""Progress updates in the workspace: write, edit and submit; publish or return; review; files.

Every write goes through `commitments.workflow`; who may act is decided by
`commitments.permissions`. A save that lost a race is answered with 409 and the user's input.
"""

import mimetypes
from pathlib import PurePath
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from .. import workflow
from ..forms import EvidenceFormSet, ProgressUpdateForm, PublishForm, ReturnForm, ReviewForm
from ..models import Commitment, EditConflict, Evidence, ProgressUpdate, Review
from ..permissions import (
    EDITABLE_STATES,
    WorkspaceMixin,
    can_decide_updates,
    can_edit_update,
    can_review_update,
    can_write_update,
    update_actions,
    works_on_update,
)
from .threads import query_threads

EVIDENCE_PREFIX = "evidence"
# nginx's internal location for MEDIA_ROOT (deploy/nginx/tracker.conf), for
# TRACKER_EVIDENCE_ACCEL_REDIRECT.
EVIDENCE_ACCEL_LOCATION = "/internal-media/"


def visible_update(user, pk) -> ProgressUpdate:
    """The update if this user may see it at all; others' drafts are not found (404)."""
    return get_object_or_404(
        ProgressUpdate.objects.visible_to(user).select_related(
            "commitment__reply__proposal", "commitment__lead_organisation", "author", "organisation"
        ),
        pk=pk,
    )


def render_update_form(request, form, evidence, *, status=200, conflict=False, current=None):
    update = form.instance
    return render(
        request,
        "commitments/progressupdate_form.html",
        {
            "form": form,
            "evidence_formset": evidence,
            "commitment": form.commitment,
            "update": update if update.pk else None,
            "conflict": conflict,
            "current": current,
            "editable": current is None or current.state in EDITABLE_STATES,
        },
        status=status,
    )


def save_update(request, form, evidence):
    """Validate, then save whole or not at all; on a lost race keep the user's input."""
    submit = request.POST.get("action") == "submit"
    if not (form.is_valid() and evidence.is_valid()):
        return render_update_form(request, form, evidence)
    if submit and not form.require_proof(evidence):
        return render_update_form(request, form, evidence)
    update = form.instance
    was_new, old_version = update.pk is None, update.version
    try:
        workflow.update_save(
            update=update,
            evidence_formset=evidence,
            author=request.user,
            version=form.cleaned_data.get("version"),
            submit=submit,
        )
    except EditConflict:
        current = ProgressUpdate.objects.select_related("commitment").get(pk=update.pk)
        data = request.POST.copy()
        data["version"] = current.version  # saving again overwrites knowingly
        form = ProgressUpdateForm(data, instance=current, commitment=current.commitment)
        evidence = EvidenceFormSet(data, instance=current, prefix=EVIDENCE_PREFIX)
        return render_update_form(
            request, form, evidence, status=409, conflict=True, current=current
        )
    except ValidationError as error:
        # The transaction was rolled back: the update is as unsaved as before.
        update.version = old_version
        if was_new:
            update.pk = None
            update._state.adding = True
        form.add_error(None, error.messages)
        return render_update_form(request, form, evidence)
    if submit:
        messages.success(
            request, _("The update was submitted to the office for review before publication.")
        )
    else:
        messages.success(request, _("The draft was saved. Submit it when it is ready."))
    return redirect("workspace:update", pk=update.pk)


class UpdateCreateView(WorkspaceMixin, View):
    def get_commitment(self):
        commitment = get_object_or_404(
            Commitment.objects.select_related("reply__proposal"), pk=self.kwargs["pk"]
        )
        if not can_write_update(self.request.user, commitment):
            raise PermissionDenied(_("Only staff of a responsible organisation write its updates."))
        return commitment

    def get(self, request, pk):
        commitment = self.get_commitment()
        form = ProgressUpdateForm(commitment=commitment)
        evidence = EvidenceFormSet(instance=form.instance, prefix=EVIDENCE_PREFIX)
        return render_update_form(request, form, evidence)

    def post(self, request, pk):
        commitment = self.get_commitment()
        form = ProgressUpdateForm(request.POST, commitment=commitment)
        evidence = EvidenceFormSet(
            request.POST, request.FILES, instance=form.instance, prefix=EVIDENCE_PREFIX
        )
        return save_update(request, form, evidence)


class UpdateEditView(WorkspaceMixin, View):
    """Edit a draft or a returned update, then save it again or submit it."""

    def get(self, request, pk):
        update = visible_update(request.user, pk)
        if not can_edit_update(request.user, update):
            raise PermissionDenied(_("Only drafts and returned updates of your organisation."))
        form = ProgressUpdateForm(instance=update, commitment=update.commitment)
        evidence = EvidenceFormSet(instance=update, prefix=EVIDENCE_PREFIX)
        return render_update_form(request, form, evidence)

    def post(self, request, pk):
        update = visible_update(request.user, pk)
        if not works_on_update(request.user, update):
            raise PermissionDenied
        form = ProgressUpdateForm(request.POST, instance=update, commitment=update.commitment)
        evidence = EvidenceFormSet(
            request.POST, request.FILES, instance=update, prefix=EVIDENCE_PREFIX
        )
        return save_update(request, form, evidence)


def render_update_detail(request, update, *, status=200, conflict=False, bound_query=None, **forms):
    user = request.user
    commitment = update.commitment
    own_review = None
    if user.is_member:
        own_review = Review.objects.filter(update=update, member=user).first()
    context = {
        "update": update,
        "commitment": commitment,
        "evidence": update.evidence.order_by("pk"),
        "reviews": update.reviews.select_related("member"),
        "actions": update_actions(user, update),
        "conflict": conflict,
        "publish_form": PublishForm(
            initial={"update_version": update.version, "commitment_version": commitment.version},
            auto_id=False,  # hidden fields only; the return form beside it has the same names
        ),
        "return_form": ReturnForm(initial={"update_version": update.version}),
        "review_form": ReviewForm(instance=own_review),
        "threads": query_threads(user, update, bound=bound_query),
        **forms,
    }
    return render(request, "commitments/progressupdate_detail.html", context, status=status)


class UpdateDetailView(WorkspaceMixin, View):
    def get(self, request, pk):
        return render_update_detail(request, visible_update(request.user, pk))


class UpdateSubmitView(WorkspaceMixin, View):
    def post(self, request, pk):
        update = visible_update(request.user, pk)
        if not works_on_update(request.user, update):
            raise PermissionDenied
        try:
            workflow.update_submit(
                update=update, by=request.user, version=int(request.POST.get("version", -1))
            )
        except (EditConflict, ValueError):
            fresh = visible_update(request.user, pk)
            return render_update_detail(request, fresh, status=409, conflict=True)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("workspace:update_edit", pk=pk)
        messages.success(
            request, _("The update was submitted to the office for review before publication.")
        )
        return redirect("workspace:update", pk=pk)


class UpdatePublishView(WorkspaceMixin, View):
    def post(self, request, pk):
        update = visible_update(request.user, pk)
        if not can_decide_updates(request.user):
            raise PermissionDenied
        form = PublishForm(request.POST)
        if not form.is_valid():
            return render_update_detail(request, update, status=400)
        try:
            workflow.update_publish(
                update=update,
                by=request.user,
                update_version=form.cleaned_data["update_version"],
                commitment_version=form.cleaned_data["commitment_version"],
            )
        except EditConflict:
            fresh = visible_update(request.user, pk)
            return render_update_detail(request, fresh, status=409, conflict=True)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("workspace:update", pk=pk)
        messages.success(request, _("Published: the public page of the commitment shows it now."))
        return redirect("workspace:update", pk=pk)


class UpdateReturnView(WorkspaceMixin, View):
    def post(self, request, pk):
        update = visible_update(request.user, pk)
        if not can_decide_updates(request.user):
            raise PermissionDenied
        form = ReturnForm(request.POST)
        if not form.is_valid():
            return render_update_detail(request, update, return_form=form)
        try:
            workflow.update_return(
                update=update,
                by=request.user,
                note=form.cleaned_data["note"],
                update_version=form.cleaned_data["update_version"],
            )
        except EditConflict:
            fresh = visible_update(request.user, pk)
            kept = ReturnForm(
                initial={"note": form.cleaned_data["note"], "update_version": fresh.version}
            )
            return render_update_detail(request, fresh, status=409, conflict=True, return_form=kept)
        messages.success(request, _("The update was returned to the bureau with your note."))
        return redirect("workspace:update", pk=pk)


class ReviewView(WorkspaceMixin, View):
    """A committee member confirms, queries or asks for more on a published update."""

    def post(self, request, pk):
        update = visible_update(request.user, pk)
        if not can_review_update(request.user, update):
            raise PermissionDenied(_("Committee members review published updates."))
        own_review = Review.objects.filter(update=update, member=request.user).first()
        form = ReviewForm(request.POST, instance=own_review)
        if not form.is_valid():
            return render_update_detail(request, update, review_form=form)
        workflow.review_save(
            update=update,
            member=request.user,
            verdict=form.cleaned_data["verdict"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Your review was saved; the bureau and the office see it."))
        return redirect("workspace:update", pk=pk)


class EvidenceFileView(View):
    """An evidence file: anyone may fetch it once published; before that, who may see the update."""

    INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")

    def get(self, request, pk):
        evidence = get_object_or_404(
            Evidence.objects.select_related("update").exclude(file=""), pk=pk
        )
        if evidence.update.state != ProgressUpdate.State.PUBLISHED:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            visible = ProgressUpdate.objects.visible_to(request.user)
            if not visible.filter(pk=evidence.update_id).exists():
                raise Http404
        filename = PurePath(evidence.file.name).name
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        as_attachment = content_type not in self.INLINE_TYPES
        if settings.TRACKER_EVIDENCE_ACCEL_REDIRECT:
            # nginx sends the file itself, keeping these two headers, and the worker is free at
            # once rather than feeding a slow phone a large scan.
            response = HttpResponse(content_type=content_type)
            response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
            response["X-Accel-Redirect"] = EVIDENCE_ACCEL_LOCATION + quote(evidence.file.name)
            return response
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError as missing:
            # Named in the database but gone from storage (a restore without its media).
            raise Http404 from missing
        return FileResponse(
            handle,
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
