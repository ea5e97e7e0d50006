"""What the benchmarks share: the environment, timing statistics, the machine, a server to drive.

Every benchmark is a script run from the repository root (``python benchmarks/<name>.py``); it
calls ``configure()`` before anything imports Django models, so that each one runs against the
generated database with production-like settings (DEBUG off) and a data directory of its own
(``var/bench``), never the instance's own database or secret key.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
BENCH_DATA_DIR = VAR / "bench"
RESULTS_DIR = Path(__file__).resolve().parent / "results"

# The benchmark accounts the generator creates at every scale (no one signs in with them by
# password in the benchmarks: sessions are made directly; the password is for a manual look).
BENCH_DOMAIN = "banc.concertation.test"
COORDINATOR_EMAIL = f"coordination@{BENCH_DOMAIN}"
MEMBER_EMAIL = f"membre@{BENCH_DOMAIN}"
BENCH_PASSWORD = "banc-essai-concertation"
BENCH_SECRET_KEY = "benchmarks-only-secret-key-never-used-in-production-0123456789"
SCALES = ("S", "M", "L")

# Budgets of issue 7.
PAGE_P95_MS = 50.0
PAGE_FLOOR_FACTOR = 3.0
PAGE_MAX_QUERIES = 15
LOAD_MIN_RPS = 300.0
VOTE_P95_MS = 250.0


def default_database_url(scale: str) -> str:
    return f"sqlite:///{VAR / f'bench-{scale}.sqlite3'}"


def configure(*, database_url: str | None = None, scale: str | None = None,
              manifest_static: bool = False) -> dict[str, str]:
    """Set the environment of a benchmark process; returns it (for subprocesses too).

    DATABASE_URL: the argument, else the environment's, else var/bench-<scale>.sqlite3.
    """
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    url = database_url or os.environ.get("DATABASE_URL") or default_database_url(scale or "S")
    (BENCH_DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "concertation.settings",
        "DATABASE_URL": url,
        "CONCERTATION_DATA_DIR": str(BENCH_DATA_DIR),
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or BENCH_SECRET_KEY,
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "STATIC_MANIFEST": "true" if manifest_static else "false",
        # Plain HTTP on the loopback, as behind a TLS-terminating proxy.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "EMAIL_URL": "locmem://",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "PYTHONPATH": os.pathsep.join(p for p in [src, os.environ.get("PYTHONPATH", "")] if p),
    }
    os.environ.update(env)
    return env


def setup_django(**kwargs) -> dict[str, str]:
    env = configure(**kwargs)
    import django

    django.setup()
    return env


def require_migrated() -> None:
    """Stop with one line when the generated database is older than the code's migrations."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:3])
        raise SystemExit(f"the benchmark database lacks {len(plan)} migration(s) ({names}…): "
                         "run benchmarks/generate.py again.")


def database_label() -> str:
    """The engine and database of the current connection, without credentials."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite_version()} ({settings['NAME']})"
    return f"PostgreSQL {postgres_version()} ({settings.get('HOST')}:{settings.get('PORT')}/{settings['NAME']})"


def sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def postgres_version() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def machine() -> dict:
    """Where the figures come from."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count()
    import django

    try:
        load = [round(value, 2) for value in os.getloadavg()]
    except OSError:
        load = None
    return {
        "nproc": cpus,
        "load_average": load,
        "cpu": cpu,
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


# -- statistics -------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "median_ms": round(statistics.median(ms), 2) if ms else None,
        "p95_ms": round(percentile(ms, 95), 2) if ms else None,
        "p99_ms": round(percentile(ms, 99), 2) if ms else None,
        "max_ms": round(max(ms), 2) if ms else None,
    }


class Progress:
    """One printed line per step: counts and elapsed seconds (no dependency)."""

    def __init__(self, total_steps: int, stream=None):
        self.total = total_steps
        self.index = 0
        self.start = time.perf_counter()
        self.stream = stream or sys.stdout

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def step(self, label: str, counts: dict | str, step_seconds: float) -> None:
        self.index += 1
        if isinstance(counts, dict):
            text = ", ".join(f"{value:,} {key}".replace(",", "\u202f") for key, value in counts.items())
        else:
            text = counts
        self.stream.write(
            f"[{self.index:>2}/{self.total}] {label:<34} {text}  ({step_seconds:.1f} s, total {self.elapsed():.1f} s)\n"
        )
        self.stream.flush()

    def note(self, text: str) -> None:
        self.stream.write(f"        {text}  (total {self.elapsed():.1f} s)\n")
        self.stream.flush()


def write_json(path: str | Path, data: dict) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def verdict(ok: bool | None) -> str:
    return "pending" if ok is None else ("met" if ok else "MISSED")


# -- sessions ---------------------------------------------------------------------------------


def session_keys(users) -> dict[int, str]:
    """A signed-in session for each user, written directly by the session engine: {user id: key}."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    engine = import_module(settings.SESSION_ENGINE)
    keys = {}
    for user in users:
        store = engine.SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys[user.pk] = store.session_key
    return keys


# -- a server on the loopback -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``concertation serve`` (gunicorn) on 127.0.0.1, started and stopped by the benchmark."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, threads: int = 1, port: int | None = None,
                 log_path: Path | None = None):
        self.env = {**os.environ, **env}
        self.workers = workers
        self.threads = threads
        self.port = port or free_port()
        self.log_path = log_path or BENCH_DATA_DIR / "serve.log"
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")  # noqa: SIM115 — closed in stop()
        argv = [
            sys.executable, "-m", "concertation", "serve", "--workers", str(self.workers),
            "--threads", str(self.threads), "--bind", f"127.0.0.1:{self.port}",
        ]
        if os.environ.get("BENCH_SERVER") == "gunicorn":
            # Diagnosis: gunicorn alone, without the serve command's start-up (static files must
            # have been collected by an earlier run).
            argv = [
                sys.executable, "-m", "gunicorn", "concertation.wsgi:application", "--workers", str(self.workers),
                "--threads", str(self.threads), "--bind", f"127.0.0.1:{self.port}",
            ]
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start (exit {self.process.returncode}); log: {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"the server did not answer /healthz within {timeout:.0f} s; log: {self.log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group we started, nothing else
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# -- CPU of local processes, from /proc ------------------------------------------------------------

def stat_fields(pid: int | str) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the process's name (state, ppid, pgrp, … utime at 11,
    stime 12, cutime 13, cstime 14), or None where the process or /proc is not there."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def process_group_cpu_s(pgid: int, *, with_reaped: bool = False) -> tuple[float, int]:
    """CPU seconds (user + system) used so far by a process group (a server we started: gunicorn's
    master and workers), and how many processes were read; ``with_reaped`` adds what the group's
    leader reaped (workers replaced since it started)."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0.0, 0
    total, found = 0.0, 0
    for entry in entries:
        fields = stat_fields(entry) if entry.isdigit() else None
        if fields is None or int(fields[2]) != pgid:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
        if with_reaped and int(entry) == pgid:
            total += (int(fields[13]) + int(fields[14])) / ticks
        found += 1
    return total, found
