"""Import a batch of reply letters: upload many files or a .zip → a row per letter with its
status → the ready ones saved together; the others are checked and saved one by one.

As with a single letter, the texts travel in the page: nothing is kept on the server between
the steps.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from ..batch_import import READY, UNREADABLE, BatchSaveError, batch_import, batch_rows
from ..forms_batch import BatchLetterFormSet, BatchUploadForm
from ..letters.batch import BatchLetter
from .imports import ImporterRequiredMixin

TEMPLATE = "commitments/import_batch.html"


def _page(request, rows, formset, **extra):
    counts = {
        status: sum(row.status == status for row in rows)
        for status in ("ready", "attention", "duplicate", "unreadable")
    }
    return render(
        request,
        TEMPLATE,
        {
            "rows": list(zip(rows, formset.forms, strict=True)),
            "formset": formset,
            "counts": counts,
            **extra,
        },
    )


def _formset(rows):
    return BatchLetterFormSet(
        initial=[
            {
                "name": row.name,
                "text": row.text,
                "error": row.problems[0] if row.status == UNREADABLE else "",
                "save": row.status == READY,
            }
            for row in rows
        ]
    )


class BatchImportView(ImporterRequiredMixin, View):
    """Step 1: the files; then every letter read, with its status."""

    def get(self, request):
        return render(request, "commitments/import_batch_form.html", {"form": BatchUploadForm()})

    def post(self, request):
        form = BatchUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "commitments/import_batch_form.html", {"form": form})
        rows = batch_rows(form.cleaned_data["files"], request.user)
        return _page(request, rows, _formset(rows))


class BatchSaveView(ImporterRequiredMixin, View):
    """Step 2: save the letters ticked, all together or none of them."""

    def get(self, request):
        return redirect("workspace:import_batch")

    def post(self, request):
        formset = BatchLetterFormSet(request.POST)
        if not formset.is_valid():
            return redirect("workspace:import_batch")
        chosen = [
            (form.cleaned_data["name"], form.cleaned_data["text"])
            for form in formset.forms
            if form.cleaned_data.get("save")
        ]
        error = None
        if not chosen:
            error = _("Tick the letters to save.")
        else:
            try:
                replies = batch_import(letters=chosen, by=request.user)
            except BatchSaveError as failure:
                error = str(failure)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d reply has been imported.",
                        "%(count)d replies have been imported.",
                        len(replies),
                    )
                    % {"count": len(replies)},
                )
        # The batch again: saved letters now show as imported, the others as they were.
        letters = [
            BatchLetter(data["name"], text=data["text"])
            if data["text"].strip()
            else BatchLetter(data["name"], error=data["error"] or _("The file could not be read."))
            for data in (form.cleaned_data for form in formset.forms)
        ]
        rows = batch_rows(letters, request.user)
        formset = _formset(rows) if error is None else formset
        return _page(request, rows, formset, save_error=error)
