"""Account forms that differ from Django's own."""

from django.contrib.auth import forms as auth_forms
from django.utils.translation import get_language

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
