"""Load on one address: wrk when installed, else a bounded Python load generator.

Both only ever talk to 127.0.0.1 and stop after the given number of seconds.
"""

import http.client
import itertools
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_SECONDS = 120
# Requests sent before a load is timed: each worker's first renders load templates and code.
WARM_UP_REQUESTS = 20
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int = 0


def _local(url: str):
    parts = urlsplit(url)
    if parts.hostname != "127.0.0.1":
        raise ValueError(f"the benchmark only loads 127.0.0.1, not {parts.hostname}")
    return parts


def fetch(url: str, cookie: str = "", sink=None) -> tuple[int, float, int]:
    """One GET, body read to the end: (status, seconds, bytes). `sink` receives each chunk."""
    parts = _local(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    size = 0
    while chunk := response.read(65536):
        size += len(chunk)
        if sink:
            sink(chunk)
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, elapsed, size


def split_warm_up(paths: list[str]) -> tuple[list[str], list[str]]:
    """The addresses to warm up on and those to load, so that the load asks for none of the
    first again (unless there are too few to spare)."""
    return paths[:WARM_UP_REQUESTS], paths[WARM_UP_REQUESTS:] or paths


def run(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    cookie: str = "",
    paths: list[str] | None = None,
) -> Load:
    """Load `url`; with `paths`, each request takes the next of them on `url`'s server instead."""
    _local(url)
    seconds = min(seconds, MAX_SECONDS)
    if shutil.which("wrk"):
        if paths:
            with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8") as script:
                script.write(_paths_script(paths, threads))
                script.flush()
                return _wrk(url, seconds, connections, threads, cookie, script.name)
        return _wrk(url, seconds, connections, threads, cookie)
    return _python(url, seconds, connections, cookie, paths)


def _paths_script(paths: list[str], threads: int) -> str:
    """A wrk script walking `paths` in order, each thread from its own share of the list."""
    listed = ",\n".join(f'"{path}"' for path in paths)
    share = max(1, len(paths) // threads)
    return f"""local paths = {{
{listed}
}}
local started = 0
function setup(thread)
  thread:set("offset", started * {share})
  started = started + 1
end
local sent = 0
function request()
  sent = sent + 1
  return wrk.format(nil, paths[(offset + sent) % #paths + 1])
end
"""


def using() -> str:
    return "wrk" if shutil.which("wrk") else "Python load generator (wrk not installed)"


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(output: str) -> Load:
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in match.groups())
    return Load(rate, p50, p99, errors)


def _wrk(url, seconds, connections, threads, cookie, script=None):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["--script", script]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    return parse_wrk(result.stdout)


def _python(url, seconds, connections, cookie, paths=None):
    """Keep `connections` requests in flight for `seconds`, like wrk (but slower to drive)."""
    latencies, errors = [], []
    deadline = time.perf_counter() + seconds
    base = url.split("/", 3)
    addresses = [f"{base[0]}//{base[2]}{path}" for path in paths or []]
    sent = itertools.count()  # next() on a count is atomic: threads share it without a lock

    def worker():
        while time.perf_counter() < deadline:
            try:
                status, elapsed, _size = fetch(
                    addresses[next(sent) % len(addresses)] if paths else url, cookie
                )
            except OSError:
                errors.append(1)
                continue
            latencies.append(elapsed)
            if status >= 400:
                errors.append(1)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=seconds + 300)
    elapsed = time.perf_counter() - started
    if not latencies:
        return Load(0.0, 0.0, 0.0, len(errors))
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return Load(len(ordered) / elapsed, statistics.median(ordered) * 1000, p99 * 1000, len(errors))
