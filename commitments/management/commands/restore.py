from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into this database and media folder, after "
        "checking its checksums; then check every count and file against its manifest. Stop the "
        "web servers and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that holds data, and restore over files in the media folder.",
        )

    def handle(self, *args, directory, force, **options):
        try:
            backup = backup_restore(directory=directory, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in backup.warnings:
            self.stderr.write(self.style.WARNING(warning))
        manifest = backup.manifest
        counts = ", ".join(f"{count} {name}" for name, count in manifest["counts"].items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} and checked it: {counts}, "
                f"{len(manifest['media'])} media files."
            )
        )
