"""Sign-in lockout (django-axes) beyond the login forms: password-reset throttling and unlocking.

Axes counts failed sign-ins per username in its AccessAttempt table. A password-reset request is
counted there too, under a key of its own per email address (`password-reset:<address>`), so the
same threshold, cool-off, admin list and unlocking apply to both.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth import views as auth_views

from .forms_accounts import PasswordResetForm

PASSWORD_RESET_PREFIX = "password-reset:"


def password_reset_key(email: str) -> str:
    # Cut to the length of axes' username column: an address may be up to 254 characters.
    return (PASSWORD_RESET_PREFIX + email.strip().lower())[:255]


def signin_unlock(*, username: str, email: str = "") -> int:
    """Lift the lockout of a username (and the reset throttle of its address); records removed."""
    if not username:
        # axes reads an empty username as "everyone".
        raise ValueError("A username is required.")
    keys = [username, password_reset_key(email)] if email else [username]
    return sum(AxesProxyHandler.reset_attempts(username=key) for key in keys)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Each request for an address counts as a try, so nobody can flood a mailbox with reset links.

    Requests for unknown addresses count alike: the lockout page tells nothing about who exists.
    The mail itself goes through the task queue (forms_accounts.PasswordResetForm).
    """

    form_class = PasswordResetForm

    def form_valid(self, form):
        request = self.request
        credentials = {"username": password_reset_key(form.cleaned_data["email"])}
        if AxesProxyHandler.is_allowed(request, credentials):
            # At the threshold this marks the request as locked out, and it is refused too.
            AxesProxyHandler.user_login_failed(
                sender=type(self), credentials=credentials, request=request
            )
            if not getattr(request, "axes_locked_out", False):
                return super().form_valid(form)
        return get_lockout_response(request, None, credentials)
