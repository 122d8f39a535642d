"""Forms of the batch import: many letters uploaded at once, then the rows chosen to be saved."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .forms_import import LetterTextField
from .letters import LetterFileError
from .letters.batch import read_batch


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class BatchUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Letters"),
        widget=MultipleFileInput(attrs={"accept": ".txt,.docx,.pdf,.zip"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "Choose many .txt, .docx or text .pdf files at once, or one .zip of them: at most "
            "%(letters)s letters and %(size)s in all, %(file_size)s a file."
        ) % {
            "letters": settings.TRACKER_BATCH_MAX_LETTERS,
            "size": filesizeformat(settings.TRACKER_BATCH_MAX_BYTES),
            "file_size": filesizeformat(settings.TRACKER_MAX_UPLOAD_BYTES),
        }

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if not uploads:
            raise forms.ValidationError(_("Choose the letters to import."), code="empty")
        total = sum(upload.size for upload in uploads)
        if total > settings.TRACKER_BATCH_MAX_BYTES:
            raise forms.ValidationError(
                _("The files come to %(size)s; a batch may be at most %(limit)s."),
                params={
                    "size": filesizeformat(total),
                    "limit": filesizeformat(settings.TRACKER_BATCH_MAX_BYTES),
                },
                code="too_large",
            )
        try:
            return read_batch(
                ((upload.name, upload.read()) for upload in uploads),
                max_letters=settings.TRACKER_BATCH_MAX_LETTERS,
                max_letter_bytes=settings.TRACKER_MAX_UPLOAD_BYTES,
            )
        except LetterFileError as error:
            raise forms.ValidationError(str(error), code="refused") from error


class BatchLetterForm(forms.Form):
    """One letter of the batch, carried in the page: its file name, its text, and whether to
    save it with the others."""

    name = forms.CharField(max_length=500, widget=forms.HiddenInput)
    text = LetterTextField(
        strip=False, required=False, widget=forms.Textarea(attrs={"hidden": True})
    )
    error = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)
    save = forms.BooleanField(label=_("Save"), required=False)


BatchLetterFormSet = forms.formset_factory(BatchLetterForm, extra=0, max_num=1000)
