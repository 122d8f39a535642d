"""The import preview asks bureau staff about a letter another body signed, instead of filing it
silently under their own bureau: a co-handled reply is theirs to file, a wrong bureau's is not."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

_BRACKETS_AND_SPACES = re.compile(r"[\s()（）]")


def names_the_organisation(name: str, organisation) -> bool:
    """Whether a name as a letter signs it is this organisation's, full or short, with or
    without its city or district prefix (重庆市某区财政局 / 某区财政局)."""
    written = _BRACKETS_AND_SPACES.sub("", name or "")
    if not written:
        return True  # the letter names nobody: nothing to ask
    for known in (organisation.name, organisation.short_name):
        known = _BRACKETS_AND_SPACES.sub("", known or "")
        if known and (
            written == known
            or (
                min(len(written), len(known)) >= 4
                and (written.endswith(known) or known.endswith(written))
            )
        ):
            return True
    return False


class SignerCheckForm(forms.Form):
    CO_HANDLED = "co_handled"
    WRONG_BUREAU = "wrong_bureau"

    # The body that signed the letter, carried from step to step in the page.
    letter_organisation = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)
    signed_elsewhere = forms.ChoiceField(
        label=_("This letter is signed by another body"),
        widget=forms.RadioSelect,
        choices=[],
    )

    def ask_about_signer(self, organisation) -> None:
        """Keep the question only when `organisation` (the importer's own) did not sign."""
        key = "letter_organisation"
        signed = (self.data.get(key) if self.is_bound else self.initial.get(key)) or ""
        self.signed_by = ""
        if organisation is None or names_the_organisation(signed, organisation):
            del self.fields["signed_elsewhere"]
            return
        self.signed_by = signed
        names = {"signer": signed, "mine": organisation.name}
        self.fields["signed_elsewhere"].choices = [
            (
                self.CO_HANDLED,
                _("A reply %(mine)s handled with %(signer)s: file it under %(mine)s") % names,
            ),
            (self.WRONG_BUREAU, _("The wrong bureau: %(signer)s should import it") % names),
        ]
        self.fields["signed_elsewhere"].help_text = (
            _("The letter is signed by %(signer)s, not by %(mine)s.") % names
        )

    def clean_signed_elsewhere(self):
        choice = self.cleaned_data["signed_elsewhere"]
        if choice == self.WRONG_BUREAU:
            raise forms.ValidationError(
                _(
                    "Nothing was saved: ask %(signer)s or the supervising office to import "
                    "this letter."
                ),
                params={"signer": self.signed_by},
                code="wrong_bureau",
            )
        return choice
