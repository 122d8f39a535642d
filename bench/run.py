"""`make bench`: the application's pages under load, against a bare Django view (issue 6).

Fills a PostgreSQL database with synthetic data (generate_demo_data), serves the application and a
bare one-view project with the same gunicorn settings, loads each page with wrk, counts its SQL
in-process, times the full CSV export and a series of uncached text searches, and prints the
slowest query plans. Pages are loaded with the page cache on, as in production (issue 6), and
again from a server with the page cache off, every request a miss (issue 14); a last load walks
the commitment pages with the cache on, every request a different commitment. Then the pages on
misses at 100,000 and at 300,000 commitments, in a copy of the database topped up, in alternating
loads, against issue 14's growth target (growth.py).

    .venv/bin/python bench/run.py [--no-fail]
    env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tracker_bench; not
         DATABASE_URL, so that a developer's own database never fills with synthetic rows),
         BENCH_COMMITMENTS (100000), BENCH_SECONDS (10), BENCH_CONNECTIONS (4),
         BENCH_WORKER_CLASS (sync; gthread with BENCH_THREADS, 4, to compare),
         BENCH_GROWTH_COMMITMENTS (300000; 0: no growth run)
"""

import argparse
import datetime
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import growth
import loadgen
import servers
from report import (
    Row,
    cold_search_section,
    costs_section,
    plans_section,
    table,
    table_notes,
)

ROOT = servers.ROOT
RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
EXPORT_PATH = "/zh-hans/commitments/export.csv"
LIST_PATH = "/zh-hans/commitments/"
# Searches timed alone, each at an address the page cache has never seen: two-character terms of
# the synthetic phrases (commitments/synthetic/phrases.py), most in about 1% of commitments like
# the benchmark's word, two common ones, two in half or all of the commitments (the letters'
# own words) and one found nowhere (every row is scanned for it).
COLD_SEARCH_TERMS = [
    "养老", "食堂", "公交", "河道", "噪声", "农田", "图书", "诈骗", "欠薪", "物业", "非遗",
    "厕所", "校舍", "饮水", "电商", "矿山", "就业", "推进", "提案", "关于", "量子",
]  # fmt: skip
# Fetched again after the load to tell a stored page from a fresh render (new CSRF token mask).
STORE_CHECK_FETCHES = 8
WORKERS = 2


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-fail", action="store_true", help="Report only; exit 0 on misses.")
    parser.add_argument(
        "--commitments", type=int, default=int(os.environ.get("BENCH_COMMITMENTS", 100_000))
    )
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument(
        "--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 4))
    )
    parser.add_argument(
        "--growth",
        type=int,
        default=int(os.environ.get("BENCH_GROWTH_COMMITMENTS", 300_000)),
        help="Then load the pages again at this many commitments (0: not at all).",
    )
    parser.add_argument(
        "--misses-only",
        action="store_true",
        help="Only the bare view and the pages on misses: a quick check of issue 14's shares.",
    )
    parser.add_argument(
        "--prepare-only",
        type=Path,
        metavar="JSON",
        help="Only fill the database; write its cookie and commitment pages to this file "
        "(growth.py, for the larger database).",
    )
    return parser.parse_args()


def ensure_database(url: str):
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not found:
            print(f"Creating database {config['NAME']}")
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def prepare_data(wanted: int) -> int:
    """Migrate and fill the database up to `wanted` commitments; returns how many it holds."""
    from django.core.management import call_command
    from django.db import connection

    from commitments.models import Commitment, User

    call_command("migrate", verbosity=0)
    held = Commitment.objects.count()
    generated_before = User.objects.filter(username="demo-office-1").exists()
    if held < wanted and held and not generated_before:
        sys.exit(
            f"{connection.settings_dict['NAME']} holds {held:,} commitments that "
            "generate_demo_data did not make; give the benchmark a database of its own."
        )
    if held < wanted:
        call_command("generate_demo_data", commitments=wanted - held, append=generated_before)
    if connection.vendor == "postgresql":
        # Steady state, as autovacuum would leave it: visibility map and statistics up to date.
        print("VACUUM ANALYZE …")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return Commitment.objects.count()


def examples() -> dict:
    """A typical commitment, its reply, an organisation and a search word for the addresses."""
    from django.db.models import Count

    from commitments.models import Commitment, Organisation, ProgressUpdate
    from commitments.synthetic.phrases import SEARCH_WORD

    busy = (
        ProgressUpdate.objects.published()
        .values("commitment")
        .annotate(n=Count("pk"))
        .filter(n__gte=10)
        .order_by("commitment")
        .first()
    )
    commitment = (
        Commitment.objects.get(pk=busy["commitment"]) if busy else Commitment.objects.first()
    )
    organisation = Organisation.objects.filter(slug="city-housing").first()
    organisation = (
        organisation or Organisation.objects.filter(led_commitments__isnull=False).first()
    )
    total = Commitment.objects.count()
    matches = Commitment.objects.filter(title__contains=SEARCH_WORD).count()
    return {
        "commitment": commitment.pk,
        "reply": commitment.reply_id,
        "slug": organisation.slug,
        "word": SEARCH_WORD,
        "word_share": matches / total if total else 0,
    }


def pages(ex: dict) -> list[tuple[str, str, str, float | None]]:
    """(name, address, group, share of the bare view on misses: issue 14) of every page."""
    return [
        ("overview", "/zh-hans/", "public", 0.05),
        ("commitment list", "/zh-hans/commitments/", "public", 0.05),
        ("list ?status=on_track", "/zh-hans/commitments/?status=on_track", "public", 0.05),
        (f"list ?organisation={ex['slug']}", f"/zh-hans/commitments/?organisation={ex['slug']}",
         "public", 0.05),
        (f"search ?q={ex['word']}", f"/zh-hans/commitments/?q={quote(ex['word'])}", "public",
         0.03),
        ("commitment page", f"/zh-hans/commitments/{ex['commitment']}/", "public", 0.08),
        ("reply page", f"/zh-hans/replies/{ex['reply']}/", "public", 0.08),
        ("organisation page", f"/zh-hans/organisations/{ex['slug']}/", "public", 0.05),
        ("API list", "/api/v1/commitments/", "api", None),
        ("API updates", "/api/v1/updates/", "api", None),
        ("admin commitment list", "/admin/commitments/commitment/", "signed-in", 0.03),
        ("workspace", "/zh-hans/workspace/", "signed-in", 0.03),
    ]  # fmt: skip


RANDOM_PAGES_TARGET = 0.08
SEARCH_TERMS_NAME = "search, every request a different term"
SEARCH_TERMS_TARGET = 0.03
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def random_commitment_paths() -> list[str]:
    """Every public commitment's page in a shuffled order: a crawler's walk, no address twice."""
    import random

    from commitments.models import Commitment

    ids = list(Commitment.objects.public().values_list("pk", flat=True))
    random.Random(14).shuffle(ids)
    return [f"/zh-hans/commitments/{pk}/" for pk in ids]


def search_term_paths() -> list[str]:
    """A search for every two-character Chinese term of the public commitments' titles and
    promised texts, in a shuffled order: what visitors search for, common words and rare ones."""
    import random

    from commitments.models import Commitment

    terms = set()
    rows = Commitment.objects.public().values_list("title", "promised_text")
    for texts in rows.iterator(chunk_size=5000):
        for run in HAN_RUN.findall(" ".join(texts)):
            terms.update(run[i : i + 2] for i in range(len(run) - 1))
    terms = sorted(terms)
    random.Random(14).shuffle(terms)
    return [f"{LIST_PATH}?q={quote(term)}" for term in terms]


def bench_user():
    """An office account and the cookies of its signed-in browser: session and CSRF cookie."""
    from django.conf import settings
    from django.test import Client

    from commitments.models import Organisation, User
    from commitments.roles import assign_role

    user = User.objects.filter(username="bench").first()
    if user is None:
        user = User(username="bench")
        user.set_unusable_password()
        assign_role(user, User.Role.OFFICE, Organisation.objects.filter(is_office=True).first())
    client = Client()
    client.force_login(user)
    # A browser holds the CSRF cookie after its first page; the signed-in layer keys by it.
    client.get("/zh-hans/workspace/")
    names = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
    return user, "; ".join(f"{name}={client.cookies[name].value}" for name in names)


def cold_searches(ex: dict) -> dict:
    """The addresses of the uncached searches and how many commitments each matches."""
    import sql

    from commitments.models import Commitment

    extra = f"uncached={secrets.token_hex(4)}"
    word_path = f"{LIST_PATH}?q={quote(ex['word'])}"
    ignored = sql.extra_parameter_is_ignored(word_path, extra)
    matches = {
        f"{LIST_PATH}?q={quote(term)}": Commitment.objects.public().search(term).count()
        for term in COLD_SEARCH_TERMS
    }
    if ignored:
        matches[f"{word_path}&{extra}"] = Commitment.objects.public().search(ex["word"]).count()
    check = (
        "checked in-process, it runs the same SQL as without it and is not served from the cache"
        if ignored
        else "NOT used: that address did not run the same SQL uncached"
    )
    return {"matches": matches, "extra_check": check}


def loaded(server, path, args, cookie="") -> loadgen.Load:
    url = server.base_url + path
    for _ in range(loadgen.WARM_UP_REQUESTS):
        loadgen.fetch(url, cookie)
    return loadgen.run(
        url, seconds=args.seconds, connections=args.connections, threads=2, cookie=cookie
    )


def measure_bare(args, env) -> loadgen.Load:
    with servers.Gunicorn("bare.wsgi", env=env, chdir=Path(__file__).resolve().parent) as bare:
        load = loaded(bare, "/", args)
    print(f"  bare view: {load.requests_per_second:,.0f} req/s")
    return load


def served_by_store(app, path, cookie, username) -> tuple[bool | None, str]:
    """Whether a signed-in page comes from the page cache's signed-in layer, as in production.

    A fresh render masks its CSRF tokens anew; a stored page is replayed byte for byte. After the
    load, each worker holds the page: repeated fetches give at most one body per worker."""
    bodies = set()
    for _ in range(STORE_CHECK_FETCHES):
        chunks = []
        loadgen.fetch(app.base_url + path, cookie, sink=chunks.append)
        bodies.add(b"".join(chunks))
    body = next(iter(bodies))
    if b"csrfmiddlewaretoken" not in body or username.encode() not in body:
        return None, "could not check the page cache layer (no CSRF token or user name on page)"
    fetched = f"bodies of {STORE_CHECK_FETCHES} fetches after the load: {len(bodies)} distinct"
    if len(bodies) <= WORKERS:
        return True, (
            f"signed in as {username} and served by the signed-in layer of the page cache "
            f"({fetched}, with {WORKERS} workers; fresh renders differ in their CSRF tokens)"
        )
    return False, f"signed in as {username} but NOT served from the page cache ({fetched})"


def time_cold_searches(app, search: dict) -> dict:
    """Each search once, one after another; the page cache has seen none of these addresses.
    The database read into memory first (growth.prewarm), as for the loads on misses: each of
    these searches reads its matches' rows once, which a drained cache sent to disk (p50 31 ms,
    max 307 ms, against 12 and 16)."""
    growth.prewarm(os.environ["DATABASE_URL"])
    ms = {}
    for path in search["matches"]:
        status, seconds, _size = loadgen.fetch(app.base_url + path)
        if status != 200:
            raise RuntimeError(f"{path} answered HTTP {status}")
        ms[path] = seconds * 1000
    times = sorted(ms.values())
    return {
        **search,
        "ms": {path: ms[path] for path in search["matches"]},
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "max": times[-1],
    }


def measure_misses(args, env, rows_by_path, cookie, search_paths) -> Row:
    """Each page again from a server with the page cache off: every request a full render. Then
    searches, each request a different term (the page cache off: there are fewer terms than
    requests, and a term asked for again must not be answered from the cache)."""
    with servers.Gunicorn("tracker.wsgi", env={**env, "TRACKER_PAGE_CACHE": "0"}) as app:
        for path, row in rows_by_path.items():
            if row.problem:
                continue
            page_cookie = cookie if row.group == "signed-in" else ""
            growth.prewarm(os.environ["DATABASE_URL"])
            row.miss_load = loaded(app, path, args, page_cookie)
            print(f"  {row.name}, page cache off: {row.miss_load.requests_per_second:,.1f} req/s")
        return measure_walk(args, app, search_paths, SEARCH_TERMS_NAME, SEARCH_TERMS_TARGET)


def measure_random_pages(args, app, paths) -> Row:
    """Commitment pages with the page cache on, as deployed, every request a different one."""
    return measure_walk(args, app, paths, "random commitment pages", RANDOM_PAGES_TARGET)


def measure_walk(args, app, paths, name, target) -> Row:
    """A load on `app` whose every request takes the next of `paths`, the database read into
    memory first (growth.prewarm)."""
    row = Row(name, "random", miss_target=target)
    growth.prewarm(os.environ["DATABASE_URL"])
    warm_up, walked = loadgen.split_warm_up(paths)
    for path in warm_up:
        loadgen.fetch(app.base_url + path)
    row.miss_load = loadgen.run(
        app.base_url + "/",
        seconds=args.seconds,
        connections=args.connections,
        threads=2,
        paths=walked,
    )
    print(f"  {row.name}: {row.miss_load.requests_per_second:,.1f} req/s")
    return row


def measure_pages(args, env, rows_by_path, cookie, username, search, random_paths):
    store_checks = {}
    with servers.Gunicorn("tracker.wsgi", env=env, workers=WORKERS) as app:
        for path, row in rows_by_path.items():
            page_cookie = cookie if row.group == "signed-in" else ""
            status, _seconds, _size = loadgen.fetch(app.base_url + path, page_cookie)
            if status != 200:
                row.problem = "missing" if status == 404 else f"HTTP {status}"
                print(f"  {row.name}: {row.problem}")
                continue
            row.load = loaded(app, path, args, page_cookie)
            print(f"  {row.name}: {row.load.requests_per_second:,.0f} req/s")
            if row.group == "signed-in":
                row.from_store, store_checks[row.name] = served_by_store(
                    app, path, cookie, username
                )
                print(f"    {store_checks[row.name]}")
            if row.name.startswith("search"):
                row.cold_search = time_cold_searches(app, search)
                cold = row.cold_search
                print(
                    f"    {len(cold['ms'])} uncached searches: p50 {cold['p50']:.0f} ms, "
                    f"max {cold['max']:.0f} ms"
                )
        random_row = measure_random_pages(args, app, random_paths)
    return store_checks, random_row


def measure_export(env, path) -> Row:
    """The whole list as CSV from a fresh single worker: wall time and the worker's peak RSS.
    The database read into memory first (growth.prewarm): the export reads every commitment,
    which a drained cache sent to disk (11.7 s against 4.0)."""
    growth.prewarm(os.environ["DATABASE_URL"])
    row = Row("CSV export, all rows", "export")
    rows = [0]

    def count_rows(chunk):
        rows[0] += chunk.count(b"\n")

    with servers.Gunicorn("tracker.wsgi", env=env, workers=1) as app:
        status, seconds, _size = loadgen.fetch(app.base_url + path, sink=count_rows)
        if status != 200:
            row.problem = "missing" if status == 404 else f"HTTP {status}"
            return row
        (worker,) = app.worker_pids()
        row.export = {"seconds": seconds, "mb": servers.peak_rss_mb(worker), "rows": rows[0] - 1}
    print(f"  export: {seconds:.1f} s, {row.export['mb']:.0f} MB, {row.export['rows']:,} rows")
    return row


def connection_is_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def measure_misses_only(args, env, rows_by_path, cookie, walks, held):
    """The bare view, every page on misses, the searches and the random pages, each as a share
    of the bare view."""
    random_paths, search_paths = walks
    print(f"Loading pages on misses at {held:,} commitments for {args.seconds} s each …")
    bare = [measure_bare(args, env)]
    search_row = measure_misses(args, env, rows_by_path, cookie, search_paths)
    with servers.Gunicorn("tracker.wsgi", env=env, workers=WORKERS) as app:
        random_row = measure_random_pages(args, app, random_paths)
    bare.append(measure_bare(args, env))
    rate = sum(load.requests_per_second for load in bare) / 2
    print(f"\nShares of the bare view ({rate:,.0f} req/s, the mean of the two loads):")
    for row in [*rows_by_path.values(), search_row, random_row]:
        if row.miss_target is not None and row.miss_load is not None:
            share = row.miss_load.requests_per_second / rate
            failed = row.miss_failures(rate)
            verdict = f"  ✗ {', '.join(failed)}" if failed else ""
            print(
                f"  {row.name}: {share:.1%} (target {row.miss_target:.0%}), "
                f"p99 {row.miss_load.p99_ms:.1f} ms{verdict}"
            )


def configure(database_url: str) -> dict:
    """Environment for this process and for gunicorn; returns gunicorn's."""
    common = {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        # growth.py hands its key to the run that prepares the larger database.
        "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(32),
        # wrk loads pages, not their assets: no collectstatic or manifest needed.
        "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        # One load generator stands for many visitors: the per-address API limit would answer
        # it with 429s and measure the throttle, not the pages.
        "TRACKER_THROTTLE_API_PER_MINUTE": "100000000",
    }
    # whitenoise warns once per worker that collectstatic has not run; it does not need to.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    os.environ.update(common, DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver")
    sys.path.insert(0, str(ROOT))
    return servers.server_env(
        **common,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONWARNINGS="ignore:No directory at:UserWarning",
    )


def count_all(rows_by_path, user):
    """Queries per page, each page's statements and its in-process request times."""
    import sql

    statements, alone = {}, {}
    for path, row in rows_by_path.items():
        counted = sql.count_queries(path, user if row.group == "signed-in" else None)
        if counted.status == 200:
            row.queries = (counted.cold, counted.warm)
            row.uncached_ms = counted.uncached_ms
            statements[row.name] = counted.statements
            alone[row.name] = counted
    return statements, alone


def main():
    args = parse_args()
    load_before = os.getloadavg()[0]
    database_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    env = configure(database_url)
    ensure_database(database_url)

    import django

    django.setup()
    import sql

    held = prepare_data(args.commitments)
    ex = examples()
    user, cookie = bench_user()
    rows_by_path = {
        path: Row(name, group, miss_target=target) for name, path, group, target in pages(ex)
    }
    random_paths = random_commitment_paths()
    if args.prepare_only:
        prepared = {"held": held, "cookie": cookie, "random_paths": random_paths}
        args.prepare_only.write_text(json.dumps(prepared), encoding="utf-8")
        return
    search_paths = search_term_paths()
    if args.misses_only:
        measure_misses_only(args, env, rows_by_path, cookie, (random_paths, search_paths), held)
        return

    print("Counting SQL per request (in-process) …")
    statements, alone = count_all(rows_by_path, user)
    search = cold_searches(ex)

    print(f"Loading pages for {args.seconds} s each with {loadgen.using()} …")
    # The bare view before and after the pages: the machine's speed drifts during a run.
    bare = [measure_bare(args, env)]
    store_checks, random_row = measure_pages(
        args, env, rows_by_path, cookie, user.username, search, random_paths
    )
    search_row = measure_misses(args, env, rows_by_path, cookie, search_paths)
    bare.append(measure_bare(args, env))
    bare_load = loadgen.Load(
        sum(load.requests_per_second for load in bare) / 2,
        sum(load.p50_ms for load in bare) / 2,
        max(load.p99_ms for load in bare),
    )
    export_row = measure_export(env, EXPORT_PATH)
    if not export_row.problem:
        counted = sql.count_queries(EXPORT_PATH, repeat=1)
        export_row.queries = (counted.cold, counted.warm)

    print("EXPLAIN ANALYZE of every statement the pages ran …")
    plans, sql_ms = sql.ranked_plans(statements)
    costs = {name: (alone[name], sql_ms.get(name, 0.0)) for name in alone}
    rows = [Row("bare Django view", "bare", load=bare_load), *rows_by_path.values()]
    rows += [search_row, random_row, export_row]
    growth_text, grew = "", []
    if args.growth > held and connection_is_postgresql():
        smaller = growth.Side(database_url, held, cookie, random_paths)
        larger = growth.prepare_larger(database_url, args.growth)
        on_misses = [
            (row.name, path, row.group)
            for path, row in rows_by_path.items()
            if row.miss_target is not None and not row.problem
        ]
        walks = {"search": (search_row.name, search_paths), "random": random_row.name}
        results = growth.measure(args, env, on_misses, smaller, larger, walks)
        growth_text, grew = growth.section(results, smaller, larger)
    context = {
        "held": held,
        "bare": bare,
        "load": (load_before, os.getloadavg()[0]),
        "store_checks": store_checks,
        "growth": growth_text,
    }
    summary = render(args, ex, context, rows, plans, costs)
    print("\n" + summary)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(summary + "\n", encoding="utf-8")
    print(f"\nSaved to {RESULTS.relative_to(ROOT)}")
    failed = [row.name for row in rows if row.failures(bare_load.requests_per_second)] + grew
    if failed and not args.no_fail:
        sys.exit(f"{len(failed)} of {len(rows) - 1} pages miss their targets: {', '.join(failed)}")


def render(args, ex, context, rows, plans, costs) -> str:
    def git(*command):
        return subprocess.run(["git", *command], capture_output=True, text=True, cwd=ROOT).stdout

    revision = git("rev-parse", "--short", "HEAD").strip() or "?"
    if git("status", "--porcelain", "--untracked-files=no").strip():
        revision += ", uncommitted changes included"
    before, after = (load.requests_per_second for load in context["bare"])
    header = (
        f"Benchmark of {datetime.datetime.now():%Y-%m-%d %H:%M} (commit {revision}): "
        f"{context['held']:,} commitments; gunicorn 2 "
        f"{servers.WORKER_CLASS} workers; {loadgen.using()} with {args.connections} connections "
        f"for {args.seconds} s "
        f"per page; {os.cpu_count()} cores, load average {context['load'][0]:.1f} before and "
        f"{context['load'][1]:.1f} after. Search word {ex['word']} is in {ex['word_share']:.1%} "
        f"of titles. The bare view, before and after the pages: {before:,.0f} and {after:,.0f} "
        "req/s (the table shows the mean)."
    )
    rate = (before + after) / 2
    search = next((row for row in rows if row.cold_search), None)
    return "\n\n".join(
        [
            header,
            table(rows, rate),
            table_notes(rows, context["store_checks"]),
            cold_search_section(search),
            *([context["growth"]] if context["growth"] else []),
            costs_section(costs),
            plans_section(plans),
        ]
    )


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"Benchmark took {time.monotonic() - started:.0f} s.")
