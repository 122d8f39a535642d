"""Forms of the reply import: the letter source (paste or upload) and the editable preview."""

import re
from collections import defaultdict

from django import forms
from django.conf import settings
from django.db.models import Q
from django.forms.boundfield import BoundField
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .forms_rehandling import RehandlingField, RehandlingMixin
from .forms_signer import SignerCheckForm
from .letters import LetterFileError, extract_text
from .models import Organisation, Proposal, Reply

# "[reply_date] 落款日期无法识别" → key "reply_date"; "[commitments.2] …" → key "commitments.2".
_WARNING_KEY = re.compile(r"^\[([\w.]+)\]\s*")
# 张三、李四, 张三,李四 or 张三，李四
_NAME_SEPARATORS = re.compile(r"[、,，;；]+")


def warnings_by_key(warnings: list[str]) -> dict[str, list[str]]:
    """Group the parser's warnings by the field key in their leading brackets ("" if none)."""
    grouped = defaultdict(list)
    for warning in warnings:
        match = _WARNING_KEY.match(warning)
        key = match.group(1) if match else ""
        grouped[key].append(warning[match.end() :] if match else warning)
    return grouped


class LetterTextField(forms.CharField):
    """Text from a textarea: browsers send CRLF line breaks, the letter keeps plain LF."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class LetterSourceForm(RehandlingMixin, forms.Form):
    rehandling = RehandlingField()
    text = LetterTextField(
        label=_("Paste the text of the letter"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Copy the whole page or document; the importer ignores the web-page debris."),
    )
    file = forms.FileField(
        label=_("Or upload a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A .txt file (UTF-8 or GB18030), a Word .docx file or a text PDF, at most %(size)s."
        ) % {"size": filesizeformat(settings.TRACKER_MAX_UPLOAD_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload:
            return None
        if upload.size > settings.TRACKER_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s."),
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.TRACKER_MAX_UPLOAD_BYTES),
                },
                code="too_large",
            )
        try:
            text = extract_text(upload.read(), upload.name)
        except LetterFileError as error:
            raise forms.ValidationError(str(error), code="unreadable") from error
        if not text.strip():
            raise forms.ValidationError(_("The file contains no text."), code="empty_file")
        return text

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        pasted = (cleaned.get("text") or "").strip()
        uploaded = cleaned.get("file")
        if pasted and uploaded:
            raise forms.ValidationError(
                _("Paste the text or upload a file, not both."), code="both"
            )
        if not pasted and not uploaded:
            raise forms.ValidationError(
                _("Paste the text of a reply letter or upload a file."), code="empty"
            )
        cleaned["letter_text"] = uploaded or cleaned["text"]
        return cleaned


class WarnedBoundField(BoundField):
    """A field that shows the parser's warnings about it, announced with the field."""

    @property
    def warnings(self):
        return self.form.letter_warnings.get(self.name, [])

    @property
    def aria_describedby(self):
        ids = [super().aria_describedby or ""]
        if self.warnings and self.auto_id:
            ids.append(f"{self.auto_id}_warnings")
        return " ".join(i for i in ids if i)


class ProposersField(forms.CharField):
    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "、".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return [name.strip() for name in _NAME_SEPARATORS.split(value) if name.strip()]


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReplyPreviewForm(RehandlingMixin, SignerCheckForm):
    """The proposal and reply fields as read from the letter, for the importer to correct."""

    bound_field_class = WarnedBoundField
    # The parser's keys that a field of this form shows; "contact" goes with the contact name.
    warning_fields = {"contact": "contact_name", "organisation": "organisation_name"}

    kind = forms.ChoiceField(label=_("Kind"), choices=Proposal.Kind.choices)
    number = forms.CharField(
        label=_("Number"),
        max_length=20,
        required=False,
        help_text=_("As written, keeping leading zeros; blank if the letter has none."),
    )
    session = forms.CharField(
        label=_("Session"),
        max_length=100,
        required=False,
        help_text=_("As written in the letter, e.g. “区政协二届三次会议”."),
    )
    proposers = ProposersField(
        label=_("Proposers"),
        required=False,
        help_text=_("Separate several names with “、” or commas."),
    )
    title = forms.CharField(
        label=_("Proposal title"), max_length=300, help_text=_("Without quotes or 《》.")
    )
    organisation_name = forms.CharField(
        label=_("Replying organisation as named in the letter"),
        max_length=200,
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Replying organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("— a new organisation with the name above —"),
    )
    reply_date = forms.DateField(label=_("Reply date"), required=False, widget=_date_input())
    published_date = forms.DateField(
        label=_("Publication date"), required=False, widget=_date_input()
    )
    index_number = forms.CharField(label=_("Index number"), max_length=100, required=False)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    category = forms.ChoiceField(
        label=_("Reply class"),
        choices=[("", _("— not stated —")), *Reply.Category.choices],
        required=False,
    )
    signer = forms.CharField(label=_("Signer"), max_length=50, required=False)
    source_url = forms.URLField(
        label=_("Source URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Where the letter was published, if online."),
    )
    contact_name = forms.CharField(
        label=_("Contact name"),
        max_length=50,
        required=False,
        help_text=_("Internal: never shown to the public."),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=50,
        required=False,
        help_text=_("Internal: never shown to the public."),
    )
    # Carried from step to step in the page itself: app servers keep no state between requests.
    full_text = LetterTextField(strip=False, widget=forms.Textarea(attrs={"hidden": True}))
    rehandling = RehandlingField()

    def __init__(self, *args, user, letter_warnings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_rehandling_proposal()
        # Bureau staff import for their own organisation only (DESIGN rule 4).
        self.organisation_forced = None if user.is_office else user.organisation
        if self.organisation_forced:
            del self.fields["organisation"]
            del self.fields["organisation_name"]
        self.ask_about_signer(self.organisation_forced)
        self.letter_warnings = {}
        # Warnings that concern no field shown here are listed above the form.
        self.other_warnings = []
        for key, messages in (letter_warnings or {}).items():
            name = self.warning_fields.get(key, key)
            if name in self.fields:
                self.letter_warnings[name] = messages
            elif not key.startswith(("measures", "commitments")):
                self.other_warnings.extend(messages)

    @classmethod
    def initial_from_letter(cls, letter: dict, full_text: str) -> dict:
        contact = letter.get("contact") or {}
        name = (letter.get("organisation") or "").strip()
        initial = {
            key: letter.get(key) or ""
            for key in (
                "number",
                "session",
                "title",
                "reply_date",
                "published_date",
                "index_number",
                "document_number",
                "category",
                "signer",
            )
        }
        initial.update(
            kind=letter.get("kind") or Proposal.Kind.PROPOSAL,
            proposers=letter.get("proposers") or [],
            organisation_name=name,
            letter_organisation=name,
            organisation=Organisation.objects.filter(Q(name=name) | Q(short_name=name)).first()
            if name
            else None,
            contact_name=contact.get("name") or "",
            contact_phone=contact.get("phone") or "",
            full_text=full_text,
        )
        return initial

    def clean(self):
        cleaned = super().clean()
        if (
            not self.organisation_forced
            and not cleaned.get("organisation")
            and not cleaned.get("organisation_name")
        ):
            self.add_error(
                "organisation",
                _("Choose the replying organisation or give its name."),
            )
        return cleaned

    def letter(self, *, measures: list[dict], commitments: list[dict]) -> dict:
        """The letter in the parser's shape, as corrected by the importer."""
        data = self.cleaned_data
        letter = {
            key: data[key]
            for key in (
                "kind",
                "number",
                "session",
                "proposers",
                "title",
                "index_number",
                "document_number",
                "category",
                "signer",
            )
        }
        letter["organisation"] = data.get("organisation_name", "")
        letter["reply_date"] = data["reply_date"]
        letter["published_date"] = data["published_date"]
        if data["contact_name"] or data["contact_phone"]:
            letter["contact"] = {"name": data["contact_name"], "phone": data["contact_phone"]}
        letter["measures"] = measures
        letter["commitments"] = commitments
        return letter

    def chosen_organisation(self):
        """The organisation to save under; None means one named after `organisation_name`."""
        return self.organisation_forced or self.cleaned_data.get("organisation")


class LetterItemForm(forms.Form):
    """One measure or commitment: a short title and the letter's own words."""

    title = forms.CharField(label=_("Short title"), max_length=300, required=False)
    text = LetterTextField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_warnings = []


class CommitmentItemForm(LetterItemForm):
    """A commitment also has the due date the letter states, beside the words it came from."""

    target_date = forms.DateField(
        label=_("Due by"),
        required=False,
        widget=_date_input(),
        help_text=_("Saved as the original target date; blank if the letter states none."),
    )
    target_phrase = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def item(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "text": data["text"],
            "target_date": data["target_date"],
            "target_phrase": data["target_phrase"],
        }


def _item_formset(kind, heading, row_label, form=LetterItemForm):
    formset_class = forms.formset_factory(form, extra=2, can_order=True, can_delete=True)

    class LetterItemFormSet(formset_class):
        template_heading = heading
        template_row_label = row_label

        def __init__(self, *args, letter_warnings=None, **kwargs):
            super().__init__(*args, prefix=kind, **kwargs)
            letter_warnings = letter_warnings or {}
            self.letter_warnings = letter_warnings.get(kind, [])
            # "[commitments.2] …" concerns the second commitment as the parser listed them.
            for position, form in enumerate(self.forms, start=1):
                form.row_warnings = letter_warnings.get(f"{kind}.{position}", [])

        def add_fields(self, form, index):
            super().add_fields(form, index)
            form.fields["ORDER"].label = _("Position")
            form.fields["DELETE"].label = _("Remove")

        def items(self) -> list[dict]:
            """The rows kept, in the order chosen, as the parser's {"title", "text"} items."""
            return [
                form.item()
                if hasattr(form, "item")
                else {"title": form.cleaned_data["title"], "text": form.cleaned_data["text"]}
                for form in self.ordered_forms
            ]

        def forms_in_display_order(self):
            """Rows sorted by the positions typed in, so a re-shown page keeps the user's order."""
            if not self.is_bound:
                return self.forms

            def position(indexed_form):
                index, form = indexed_form
                raw = form["ORDER"].value()
                try:
                    return (0, int(raw), index)
                except (TypeError, ValueError):
                    return (1, 0, index)

            return [form for _index, form in sorted(enumerate(self.forms), key=position)]

    return LetterItemFormSet


MeasureFormSet = _item_formset("measures", _("Measures taken"), _("Measure"))
CommitmentFormSet = _item_formset(
    "commitments", _("Commitments"), _("Commitment"), CommitmentItemForm
)


def warning_summary(form, *formsets) -> list[dict]:
    """Every warning once, in page order, with the label and anchor of what it concerns."""
    summary = [{"text": text} for text in form.other_warnings]
    for field in form:
        summary += [
            {"label": field.label, "anchor": field.auto_id, "text": text} for text in field.warnings
        ]
    for formset in formsets:
        summary += [
            {"label": formset.template_heading, "anchor": formset.prefix, "text": text}
            for text in formset.letter_warnings
        ]
        for number, row in enumerate(formset.forms_in_display_order(), start=1):
            summary += [
                {
                    "label": f"{formset.template_row_label} {number}",
                    "anchor": row.prefix,
                    "text": text,
                }
                for text in row.row_warnings
            ]
    return summary
