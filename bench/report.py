"""The targets of issue 6 and the Markdown report the benchmark prints and saves."""

from dataclasses import dataclass, field

from loadgen import Load
from sql import Plan

# Share of the bare view's throughput each kind of page must reach.
RATIO_TARGETS = {"public": 0.50, "signed-in": 0.15, "api": 0.15}
P99_MS = 100
MAX_QUERIES = 10
SEARCH_MS = 200
EXPORT_SECONDS = 10
EXPORT_MB = 150


@dataclass
class Row:
    name: str
    group: str  # bare, public, signed-in, api, export
    load: Load | None = None
    queries: tuple[int, int] | None = None  # (first request, repeated request)
    problem: str = ""  # "missing" (404) or an error: the page could not be measured
    search_ms: float | None = None  # a search alone, median of sequential requests
    export: dict = field(default_factory=dict)  # seconds, mb, rows

    def failures(self, bare_rate: float) -> list[str]:
        if self.group == "bare":
            return []
        if self.problem:
            return [self.problem]
        failed = []
        if self.queries and self.queries[0] > MAX_QUERIES:
            failed.append(f"{self.queries[0]} queries")
        if self.group == "export":
            if self.export["seconds"] >= EXPORT_SECONDS:
                failed.append(f"{self.export['seconds']:.1f} s")
            if self.export["mb"] >= EXPORT_MB:
                failed.append(f"{self.export['mb']:.0f} MB")
            return failed
        if self.load.errors:
            failed.append(f"{self.load.errors} errors")
        if bare_rate and self.load.requests_per_second / bare_rate < RATIO_TARGETS[self.group]:
            failed.append("throughput")
        if self.load.p99_ms >= P99_MS:
            failed.append("p99")
        if self.search_ms is not None and self.search_ms >= SEARCH_MS:
            failed.append(f"search alone {self.search_ms:.0f} ms")
        return failed

    def target(self) -> str:
        if self.group == "bare":
            return "baseline"
        if self.group == "export":
            return f"< {EXPORT_SECONDS} s, < {EXPORT_MB} MB, ≤ {MAX_QUERIES} q"
        text = f"≥ {RATIO_TARGETS[self.group]:.0%}, p99 < {P99_MS} ms, ≤ {MAX_QUERIES} q"
        if self.search_ms is not None:
            text += f", alone < {SEARCH_MS} ms"
        return text

    def cells(self, bare_rate: float) -> list[str]:
        queries = "—"
        if self.queries:
            cold, warm = self.queries
            queries = str(cold) if cold == warm else f"{cold} / {warm}"
        failed = self.failures(bare_rate)
        verdict = "✓" if not failed else "✗ " + ", ".join(failed)
        if self.group == "export" and not self.problem:
            measured = f"{self.export['seconds']:.1f} s, {self.export['mb']:.0f} MB"
            measured += f", {self.export['rows']:,} rows"
            return [
                self.name,
                "—",
                "—",
                "—",
                "—",
                queries,
                self.target(),
                f"{verdict} ({measured})",
            ]
        if self.load is None:
            return [self.name, "—", "—", "—", "—", queries, self.target(), verdict]
        if self.search_ms is not None and self.search_ms < SEARCH_MS:
            verdict += f" (search alone {self.search_ms:.0f} ms)"
        ratio = self.load.requests_per_second / bare_rate if bare_rate else 0
        return [
            self.name,
            f"{self.load.requests_per_second:,.0f}",
            f"{self.load.p50_ms:.1f}",
            f"{self.load.p99_ms:.1f}",
            "100%" if self.group == "bare" else f"{ratio:.0%}",
            queries,
            self.target(),
            verdict,
        ]


def table(rows: list[Row], bare_rate: float) -> str:
    header = ["page", "req/s", "p50 ms", "p99 ms", "vs bare", "queries", "target", "ok?"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row.cells(bare_rate)) + " |" for row in rows]
    return "\n".join(lines)


def costs_section(costs: dict[str, tuple[tuple[float, float], float]]) -> str:
    """One request alone, in-process: how much of it is SQL and how much Python and templates."""
    lines = [
        "Where the time goes: each page requested alone, in-process (no load, no HTTP), first "
        "and repeated request; SQL is the sum of the first request's EXPLAIN ANALYZE times.",
        "",
        "| page | first ms | repeated ms | SQL ms |",
        "|---|---|---|---|",
    ]
    for name, ((first, repeated), sql) in costs.items():
        lines.append(f"| {name} | {first:.1f} | {repeated:.1f} | {sql:.1f} |")
    return "\n".join(lines)


def plans_section(plans: list[Plan], shown: int = 3, listed: int = 10) -> str:
    if not plans:
        return "No query plans (they need PostgreSQL)."
    lines = [f"Slowest statements (EXPLAIN ANALYZE, of {len(plans)} distinct):", ""]
    for plan in plans[:listed]:
        sql = " ".join(plan.sql.split())
        lines.append(f"- {plan.milliseconds:8.1f} ms  {plan.page}: `{sql[:160]}…`")
    for plan in plans[:shown]:
        lines += ["", f"### {plan.milliseconds:.1f} ms · {plan.page}", "", "```sql", plan.sql]
        lines += ["```", "", "```", plan.text, "```"]
    return "\n".join(lines)
