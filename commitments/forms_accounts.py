"""Account forms that differ from Django's own."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .notices import kinds_for
from .notifications import send_password_reset


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, but the email is sent by the task worker: a mail server that hangs or
    fails never holds or breaks the request, and a failed send is tried again."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        send_password_reset.enqueue(
            user_id=context["user"].pk,
            email=to_email,
            domain=context["domain"],
            site_name=context["site_name"],
            protocol=context["protocol"],
            language=get_language(),
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            html_email_template_name=html_email_template_name,
        )


class NoticesForm(forms.Form):
    """The kinds of email this user's role receives, ticked for those they want."""

    wanted = forms.MultipleChoiceField(
        label=_("Email me when"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        self.kinds = kinds_for(user)
        super().__init__(*args, **kwargs)
        self.fields["wanted"].choices = [(kind.key, kind.label) for kind in self.kinds]
        self.fields["wanted"].initial = [k.key for k in self.kinds if user.wants_notice(k.key)]

    def muted(self) -> list[str]:
        wanted = set(self.cleaned_data["wanted"])
        return [kind.key for kind in self.kinds if kind.key not in wanted]
