"""`make soak`: mixed traffic against two app servers on one PostgreSQL database (issue 10).

For SOAK_SECONDS (600; at most 3,600) readers load public pages, the API, feeds and signed-in
workspace pages on both servers, while bureau staff submit progress updates (some with a file),
the office publishes each one, a member reviews published updates, and `import_reply --update`
re-imports the seed letter every SOAK_IMPORT_SECONDS (30). Each visitor picks a server at random
for every request, as a load balancer would. At the end the script reports requests, p50/p99,
errors, and every write that was acknowledged against what the database holds; it exits 1 on any
5xx, failed connection, unexpected answer or lost write.

    .venv/bin/python bench/soak.py
    env: SOAK_SECONDS (600), SOAK_READERS (4), SOAK_IMPORT_SECONDS (30),
         SOAK_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/postgres): a scratch database is
         made there and dropped at the end
"""

import os
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import two_servers
from browser import Browser
from soak_report import Tally, Writes, render
from two_servers import LANGUAGE, WriteRefused, marker, publish_update, submit_update

MAX_SECONDS = 3600
EVIDENCE_EVERY = 5  # every fifth submitted update carries a file
PUBLISH_TRIES = 5  # a publish that meets a change made meanwhile (409) is sent again
# Visitors' addresses, as nginx would pass them on (TRACKER_TRUSTED_PROXIES=1), so that the
# per-client limits of the API and exports count many visitors, not one. Documentation addresses
# (TEST-NET-3), only ever written into a header: every request goes to 127.0.0.1.
CLIENT_ADDRESSES = [f"203.0.113.{n}" for n in range(1, 255)]


def setting(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def read_paths(commitments: list[int], reply_id: int) -> list[tuple[str, str]]:
    """(who, address) of every page the readers load; who is anonymous or a demo user."""
    lang = LANGUAGE
    pages = [f"/{lang}/commitments/{pk}/" for pk in commitments]
    public = [
        f"/{lang}/",
        "/en/",
        f"/{lang}/commitments/",
        f"/{lang}/commitments/?status=on_track",
        f"/{lang}/commitments/?q={quote('企业')}",
        *pages,
        f"/{lang}/replies/{reply_id}/",
        f"/{lang}/organisations/xinwu-industry/",
        f"/{lang}/methodology/",
        f"/{lang}/commitments/export.csv",
    ]
    api = [
        "/api/v1/commitments/",
        f"/api/v1/commitments/{commitments[0]}/",
        "/api/v1/updates/",
        f"/api/v1/updates/?commitment={commitments[-1]}",
        f"/api/v1/replies/{reply_id}/",
    ]
    feeds = ["/feeds/updates/", f"/feeds/commitments/{commitments[0]}/"]
    workspace = [
        f"/{lang}/workspace/",
        f"/{lang}/workspace/commitments/",
        f"/{lang}/workspace/commitments/{commitments[0]}/",
    ]
    paths = [("anonymous", path) for path in public * 2 + api + feeds]
    return paths + [(who, path) for who in ("staff", "office", "member") for path in workspace]


class Soak:
    def __init__(self, servers, passwords, commitments, env, seconds):
        self.urls = [server.base_url for server in servers]
        self.passwords = passwords
        self.commitments = commitments
        self.env = env
        self.deadline = time.monotonic() + seconds
        self.tally = Tally()
        self.writes = Writes()
        self.to_publish = queue.Queue()

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def server(self, rng) -> str:
        return rng.choice(self.urls)

    def browser(self, username=None) -> Browser:
        browser = Browser(observer=self.tally.observe)
        browser.headers["X-Forwarded-For"] = random.choice(CLIENT_ADDRESSES)
        if username:
            browser.sign_in(self.urls[0], username, self.passwords[username])
        return browser

    def reader(self, seed: int, paths):
        rng = random.Random(seed)
        browsers = {"anonymous": self.browser()}
        browsers.update({who: self.browser(who) for who in ("staff", "office", "member")})
        while self.running():
            who, path = rng.choice(paths)
            browser = browsers[who]
            if who == "anonymous":
                browser.headers["X-Forwarded-For"] = rng.choice(CLIENT_ADDRESSES)
            try:
                browser.get(self.server(rng) + path)
            except OSError:
                pass  # counted by the tally

    def bureau_writer(self, seed: int):
        rng = random.Random(seed)
        staff = self.browser("staff")
        attempt = 0
        while self.running():
            attempt += 1
            token = marker()
            evidence = None
            if attempt % EVIDENCE_EVERY == 0:
                evidence = two_servers.EVIDENCE_PDF + f"% {token}\n".encode()
            self.writes.attempt("submitted updates")
            if evidence is not None:
                self.writes.attempt("evidence files")
            try:
                update_id = submit_update(
                    staff,
                    self.server(rng),
                    rng.choice(self.commitments),
                    f"浸泡测试：本月进展 {token}",
                    evidence=evidence,
                    progress=rng.randint(0, 100),
                )
            except (WriteRefused, OSError):
                continue  # the tally holds the status
            self.writes.acknowledge("submitted updates", update_id, token)
            if evidence is not None:
                self.writes.acknowledge("evidence files", update_id, evidence)
            self.to_publish.put(update_id)
            time.sleep(rng.uniform(0.1, 0.5))

    def office_publisher(self, seed: int):
        rng = random.Random(seed)
        office = self.browser("office")
        while self.running():
            try:
                update_id = self.to_publish.get(timeout=0.5)
            except queue.Empty:
                continue
            self.writes.attempt("publishes")
            page = None
            for _ in range(PUBLISH_TRIES):
                try:
                    page = publish_update(office, self.server(rng), update_id)
                except OSError:
                    break
                if page.status != 409:
                    break
            if page is not None and page.status == 302:
                self.writes.acknowledge("publishes", update_id, None)

    def member_reviewer(self, seed: int):
        rng = random.Random(seed)
        member = self.browser("member")
        verdicts = ["confirmed", "queried", "needs_more"]
        while self.running():
            time.sleep(rng.uniform(0.3, 1.0))
            published = self.writes.acknowledged("publishes")
            if not published:
                continue
            update_id = rng.choice(published)
            comment = f"评议 {marker()}"
            path = f"/{LANGUAGE}/workspace/updates/{update_id}/"
            self.writes.attempt("reviews")
            try:
                page = member.fill_in(
                    self.server(rng) + path,
                    f"{path}review/",
                    {"verdict": rng.choice(verdicts), "comment": comment},
                )
            except OSError:
                continue
            if page.status == 302:
                self.writes.acknowledge("reviews", (update_id, comment), None)

    def importer(self, every: int):
        """`import_reply --update` of the seed letter, as an operator would run it, meanwhile."""
        count = 0
        while self.running():
            count += 1
            source_url = f"https://soak.invalid/import/{count}"
            self.writes.attempt("imports")
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "manage.py", "import_reply", str(two_servers.SEED_LETTER)]
                + ["--update", "--organisation", "xinwu-industry", "--source-url", source_url],
                cwd=two_servers.ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            self.tally.observe("IMPORT", "import_reply", 200, time.perf_counter() - started)
            if result.returncode == 0:
                self.writes.acknowledge("imports", count, source_url)
            else:
                self.tally.problem(f"import_reply failed: {result.stderr.strip()[-300:]}")
            pause_until = time.monotonic() + every
            while self.running() and time.monotonic() < pause_until:
                time.sleep(0.2)

    def run(self, readers: int, import_every: int):
        from commitments.models import Reply

        paths = read_paths(self.commitments, Reply.objects.get().pk)
        workers = [threading.Thread(target=self.reader, args=(n, paths)) for n in range(readers)]
        workers += [threading.Thread(target=self.bureau_writer, args=(100 + n,)) for n in (1, 2)]
        workers.append(threading.Thread(target=self.office_publisher, args=(200,)))
        workers.append(threading.Thread(target=self.member_reviewer, args=(300,)))
        workers.append(threading.Thread(target=self.importer, args=(import_every,)))
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()


def main():
    seconds = min(setting("SOAK_SECONDS", 600), MAX_SECONDS)
    readers = setting("SOAK_READERS", 4)
    import_every = setting("SOAK_IMPORT_SECONDS", 30)
    server_url = os.environ.get("SOAK_POSTGRES_URL") or two_servers.DEFAULT_POSTGRES_URL
    with (
        two_servers.scratch_database(server_url, "tracker_soak") as url,
        tempfile.TemporaryDirectory() as media,
    ):
        env = two_servers.server_environment(url, Path(media))
        env["TRACKER_TRUSTED_PROXIES"] = "1"  # as behind nginx: CLIENT_ADDRESSES
        two_servers.use_environment(env)
        passwords = two_servers.demo_accounts()
        commitments = two_servers.demo_commitments()
        with two_servers.two_servers(env) as pair:
            print(f"Soak: {seconds} s against {pair[0].base_url} and {pair[1].base_url} …")
            soak = Soak(pair, passwords, commitments, env, seconds)
            load_before, started = os.getloadavg()[0], time.perf_counter()
            soak.run(readers, import_every)
            elapsed, load_after = time.perf_counter() - started, os.getloadavg()[0]
            listed = soak.writes.listed_by_api(Browser(), pair[1].base_url, CLIENT_ADDRESSES)
        found = soak.writes.found_in_database()
        from django.db import connections

        connections.close_all()  # before the database is dropped
    run = {
        "seconds": elapsed,
        "readers": readers,
        "import_every": import_every,
        "load": (load_before, load_after),
    }
    report, passed = render(soak.tally, soak.writes, found, listed, run)
    print(report)
    if not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
