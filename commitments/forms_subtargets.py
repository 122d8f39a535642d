"""Splitting a commitment into weighted sub-targets, in the workspace."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .models import Commitment

MAX_WEIGHT = 100


def weight_field(**kwargs):
    return forms.IntegerField(
        min_value=1,
        max_value=MAX_WEIGHT,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WEIGHT)],
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_WEIGHT}),
        **kwargs,
    )


class SubTargetForm(forms.ModelForm):
    weight = weight_field(
        label=_("Weight"),
        initial=1,
        help_text=_("Its share of the parent's progress, against the other sub-targets' weights."),
    )

    class Meta:
        model = Commitment
        fields = ["title", "promised_text", "weight"]
        labels = {"promised_text": _("What is to be done")}
        help_texts = {
            "promised_text": _(
                "In the bureau's own words: the public page shows it as the bureau's breakdown, "
                "not as the letter's text."
            )
        }
        widgets = {"promised_text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="new", **kwargs)


class WeightsForm(forms.Form):
    """One weight per sub-target, named after it."""

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, prefix="weights", **kwargs)
        self.children = list(children)
        for child in self.children:
            self.fields[str(child.pk)] = weight_field(label=child.title, initial=child.weight)

    def weights(self) -> dict[int, int]:
        return {int(name): value for name, value in self.cleaned_data.items()}
