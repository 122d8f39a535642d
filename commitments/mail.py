"""Sending one email from a task, and trying again later when the mail server fails.

django-tasks has no retries of its own. A task that sends an email passes itself here; when the
server refuses, hangs past EMAIL_TIMEOUT or cannot be reached, the same task is queued again to
run after a growing wait, carrying the next attempt number. The failed attempt still raises, so
the task worker records it as failed, with its traceback, next to the attempt that follows.
"""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks.base import Task

logger = logging.getLogger(__name__)

# The waits before the second, third and fourth attempts; the fourth failure is final.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=25))
# What a mail server that is down, overloaded or silent raises: SMTP replies, refused or reset
# connections, timeouts and unresolvable hosts are all SMTPException or OSError.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


def deliver(message: EmailMessage, *, task: Task, attempt: int, **task_kwargs) -> None:
    """Send `message`; on a transient error queue `task` again with `task_kwargs` and re-raise."""
    try:
        message.send()
    except TRANSIENT_ERRORS as error:
        recipients = ", ".join(message.to)
        # The immediate backend (development, tests) runs in the request and cannot wait.
        if attempt > len(RETRY_DELAYS) or not task.get_backend().supports_defer:
            logger.error("Gave up emailing %s after attempt %d: %r", recipients, attempt, error)
            raise
        delay = RETRY_DELAYS[attempt - 1]
        task.using(run_after=timezone.now() + delay).enqueue(**task_kwargs, attempt=attempt + 1)
        logger.warning(
            "Emailing %s failed (%r); attempt %d in %s", recipients, error, attempt + 1, delay
        )
        raise
