from django.core.management.base import BaseCommand
from django.utils import timezone

from commitments.notifications import reminder_digest, reminder_recipients, reminders_queue


class Command(BaseCommand):
    help = (
        "Queue for each organisation's bureau staff a digest of their overdue, stale and due-soon "
        "commitments. Meant for a daily cron job or systemd timer on every server: only the first "
        "run of the day queues anything; `manage.py db_worker` sends them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would get a digest; send nothing."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Queue the digests even if they were already queued today.",
        )

    def handle(self, *args, dry_run, force, **options):
        if dry_run:
            for user in reminder_recipients():
                message = reminder_digest(user)
                self.stdout.write(f"{', '.join(message.to)}: {message.subject}")
            return
        today = timezone.localdate()
        queued = reminders_queue(date=today, force=force)
        if queued is None:
            self.stdout.write(
                f"The reminders for {today} were already queued; nothing to do "
                "(--force queues them again)."
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Queued {queued} reminder email(s) for {today}."))
