"""What the soak counts while it runs, what it finds afterwards, and its report (bench/soak.py)."""

import json
import os
import statistics
import threading
from collections import Counter, defaultdict

KINDS = {
    "public": "public pages",
    "api": "API",
    "feed": "feeds",
    "workspace": "workspace pages (signed in)",
    "write": "form posts (submit, publish, review)",
    "sign-in": "sign-ins (password hashing)",
}
KEPT_PROBLEMS = 20


def kind_of(method: str, path: str) -> str:
    if method == "POST":
        return "sign-in" if path.startswith("/accounts/login/") else "write"
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/feeds/"):
        return "feed"
    if "/workspace/" in path or path.startswith("/accounts/"):
        return "workspace"
    return "public"


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


class Tally:
    """Every request's time and answer, from all threads. A page is expected to answer 200, a
    form post 302 (done) or 409 (changed meanwhile: the form is sent again)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seconds = defaultdict(list)
        self.import_seconds = []
        self.server_errors = Counter()  # 5xx by status
        self.failed_connections = 0
        self.conflicts = 0
        self.unexpected = Counter()  # (method, status)
        self.problems = []

    def problem(self, text: str):
        with self.lock:
            if len(self.problems) < KEPT_PROBLEMS:
                self.problems.append(text)

    def observe(self, method: str, path: str, status: int | None, seconds: float):
        if method == "IMPORT":
            self.import_seconds.append(seconds)
            return
        with self.lock:
            self.seconds[kind_of(method, path)].append(seconds)
        if status is None:
            with self.lock:
                self.failed_connections += 1
            self.problem(f"no answer: {method} {path}")
        elif status >= 500:
            with self.lock:
                self.server_errors[status] += 1
            self.problem(f"HTTP {status}: {method} {path}")
        elif method == "POST" and status == 409:
            with self.lock:
                self.conflicts += 1
        elif status != (302 if method == "POST" else 200):
            with self.lock:
                self.unexpected[(method, status)] += 1
            self.problem(f"HTTP {status}: {method} {path}")


class Writes:
    """Writes tried and acknowledged (302 after the form, exit 0 of the import), by kind."""

    KINDS = ["submitted updates", "evidence files", "publishes", "reviews", "imports"]

    def __init__(self):
        self.lock = threading.Lock()
        self.attempted = Counter()
        self.acked = defaultdict(dict)  # kind -> {key: what the database must show}

    def attempt(self, kind: str):
        with self.lock:
            self.attempted[kind] += 1

    def acknowledge(self, kind: str, key, expected):
        with self.lock:
            self.acked[kind][key] = expected

    def acknowledged(self, kind: str) -> list:
        with self.lock:
            return list(self.acked[kind])

    def found_in_database(self) -> dict[str, int]:
        """How many acknowledged writes the database holds, as they were acknowledged."""
        from commitments.models import Evidence, ProgressUpdate, Reply, Review

        submitted = self.acked["submitted updates"]
        texts = dict(ProgressUpdate.objects.filter(pk__in=submitted).values_list("pk", "text"))
        published = set(
            ProgressUpdate.objects.filter(
                pk__in=self.acked["publishes"], state=ProgressUpdate.State.PUBLISHED
            ).values_list("pk", flat=True)
        )
        # Each review replaces the member's earlier one of that update: look in the history.
        reviews = set(
            Review.history.filter(member__username="member").values_list("update_id", "comment")
        )
        sources = set(Reply.history.values_list("source_url", flat=True))
        files = 0
        for update_id, content in self.acked["evidence files"].items():
            for evidence in Evidence.objects.filter(update_id=update_id).exclude(file=""):
                with evidence.file.open("rb") as stored:
                    files += stored.read() == content
        return {
            "submitted updates": sum(token in texts.get(pk, "") for pk, token in submitted.items()),
            "evidence files": files,
            "publishes": len(published),
            "reviews": sum(key in reviews for key in self.acked["reviews"]),
            "imports": sum(url in sources for url in self.acked["imports"].values()),
        }

    def listed_by_api(self, browser, base_url: str, addresses: list[str]) -> int:
        """How many of the published updates the public API lists, page after page (each page
        asked for from another of `addresses`, within the API's limit per visitor)."""
        tokens = {self.acked["submitted updates"][pk] for pk in self.acked["publishes"]}
        listed, url, pages = 0, f"{base_url}/api/v1/updates/", 0
        while url:
            browser.headers["X-Forwarded-For"] = addresses[pages % len(addresses)]
            pages += 1
            page = json.loads(browser.get(url).body)
            texts = " ".join(update["text"] for update in page["results"])
            listed += sum(token in texts for token in tokens)
            url = page["next"]
        return listed


def timing_row(name: str, seconds: list[float]) -> str:
    if not seconds:
        return f"| {name} | 0 | – | – | – |"
    ordered = sorted(seconds)
    return (
        f"| {name} | {len(ordered):,} | {statistics.median(ordered) * 1000:.0f} ms "
        f"| {percentile(ordered, 0.99) * 1000:.0f} ms | {ordered[-1] * 1000:.0f} ms |"
    )


def render(tally, writes, found, listed, run: dict) -> tuple[str, bool]:
    """The report, and whether the soak passed: no 5xx, no failed or unexpected answer, no
    acknowledged write missing."""
    elapsed = run["seconds"]
    everything = [s for kind in KINDS for s in tally.seconds[kind]]
    lost = {kind: len(writes.acked[kind]) - found[kind] for kind in Writes.KINDS}
    published = len(writes.acked["publishes"])
    lines = [
        f"Soak of {elapsed:.0f} s: two gunicorn servers (2 sync workers each) on one PostgreSQL "
        f"database and one media folder, {os.cpu_count()} cores (load average "
        f"{run['load'][0]:.1f} before, {run['load'][1]:.1f} after); {run['readers']} readers, "
        f"2 bureau writers, the office publishing, a member reviewing, `import_reply --update` "
        f"every {run['import_every']} s; each request to either server at random.",
        "",
        f"{len(everything):,} requests ({len(everything) / elapsed:,.0f} per second).",
        "",
        "| requests | count | p50 | p99 | max |",
        "|---|---:|---:|---:|---:|",
        timing_row("all", everything),
        *(timing_row(label, tally.seconds[kind]) for kind, label in KINDS.items()),
        timing_row("import_reply --update (a process each)", tally.import_seconds),
        "",
        f"Errors: {sum(tally.server_errors.values())} answers 5xx"
        f"{' ' + str(dict(tally.server_errors)) if tally.server_errors else ''}, "
        f"{tally.failed_connections} requests without an answer, "
        f"{sum(tally.unexpected.values())} other unexpected answers"
        f"{' ' + str(dict(tally.unexpected)) if tally.unexpected else ''}. "
        f"{tally.conflicts} publishes met a change made meanwhile (409) and were sent again.",
        "",
        "| writes | attempted | acknowledged | found in the database | lost |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {kind} | {writes.attempted[kind]:,} | {len(writes.acked[kind]):,} "
            f"| {found[kind]:,} | {lost[kind]} |"
            for kind in Writes.KINDS
        ),
        "",
        f"The public API lists {listed:,} of the {published:,} published updates.",
    ]
    if tally.problems:
        lines += ["", "First problems:", *(f"- {problem}" for problem in tally.problems)]
    passed = (
        not tally.server_errors
        and not tally.failed_connections
        and not tally.unexpected
        and not any(lost.values())
        and listed == published
    )
    lines += ["", "PASSED: zero 5xx, zero lost writes." if passed else "FAILED."]
    return "\n".join(lines), passed
