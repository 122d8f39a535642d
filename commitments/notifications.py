"""Emails: the notices the work sends (notices.py says who and what), the staff reminder
digests and the password-reset link — and the tasks that send them.

No email is sent in a request: the request queues a task (django-tasks, on the database backend
in production) and `manage.py db_worker` sends it, trying again when the mail server fails
(mail.py). Tasks take ids and read the rows again when they run, so an update that is no longer
published, or a user who stopped following, left or turned that kind of email off, gets nothing.

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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from .mail import deliver
from .models import Commitment, Rehandling, ReminderRun, User
from .notices import EVENTS, absolute_url, recipients


def _render(template_stem: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"email/{template_stem}_subject.txt", context)
    body = render_to_string(f"email/{template_stem}.txt", context)
    # A subject line may not contain line breaks.
    return " ".join(subject.split()), body


# Notices of the work (notices.py)


def notify(event: str, object_id: int) -> None:
    """Queue an event's notices once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_notices.enqueue(event=event, object_id=object_id))


def notice_email(event: str, kind: str, row, user: User) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        notice = EVENTS[event].notice(kind, row)
        context = {
            "recipient": user,
            "notice": notice,
            "profile_url": absolute_url(reverse("workspace:profile")),
        }
        subject, body = _render("notice", {**context, "subject": notice.subject})
    return EmailMessage(subject, body, to=[user.email])


@task
def send_notices(*, event: str, object_id: int) -> int:
    """Queue one email per recipient, so that a failure is retried for that recipient alone."""
    row = EVENTS[event].load(object_id)
    if row is None:
        return 0
    found = recipients(event, row)
    for user_id, kind in found.items():
        send_notice.enqueue(event=event, object_id=object_id, user_id=user_id, kind=kind)
    return len(found)


@task
def send_notice(*, event: str, object_id: int, user_id: int, kind: str, attempt: int = 1) -> bool:
    row = EVENTS[event].load(object_id)
    if row is None or recipients(event, row).get(user_id) != kind:
        return False
    user = User.objects.get(pk=user_id)
    deliver(
        notice_email(event, kind, row, user),
        task=send_notice,
        attempt=attempt,
        event=event,
        object_id=object_id,
        user_id=user_id,
        kind=kind,
    )
    return True


# Reminder digests


def _digest(organisation) -> dict:
    scoped = Commitment.objects.for_organisation(organisation).select_related("reply__proposal")
    soon = timezone.localdate() + datetime.timedelta(days=settings.TRACKER_DUE_SOON_DAYS)
    return {
        "overdue": list(scoped.overdue().order_by("current_target_date")),
        "stale": list(scoped.stale().order_by("last_published_at", "created_at")),
        "due_soon": list(
            scoped.due_within(settings.TRACKER_DUE_SOON_DAYS).order_by("current_target_date")
        ),
        # Re-handling rounds still waiting for this organisation's reply, due soon or overdue.
        "rehandlings": list(
            Rehandling.objects.open()
            .for_organisation(organisation)
            .filter(due_date__lte=soon)
            .select_related("proposal")
        ),
    }


def _reminder_staff():
    staff = User.objects.filter(
        role=User.Role.STAFF, is_active=True, organisation__isnull=False
    ).exclude(email="")
    # Without those who turned the reminder off in their profile (read in Python: a JSON list
    # is not searched the same way on SQLite and PostgreSQL, and the staff are few).
    muted = [
        pk for pk, kinds in staff.values_list("pk", "muted_notices") if "due_soon" in (kinds or [])
    ]
    return staff.exclude(pk__in=muted).select_related("organisation")


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
    with translation.override(settings.LANGUAGE_CODE):
        # Addresses too in the site's language, whatever language this process last served.
        for key in ("overdue", "stale", "due_soon"):
            for commitment in digest[key]:
                commitment.workspace_url = absolute_url(
                    reverse("workspace:commitment", args=[commitment.pk])
                )
        for rehandling in digest["rehandlings"]:
            rehandling.workspace_url = absolute_url(rehandling.get_absolute_url())
        context = {
            "organisation": user.organisation,
            "recipient": user,
            "today": timezone.localdate(),
            "due_soon_days": settings.TRACKER_DUE_SOON_DAYS,
            "stale_days": settings.TRACKER_STALE_DAYS,
            "workspace_url": absolute_url(reverse("workspace:home")),
            "profile_url": absolute_url(reverse("workspace:profile")),
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
