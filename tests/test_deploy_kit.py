"""The deploy kit (deploy/, .env.example) agrees with the code it deploys."""

import re
import runpy
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from commitments.models import Evidence
from commitments.views.updates import EVIDENCE_ACCEL_LOCATION

ROOT = Path(__file__).resolve().parent.parent
READS_ENVIRONMENT = re.compile(
    r"""(?:env_bool|env_int|env_list|os\.environ\.get|os\.getenv)\(\s*"([A-Z][A-Z0-9_]*)"|"""
    r"""os\.environ\[\s*"([A-Z][A-Z0-9_]*)"\s*\]"""
)


def settings_read(path: Path) -> set[str]:
    return {a or b for a, b in READS_ENVIRONMENT.findall(path.read_text())}


def test_env_example_lists_every_setting_read_from_the_environment():
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))
    read = settings_read(ROOT / "tracker" / "settings.py")
    read |= settings_read(ROOT / "deploy" / "gunicorn.conf.py")
    read.discard("DJANGO_SETTINGS_MODULE")
    assert "DATABASE_URL" in read and "GUNICORN_WORKERS" in read
    assert sorted(read - listed) == []
    assert sorted(listed - read) == []


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_BIND", "10.0.0.11:8000")
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["workers"] == 3
    assert config["bind"] == "10.0.0.11:8000"
    assert config["timeout"] == 60


def test_a_worker_loads_every_address_and_view_before_its_first_request():
    # Django leaves the URLconf until the first request, which then waited about 0.4 s more.
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, tracker.wsgi; print(sorted(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "'commitments.workspace_urls'" in loaded
    assert "'commitments.letters.parser'" in loaded  # behind the imports, the slowest to load


def test_nginx_sends_evidence_only_from_an_internal_location():
    site = (ROOT / "deploy" / "nginx" / "tracker.conf").read_text()
    block = re.search(rf"location {re.escape(EVIDENCE_ACCEL_LOCATION)} \{{(.*?)\}}", site, re.S)
    assert block is not None
    assert re.search(r"^\s*internal;", block.group(1), re.M)
    assert "location /media/" not in site


@pytest.fixture
def published_evidence(commitment, publish_update):
    update = publish_update(commitment)
    return Evidence.objects.create(
        update=update,
        description="验收报告",
        file=ContentFile(b"%PDF-1.4 ...", name="验收报告.pdf"),
    )


@pytest.mark.django_db
def test_evidence_is_left_to_nginx_when_asked(client, settings, published_evidence):
    settings.TRACKER_EVIDENCE_ACCEL_REDIRECT = True
    response = client.get(reverse("workspace:evidence", args=[published_evidence.pk]))
    assert response.status_code == 200
    assert response.content == b""
    # The stored name, percent-encoded: nginx decodes it and finds the file under its alias.
    name = published_evidence.file.name
    assert name.startswith("evidence/") and name.endswith("/验收报告.pdf")
    assert response["X-Accel-Redirect"] == EVIDENCE_ACCEL_LOCATION + quote(name)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")


@pytest.mark.django_db
def test_unpublished_evidence_is_not_left_to_nginx_for_a_visitor(
    client, settings, commitment, make_update
):
    settings.TRACKER_EVIDENCE_ACCEL_REDIRECT = True
    draft = make_update(commitment)
    evidence = Evidence.objects.create(
        update=draft, description="草稿附件", file=ContentFile(b"secret", name="draft.pdf")
    )
    response = client.get(reverse("workspace:evidence", args=[evidence.pk]))
    assert response.status_code == 302
    assert "X-Accel-Redirect" not in response
