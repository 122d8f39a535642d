"""What backing up and restoring share: the folder's names, the manifest's counts, libpq."""

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Commitment, Evidence, Organisation, ProgressUpdate, Proposal, Reply, User

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
COUNTED_MODELS = {
    "organisations": Organisation,
    "users": User,
    "proposals": Proposal,
    "replies": Reply,
    "commitments": Commitment,
    "progress_updates": ProgressUpdate,
    "evidence": Evidence,
}
EVIDENCE_TABLE = Evidence._meta.db_table
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Backup:
    directory: Path
    manifest: dict
    warnings: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def describe_file(path: Path) -> dict:
    return {"sha256": sha256_of(path), "bytes": path.stat().st_size}


def read_counts(cursor) -> dict[str, int]:
    """Rows per kind, and evidence that has a file, through any DB-API cursor."""
    counts = {}
    for name, model in COUNTED_MODELS.items():
        cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')
        counts[name] = cursor.fetchone()[0]
    cursor.execute(f"SELECT COUNT(*) FROM \"{EVIDENCE_TABLE}\" WHERE file <> ''")
    counts["evidence_files"] = cursor.fetchone()[0]
    return counts


def read_evidence_names(cursor) -> list[str]:
    cursor.execute(f"SELECT file FROM \"{EVIDENCE_TABLE}\" WHERE file <> '' ORDER BY file")
    return [row[0] for row in cursor.fetchall()]


def read_migrations(cursor) -> list[str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def libpq_environment(settings_dict: dict) -> dict[str, str]:
    """Where pg_dump, pg_restore and psql connect: the same database as Django, passed in the
    environment so that the password never shows in a process list."""
    options = settings_dict.get("OPTIONS") or {}
    values = {
        "PGDATABASE": settings_dict.get("NAME"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGCONNECT_TIMEOUT": options.get("connect_timeout"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
    }
    environment = dict(os.environ)
    environment.update({key: str(value) for key, value in values.items() if value})
    return environment
