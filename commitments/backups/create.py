"""Writing a backup: the database from one snapshot, then the media folder, then the manifest."""

import hashlib
import json
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import django
from django.conf import settings
from django.db import connection
from django.utils import timezone

from ..models import Proposal
from .common import (
    DATABASE_FILES,
    MANIFEST,
    MEDIA_ARCHIVE,
    Backup,
    BackupError,
    describe_file,
    libpq_environment,
    read_counts,
    read_evidence_names,
    read_migrations,
)


class HashingReader:
    """A file that hashes what is read from it, so that archiving reads each file once."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        chunk = self.file.read(size)
        self.digest.update(chunk)
        return chunk


def run_tool(arguments: list[str], **kwargs) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(
            arguments,
            env=libpq_environment(connection.settings_dict),
            capture_output=True,
            **kwargs,
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{arguments[0]} is not installed: apt-get install postgresql-client "
            "(its major version at least the server's)."
        ) from error
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise BackupError(f"{arguments[0]} failed: {message}")
    return result


def code_version() -> str | None:
    """The commit of the code, when it was installed with git."""
    # The code belongs to root and the backup runs as the service's user: git refuses such a
    # repository unless told it is safe.
    command = ["git", "-c", f"safe.directory={settings.BASE_DIR}", "rev-parse", "HEAD"]
    try:
        result = subprocess.run(command, cwd=settings.BASE_DIR, capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return result.stdout.strip() or None


def dump_postgresql(target: Path) -> tuple[dict, list, list]:
    """pg_dump from a snapshot, and the counts of that same snapshot."""
    if connection.in_atomic_block:
        raise BackupError("A backup cannot run inside a transaction.")
    connection.ensure_connection()
    connection.set_autocommit(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = read_counts(cursor)
            evidence = read_evidence_names(cursor)
            migrations = read_migrations(cursor)
            # The snapshot lives as long as this transaction: pg_dump runs inside it.
            run_tool(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"])
    finally:
        connection.rollback()
        connection.set_autocommit(True)
    return counts, evidence, migrations


def dump_sqlite(target: Path) -> tuple[dict, list, list]:
    """A consistent copy through SQLite's backup API, counted from the copy itself."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        return read_counts(cursor), read_evidence_names(cursor), read_migrations(cursor)
    finally:
        copy.close()


def archive_media(media_root: Path, target: Path) -> dict[str, dict]:
    """Every file under MEDIA_ROOT into a tar.gz; the sha256 and size of each."""
    files = {}
    # Evidence is mostly PDF and JPEG, compressed already: the fastest level loses little.
    with tarfile.open(target, "w:gz", compresslevel=1) as archive:
        if not media_root.is_dir():
            return files
        for path in sorted(media_root.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            name = path.relative_to(media_root).as_posix()
            info = archive.gettarinfo(path, arcname=name)
            with open(path, "rb") as file:
                reader = HashingReader(file)
                archive.addfile(info, reader)
            files[name] = {"sha256": reader.digest.hexdigest(), "bytes": info.size}
    return files


def backup_create(*, directory: Path) -> Backup:
    """Write a backup of the database and the media folder into `directory` (new or empty)."""
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups cover PostgreSQL and SQLite, not {vendor}.")
    if Proposal._meta.db_table not in connection.introspection.table_names():
        raise BackupError("The database has none of the tracker's tables: nothing to back up.")
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: give a new folder for each backup.")
    directory.mkdir(parents=True, exist_ok=True)
    # The backup holds every account's password hash and every contact: for its owner only.
    directory.chmod(0o700)
    database_file = directory / DATABASE_FILES[vendor]
    dump = dump_postgresql if vendor == "postgresql" else dump_sqlite
    counts, evidence_names, migrations = dump(database_file)
    media_root = Path(settings.MEDIA_ROOT)
    media = archive_media(media_root, directory / MEDIA_ARCHIVE)
    for path in directory.iterdir():
        path.chmod(0o600)
    missing = [name for name in evidence_names if name not in media]
    manifest = {
        "format": 1,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "code_version": code_version(),
        "django_version": django.get_version(),
        "database": {"vendor": vendor, "file": database_file.name},
        "migrations": migrations,
        "counts": counts,
        "files": {
            path.name: describe_file(path) for path in (database_file, directory / MEDIA_ARCHIVE)
        },
        "media": media,
        "missing_evidence_files": missing,
    }
    manifest_path = directory / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    manifest_path.chmod(0o600)
    warnings = [
        f"Evidence file named in the database, not in the media folder: {name}" for name in missing
    ]
    return Backup(directory=directory, manifest=manifest, warnings=warnings)
