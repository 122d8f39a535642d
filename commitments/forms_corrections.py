"""Correcting what an import read: a reply's particulars, a commitment's wording and bureaus."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Commitment, Organisation, Reply


class VersionedModelForm(forms.ModelForm):
    """Carries the row's version, so the second of two editors does not overwrite the first."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class ReplyCorrectionForm(VersionedModelForm):
    class Meta:
        model = Reply
        fields = [
            "title",
            "document_number",
            "index_number",
            "signer",
            "reply_date",
            "published_date",
            "source_url",
            "contact_name",
            "contact_phone",
        ]
        widgets = {
            "reply_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "published_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class CommitmentCorrectionForm(VersionedModelForm):
    """The wording as the letter has it, and the bureaus that share the work.

    The original target date is the letter's: the office may fill it in when the import missed
    it; nobody changes it once set (a revision goes through a progress update).
    """

    class Meta:
        model = Commitment
        fields = ["title", "promised_text", "co_organisations", "original_target_date"]
        widgets = {
            "co_organisations": forms.CheckboxSelectMultiple,
            "original_target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, may_set_original_date=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_organisations"].queryset = Organisation.objects.filter(
            is_office=False
        ).exclude(pk=self.instance.lead_organisation_id)
        self.fields["co_organisations"].label = _("Co-handling organisations")
        if self.instance.original_target_date or not may_set_original_date:
            del self.fields["original_target_date"]
