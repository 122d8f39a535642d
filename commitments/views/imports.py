"""Import a reply letter: paste or upload → editable preview → save, all or nothing.

The letter's text travels with the preview form; nothing is kept on the server between the steps.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from ..forms_import import (
    CommitmentFormSet,
    LetterSourceForm,
    MeasureFormSet,
    ReplyPreviewForm,
    warning_summary,
    warnings_by_key,
)
from ..importing import DuplicateReply, LetterImportError, reply_import
from ..letters import parse_letter
from ..permissions import can_correct_reply, can_import, can_reply_to_rehandling
from ..workflow import member_candidates


class ImporterRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Bureau staff and the supervising office import replies; members are refused (403)."""

    def test_func(self):
        return can_import(self.request.user)


def _preview_context(form, measures, commitments, **extra):
    return {
        "form": form,
        "measures": measures,
        "commitments": commitments,
        "warning_summary": warning_summary(form, measures, commitments),
        **extra,
    }


def checked_rehandling(user, rehandling):
    """The re-handling round a reply is filed for, if this user may reply to it (else 403)."""
    if rehandling is not None and not can_reply_to_rehandling(user, rehandling):
        raise PermissionDenied(
            _("Only the bureaus handling the proposal reply to its re-handling.")
        )
    return rehandling


class ImportView(ImporterRequiredMixin, View):
    """Step 1: the letter's text, pasted or uploaded; a valid letter gets its preview.

    From a re-handling round (`?rehandling=<id>`) the letter is that round's reply.
    """

    def get(self, request):
        form = LetterSourceForm(initial={"rehandling": request.GET.get("rehandling")})
        rehandling = checked_rehandling(request.user, form.rehandling_given())
        context = {"form": form, "rehandling": rehandling}
        return render(request, "commitments/import_form.html", context)

    def post(self, request):
        source = LetterSourceForm(request.POST, request.FILES)
        if not source.is_valid():
            context = {"form": source, "rehandling": source.rehandling_given()}
            return render(request, "commitments/import_form.html", context)
        rehandling = checked_rehandling(request.user, source.cleaned_data["rehandling"])
        full_text = source.cleaned_data["letter_text"]
        letter = parse_letter(full_text)
        warnings = warnings_by_key(letter.get("warnings") or [])
        form = ReplyPreviewForm(
            user=request.user,
            letter_warnings=warnings,
            initial={
                **ReplyPreviewForm.initial_from_letter(letter, full_text),
                "rehandling": rehandling,
            },
        )
        measures = MeasureFormSet(initial=letter.get("measures") or [], letter_warnings=warnings)
        commitments = CommitmentFormSet(
            initial=letter.get("commitments") or [], letter_warnings=warnings
        )
        # Who each proposer's name would link to: the office confirms after the import.
        matches = [(name, member_candidates(name)) for name in letter.get("proposers") or []]
        context = _preview_context(form, measures, commitments, proposer_matches=matches)
        return render(request, "commitments/import_preview.html", context)


def _save(*, letter, full_text, organisation, source_url, user, update, rehandling=None):
    """Save the letter; replacing an earlier import only if asked and allowed."""
    try:
        return reply_import(
            letter=letter,
            full_text=full_text,
            organisation=organisation,
            source_url=source_url,
            by=user,
            rehandling=rehandling,
        )
    except DuplicateReply as duplicate:
        if not update:
            raise
        if not can_correct_reply(user, duplicate.reply):
            raise LetterImportError(
                _("This reply belongs to another organisation; you cannot update it.")
            ) from duplicate
        return reply_import(
            letter=letter,
            full_text=full_text,
            organisation=organisation,
            source_url=source_url,
            update=True,
            by=user,
            rehandling=rehandling,
        )


class ImportSaveView(ImporterRequiredMixin, View):
    """Step 2: save the corrected preview, or show it again with what went wrong."""

    def get(self, request):
        return redirect("workspace:import")

    def post(self, request):
        # Warnings are not part of the form: reading the letter again gives them back.
        full_text = request.POST.get("full_text", "")
        warnings = warnings_by_key(parse_letter(full_text)["warnings"] if full_text.strip() else [])
        form = ReplyPreviewForm(request.POST, user=request.user, letter_warnings=warnings)
        measures = MeasureFormSet(request.POST, letter_warnings=warnings)
        commitments = CommitmentFormSet(request.POST, letter_warnings=warnings)
        context = _preview_context(form, measures, commitments)
        if not (form.is_valid() and measures.is_valid() and commitments.is_valid()):
            context["invalid"] = True
            return render(request, "commitments/import_preview.html", context)

        letter = form.letter(measures=measures.items(), commitments=commitments.items())
        try:
            with transaction.atomic():
                reply = _save(
                    letter=letter,
                    full_text=form.cleaned_data["full_text"],
                    organisation=form.chosen_organisation(),
                    source_url=form.cleaned_data["source_url"],
                    user=request.user,
                    update="update" in request.POST,
                    rehandling=checked_rehandling(request.user, form.cleaned_data["rehandling"]),
                )
        except DuplicateReply as duplicate:
            context["duplicate"] = duplicate.reply
            context["may_update"] = can_correct_reply(request.user, duplicate.reply)
            return render(request, "commitments/import_preview.html", context)
        except LetterImportError as error:
            context["import_error"] = str(error)
            return render(request, "commitments/import_preview.html", context)

        messages.success(request, _("The reply has been imported."))
        return redirect(reverse("commitments:reply", args=[reply.pk]))
