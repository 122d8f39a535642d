"""The record that keeps the daily reminder digests to one a day, however many servers run cron."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderRun(models.Model):
    """One row per day on which the reminder digests went out; the date is unique, so the first
    server to insert it sends and the others find it there."""

    date = models.DateField(
        _("date"), unique=True, help_text=_("The day whose reminder digests were sent.")
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    digests = models.PositiveIntegerField(
        _("digests"), default=0, help_text=_("How many digest emails were queued that day.")
    )

    class Meta:
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")
        ordering = ["-date"]

    def __str__(self):
        return str(self.date)
