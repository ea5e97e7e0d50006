"""Tally benchmark: ranked ballots counted by irv, schulze, stv and borda, next to an independent
implementation on the same seeded profile.

    PYTHONPATH=src .venv/bin/python benchmarks/tally.py [--ballots 100000] [--options 10]
        [--profile all|uniform|pl] [--seats 3] [--runs 5] [--independent-runs 3] [--json FILE]

Profiles (seeded, reproducible):
  uniform  impartial culture, full rankings: nearly every ballot distinct (worst case for the
           grouping of identical rankings);
  pl       Plackett–Luce with Zipf-like option strengths, half the ballots truncated to a random
           length, 0.5 % blank (closer to a real vote).

What is timed (median of the runs, one process, one core):
  ours     concertation.decisions.methods.tally() on the raw ballots (lists of option names):
           validation, grouping and counting included;
  irv/stv  pyrankvote (a test dependency) on the same ballots; building its Ballot/Candidate
           objects is NOT timed (reported apart). Its STV is a different variant
           (Hagenbach-Bischoff quota reached with ≥, simultaneous surplus transfers with an equal
           share per ballot), so its winners may differ from ours;
  schulze  a naive independent implementation (below): pairwise counts from every distinct
           ranking and pair, O(n³) Floyd–Warshall; run on grouped input (the Counter of identical
           rankings is timed), as ours is;
  borda    a naive independent implementation on grouped input (Counter timed), Fractions.

Budgets (issue 7): ≤ 0.5 s for irv, schulze and stv, and not slower than the independent
implementation (checked for all four methods). Exit status 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path

BUDGET_S = 0.5
BUDGETED = ("irv", "schulze", "stv")


def import_tally():
    try:
        from concertation.decisions.methods import tally
    except ImportError:  # not installed and no PYTHONPATH=src
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
        from concertation.decisions.methods import tally
    return tally


# -- profiles --------------------------------------------------------------------------------


def make_profile(kind: str, ballots: int, n: int, seed: int) -> tuple[list, list]:
    rng = random.Random(f"{kind}-{seed}-{ballots}-{n}")
    options = [f"Option {i + 1:02d}" for i in range(n)]
    out = []
    if kind == "uniform":
        for _ in range(ballots):
            r = options[:]
            rng.shuffle(r)
            out.append(r)
        return options, out
    # Plackett–Luce by the Gumbel-max trick: sort by log(strength) + Gumbel noise
    logs = [math.log(1 / (i + 1)) for i in range(n)]
    for _ in range(ballots):
        if rng.random() < 0.005:
            out.append([])
            continue
        keys = [lg - math.log(-math.log(rng.random() or 1e-300)) for lg in logs]
        ranked = [o for _, o in sorted(zip(keys, options, strict=True), reverse=True)]
        out.append(ranked if rng.random() < 0.5 else ranked[: rng.randint(1, n)])
    return options, out


# -- independent implementations ------------------------------------------------------------


def naive_schulze(options, ballots):
    """Winner set by the definition: pairwise counts, strongest paths, p[x][y] ≥ p[y][x]."""
    n = len(options)
    d = {x: dict.fromkeys(options, 0) for x in options}
    for ranking, w in Counter(map(tuple, ballots)).items():
        pos = {o: i for i, o in enumerate(ranking)}
        for x in ranking:
            px, row = pos[x], d[x]
            for y in options:
                if y != x and pos.get(y, n) > px:
                    row[y] += w
    p = {x: {y: (d[x][y] if d[x][y] > d[y][x] else 0) for y in options} for x in options}
    for i in options:
        for j in options:
            if j != i:
                for k in options:
                    if k != i and k != j:
                        p[j][k] = max(p[j][k], min(p[j][i], p[i][k]))
    return {x for x in options if all(p[x][y] >= p[y][x] for y in options if y != x)}


def naive_borda(options, ballots):
    n = len(options)
    points = dict.fromkeys(options, Fraction(0))
    for ranking, w in Counter(map(tuple, ballots)).items():
        for i, o in enumerate(ranking):
            points[o] += w * (n - 1 - i)
        left = n - len(ranking)
        if left:
            share = Fraction(w * left * (left - 1), 2 * left)
            for o in options:
                if o not in ranking:
                    points[o] += share
    return points


# -- timing ----------------------------------------------------------------------------------


def median_time(fn, runs: int):
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_profile(kind, args, tally):
    import pyrankvote

    options, ballots = make_profile(kind, args.ballots, args.options, args.seed)
    distinct = len(Counter(map(tuple, ballots)))
    start = time.perf_counter()
    cands = {o: pyrankvote.Candidate(o) for o in options}
    prv_ballots = [pyrankvote.Ballot([cands[o] for o in b]) for b in ballots]
    prv_build = time.perf_counter() - start
    clist = list(cands.values())

    rows = {}
    specs = {
        "irv": (
            {},
            "pyrankvote.instant_runoff_voting",
            lambda: [
                c.name for c in pyrankvote.instant_runoff_voting(clist, prv_ballots).get_winners()
            ],
        ),
        "schulze": ({}, "naive Schulze (grouped input)", lambda: naive_schulze(options, ballots)),
        "stv": (
            {"seats": args.seats},
            f"pyrankvote.single_transferable_vote (seats={args.seats})",
            lambda: {
                c.name
                for c in pyrankvote.single_transferable_vote(
                    clist, prv_ballots, args.seats
                ).get_winners()
            },
        ),
        "borda": ({}, "naive Borda (grouped input)", lambda: naive_borda(options, ballots)),
    }
    for method, (rules, label, independent) in specs.items():
        ours_s, ours = median_time(
            lambda method=method, rules=rules: tally(
                method, options=options, ballots=ballots, **rules
            ),
            args.runs,
        )
        theirs_s, theirs = median_time(independent, args.independent_runs)
        if method == "irv":
            agree = ours.winners == theirs
        elif method == "schulze":
            agree = ours.winners[0] in theirs
        elif method == "stv":
            agree = set(ours.winners) == theirs
        else:
            agree = ours.counts == theirs
        rows[method] = {
            "ours_median_s": round(ours_s, 4),
            "independent": label,
            "independent_median_s": round(theirs_s, 4),
            "speedup": round(theirs_s / ours_s, 1) if ours_s else None,
            "agree": agree,
            "winners": [str(w) for w in ours.winners[: max(args.seats, 1)]],
            "tie_broken": ours.tie_broken,
            "within_budget": ours_s <= BUDGET_S if method in BUDGETED else None,
            "not_slower": ours_s <= theirs_s,
        }
    return {
        "ballots": len(ballots),
        "options": len(options),
        "distinct_rankings": distinct,
        "pyrankvote_objects_build_s": round(prv_build, 3),
        "results": rows,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--options", type=int, default=10)
    parser.add_argument("--profile", choices=["all", "uniform", "pl"], default="all")
    parser.add_argument("--seats", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5, help="runs of ours (median)")
    parser.add_argument("--independent-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    tally = import_tally()

    kinds = ["uniform", "pl"] if args.profile == "all" else [args.profile]
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    report = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "load_average_at_start": load,
        },
        "parameters": vars(args),
        "budget_s": BUDGET_S,
        "profiles": {},
    }
    print(
        f"Tally benchmark: {args.ballots} ranked ballots, {args.options} options, "
        f"stv seats={args.seats}; median of {args.runs} (ours) / {args.independent_runs} "
        f"(independent) runs; Python {platform.python_version()}, load {load}"
    )
    ok = True
    for kind in kinds:
        data = bench_profile(kind, args, tally)
        report["profiles"][kind] = data
        print(
            f"\nprofile {kind}: {data['distinct_rankings']} distinct rankings "
            f"(pyrankvote objects built in {data['pyrankvote_objects_build_s']} s, not timed)"
        )
        print(f"{'method':8} {'ours s':>8} {'indep. s':>9} {'×':>6}  {'agree':5}  independent")
        for method, row in data["results"].items():
            print(
                f"{method:8} {row['ours_median_s']:8.3f} {row['independent_median_s']:9.3f} "
                f"{row['speedup']:6.1f}  {'yes' if row['agree'] else 'no':5}  {row['independent']}"
            )
            ok &= row["not_slower"] and row["within_budget"] is not False
    verdict = "PASS" if ok else "FAIL"
    report["verdict"] = verdict
    print(
        f"\nbudget: ≤ {BUDGET_S} s for {', '.join(BUDGETED)} and not slower than the independent "
        f"implementation (all four methods): {verdict}"
    )
    for kind, data in report["profiles"].items():
        for method, row in data["results"].items():
            if row["within_budget"] is False or not row["not_slower"]:
                print(f"  MISSED: {kind}/{method}: {row}")
            if not row["agree"]:
                note = " (pyrankvote's STV is a different variant)" if method == "stv" else ""
                print(f"  note: {kind}/{method}: winners differ from the independent one{note}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"written {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
