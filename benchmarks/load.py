"""Load benchmark: ``concertation serve`` (gunicorn) on 127.0.0.1 under a bounded load of member pages.

    python benchmarks/load.py [--scale L] [--duration 20] [--connections 32] [--workers 2]
        [--tool auto|wrk|python] [--database-url URL] [--json FILE]

Starts ``concertation serve --workers N --bind 127.0.0.1:<free port>`` on the generated database
(production settings: DEBUG off, hashed static files), waits for /healthz, signs in the benchmark
member (a session written directly), keeps the member pages that answer 200, then drives them in
turn for ``--duration`` seconds over ``--connections`` connections: with ``wrk`` when it is
installed (a Lua script rotates the pages and sends the session cookie), else with Python threads
(http.client). Prints requests/s, p50/p95/p99 and errors (non-2xx answers and socket errors),
then stops the server. Duration (≤ 120 s) and connections (≤ 256) are capped; loopback only.

Budget (issue 7): ≥ 300 requests/s with 2 workers on 2 cores, 0 errors. The load generator runs
on the same machine and takes part of its processors: the figure is a floor.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

try:
    from benchmarks import common
except ImportError:  # run as a script: benchmarks/ is on sys.path
    import common

MAX_DURATION = 120
MAX_CONNECTIONS = 256


def member_paths(scale: str) -> list[str]:
    """Pages a member opens: home, their spaces, the governance, proposals, the register."""
    from django.contrib.auth import get_user_model

    from concertation.home.selectors import spaces_of_user

    try:
        from benchmarks import pages
    except ImportError:
        import pages

    targets = pages.find_targets()
    member = get_user_model().objects.get(email=common.MEMBER_EMAIL)
    t = targets.territory
    paths = ["/", f"/t/{t}/", f"/t/{t}/e/{targets.space}/", f"/t/{t}/e/{targets.space}/charte/"]
    for space in spaces_of_user(member):
        if space.slug != targets.space and space.territory.slug == t and len(paths) < 8:
            paths.append(f"/t/{t}/e/{space.slug}/")
    paths += [pages.proposal_path(targets, targets.results_proposal),
              pages.proposal_path(targets, targets.open_proposal),
              f"/t/{t}/e/{targets.space}/propositions/", f"/t/{t}/decisions/"]
    return [path for path in paths if pages.routed(path)]


def probe(base_url: str, paths: list[str], cookie: str) -> tuple[list[str], dict]:
    """Keep the pages that answer 200 to the member; say why the others are left out."""
    kept, dropped = [], {}
    host = base_url.split("//", 1)[1]
    for path in paths:
        connection = http.client.HTTPConnection(host, timeout=30)
        try:
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                kept.append(path)
            else:
                dropped[path] = response.status
        finally:
            connection.close()
    return kept, dropped


LUA = r"""
local paths = {%(paths)s}
local cookie = "%(cookie)s"
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  counter = 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Cookie"] = cookie})
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non = 0
  for _, t in ipairs(threads) do
    non = non + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect_errors": %%d, ' ..
    '"read_errors": %%d, "write_errors": %%d, "status_errors": %%d, "timeouts": %%d, "non2xx": %%d, ' ..
    '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, non,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
"""


def run_wrk(base_url: str, paths: list[str], cookie: str, duration: int, connections: int) -> dict:
    threads = min(2, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "cookie": cookie})
    try:
        output = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", script.name,
             base_url],
            capture_output=True, text=True, timeout=duration + 60, check=False,
        ).stdout
    finally:
        Path(script.name).unlink(missing_ok=True)
    match = re.search(r"WRK_JSON (\{.*\})", output)
    if not match:
        raise RuntimeError(f"wrk gave no summary:\n{output}")
    raw = json.loads(match.group(1))
    socket_errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    seconds = raw["duration_us"] / 1e6
    version = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
    return {
        "tool": version.split(" Copyright")[0].strip() or "wrk", "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / seconds, 1) if seconds else 0,
        "p50_ms": round(raw["p50_us"] / 1000, 2), "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2), "max_ms": round(raw["max_us"] / 1000, 2),
        "non_2xx": raw["non2xx"], "socket_errors": socket_errors,
        "socket_error_detail": {k: raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")},
        "bytes": raw["bytes"], "seconds": round(seconds, 2),
    }


def run_python(base_url: str, paths: list[str], cookie: str, duration: int, connections: int) -> dict:
    """The fallback: one thread per connection, keep-alive when the server allows it."""
    host = base_url.split("//", 1)[1]
    deadline = time.perf_counter() + duration
    lock = threading.Lock()
    latencies: list[float] = []
    errors = {"non_2xx": 0, "socket_errors": 0}

    def worker(offset: int) -> None:
        local, non2xx, failures, n = [], 0, 0, offset
        connection = http.client.HTTPConnection(host, timeout=10)
        while time.perf_counter() < deadline:
            path = paths[n % len(paths)]
            n += 1
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                local.append(time.perf_counter() - start)
                if not 200 <= response.status < 300:
                    non2xx += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection(host, timeout=10)
            except (OSError, http.client.HTTPException):
                failures += 1
                connection.close()
                connection = http.client.HTTPConnection(host, timeout=10)
        connection.close()
        with lock:
            latencies.extend(local)
            errors["non_2xx"] += non2xx
            errors["socket_errors"] += failures

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    seconds = time.perf_counter() - started
    stats = common.summary_ms(latencies)
    return {
        "tool": "python http.client threads", "requests": len(latencies),
        "requests_per_s": round(len(latencies) / seconds, 1), "p50_ms": stats["median_ms"],
        "p95_ms": stats["p95_ms"], "p99_ms": stats["p99_ms"], "max_ms": stats["max_ms"], **errors,
        "seconds": round(seconds, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=common.SCALES, default="L")
    parser.add_argument("--duration", type=int, default=20, help=f"seconds (≤ {MAX_DURATION})")
    parser.add_argument("--connections", type=int, default=32, help=f"(≤ {MAX_CONNECTIONS})")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--database-url", help="default: DATABASE_URL, else var/bench-<scale>.sqlite3")
    parser.add_argument("--paths", help="comma-separated paths instead of the member pages (e.g. /_floor/ "
                                        "for the ceiling of the stack)")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)
    duration = max(1, min(args.duration, MAX_DURATION))
    connections = max(1, min(args.connections, MAX_CONNECTIONS))
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    elif tool == "wrk" and not shutil.which("wrk"):
        raise SystemExit("load: wrk is not installed (apt-get install wrk), or use --tool python")

    env = common.setup_django(database_url=args.database_url, scale=args.scale, manifest_static=True)
    common.require_migrated()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    paths = args.paths.split(",") if args.paths else member_paths(args.scale)
    member = get_user_model().objects.get(email=common.MEMBER_EMAIL)
    session = common.session_keys([member])[member.pk]
    # A browser also sends back the CSRF cookie its first page gave it.
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    csrf_secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf_secret}"
    database = common.database_label()
    connection.close()

    print(f"load: {database}; {args.workers} workers × {args.threads} thread(s); {connections} connections, "
          f"{duration} s, {tool}")
    with common.Server(env, workers=args.workers, threads=args.threads) as server:
        paths, dropped = probe(server.base_url, paths, cookie)
        for path, status in dropped.items():
            print(f"  left out (HTTP {status} for the member): {path}")
        if not paths:
            raise SystemExit("load: no member page answers 200")
        print(f"  {len(paths)} member pages in turn: {', '.join(paths)}")
        runner = run_wrk if tool == "wrk" else run_python
        result = runner(server.base_url, paths, cookie, duration, connections)
    errors = result["non_2xx"] + result["socket_errors"]
    result.update(
        paths=paths, dropped=dropped, workers=args.workers, threads=args.threads, connections=connections,
        duration_s=duration, database=database, machine=common.machine(), scale=args.scale,
        budgets={"rps_ge_300": result["requests_per_s"] >= common.LOAD_MIN_RPS, "zero_errors": errors == 0},
    )
    print(f"\nrequests/s {result['requests_per_s']:.1f}  ({result['requests']} requests in {result['seconds']} s)")
    print(f"latency    p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, "
          f"max {result['max_ms']} ms")
    print(f"errors     {errors} (non-2xx {result['non_2xx']}, socket {result['socket_errors']})")
    print(f"budgets    ≥ 300 requests/s: {common.verdict(result['budgets']['rps_ge_300'])}; "
          f"0 errors: {common.verdict(result['budgets']['zero_errors'])}")
    if args.json:
        common.write_json(args.json, result)
        print(f"written: {args.json}")
    return 0 if all(result["budgets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
