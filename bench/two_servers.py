"""Two app servers on one PostgreSQL database and one media folder, proven (issue 10).

Starts two gunicorn servers, A and B, on a scratch database holding the demo, with one shared
media folder. Bureau staff sign in on A through the login form and submit a progress update with
an evidence file; the office signs in on A and publishes it. Server B's public commitment page and
API show the update within a second, and on every read after (B had the page stored in its page
cache before), and the evidence file downloads from B byte for byte: with the staff's session
before publication, by anyone after.

    .venv/bin/python bench/two_servers.py
    env: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres): the server on
         which the scratch database is made, and dropped at the end

tests/test_two_servers.py runs the same proof on the test database; bench/soak.py loads the pair.
"""

import io
import os
import re
import secrets
import string
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import servers
from browser import Browser, Page

ROOT = servers.ROOT
SEED_LETTER = ROOT / "sample_data" / "reply-xinwu-2024-20.txt"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
LANGUAGE = "zh-hans"
# B must show a publish within this long, on every read after. A worker learns of it when
# PostgreSQL delivers the notification (version_watcher.py): on a busy machine one of B's workers
# may still serve the page stored before for some tens of milliseconds.
SHOWN_WITHIN_SECONDS = 1.0
# Enough reads to reach both workers of a server (they take requests in no fixed order).
READS = 10
# The smallest file the evidence form accepts as a PDF (it checks the content, not the name).
EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class WriteRefused(Exception):
    def __init__(self, what: str, page: Page):
        super().__init__(f"{what}: HTTP {page.status} {page.location}")
        self.page = page


def marker() -> str:
    """Letters only: digits in a text could be read as a phone number and hidden from the public."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))


@contextmanager
def scratch_database(server_url: str, prefix: str):
    """A new database on the PostgreSQL server at `server_url`: its URL; dropped afterwards."""
    import psycopg

    name = f"{prefix}_{marker()}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(settings_dict: dict) -> str:
    """The URL of a Django database connection's settings (the test database, say)."""
    user, password = quote(settings_dict["USER"] or ""), quote(settings_dict["PASSWORD"] or "")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}{host}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


def server_environment(database_url: str, media_root: Path) -> dict:
    """Production settings for every server: one database, one media folder, one secret key
    (a session signed on one server is read on the other)."""
    return servers.server_env(
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(media_root),
        DJANGO_SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(40),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Pages are read without their assets: no collectstatic needed.
        DJANGO_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        DJANGO_SETTINGS_MODULE="tracker.settings",
        PYTHONWARNINGS="ignore:No directory at:UserWarning",
    )


def use_environment(env: dict):
    """Set up Django in this process on the servers' settings, for the setup and the checks."""
    import django

    os.environ.update({key: env[key] for key in env if key.startswith(("DATABASE", "DJANGO"))})
    sys.path.insert(0, str(ROOT))
    django.setup()


def demo_accounts() -> dict[str, str]:
    """Migrate, load the demo (the seed letter, a user per role) and give each demo user a new
    password: {username: password}."""
    from django.core.management import call_command

    from commitments.models import User

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    passwords = {}
    for user in User.objects.filter(username__in=["staff", "office", "member"]):
        passwords[user.username] = secrets.token_urlsafe(12)
        user.set_password(passwords[user.username])
        user.save(update_fields=["password"])
    return passwords


def demo_commitments() -> list[int]:
    from commitments.models import Commitment

    return list(Commitment.objects.order_by("pk").values_list("pk", flat=True))


@contextmanager
def two_servers(env: dict, workers: int = 2):
    """Servers A and B on the same settings, each with its own gunicorn and workers."""
    with servers.Gunicorn("tracker.wsgi", env=env, workers=workers) as server_a:
        with servers.Gunicorn("tracker.wsgi", env=env, workers=workers) as server_b:
            yield server_a, server_b


def submit_update(browser, base_url, commitment_id, text, *, evidence=None, progress=50) -> int:
    """Write a progress update in the workspace form and submit it: the new update's id."""
    changes = {
        "text": text,
        "status": "on_track",
        "progress": str(progress),
        "reason": "",
        "target_date_reason": "",
        "action": "submit",
    }
    files = None
    if evidence is not None:
        changes["evidence-0-description"] = "验收报告"
        files = {"evidence-0-file": ("report.pdf", evidence, "application/pdf")}
    url = f"{base_url}/{LANGUAGE}/workspace/commitments/{commitment_id}/updates/new/"
    page = browser.fill_in(url, changes=changes, files=files)
    saved = re.fullmatch(rf"/{LANGUAGE}/workspace/updates/(\d+)/", page.location)
    if page.status != 302 or not saved:
        raise WriteRefused("submit", page)
    return int(saved.group(1))


def publish_update(browser, base_url, update_id) -> Page:
    """Open the update in the workspace and press Publish (302 done, 409 changed meanwhile)."""
    path = f"/{LANGUAGE}/workspace/updates/{update_id}/"
    return browser.fill_in(f"{base_url}{path}", f"{path}publish/")


def public_shows(browser, base_url, commitment_id, text) -> bool:
    """Whether the public commitment page and the API both show this text."""
    page = browser.get(f"{base_url}/{LANGUAGE}/commitments/{commitment_id}/")
    api = browser.get(f"{base_url}/api/v1/updates/?commitment={commitment_id}")
    return text in page.text and text in api.text


def evidence_path(browser, base_url, update_id) -> str:
    """The address of the update's evidence file, as its workspace page links it."""
    page = browser.get(f"{base_url}/{LANGUAGE}/workspace/updates/{update_id}/")
    found = re.search(rf"/{LANGUAGE}/workspace/evidence/\d+/", page.text)
    if not found:
        raise LookupError(f"no evidence file on update {update_id}'s page (HTTP {page.status})")
    return found.group(0)


@dataclass
class Proof:
    evidence: bytes  # the file uploaded through A
    public_before_publish: bool  # B showed the update before publication (must not)
    staff_download_before_publish: bytes  # from B, with the session signed in on A
    anonymous_before_publish: int  # HTTP status for a visitor before publication (a redirect)
    publish_status: int
    shown_after_seconds: float | None  # from the publish answer until B's page and API show it
    reads_showing: int  # of READS reads of B once SHOWN_WITHIN_SECONDS had passed, how many did
    evidence_from_b: bytes  # downloaded from B by an anonymous visitor after publication
    seconds: dict


def prove(server_a, server_b, passwords: dict, commitment_id: int) -> Proof:
    """Write and publish through A, read through B."""
    a, b = server_a.base_url, server_b.base_url
    seconds = {}
    started = time.perf_counter()
    staff, office, visitor = Browser(), Browser(), Browser()
    staff.sign_in(a, "staff", passwords["staff"])
    office.sign_in(a, "office", passwords["office"])
    seconds["two sign-ins on A"] = time.perf_counter() - started

    text = f"两台服务器：A 上提交，B 上可见。{marker()}"
    evidence = EVIDENCE_PDF + f"% {marker()}\n".encode()
    started = time.perf_counter()
    update_id = submit_update(staff, a, commitment_id, text, evidence=evidence)
    seconds["submit with a file on A"] = time.perf_counter() - started

    # B renders and stores the public page now; the publish must reach it anyway.
    public_before = any(public_shows(visitor, b, commitment_id, text) for _ in range(READS))
    file_path = evidence_path(staff, b, update_id)
    staff_download = staff.get(b + file_path).body
    anonymous_status = visitor.get(b + file_path).status

    published = publish_update(office, a, update_id)
    done = time.perf_counter()
    seconds["publish on A"] = published.seconds
    shown_after = None
    while time.perf_counter() - done < 5 * SHOWN_WITHIN_SECONDS:
        if public_shows(visitor, b, commitment_id, text):
            shown_after = time.perf_counter() - done
            break
        time.sleep(0.05)  # few requests: the API allows each address 120 a minute
    time.sleep(max(0.0, SHOWN_WITHIN_SECONDS - (time.perf_counter() - done)))
    reads_showing = sum(public_shows(visitor, b, commitment_id, text) for _ in range(READS))
    download = visitor.get(b + file_path)
    return Proof(
        evidence=evidence,
        public_before_publish=public_before,
        staff_download_before_publish=staff_download,
        anonymous_before_publish=anonymous_status,
        publish_status=published.status,
        shown_after_seconds=shown_after,
        reads_showing=reads_showing,
        evidence_from_b=download.body if download.status == 200 else b"",
        seconds=seconds,
    )


def failures(proof: Proof) -> list[str]:
    checks = {
        "B showed the update before it was published": proof.public_before_publish,
        "B did not give the staff their unpublished file": (
            proof.staff_download_before_publish != proof.evidence
        ),
        "B gave an unpublished file to an anonymous visitor": (
            proof.anonymous_before_publish != 302
        ),
        f"publishing on A answered HTTP {proof.publish_status}": proof.publish_status != 302,
        f"B did not show the update within {SHOWN_WITHIN_SECONDS} s": (
            proof.shown_after_seconds is None or proof.shown_after_seconds > SHOWN_WITHIN_SECONDS
        ),
        f"only {proof.reads_showing} of {READS} reads of B showed it after "
        f"{SHOWN_WITHIN_SECONDS} s": proof.reads_showing < READS,
        "the evidence file from B differs from the one uploaded to A": (
            proof.evidence_from_b != proof.evidence
        ),
    }
    return [problem for problem, failed in checks.items() if failed]


def main():
    server_url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    with scratch_database(server_url, "tracker_two") as url, tempfile.TemporaryDirectory() as media:
        env = server_environment(url, Path(media))
        use_environment(env)
        passwords = demo_accounts()
        commitment_id = demo_commitments()[0]
        started = time.perf_counter()
        with two_servers(env) as (server_a, server_b):
            print(f"A {server_a.base_url} and B {server_b.base_url} on one database, media {media}")
            print(f"  both serving after {time.perf_counter() - started:.1f} s")
            proof = prove(server_a, server_b, passwords, commitment_id)
        from django.db import connections

        connections.close_all()  # before the database is dropped
    for step, spent in proof.seconds.items():
        print(f"  {step}: {spent * 1000:.0f} ms")
    if proof.shown_after_seconds is not None:
        print(f"  B showed the published update {proof.shown_after_seconds * 1000:.0f} ms after A")
    print(f"  {proof.reads_showing} of {READS} reads of B showed it {SHOWN_WITHIN_SECONDS} s after")
    print(f"  the evidence file ({len(proof.evidence)} bytes) downloaded from B intact: "
          f"{proof.evidence_from_b == proof.evidence}")  # fmt: skip
    problems = failures(proof)
    if problems:
        sys.exit("FAILED: " + "; ".join(problems))
    print("Two servers: every check passed.")


if __name__ == "__main__":
    main()
