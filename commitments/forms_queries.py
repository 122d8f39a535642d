"""The thread a member's query opens on an update: the bureau's answer, the member's reply."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ProgressUpdate


class UpdateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, update):
        return gettext("Update as of %(date)s (%(state)s)") % {
            "date": formats.date_format(update.as_of),
            "state": update.get_state_display(),
        }


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The member and the office read it; the public only if the office publishes it."
        ),
    )
    follow_up = UpdateChoiceField(
        label=_("A newer update of ours that answers it"),
        queryset=ProgressUpdate.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )

    def __init__(self, *args, review, user, **kwargs):
        super().__init__(*args, prefix=f"query-{review.pk}", **kwargs)
        self.fields["follow_up"].queryset = (
            ProgressUpdate.objects.filter(
                commitment=review.update.commitment_id, organisation=user.organisation_id
            )
            .exclude(state=ProgressUpdate.State.DRAFT)
            .exclude(pk=review.update_id)
            .order_by("-as_of", "-created_at")
        )


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label=_("Write again"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sending it asks the bureau to answer again."),
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, prefix=f"query-{review.pk}", **kwargs)
