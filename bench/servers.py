"""Starting and stopping gunicorn for the benchmark, and reading its workers' memory."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
# One set of gunicorn settings for the application and the bare project alike. The long timeout
# lets a slow CSV export finish so that it can be timed rather than killed at 30 s.
# BENCH_WORKER_CLASS=gthread compares gunicorn's threaded workers (BENCH_THREADS each, default 4).
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
GUNICORN_ARGS = ["--worker-class", WORKER_CLASS, "--timeout", "120", "--log-level", "warning"]
# The workers' heartbeat files in memory, as deployed (deploy/gunicorn.conf.py): in /tmp, on
# disk, the commitment page made 5-9% fewer requests per second in alternating loads (the bare
# view the same).
if os.path.isdir("/dev/shm"):
    GUNICORN_ARGS += ["--worker-tmp-dir", "/dev/shm"]
if WORKER_CLASS == "gthread":
    GUNICORN_ARGS += ["--threads", os.environ.get("BENCH_THREADS", "4")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    """A gunicorn serving `module` on a free local port until stop()."""

    def __init__(self, module: str, *, env: dict, chdir: Path = ROOT, workers: int = 2):
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        command = [sys.executable, "-m", "gunicorn", module, "--chdir", str(chdir)]
        command += ["--bind", f"{HOST}:{self.port}", "--workers", str(workers), *GUNICORN_ARGS]
        self.process = subprocess.Popen(command, env=env, cwd=chdir)
        self._wait_until_serving()

    def _wait_until_serving(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", "/")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on port {self.port} within {timeout} s")

    def worker_pids(self) -> list[int]:
        """The worker processes: children of the gunicorn master."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def server_env(**overrides) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BENCH_")}
    env.update(overrides)
    return env
