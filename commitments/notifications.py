"""Emails: a notice to followers when a commitment's status changes, and the staff reminders.

Emails go out in the site's default language (users have no language preference of their own),
with absolute links built from TRACKER_SITE_URL, since they are often sent outside a request.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Commitment, ProgressUpdate, User


def absolute_url(path: str) -> str:
    return settings.TRACKER_SITE_URL + path


def _render(template_stem: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"email/{template_stem}_subject.txt", context)
    body = render_to_string(f"email/{template_stem}.txt", context)
    # A subject line may not contain line breaks.
    return " ".join(subject.split()), body


def notify_followers(update_id: int) -> int:
    """Tell everyone following the commitment that a published update changed its status."""
    update = ProgressUpdate.objects.select_related("commitment", "organisation").get(pk=update_id)
    followers = (
        User.objects.filter(follows__commitment=update.commitment_id, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "update": update,
            "commitment": update.commitment,
            "status_before": update.get_status_before_display(),
            "status": update.get_status_display(),
            "url": absolute_url(update.get_absolute_url()),
            "unfollow_url": absolute_url(update.commitment.get_absolute_url()),
        }
        subject, body = _render("status_changed", context)
    messages = [EmailMessage(subject, body, to=[follower.email]) for follower in followers]
    return get_connection().send_messages(messages) or 0


def _digest(organisation, commitments) -> dict:
    scoped = commitments.for_organisation(organisation).select_related("reply__proposal")
    return {
        "overdue": list(scoped.overdue().order_by("current_target_date")),
        "stale": list(scoped.stale().order_by("last_published_at", "created_at")),
        "due_soon": list(
            scoped.due_within(settings.TRACKER_DUE_SOON_DAYS).order_by("current_target_date")
        ),
    }


def reminder_messages() -> list[EmailMessage]:
    """One digest per bureau staff member with an email, for organisations with anything due."""
    staff_by_organisation = defaultdict(list)
    staff = (
        User.objects.filter(role=User.Role.STAFF, is_active=True, organisation__isnull=False)
        .exclude(email="")
        .select_related("organisation")
        .order_by("organisation__name", "username")
    )
    for user in staff:
        staff_by_organisation[user.organisation].append(user)
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for organisation, users in staff_by_organisation.items():
            digest = _digest(organisation, Commitment.objects.all())
            if not any(digest.values()):
                continue
            for section in digest.values():
                for commitment in section:
                    commitment.workspace_url = absolute_url(
                        reverse("workspace:commitment", args=[commitment.pk])
                    )
            context = {
                "organisation": organisation,
                "today": timezone.localdate(),
                "due_soon_days": settings.TRACKER_DUE_SOON_DAYS,
                "stale_days": settings.TRACKER_STALE_DAYS,
                "workspace_url": absolute_url(reverse("workspace:home")),
                **digest,
            }
            for user in users:
                subject, body = _render("reminder", {**context, "recipient": user})
                messages.append(EmailMessage(subject, body, to=[user.email]))
    return messages


def send_reminders() -> int:
    """Send the daily digests; returns how many emails went out."""
    messages = reminder_messages()
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
