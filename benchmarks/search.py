"""Search benchmark (issue 17): queries in process, the rebuild, on SQLite and PostgreSQL.

    python benchmarks/search.py --scale L [--database-url URL] [--repeat 50] [--json FILE]

Runs against the database of ``benchmarks/generate.py`` (var/bench-<scale>.sqlite3 by default;
a PostgreSQL one through ``scripts/pg-throwaway.sh``). First the index is rebuilt (timed: the
generator writes with bulk inserts, past the signals that keep the index). Then, for the
benchmark coordinator and the benchmark member, each query — a common word, a rare word (in one
document's text in 500), a prefix, a phrase, a question typed as one speaks — is run ``--repeat``
times through ``search.selectors.search`` as the page runs it (the person's access computed anew
each time), in turns; p50/p95 of the wall time and the number of queries (one more run under
``CaptureQueriesContext``). Budget: p95 ≤ 50 ms. The exit status is 1 when it is missed.
"""

from __future__ import annotations

import argparse
import sys
import time

try:
    from benchmarks import common
except ImportError:  # run as a script: benchmarks/ is on sys.path
    import common

QUERIES = {
    "common": "loyers",
    "rare": "ornithorynque",
    "prefix": "organism*",
    "phrase": '"comité de suivi"',
    "question": "qu'avions-nous décidé sur le budget",
}
BUDGET_P95_MS = 50.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=common.SCALES, default="L")
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--no-rebuild", action="store_true", help="use the index as it is")
    args = parser.parse_args(argv)
    common.setup_django(database_url=args.database_url, scale=args.scale)
    common.require_migrated()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from concertation.directory.models import Territory
    from concertation.search.index import rebuild
    from concertation.search.models import Entry
    from concertation.search.selectors import search
    from concertation.spaces.access import forget_access

    print(f"search: {common.database_label()}")
    started = time.perf_counter()
    entries = rebuild() if not args.no_rebuild else Entry.objects.count()
    rebuild_s = time.perf_counter() - started
    print(f"rebuild: {entries} entries in {rebuild_s:.1f} s")

    User = get_user_model()
    users = {"coordinator": User.objects.get(email=common.COORDINATOR_EMAIL),
             "member": User.objects.get(email=common.MEMBER_EMAIL)}
    territory = Territory.objects.filter(coordinators=users["coordinator"]).first()  # the benchmark's territory

    def run(user, q):
        forget_access(user)
        return search(user, territory, q)

    timings = {(who, key): [] for who in users for key in QUERIES}
    cpu = {key: [] for key in timings}
    for _ in range(args.warmup):
        for (who, key) in timings:
            run(users[who], QUERIES[key])
    for _ in range(args.repeat):
        for (who, key) in timings:
            started, started_cpu = time.perf_counter(), time.process_time()
            run(users[who], QUERIES[key])
            timings[(who, key)].append(time.perf_counter() - started)
            cpu[(who, key)].append(time.process_time() - started_cpu)

    results, ok = {}, True
    print(f"{'who':<12} {'query':<10} {'hits':>6} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8} "
          f"{'queries':>8}")
    for (who, key), seconds in timings.items():
        with CaptureQueriesContext(connection) as captured:
            found = run(users[who], QUERIES[key])
        stats, cpu_stats = common.summary_ms(seconds), common.summary_ms(cpu[(who, key)])
        ok = ok and stats["p95_ms"] <= BUDGET_P95_MS
        results[f"{who}:{key}"] = {**stats, "cpu_median_ms": cpu_stats["median_ms"], "cpu_p95_ms": cpu_stats["p95_ms"],
                                   "query": QUERIES[key], "hits": found.total,
                                   "queries": len(captured.captured_queries)}
        print(f"{who:<12} {key:<10} {found.total:>6} {stats['median_ms']:>8} {stats['p95_ms']:>8} "
              f"{cpu_stats['median_ms']:>8} {cpu_stats['p95_ms']:>8} {len(captured.captured_queries):>8}")
    meta = {"database": common.database_label(), "entries": Entry.objects.count(), "rebuild_s": round(rebuild_s, 2),
            "repeat": args.repeat, "machine": common.machine(), "command": " ".join(sys.argv)}
    print(f"budget p95 ≤ {BUDGET_P95_MS:g} ms: {common.verdict(ok)}; load average {meta['machine']['load_average']}")
    if args.json:
        common.write_json(args.json, {**results, "_meta": meta})
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
