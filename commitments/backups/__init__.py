"""Backups: the database, the evidence files, and a manifest of counts and checksums.

A backup is a folder (`manage.py backup DIR`, `manage.py restore DIR`):

    manifest.json     when, from which code, rows counted, the sha256 of every file here and of
                      every media file; written last, so a folder without it is unfinished
    database.pgdump   PostgreSQL: pg_dump's custom format, the standard an IT department knows
    database.sqlite3  SQLite: a copy made with SQLite's online backup API
    media.tar.gz      everything under MEDIA_ROOT (the evidence files)

The database is dumped first and the files archived second: an evidence file is written before
the row that names it commits, and is never deleted, so every file a dumped row names is in the
archive. On PostgreSQL the counts come from the very snapshot pg_dump dumps.

Restoring checks every checksum and that the target database and media folder hold nothing
before it touches anything (`force` overrides the second check); the database is replaced in one
transaction; afterwards the counts and every file are checked against the manifest.
"""

from .common import Backup, BackupError
from .create import backup_create
from .restore import backup_restore

__all__ = ["Backup", "BackupError", "backup_create", "backup_restore"]
