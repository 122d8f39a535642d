"""`manage.py backup` and `manage.py restore`: what is restored into an empty database and media
folder is every reply, commitment, update and evidence file of the backup, byte for byte."""

import contextlib
import datetime
import io
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from commitments.models import Commitment, Evidence

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
PHOTO = b"\xff\xd8\xff\xe0" + secrets.token_bytes(5000) + b"\xff\xd9"

# pg_dump sees only what is committed: the world must be.
pytestmark = pytest.mark.django_db(transaction=True)

# Printed by `manage.py shell` in the original and in the restored site alike.
WORLD_SCRIPT = """
import hashlib, json
from commitments.models import Commitment, Evidence, ProgressUpdate, Reply
print(json.dumps({
    "replies": [
        [r.index_number, r.full_text, r.contact_phone] for r in Reply.objects.order_by("pk")
    ],
    "commitments": [
        [c.pk, c.title, c.promised_text, str(c.original_target_date)]
        for c in Commitment.objects.order_by("pk")
    ],
    "updates": [
        [u.pk, u.commitment_id, u.state, u.text, u.progress]
        for u in ProgressUpdate.objects.order_by("pk")
    ],
    "evidence": [
        [e.pk, e.update_id, e.description, e.url, e.file.name,
         hashlib.sha256(e.file.open("rb").read()).hexdigest() if e.file else None]
        for e in Evidence.objects.order_by("pk")
    ],
}, ensure_ascii=False))
"""


@pytest.fixture
def world(reply, commitment, bureau, make_update, publish_update):
    second = Commitment.objects.create(
        reply=reply,
        position=2,
        title="建设智慧停车平台",
        promised_text="明年上线全区停车信息平台。",
        lead_organisation=bureau,
        original_target_date=datetime.date(2031, 6, 30),
    )
    published = publish_update(commitment, text="已新建停车位120个。", progress=60)
    draft = make_update(second, text="平台完成招标。", progress=10)
    Evidence.objects.create(
        update=published, description="验收报告", file=ContentFile(PDF, name="验收报告.pdf")
    )
    Evidence.objects.create(
        update=published, description="新闻报道", url="https://example.gov.cn/news/1"
    )
    Evidence.objects.create(
        update=draft, description="现场照片", file=ContentFile(PHOTO, name="photo.jpg")
    )


def world_as_printed(**environment) -> dict:
    if not environment:
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            call_command("shell", command=WORLD_SCRIPT)
        printed = output.getvalue()
    else:
        printed = manage("shell", "--command", WORLD_SCRIPT, **environment).stdout
    # The last line: Django's shell may say first what it could not import for itself.
    return json.loads(printed.strip().splitlines()[-1])


def manage(*args, **environment) -> subprocess.CompletedProcess:
    env = {**os.environ, **environment}
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def empty_database(tmp_path):
    """The address of a new, empty database of the kind the tests run on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restored"
    server = {
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = quote(settings_dict["HOST"] or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    yield f"postgres://{credentials}@{host}{port}/{name}"
    with psycopg.connect(**server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_into_an_empty_database_finds_every_row_and_file(
    world, tmp_path, settings, empty_database
):
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["counts"] == {
        "organisations": 2,
        "users": 2,
        "proposals": 1,
        "replies": 1,
        "commitments": 2,
        "progress_updates": 2,
        "evidence": 3,
        "evidence_files": 2,
    }
    assert len(manifest["media"]) == 2
    assert manifest["missing_evidence_files"] == []
    original = world_as_printed()

    restored_media = tmp_path / "restored-media"
    target = {"DATABASE_URL": empty_database, "DJANGO_MEDIA_ROOT": str(restored_media)}
    result = manage("restore", str(backup), **target)
    assert "checked it" in result.stdout

    assert world_as_printed(**target) == original
    for evidence in Evidence.objects.exclude(file=""):
        restored = (restored_media / evidence.file.name).read_bytes()
        assert restored == (Path(settings.MEDIA_ROOT) / evidence.file.name).read_bytes()
        assert restored in (PDF, PHOTO)


def test_restore_refuses_a_database_that_holds_data(world, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    before = world_as_printed()
    with pytest.raises(CommandError, match="already holds data; --force"):
        call_command("restore", str(backup), stdout=io.StringIO())
    assert world_as_printed() == before


def test_restore_refuses_a_damaged_backup_before_touching_anything(world, tmp_path, settings):
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    archive = backup / "media.tar.gz"
    damaged = bytearray(archive.read_bytes())
    damaged[-20] ^= 0xFF
    archive.write_bytes(bytes(damaged))
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    with pytest.raises(CommandError, match="media.tar.gz does not match its checksum"):
        call_command("restore", str(backup), "--force", stdout=io.StringIO())
    assert not (tmp_path / "empty-media").exists()


def test_backup_refuses_a_folder_that_holds_files(world, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old-backup.tar").write_bytes(b"x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
