from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump's custom format on PostgreSQL, a copy on SQLite) and the "
        "media folder into DIR, a new or empty folder, with a manifest of counts and checksums. "
        "Safe while the site runs. `manage.py restore DIR` puts it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", type=Path)

    def handle(self, *args, directory, **options):
        try:
            backup = backup_create(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in backup.warnings:
            self.stderr.write(self.style.WARNING(warning))
        counts = ", ".join(f"{count} {name}" for name, count in backup.manifest["counts"].items())
        self.stdout.write(self.style.SUCCESS(f"Backed up into {directory}: {counts}."))
