"""Issue 14's growth target: every page's uncached time at 300,000 commitments at most 1.5 times
its time at 100,000, measured in the same `make bench`.

The larger database is a copy of the benchmark's (CREATE DATABASE … TEMPLATE) topped up by
generate_demo_data, so its first 100,000 commitments are the same; it is kept for later runs.
`run.py --prepare-only` fills it in a process of its own and hands back the signed-in cookie and
the commitment pages of that database.

Then a server on each database is loaded in turn, page by page, every request a miss: ROUNDS
loads on each, the order alternating (smaller first, larger first, …). Two loads minutes apart
differed by up to ±20% on a shared machine, which alone could pass or fail a 1.5× limit; loads
seconds apart, side by side, share the machine's state. A page's growth is the median over the
rounds of (req/s at the smaller ÷ req/s at the larger): its time per request at the larger size
over its time at the smaller.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import loadgen
import servers

GROWTH_LIMIT = 1.5
ROUNDS = 3
HERE = Path(__file__).resolve().parent


@dataclass
class Side:
    """One database of the comparison: its address, size, signed-in cookie, commitment pages."""

    url: str
    held: int
    cookie: str
    random_paths: list[str]


@dataclass
class Growth:
    name: str
    smaller: list[float] = field(default_factory=list)  # req/s of each round
    larger: list[float] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        """Each round's req/s at the smaller size over its req/s at the larger."""
        return [a / b for a, b in zip(self.smaller, self.larger, strict=True)]

    @property
    def factor(self) -> float:
        return statistics.median(self.ratios)

    @property
    def ok(self) -> bool:
        return self.factor <= GROWTH_LIMIT


def larger_database_url(url: str, commitments: int) -> str:
    import dj_database_url

    name = dj_database_url.parse(url)["NAME"]
    head, _slash, _name = url.rpartition("/")
    return f"{head}/{name}_{commitments}"


def connect(url: str, dbname: str | None = None):
    """An autocommit connection to the database of `url`, or to another on its server."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    return psycopg.connect(
        dbname=dbname or config["NAME"],
        autocommit=True,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
    )


def copy_database(url: str, larger_url: str) -> None:
    """The larger database as a copy of the smaller, unless it exists already."""
    import dj_database_url

    source, target = dj_database_url.parse(url), dj_database_url.parse(larger_url)
    with connect(url, "postgres") as connection:
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


# The databases without pg_prewarm, said once.
UNWARMED = set()


def prewarm(url: str) -> None:
    """Every table and index of the database read into the operating system's cache, as a
    serving database's are (pg_prewarm, from PostgreSQL's contrib), before each load. Read once,
    the larger database was read from disk in the first round: the searches made 54 req/s there
    in a first load and 95–137 in the five after, and the random commitment pages, each a
    commitment no load had read, grew 2.56× in a first round and 1.05× in a third. And some
    machines here give their cached file pages back to the host, about 14 MB/s whatever is read
    (buff/cache from 2.9 to 2.0 GB in 100 idle seconds): read once at the start, both databases
    were back on disk by the last pages (the random commitment pages grew 2.38× in each round).
    Read again when nothing was dropped, the 300,000 database (2.1 GB) takes about a second."""
    import psycopg

    if url in UNWARMED or not url.startswith(("postgres://", "postgresql://")):
        return
    with connect(url) as connection:
        try:
            connection.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except psycopg.Error as error:
            print(f"  No pg_prewarm ({error}): loads may read from disk.")
            UNWARMED.add(url)
            return
        connection.execute(
            "SELECT sum(pg_prewarm(c.oid::regclass, 'read')) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND c.relkind IN ('r', 'i', 't', 'm')"
        )


def prepare_larger(url: str, commitments: int) -> Side:
    """The larger database, copied and filled by `run.py --prepare-only` in a process of its own."""
    from django.db import connections

    larger_url = larger_database_url(url, commitments)
    connections.close_all()
    copy_database(url, larger_url)
    with tempfile.TemporaryDirectory() as folder:
        prepared = Path(folder) / "prepared.json"
        env = {
            **os.environ,
            "BENCH_DATABASE_URL": larger_url,
            "BENCH_COMMITMENTS": str(commitments),
            # The same key as the servers': the cookie it hands back must be a valid session.
            "BENCH_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        }
        command = [sys.executable, str(HERE / "run.py"), "--prepare-only", str(prepared)]
        subprocess.run(command, env=env, check=True)
        return Side(url=larger_url, **json.loads(prepared.read_text(encoding="utf-8")))


def _load(server, path, seconds, connections, cookie, warm_up) -> float:
    url = server.base_url + path
    for _ in range(loadgen.WARM_UP_REQUESTS if warm_up else 0):
        status, _seconds, _size = loadgen.fetch(url, cookie)
        if status != 200:
            raise RuntimeError(f"{path} answered HTTP {status} at {server.base_url}")
    load = loadgen.run(url, seconds=seconds, connections=connections, threads=2, cookie=cookie)
    if load.errors:
        raise RuntimeError(f"{path} answered {load.errors} errors at {server.base_url}")
    return load.requests_per_second


def _walk(server, paths, seconds, connections) -> float:
    load = loadgen.run(
        server.base_url + "/", seconds=seconds, connections=connections, threads=2, paths=paths
    )
    if load.errors:
        raise RuntimeError(f"{paths[0]} and the addresses after it answered {load.errors} errors")
    return load.requests_per_second


def _rounds(name: str, sides, measure) -> Growth:
    """ROUNDS loads on each side, the order alternating, each side's database read into memory
    before each (prewarm); `measure(side, round)` gives req/s, side 0 the smaller database and 1
    the larger."""
    growth = Growth(name)
    for number in range(ROUNDS):
        for side in (0, 1) if number % 2 == 0 else (1, 0):
            prewarm(sides[side].url)
            (growth.larger if side else growth.smaller).append(measure(side, number))
    print(
        f"  {name}: {statistics.median(growth.smaller):,.0f} and "
        f"{statistics.median(growth.larger):,.0f} req/s, {growth.factor:.2f}×"
    )
    return growth


def measure(args, env, pages, smaller: Side, larger: Side, walks: dict) -> list[Growth]:
    """Each page on misses, loaded on the smaller and the larger database in alternating rounds.

    `pages`: (name, path, group) of the pages with a target on misses; `walks`: the name of the
    searches' row and their addresses (the same on both sides), the name of the random pages'."""
    seconds = max(2, args.seconds // 2)
    print(
        f"Growth: each page on misses at {smaller.held:,} and at {larger.held:,} commitments, "
        f"{ROUNDS} alternating loads of {seconds} s on each …"
    )
    sides, results = (smaller, larger), []

    def served(stack, **extra):
        return [
            stack.enter_context(
                servers.Gunicorn("tracker.wsgi", env={**env, **extra, "DATABASE_URL": side.url})
            )
            for side in sides
        ]

    with ExitStack() as stack:
        apps = served(stack, TRACKER_PAGE_CACHE="0")
        for name, path, group in pages:

            def page(side, number, path=path, group=group):
                cookie = sides[side].cookie if group == "signed-in" else ""
                return _load(apps[side], path, seconds, args.connections, cookie, number == 0)

            results.append(_rounds(name, sides, page))

        search_name, search_paths = walks["search"]

        def search(side, number):
            return _walk(apps[side], search_paths[number::ROUNDS], seconds, args.connections)

        results.append(_rounds(search_name, sides, search))
    # The page cache on, as deployed, every request a commitment page not asked for before.
    with ExitStack() as stack:
        apps = served(stack)

        def walk(side, number):
            # Warm up on pages that no round asks for, as the main run's walk does.
            warm_up, walked = loadgen.split_warm_up(sides[side].random_paths)
            for path in warm_up if number == 0 else []:
                loadgen.fetch(apps[side].base_url + path)
            return _walk(apps[side], walked[number::ROUNDS], seconds, args.connections)

        results.append(_rounds(walks["random"], sides, walk))
    return results


def section(results: list[Growth], smaller: Side, larger: Side) -> tuple[str, list[str]]:
    """The growth table, and the pages that grew by more than the limit."""
    lines = [
        f"Growth (issue 14): each page with every request a miss at {smaller.held:,} and at "
        f"{larger.held:,} commitments, {ROUNDS} loads on each in alternating order; growth is "
        "the median over the rounds of (req/s at the smaller ÷ req/s at the larger), the "
        f"larger's time per request over the smaller's; target at most {GROWTH_LIMIT}×.",
        "",
        f"| page | req/s at {smaller.held:,} | req/s at {larger.held:,} | growth (rounds) | ok? |",
        "|---|---|---|---|---|",
    ]
    failed = []
    for growth in results:
        rounds = ", ".join(f"{ratio:.2f}" for ratio in growth.ratios)
        if not growth.ok:
            failed.append(f"{growth.name} (grows {growth.factor:.2f}×)")
        lines.append(
            f"| {growth.name} | {statistics.median(growth.smaller):,.0f} | "
            f"{statistics.median(growth.larger):,.0f} | {growth.factor:.2f}× ({rounds}) | "
            f"{'✓' if growth.ok else '✗'} |"
        )
    return "\n".join(lines), failed
