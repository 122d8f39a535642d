"""django-axes' list of failed sign-ins, for the office: who is locked out, and unlocking them.

Replaces the admin axes registers for AccessAttempt; imported from CommitmentsConfig.ready(), after
the admin has loaded every app's admin module.
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def is_office(request) -> bool:
    user = request.user
    return user.is_active and (user.is_superuser or getattr(user, "is_office", False))


class SigninAttemptAdmin(AccessAttemptAdmin):
    actions = ["unlock_selected"]

    def has_module_permission(self, request):
        return is_office(request)

    def has_view_permission(self, request, obj=None):
        return is_office(request)

    # The records are evidence of an attack: read-only; unlocking removes them.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Unlock selected (let them sign in again)"))
    def unlock_selected(self, request, queryset):
        if not is_office(request):
            return
        attempts = list(queryset)
        usernames = sorted({attempt.username for attempt in attempts if attempt.username})
        queryset.delete()
        count = len(attempts)
        self.message_user(
            request,
            ngettext(
                "Unlocked %(names)s: %(count)d record of failed tries removed.",
                "Unlocked %(names)s: %(count)d records of failed tries removed.",
                count,
            )
            % {"names": ", ".join(usernames), "count": count},
            messages.SUCCESS,
        )


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, SigninAttemptAdmin)
