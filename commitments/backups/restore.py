"""Restoring a backup: check it, check the target is empty, replace, then check the result."""

import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from .common import (
    CHUNK,
    COUNTED_MODELS,
    DATABASE_FILES,
    MANIFEST,
    MEDIA_ARCHIVE,
    Backup,
    BackupError,
    describe_file,
    libpq_environment,
    read_counts,
    read_evidence_names,
    sha256_of,
)


def load_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"No {MANIFEST} in {directory}: not a backup, or an unfinished one.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != 1:
        raise BackupError(f"{path} is of an unknown format.")
    return manifest


def verify_files(directory: Path, manifest: dict) -> None:
    for name, expected in manifest["files"].items():
        path = directory / name
        if Path(name).name != name or not path.is_file():
            raise BackupError(f"{name}, listed in the manifest, is missing from {directory}.")
        if sha256_of(path) != expected["sha256"]:
            raise BackupError(f"{path} does not match its checksum: the backup is damaged.")


def unknown_migrations(manifest: dict) -> list[str]:
    """Migrations the backup's database had that this code does not know: newer code made it."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    return [
        migration
        for migration in manifest["migrations"]
        if migration.split(".")[0] in loader.migrated_apps and migration not in known
    ]


def pending_migrations(manifest: dict) -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = set(manifest["migrations"])
    return sorted(
        f"{app}.{name}" for app, name in loader.disk_migrations if f"{app}.{name}" not in applied
    )


def database_holds_data() -> bool:
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in COUNTED_MODELS.values():
            if model._meta.db_table in tables:
                cursor.execute(f'SELECT 1 FROM "{model._meta.db_table}" LIMIT 1')
                if cursor.fetchone():
                    return True
    return False


def media_holds_files(media_root: Path) -> bool:
    return media_root.is_dir() and any(path.is_file() for path in media_root.rglob("*"))


def restore_postgresql(dump: Path) -> None:
    """Drop every table and load the dump in one transaction, committed only once pg_restore
    has produced the whole dump without an error: a failure changes nothing."""
    tables = connection.introspection.table_names()
    connection.close()
    # Waiting for a running server to let go of a table would hang; say so instead.
    begin = "BEGIN; SET LOCAL lock_timeout = '10s';"
    if tables:
        begin += " DROP TABLE IF EXISTS " + ", ".join(f'"{t}"' for t in tables) + " CASCADE;"
    environment = libpq_environment(connection.settings_dict)
    with tempfile.TemporaryFile() as load_errors, tempfile.TemporaryFile() as script_errors:
        try:
            load = subprocess.Popen(
                ["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"]
                + [f"--command={begin}", "--file=-"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=load_errors,
                env=environment,
            )
            # The dump as SQL, without the owner and grants of the server it came from: the
            # tables belong to the user Django connects as, on this server.
            script = subprocess.Popen(
                ["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(dump)],
                stdout=subprocess.PIPE,
                stderr=script_errors,
                env=environment,
            )
        except FileNotFoundError as error:
            raise BackupError(
                f"{error.filename} is not installed: apt-get install postgresql-client."
            ) from error
        try:
            while chunk := script.stdout.read(CHUNK):
                load.stdin.write(chunk)
            if script.wait() == 0:
                load.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error, and says which.
        finally:
            script.stdout.close()
            script.wait()
            try:
                load.stdin.close()
            except BrokenPipeError:
                pass
            load.wait()
        # psql first: when it stops, pg_restore fails too, only for want of a reader.
        for process, errors, tool in (
            (load, load_errors, "psql"),
            (script, script_errors, "pg_restore"),
        ):
            if process.returncode != 0:
                errors.seek(0)
                message = errors.read().decode(errors="replace").strip()
                if "lock timeout" in message:
                    message += " Stop the web servers and the worker first."
                raise BackupError(f"{tool} failed; the database was not changed: {message}")


def restore_sqlite(copy: Path) -> None:
    """SQLite's backup API, from the copy into the database file: one transaction."""
    name = connection.settings_dict["NAME"]
    connection.close()
    source = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(name)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def extract_media(archive_path: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        # "data": nothing outside media_root, no devices, no links leaving it.
        archive.extractall(media_root, filter="data")


def verify_restore(manifest: dict, media_root: Path) -> list[str]:
    """What differs from the manifest, in the database and the media folder; [] when nothing."""
    problems = []
    with connection.cursor() as cursor:
        counts = read_counts(cursor)
        evidence_names = read_evidence_names(cursor)
    for name, expected in manifest["counts"].items():
        if counts.get(name) != expected:
            problems.append(f"{name}: {counts.get(name)} restored, {expected} in the backup")
    for name, expected in manifest["media"].items():
        path = media_root / name
        if not path.is_file() or describe_file(path) != expected:
            problems.append(f"media file {name} is missing or differs from the backup")
    known_missing = set(manifest["missing_evidence_files"])
    for name in evidence_names:
        if name not in manifest["media"] and name not in known_missing:
            problems.append(f"evidence file {name} is named in the database but not restored")
    return problems


def backup_restore(*, directory: Path, force: bool = False) -> Backup:
    """Restore a backup made by `backup_create` into this database and media folder.

    Refuses, before it changes anything, a damaged backup, one of another database engine, one
    made by newer code, and (unless `force`) a database or a media folder that holds data."""
    manifest = load_manifest(directory)
    verify_files(directory, manifest)
    vendor = manifest["database"]["vendor"]
    if DATABASE_FILES.get(vendor) not in manifest["files"]:
        raise BackupError(f"{directory / MANIFEST} names no database dump.")
    if vendor != connection.vendor:
        raise BackupError(
            f"This backup is of a {vendor} database; this one is {connection.vendor}. "
            "To move data between the two, use `manage.py dumpdata` and `loaddata`."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if not force:
        unknown = unknown_migrations(manifest)
        if unknown:
            raise BackupError(
                "The backup was made by newer code (migrations unknown here: "
                f"{', '.join(unknown)}). Install that version first, or use --force."
            )
        if database_holds_data():
            raise BackupError(
                "The database already holds data; --force replaces it with the backup."
            )
        if media_holds_files(media_root):
            raise BackupError(
                f"The media folder {media_root} already holds files; --force restores over them."
            )
    restore = restore_postgresql if vendor == "postgresql" else restore_sqlite
    restore(directory / DATABASE_FILES[vendor])
    extract_media(directory / MEDIA_ARCHIVE, media_root)
    problems = verify_restore(manifest, media_root)
    if problems:
        raise BackupError("The restore does not match the backup:\n" + "\n".join(problems))
    warnings = []
    pending = pending_migrations(manifest)
    if pending:
        warnings.append(
            f"This code has newer migrations; run `manage.py migrate` ({len(pending)})."
        )
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        warnings.append(
            f"Restored as root: make {media_root} belong to the user the web server runs as."
        )
    return Backup(directory=directory, manifest=manifest, warnings=warnings)
