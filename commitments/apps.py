from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitment tracking")

    def ready(self):
        from . import search
        from .data_version import connect_signals

        connect_signals()
        search.connect_signals()
        from . import last_visit

        last_visit.connect_signals()
        # Replaces axes' own admin for failed sign-ins, which the admin has loaded by now; and
        # marks a signed-in session as seen (idle_sessions.py).
        from . import admin_signin, idle_sessions  # noqa: F401
