"""Issue 14's growth target: every page's uncached time at 300,000 commitments at most 1.5 times
its time at 100,000, measured in the same `make bench`.

The larger database is a copy of the benchmark's (CREATE DATABASE … TEMPLATE) topped up by
generate_demo_data, so its first 100,000 commitments are the same; it is kept for later runs.
The pages are loaded again, each request a miss, by `run.py --misses-only` on that database, with
the bare view before and after. Machines drift between two loads minutes apart, so each page's
time is compared as a share of the bare view's time in its own run: the growth of a page is
(bare req/s ÷ page req/s at the larger size) ÷ (the same at the smaller size).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

GROWTH_LIMIT = 1.5
HERE = Path(__file__).resolve().parent


def larger_database_url(url: str, commitments: int) -> str:
    import dj_database_url

    name = dj_database_url.parse(url)["NAME"]
    head, _slash, _name = url.rpartition("/")
    return f"{head}/{name}_{commitments}"


def copy_database(url: str, larger_url: str) -> None:
    """The larger database as a copy of the smaller, unless it exists already."""
    import dj_database_url
    import psycopg

    source, target = dj_database_url.parse(url), dj_database_url.parse(larger_url)
    params = {
        "host": source["HOST"] or None,
        "port": source["PORT"] or None,
        "user": source["USER"] or None,
        "password": source["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        if connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [target["NAME"]]
        ).fetchone():
            return
        print(f"Copying {source['NAME']} to {target['NAME']} …")
        # A template must have no other connections: this process's own, and nobody else's,
        # since the benchmark's database is its own.
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [source["NAME"]],
        )
        connection.execute(f'CREATE DATABASE "{target["NAME"]}" TEMPLATE "{source["NAME"]}"')


def measure_larger(args, url: str, commitments: int) -> dict:
    """Load the pages, every request a miss, at the larger size: `run.py --misses-only`."""
    from django.db import connections

    larger_url = larger_database_url(url, commitments)
    connections.close_all()
    copy_database(url, larger_url)
    with tempfile.TemporaryDirectory() as folder:
        figures = Path(folder) / "figures.json"
        env = {
            **os.environ,
            "BENCH_DATABASE_URL": larger_url,
            "BENCH_COMMITMENTS": str(commitments),
            "BENCH_GROWTH_COMMITMENTS": "0",
        }
        command = [sys.executable, str(HERE / "run.py"), "--misses-only", "--json", str(figures)]
        command += ["--seconds", str(args.seconds), "--connections", str(args.connections)]
        subprocess.run(command, env=env, check=True)
        return json.loads(figures.read_text(encoding="utf-8"))


def figures_of(rows, bare_rate: float, held: int) -> dict:
    """What `--misses-only` reports: the bare view's rate and each page's rate on misses."""
    return {
        "held": held,
        "bare": bare_rate,
        "pages": {
            row.name: row.miss_load.requests_per_second
            for row in rows
            if row.miss_target is not None and row.miss_load is not None
        },
    }


def section(smaller: dict, larger: dict) -> tuple[str, list[str]]:
    """The growth table, and the pages that grew by more than the limit."""
    lines = [
        f"Growth (issue 14): each page with every request a miss at {smaller['held']:,} and at "
        f"{larger['held']:,} commitments, in the same run; bare view {smaller['bare']:,.0f} and "
        f"{larger['bare']:,.0f} req/s. Time relative to the bare view's, larger ÷ smaller; "
        f"target at most {GROWTH_LIMIT}×.",
        "",
        f"| page | req/s at {smaller['held']:,} | req/s at {larger['held']:,} | growth | ok? |",
        "|---|---|---|---|---|",
    ]
    failed = []
    for name, rate in smaller["pages"].items():
        larger_rate = larger["pages"].get(name)
        if not larger_rate or not rate:
            lines.append(f"| {name} | {rate:,.0f} | — | — | ✗ not measured |")
            failed.append(f"{name} (growth not measured)")
            continue
        growth = (larger["bare"] / larger_rate) / (smaller["bare"] / rate)
        ok = growth <= GROWTH_LIMIT
        if not ok:
            failed.append(f"{name} (grows {growth:.2f}×)")
        verdict = "✓" if ok else "✗"
        lines.append(f"| {name} | {rate:,.0f} | {larger_rate:,.0f} | {growth:.2f}× | {verdict} |")
    return "\n".join(lines), failed
