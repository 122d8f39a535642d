"""Workspace forms: progress updates with their evidence, decisions, reviews and ratings."""

import zipfile
from pathlib import PurePath

import filetype
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    STATUSES_NEEDING_PROOF,
    Evidence,
    ProgressUpdate,
    Review,
    SatisfactionRating,
)

# Evidence files accepted, by the type their content shows (never by their name).
EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The folder inside an Office Open XML zip that says which kind of document it is.
OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}


def evidence_extension(upload) -> str | None:
    """The file extension the content of an upload shows, or None when it is not accepted."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind and kind.mime in EVIDENCE_TYPES:
        return EVIDENCE_TYPES[kind.mime]
    if head.startswith(b"PK\x03\x04"):
        # Some programs order the zip differently from what filetype looks for.
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        for folder, extension in OOXML_FOLDERS.items():
            if "[Content_Types].xml" in names and any(n.startswith(folder) for n in names):
                return extension
        return None
    if head.startswith(OLE_SIGNATURE):
        # An old Office compound file that filetype cannot name: trust the name's Office suffix.
        suffix = PurePath(upload.name).suffix.lower().lstrip(".")
        return suffix if suffix in ("doc", "xls", "ppt") else None
    return None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = [
            "as_of",
            "text",
            "status",
            "progress",
            "reason",
            "new_target_date",
            "target_date_reason",
        ]
        labels = {"text": _("What was done")}
        widgets = {
            "as_of": DateInput(),
            "new_target_date": DateInput(),
            "text": forms.Textarea(attrs={"rows": 6}),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "target_date_reason": forms.Textarea(attrs={"rows": 3}),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }

    def __init__(self, *args, commitment, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's rules (a status change needs a text) compare against the commitment.
        self.instance.commitment = commitment
        self.commitment = commitment
        if self.instance.pk:
            # The version this form was loaded with; a save against a newer one is refused.
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.initial["version"] = self.instance.version
        else:
            self.initial.setdefault("as_of", timezone.localdate())
            self.initial.setdefault("status", commitment.status)
            self.initial.setdefault("progress", commitment.progress)
        self.rolls_up = commitment.rolls_up()
        if self.rolls_up:
            # A parent's status and progress are its sub-targets' (subtargets.py).
            for name in ("status", "progress"):
                self.fields[name].disabled = True
                self.initial[name] = getattr(commitment, name)

    def clean_new_target_date(self):
        new_date = self.cleaned_data["new_target_date"]
        if new_date and new_date == self.commitment.current_target_date:
            raise forms.ValidationError(
                _("That is already the target date; leave this blank unless it changes."),
                code="same_date",
            )
        return new_date

    def require_proof(self, evidence_formset) -> bool:
        """Before submitting: “completed” and “not pursued” need evidence or a reason."""
        data = self.cleaned_data
        if data.get("status") not in STATUSES_NEEDING_PROOF or data.get("reason", "").strip():
            return True
        if evidence_formset.has_evidence():
            return True
        self.add_error(
            "reason",
            _("“Completed” and “Not being pursued” need evidence or a written reason."),
        )
        return False


class EvidenceForm(forms.ModelForm):
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Evidence
        fields = ["description", "url", "file"]
        widgets = {"file": forms.FileInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].widget.attrs["placeholder"] = "https://"
        self.fields["file"].help_text = _(
            "PDF, image (PNG, JPEG, GIF, WebP) or Office document, at most %(size)s."
        ) % {"size": filesizeformat(settings.TRACKER_MAX_UPLOAD_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged: the file saved earlier
        if upload.size > settings.TRACKER_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                code="too_large",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.TRACKER_MAX_UPLOAD_BYTES),
                },
            )
        extension = evidence_extension(upload)
        if extension is None:
            raise forms.ValidationError(
                _(
                    "This file is not a PDF, an image or an Office document, whatever its name "
                    "says. Upload one of those types."
                ),
                code="file_type",
            )
        # Store it under the type its content shows, so it is served as what it is.
        upload.name = f"{PurePath(upload.name).stem or 'evidence'}.{extension}"
        return upload


class BaseEvidenceFormSet(forms.BaseInlineFormSet):
    def has_evidence(self) -> bool:
        """At least one item, saved before or filled in now."""
        return any(form.has_changed() or form.instance.pk for form in self.forms)


EvidenceFormSet = forms.inlineformset_factory(
    ProgressUpdate,
    Evidence,
    form=EvidenceForm,
    formset=BaseEvidenceFormSet,
    extra=2,
    max_num=10,
    validate_max=True,
    # Rule 3: nothing is deleted through the interface; a wrong item is corrected instead.
    can_delete=False,
)


class PublishForm(forms.Form):
    update_version = forms.IntegerField(widget=forms.HiddenInput)
    commitment_version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    update_version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note to the bureau"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what to correct or add. Only signed-in users see it."),
    )


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["verdict", "comment"]
        widgets = {
            "verdict": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verdict"].choices = Review.Verdict.choices  # radio buttons: no blank one

    def clean(self):
        cleaned = super().clean()
        verdict = cleaned.get("verdict")
        if verdict and verdict != Review.Verdict.CONFIRMED and not cleaned.get("comment"):
            self.add_error(
                "comment", _("Say what is in doubt or missing, so the bureau can answer.")
            )
        return cleaned


class RatingForm(forms.ModelForm):
    class Meta:
        model = SatisfactionRating
        fields = ["handling", "outcome", "comment"]
        labels = {
            "handling": _("Handling of the proposal"),
            "outcome": _("Outcome of the handling"),
        }
        widgets = {
            "handling": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("handling", "outcome"):
            self.fields[name].choices = SatisfactionRating.Level.choices
        self.fields["outcome"].help_text = _(
            "“Dissatisfied” sends the proposal back to the bureau for another round of handling."
        )

    def clean(self):
        cleaned = super().clean()
        dissatisfied = SatisfactionRating.Level.DISSATISFIED
        if cleaned.get("outcome") == dissatisfied and not cleaned.get("comment"):
            self.add_error("comment", _("Say why, so the bureau knows what to handle again."))
        return cleaned
