"""PostgreSQL restarts under load, and every answer is counted: not one 500; while the database is
down, every answer is a page stored before (the page cache on) or a 503 with Retry-After; once it
is back, the site answers by itself.

The database is a PostgreSQL cluster of the test's own — initdb into a temporary folder, on a
free port, stopped and started with pg_ctl, removed at the end — so the shared server stays up.
gunicorn serves the application from it with two workers, as in production, while threads keep
asking for stored pages, pages never stored, API answers and the feed. Needs PostgreSQL's server
programs (Debian: the postgresql package); as root, the cluster runs as the postgres user.
"""

import glob
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WARM_UP_SECONDS = 3
OUTAGE_SECONDS = 2
RECOVERY_LIMIT_SECONDS = 20
CLIENT_THREADS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_programs() -> Path | None:
    """The newest PostgreSQL's bin folder (Debian keeps them out of PATH)."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    return Path(max(found, key=lambda path: int(Path(path).parts[-3]))).parent


class PrivateCluster:
    def __init__(self, programs: Path):
        self.programs = programs
        as_root = os.geteuid() == 0
        # As root the cluster runs as postgres, which must reach the folder: /tmp, not $TMPDIR.
        self.folder = Path(
            tempfile.mkdtemp(prefix="tracker-restart-", dir="/tmp" if as_root else None)
        )
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@{HOST}:{self.port}/postgres?connect_timeout=2"
        if as_root:  # PostgreSQL refuses to run as root
            shutil.chown(self.folder, "postgres", "postgres")

    def run(self, program, *arguments):
        command = [str(self.programs / program), *map(str, arguments)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        run(command)

    def create(self):
        options = ["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]
        self.run("initdb", "-D", self.data, *options)

    def start(self):
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses={HOST} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = self.folder / "server.log"
        self.run("pg_ctl", "-D", self.data, "-l", log, "-w", "-t", "30", "-o", options, "start")

    def stop(self):
        self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop")

    def remove(self):
        try:
            self.stop()
        except RuntimeError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


def run(command, **options):
    """Run a command; should it fail, say what it printed."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **options)
    if result.returncode:
        raise RuntimeError(f"{command} failed:\n{result.stdout}\n{result.stderr}")


def application_environment(database_url: str, *, page_cache: bool) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "tests-only-not-a-secret",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DJANGO_LOG_LEVEL": "CRITICAL",  # a traceback per 503 would drown the test's output
        "TRACKER_TASKS_BACKEND": "immediate",
        "TRACKER_PAGE_CACHE": "1" if page_cache else "0",
        # The load comes from one address, far past any sensible limit; counting still runs.
        "TRACKER_THROTTLE_API_PER_MINUTE": "100000000",
    }


@pytest.fixture(scope="module")
def cluster():
    programs = server_programs()
    if programs is None:
        pytest.skip("PostgreSQL's server programs are not installed")
    cluster = PrivateCluster(programs)
    try:
        cluster.create()
        cluster.start()
        environment = application_environment(cluster.url, page_cache=False)
        for command in (["migrate", "--no-input"], ["load_demo"]):
            run([sys.executable, "manage.py", *command], cwd=ROOT, env=environment)
        yield cluster
    finally:
        cluster.remove()


@dataclass
class Answer:
    started: float
    ended: float
    address: str
    status: int  # 0: no HTTP answer at all
    body: bytes
    retry_after: str | None


def ask(port: int, address: str) -> Answer:
    started = time.monotonic()
    try:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        connection.request("GET", address)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        status, retry_after = response.status, response.getheader("Retry-After")
    except OSError as error:
        status, body, retry_after = 0, str(error).encode(), None
    return Answer(started, time.monotonic(), address, status, body, retry_after)


class Load:
    """Threads asking without pause: mostly pages that get stored, and every fourth request a
    search never asked before, which no stored page can answer."""

    def __init__(self, port: int, warm_addresses: list[str]):
        self.port = port
        self.warm_addresses = warm_addresses
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._run, args=(n,)) for n in range(CLIENT_THREADS)
        ]

    def _run(self, number):
        count = 0
        while not self._stop.is_set():
            count += 1
            if count % 4 == 0:
                kind = "api/v1" if count % 8 == 0 else "en"
                address = f"/{kind}/commitments/?q=never-asked-{number}-{count}"
            else:
                address = self.warm_addresses[(count + number) % len(self.warm_addresses)]
            answer = ask(self.port, address)
            with self._lock:
                self.answers.append(answer)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join()


def start_gunicorn(environment: dict, port: int, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "tracker.wsgi", "--chdir", str(ROOT)]
    command += ["--bind", f"{HOST}:{port}", "--workers", "2", "--worker-class", "sync"]
    command += ["--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        if ask(port, "/zh-hans/").status == 200:
            return server
        time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def is_unavailable_page(answer: Answer) -> bool:
    if answer.status != 503 or not answer.retry_after:
        return False
    text = answer.body.decode("utf-8", "replace")
    if answer.address.startswith("/api/"):
        return "The database cannot be reached" in text
    return "网站暂时无法访问" in text and "Temporarily unavailable" in text


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache-on", "page-cache-off"])
def test_a_database_restart_under_load_gets_no_500(cluster, page_cache, tmp_path):
    environment = application_environment(cluster.url, page_cache=page_cache)
    port = free_port()
    warm = ["/zh-hans/", "/en/commitments/", "/api/v1/commitments/", "/feeds/updates/"]
    warm += [f"/zh-hans/commitments/{n}/" for n in range(1, 5)]
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = start_gunicorn(environment, port, log)
        try:
            with Load(port, warm) as load:
                time.sleep(WARM_UP_SECONDS)
                stopping = time.monotonic()
                cluster.stop()
                down = time.monotonic()
                time.sleep(OUTAGE_SECONDS)
                starting = time.monotonic()
                cluster.start()
                up = time.monotonic()
                # Back: a search never asked before can only be answered by the database.
                recovered = None
                while time.monotonic() - up < RECOVERY_LIMIT_SECONDS:
                    probe = ask(port, f"/en/commitments/?q=probe-{time.monotonic()}")
                    if probe.status == 200:
                        recovered = time.monotonic()
                        break
                    time.sleep(0.1)
                time.sleep(2)
        finally:
            server.terminate()
            server.wait(timeout=30)
    answers = load.answers

    def phase(answer):
        if answer.ended < stopping:
            return "before"
        if answer.started >= down and answer.ended <= starting:
            return "during"
        return "after" if answer.started >= up else "edges"

    summary = Counter((phase(answer), answer.status) for answer in answers)
    report = f"answers by phase and status: {dict(sorted(summary.items()))}"
    assert recovered is not None, f"not back {RECOVERY_LIMIT_SECONDS} s after the restart; {report}"
    assert [a for a in answers if a.status not in (200, 503)] == [], report

    seen_before = {}
    for answer in answers:
        if answer.ended < stopping and answer.status == 200:
            seen_before.setdefault(answer.address, set()).add(answer.body)
    during = [a for a in answers if a.started >= down and a.ended <= starting]
    assert during, report
    stored = [a for a in during if a.status == 200]
    unavailable = [a for a in during if a.status == 503]
    assert all(a.body in seen_before.get(a.address, ()) for a in stored), report
    assert all(is_unavailable_page(a) for a in unavailable), report
    assert unavailable, report
    if page_cache:
        assert stored, f"no stored page was served during the outage; {report}"
        assert {a.address for a in stored} <= set(warm)
    else:
        assert stored == [], report

    settled = [a for a in answers if a.started > recovered + 1]
    assert settled and all(a.status == 200 for a in settled), report
    print(report)
