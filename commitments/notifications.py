"""Emails: a notice to followers when a commitment's status changes, the staff reminder digests and
the password-reset link — what each says, who gets it, and the tasks that send them.

No email is sent in a request: the request queues a task (django-tasks, on the database backend
in production) and `manage.py db_worker` sends it, trying again when the mail server fails
(mail.py). Tasks take ids and read the rows again when they run, so an update that is no longer
published, or a user who stopped following or left, gets nothing.

Emails go out in the site's default language (users have no language preference of their own),
with absolute links built from TRACKER_SITE_URL, since they are sent outside a request. The
password-reset link is the exception: it keeps the language and address of the request for it.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from .mail import deliver
from .models import Commitment, ProgressUpdate, ReminderRun, User


def absolute_url(path: str) -> str:
    return settings.TRACKER_SITE_URL + path


def _render(template_stem: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"email/{template_stem}_subject.txt", context)
    body = render_to_string(f"email/{template_stem}.txt", context)
    # A subject line may not contain line breaks.
    return " ".join(subject.split()), body


# Follow notices


def notify_followers(update_id: int) -> None:
    """Queue the notices for a just-published update; call it once the publish has committed."""
    send_status_notices.enqueue(update_id=update_id)


def _status_change(update_id: int) -> ProgressUpdate | None:
    """The update if it is still published and changed its commitment's status."""
    return (
        ProgressUpdate.objects.published()
        .exclude(status=F("status_before"))
        .select_related("commitment", "organisation")
        .filter(pk=update_id)
        .first()
    )


def _followers(commitment_id: int):
    return (
        User.objects.filter(follows__commitment=commitment_id, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def status_notice(update: ProgressUpdate, follower: User) -> EmailMessage:
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
    return EmailMessage(subject, body, to=[follower.email])


@task
def send_status_notices(*, update_id: int) -> int:
    """Queue one notice per follower, so that a failure is retried for that follower alone."""
    update = _status_change(update_id)
    if update is None:
        return 0
    follower_ids = list(_followers(update.commitment_id).values_list("pk", flat=True))
    for follower_id in follower_ids:
        send_status_notice.enqueue(update_id=update_id, follower_id=follower_id)
    return len(follower_ids)


@task
def send_status_notice(*, update_id: int, follower_id: int, attempt: int = 1) -> bool:
    update = _status_change(update_id)
    if update is None:
        return False
    follower = _followers(update.commitment_id).filter(pk=follower_id).first()
    if follower is None:
        return False
    deliver(
        status_notice(update, follower),
        task=send_status_notice,
        attempt=attempt,
        update_id=update_id,
        follower_id=follower_id,
    )
    return True


# Reminder digests


def _digest(organisation) -> dict:
    scoped = Commitment.objects.for_organisation(organisation).select_related("reply__proposal")
    return {
        "overdue": list(scoped.overdue().order_by("current_target_date")),
        "stale": list(scoped.stale().order_by("last_published_at", "created_at")),
        "due_soon": list(
            scoped.due_within(settings.TRACKER_DUE_SOON_DAYS).order_by("current_target_date")
        ),
    }


def _reminder_staff():
    return (
        User.objects.filter(role=User.Role.STAFF, is_active=True, organisation__isnull=False)
        .exclude(email="")
        .select_related("organisation")
    )


def reminder_recipients() -> list[User]:
    """Bureau staff with an email whose organisation has anything overdue, stale or due soon."""
    staff_by_organisation = defaultdict(list)
    for user in _reminder_staff().order_by("organisation__name", "username"):
        staff_by_organisation[user.organisation].append(user)
    return [
        user
        for organisation, users in staff_by_organisation.items()
        if any(_digest(organisation).values())
        for user in users
    ]


def reminder_digest(user: User) -> EmailMessage | None:
    """The user's digest of their organisation's overdue, stale and due-soon commitments; None
    when nothing needs attention."""
    digest = _digest(user.organisation)
    if not any(digest.values()):
        return None
    for section in digest.values():
        for commitment in section:
            commitment.workspace_url = absolute_url(
                reverse("workspace:commitment", args=[commitment.pk])
            )
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "organisation": user.organisation,
            "recipient": user,
            "today": timezone.localdate(),
            "due_soon_days": settings.TRACKER_DUE_SOON_DAYS,
            "stale_days": settings.TRACKER_STALE_DAYS,
            "workspace_url": absolute_url(reverse("workspace:home")),
            **digest,
        }
        subject, body = _render("reminder", context)
    return EmailMessage(subject, body, to=[user.email])


@transaction.atomic
def reminders_queue(*, date: datetime.date, force: bool = False) -> int | None:
    """Queue the day's digests, once a day across all servers; None when another run already
    queued them (unless `force`). The day's record and the queued tasks commit together."""
    try:
        with transaction.atomic():
            run = ReminderRun.objects.create(date=date)
    except IntegrityError:
        # On PostgreSQL the insert waits for a concurrent run to commit or roll back first.
        if not force:
            return None
        run = ReminderRun.objects.select_for_update().get(date=date)
    recipients = reminder_recipients()
    for user in recipients:
        send_reminder.enqueue(user_id=user.pk)
    run.digests += len(recipients)
    run.save(update_fields=["digests"])
    return len(recipients)


@task
def send_reminder(*, user_id: int, attempt: int = 1) -> bool:
    user = _reminder_staff().filter(pk=user_id).first()
    message = reminder_digest(user) if user else None
    if message is None:
        return False
    deliver(message, task=send_reminder, attempt=attempt, user_id=user_id)
    return True


# Password reset


@task
def send_password_reset(
    *,
    user_id: int,
    email: str,
    domain: str,
    site_name: str,
    protocol: str,
    language: str,
    subject_template_name: str = "registration/password_reset_subject.txt",
    email_template_name: str = "registration/password_reset_email.html",
    html_email_template_name: str | None = None,
    attempt: int = 1,
) -> bool:
    """Django's password-reset email, with a token made when it is sent: the queue never holds
    a valid token, and a user who was deactivated or changed address meanwhile gets nothing."""
    user = User.objects.filter(pk=user_id, is_active=True, email__iexact=email).first()
    if user is None or not user.has_usable_password():
        return False
    context = {
        "email": email,
        "domain": domain,
        "site_name": site_name,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    with translation.override(language):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        message = EmailMultiAlternatives(
            subject, render_to_string(email_template_name, context), to=[user.email]
        )
        if html_email_template_name:
            message.attach_alternative(
                render_to_string(html_email_template_name, context), "text/html"
            )
    deliver(
        message,
        task=send_password_reset,
        attempt=attempt,
        user_id=user_id,
        email=email,
        domain=domain,
        site_name=site_name,
        protocol=protocol,
        language=language,
        subject_template_name=subject_template_name,
        email_template_name=email_template_name,
        html_email_template_name=html_email_template_name,
    )
    return True
