from django.core.management.base import BaseCommand

from commitments.notifications import reminder_messages, send_reminders


class Command(BaseCommand):
    help = (
        "Email each organisation's bureau staff a digest of their overdue, stale and due-soon "
        "commitments. Meant for a daily cron job."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would get a digest; send nothing."
        )

    def handle(self, *args, dry_run, **options):
        if dry_run:
            for message in reminder_messages():
                self.stdout.write(f"{', '.join(message.to)}: {message.subject}")
            return
        sent = send_reminders()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder email(s)."))
