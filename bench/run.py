"""`make bench`: the application's pages under load, against a bare Django view (issue 6).

Fills a PostgreSQL database with synthetic data (generate_demo_data), serves the application and a
bare one-view project with the same gunicorn settings, loads each page with wrk, counts its SQL
in-process, times the full CSV export and a text search, and prints the slowest query plans.

    .venv/bin/python bench/run.py [--no-fail]
    env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tracker_bench; not
         DATABASE_URL, so that a developer's own database never fills with synthetic rows),
         BENCH_COMMITMENTS (100000), BENCH_SECONDS (10), BENCH_CONNECTIONS (4)
"""

import argparse
import datetime
import os
import secrets
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import loadgen
import servers
from report import Row, costs_section, plans_section, table

ROOT = servers.ROOT
RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
EXPORT_PATH = "/zh-hans/commitments/export.csv"
WARM_UP_REQUESTS = 20
SEARCH_REQUESTS = 5


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


def pages(ex: dict) -> list[tuple[str, str, str]]:
    """(name, address, group) of every page under load."""
    return [
        ("overview", "/zh-hans/", "public"),
        ("commitment list", "/zh-hans/commitments/", "public"),
        ("list ?status=on_track", "/zh-hans/commitments/?status=on_track", "public"),
        (f"list ?organisation={ex['slug']}", f"/zh-hans/commitments/?organisation={ex['slug']}",
         "public"),
        (f"search ?q={ex['word']}", f"/zh-hans/commitments/?q={quote(ex['word'])}", "public"),
        ("commitment page", f"/zh-hans/commitments/{ex['commitment']}/", "public"),
        ("reply page", f"/zh-hans/replies/{ex['reply']}/", "public"),
        ("API list", "/api/v1/commitments/", "api"),
        ("admin commitment list", "/admin/commitments/commitment/", "signed-in"),
        ("workspace", "/zh-hans/workspace/", "signed-in"),
    ]  # fmt: skip


def bench_user():
    """An office account and a signed-in session cookie for the signed-in pages."""
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
    return (
        user,
        f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
    )


def loaded(server, path, args, cookie="") -> loadgen.Load:
    url = server.base_url + path
    for _ in range(WARM_UP_REQUESTS):
        loadgen.fetch(url, cookie)
    return loadgen.run(
        url, seconds=args.seconds, connections=args.connections, threads=2, cookie=cookie
    )


def measure_bare(args, env) -> loadgen.Load:
    with servers.Gunicorn("bare.wsgi", env=env, chdir=Path(__file__).resolve().parent) as bare:
        load = loaded(bare, "/", args)
    print(f"  bare view: {load.requests_per_second:,.0f} req/s")
    return load


def measure_pages(args, env, rows_by_path, cookie):
    with servers.Gunicorn("tracker.wsgi", env=env) as app:
        for path, row in rows_by_path.items():
            page_cookie = cookie if row.group == "signed-in" else ""
            status, _seconds, _size = loadgen.fetch(app.base_url + path, page_cookie)
            if status != 200:
                row.problem = "missing" if status == 404 else f"HTTP {status}"
                print(f"  {row.name}: {row.problem}")
                continue
            row.load = loaded(app, path, args, page_cookie)
            print(f"  {row.name}: {row.load.requests_per_second:,.0f} req/s")
            if row.name.startswith("search"):
                times = sorted(
                    loadgen.fetch(app.base_url + path)[1] for _ in range(SEARCH_REQUESTS)
                )
                row.search_ms = times[len(times) // 2] * 1000


def measure_export(env, path) -> Row:
    """The whole list as CSV from a fresh single worker: wall time and the worker's peak RSS."""
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


def configure(database_url: str) -> dict:
    """Environment for this process and for gunicorn; returns gunicorn's."""
    common = {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(32),
        # wrk loads pages, not their assets: no collectstatic or manifest needed.
        "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
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
            statements[row.name] = counted.statements
            alone[row.name] = counted.milliseconds
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
    rows_by_path = {path: Row(name, group) for name, path, group in pages(ex)}

    print("Counting SQL per request (in-process) …")
    statements, alone = count_all(rows_by_path, user)

    print(f"Loading pages for {args.seconds} s each with {loadgen.using()} …")
    # The bare view before and after the pages: the machine's speed drifts during a run.
    bare = [measure_bare(args, env)]
    measure_pages(args, env, rows_by_path, cookie)
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
    rows = [Row("bare Django view", "bare", load=bare_load), *rows_by_path.values(), export_row]
    context = {"held": held, "bare": bare, "load": (load_before, os.getloadavg()[0])}
    summary = render(args, ex, context, rows, plans, costs)
    print("\n" + summary)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(summary + "\n", encoding="utf-8")
    print(f"\nSaved to {RESULTS.relative_to(ROOT)}")
    failed = [row.name for row in rows if row.failures(bare_load.requests_per_second)]
    if failed and not args.no_fail:
        sys.exit(f"{len(failed)} of {len(rows) - 1} pages miss their targets: {', '.join(failed)}")


def render(args, ex, context, rows, plans, costs) -> str:
    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    before, after = (load.requests_per_second for load in context["bare"])
    header = (
        f"Benchmark of {datetime.datetime.now():%Y-%m-%d %H:%M} (commit {revision or '?'}, "
        f"uncommitted changes included): {context['held']:,} commitments; gunicorn 2 sync "
        f"workers; {loadgen.using()} with {args.connections} connections for {args.seconds} s "
        f"per page; {os.cpu_count()} cores, load average {context['load'][0]:.1f} before and "
        f"{context['load'][1]:.1f} after. Search word {ex['word']} is in {ex['word_share']:.1%} "
        f"of titles. The bare view, before and after the pages: {before:,.0f} and {after:,.0f} "
        "req/s (the table shows the mean). Queries: first request / repeated request when they "
        "differ."
    )
    rate = (before + after) / 2
    return "\n\n".join([header, table(rows, rate), costs_section(costs), plans_section(plans)])


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"Benchmark took {time.monotonic() - started:.0f} s.")
