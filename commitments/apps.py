from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitment tracking")

    def ready(self):
        from .data_version import connect_signals

        connect_signals()
