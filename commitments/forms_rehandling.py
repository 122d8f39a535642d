"""The reply of a re-handling round, imported like any letter: the round travels with the
import's steps, and the preview shows the round's proposal, which the reply is filed under."""

from django import forms

from .models import Rehandling

# The preview's fields that describe the proposal rather than the reply.
PROPOSAL_FIELDS = ("kind", "number", "session", "proposers", "title")


class RehandlingField(forms.ModelChoiceField):
    """The re-handling round the letter answers (round 2 and later), carried from step to step."""

    def __init__(self):
        super().__init__(
            queryset=Rehandling.objects.select_related("proposal__session"),
            required=False,
            widget=forms.HiddenInput,
        )


class RehandlingMixin:
    """For a form with a `rehandling` field."""

    answers_rehandling = None

    def rehandling_given(self):
        """The round the letter answers, or None (also when the id given is not one)."""
        value = self.data.get("rehandling") if self.is_bound else self.initial.get("rehandling")
        try:
            return self.fields["rehandling"].clean(value)
        except forms.ValidationError:
            return None

    def show_rehandling_proposal(self):
        """A round's reply is filed under its proposal: show that, as it is, unchangeable."""
        self.answers_rehandling = self.rehandling_given()
        if self.answers_rehandling is None:
            return
        proposal = self.answers_rehandling.proposal
        for name in PROPOSAL_FIELDS:
            self.fields[name].disabled = True
            self.initial[name] = getattr(proposal, name) or ""
        self.initial["session"] = proposal.session.name if proposal.session else ""
