"""Page benchmark: each key page, in process, next to the floor page measured in the same run.

    python benchmarks/pages.py --scale S|L [--json FILE] [--repeat 50] [--warmup 5]
        [--database-url URL] [--compare PREVIOUS.json]

Runs against the database built by ``benchmarks/generate.py`` (var/bench-<scale>.sqlite3 by
default), with DEBUG off, signed in as the benchmark coordinator of the territory. Each page is
warmed up, then requested ``--repeat`` times, the pages taking turns round after round (so that a
slow moment of the machine spreads over all of them); the query count comes from one more request
under ``CaptureQueriesContext``. A page that does not exist yet is listed as "pending". The
process's CPU time is reported next to the wall time: on a machine shared with other work, it
shows what the page costs by itself (the budgets use the wall time).

Budgets (issue 7), checked for every page: p95 ≤ 50 ms; p95 ≤ 3 × the floor page's median;
≤ 15 queries; the same number of queries at S and L (with ``--compare`` the JSON of the other
scale). The exit status is 1 when a budget is missed.

JSON: ``{"floor": {"median_ms": …, "p95_ms": …, "queries": …}, "<page>": {…}, …, "_meta": {…}}``;
a pending page is ``{"status": "pending", "reason": …}``.

New pages join ``PAGES`` below with their issue: a function from the ``Targets`` (objects found in
the generated database) to the page's path.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

try:
    from benchmarks import common
except ImportError:  # run as a script: benchmarks/ is on sys.path
    import common


@dataclass
class Targets:
    """What the pages are about, found in the generated database (the same way at S and L)."""

    territory: str
    space: str              # the assembly: the root space with the most members
    group: str              # a working group of the territory
    results_proposal: int   # a decided proposal of the assembly that carried in a meeting (discussed), most ballots
    open_proposal: int      # an open proposal of the assembly, the one with most ballots
    held_meeting: int = 0   # a meeting of the assembly whose minutes are adopted, the one with most items
    live_meeting: int = 0   # a meeting of the assembly in progress (else the next convened one)
    plan: int = 0           # the assembly's adopted plan, the one with most activities


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: Callable[[Targets], str] | None = None
    pending: str = ""       # why it is not measured yet (the issue that brings it)


def proposal_path(t: Targets, pk: int) -> str:
    return f"/t/{t.territory}/e/{t.space}/propositions/{pk}/"


def plan_path(t: Targets, name: str, query: str = "") -> str | None:
    """A page of the target plan, from the URL configuration (namespace "planning"), with ``query``."""
    from django.urls import reverse

    return reverse(f"planning:{name}", kwargs={"territory": t.territory, "space": t.space, "plan": t.plan}) \
        + query if t.plan else None


def biggest_strategy(t: Targets) -> str:
    """``?strategie=<id>`` of the target plan's strategy with the most activities."""
    from django.db.models import Count

    from concertation.planning.models import Strategy

    strategy = (Strategy.objects.filter(plan_id=t.plan).annotate(n=Count("activities")).order_by("-n", "pk")
                .first())
    return f"?strategie={strategy.pk}" if strategy else ""


def meeting_path(t: Targets, pk: int, suffix: str = "") -> str | None:
    return f"/t/{t.territory}/e/{t.space}/rencontres/{pk}/{suffix}" if pk else None


def meetings_path(t: Targets) -> str:
    """The list of the space's meetings, from the URL configuration (namespace "meetings")."""
    from django.urls import reverse

    return reverse("meetings:list", kwargs={"territory": t.territory, "space": t.space})


def api_path(t: Targets, what: str) -> str:
    """A list of the API (issue 19), as the coordinator's session reads it."""
    from concertation.spaces.models import Space

    space = Space.objects.select_related("territory").get(territory__slug=t.territory, slug=t.space)
    owner = {"decisions": f"territories/{space.territory_id}"}.get(what, f"spaces/{space.pk}")
    return f"/api/v1/{owner}/{what}"  # 50 rows a page, the default


PAGES: list[Page] = [
    Page("floor", "Page témoin (gabarit de base)", lambda t: "/_floor/"),
    # Issue 13: the personal home (the coordinator's: her meetings, votes, follow-ups, roles, what to
    # read and the to-do list of the spaces she runs) and the list of her spaces.
    Page("home", "Accueil personnel (avec le travail de la coordination)", lambda t: "/"),
    Page("my_spaces", "Mes espaces", lambda t: "/moi/espaces/"),
    Page("space", "Page d'un espace", lambda t: f"/t/{t.territory}/e/{t.space}/"),
    Page("governance", "Vue d'ensemble de la gouvernance", lambda t: f"/t/{t.territory}/"),
    Page("members", "Membres d'un espace", lambda t: f"/t/{t.territory}/e/{t.space}/membres/"),
    Page("roles", "Rôles d'un espace", lambda t: f"/t/{t.territory}/e/{t.space}/roles/"),
    Page("charter", "Charte d'un espace", lambda t: f"/t/{t.territory}/e/{t.space}/charte/"),
    Page("organizations", "Organismes du territoire", lambda t: f"/t/{t.territory}/organismes/"),
    Page("group", "Page d'un comité de travail", lambda t: f"/t/{t.territory}/e/{t.group}/"),
    Page("proposal_results", "Proposition avec résultats", lambda t: proposal_path(t, t.results_proposal)),
    Page("proposal_open", "Proposition ouverte", lambda t: proposal_path(t, t.open_proposal)),
    Page("decision_register", "Registre des décisions", lambda t: f"/t/{t.territory}/decisions/"),
    Page("portrait", "Portrait du territoire", lambda t: f"/t/{t.territory}/portrait/"),  # issue 15
    # Issue 15: the document library of a space, and of the whole territory.
    Page("documents", "Bibliothèque de documents d'un espace", lambda t: f"/t/{t.territory}/e/{t.space}/documents/"),
    Page("territory_documents", "Documents du territoire", lambda t: f"/t/{t.territory}/documents/"),
    # Hooks: pages that come with later issues (give them a path function then).
    Page("meeting", "Rencontre (ordre du jour)", lambda t: meeting_path(t, t.held_meeting)),
    Page("live_meeting", "Rencontre en direct", lambda t: meeting_path(t, t.live_meeting, "en-direct/")),
    Page("minutes", "Procès-verbal", lambda t: meeting_path(t, t.held_meeting, "proces-verbal/")),
    # Issue 20: the meetings of the assembly (those to come, then a page of past ones), a tenth of the
    # requests of the realistic load (benchmarks/realistic.py, « meetings »).
    Page("meetings", "Rencontres d'un espace", lambda t: meetings_path(t)),
    # Issue 20: the adopted plan's page (its tree of objectives, strategies and activities), the
    # coordinator's most requested page in the realistic load (benchmarks/realistic.py, « plan »).
    Page("plan", "Plan adopté (objectifs, stratégies, actions)", lambda t: plan_path(t, "plan")),
    # The same plan in the coordination's edit mode (every item with its tools and the add links);
    # past 100 activities (L, M) the plan page is an outline, and ?strategie= opens the strategy with
    # the most activities (planning/plan_outline.py; at S the whole plan, the parameter checked).
    Page("plan_edit", "Plan adopté en mode édition", lambda t: plan_path(t, "plan", "?mode=edition")),
    Page("plan_strategy", "Plan adopté, une stratégie ouverte", lambda t: plan_path(t, "plan", biggest_strategy(t))),
    Page("plan_dashboard", "Tableau de bord du plan", lambda t: plan_path(t, "dashboard")),
    # The bilan's default period: the last twelve months, up to today.
    Page("bilan", "Bilan annuel (12 derniers mois)", lambda t: plan_path(t, "bilan")),
    # Issue 15: the territory's references (repères), its own and the instance's, in four groups.
    Page("references", "Repères du territoire", lambda t: f"/t/{t.territory}/reperes/"),
    Page("search", "Recherche (un mot courant)", lambda t: f"/t/{t.territory}/recherche/?q=loyers"),  # issue 17
    # Issue 18: the home of the territory's public window (the territory opted in: demo and generate.py).
    Page("public_page", "Page publique du territoire", lambda t: f"/public/{t.territory}/"),
    # Issue 19: lists of the API (JSON, cursor pagination, the same selectors as the pages).
    Page("api_memberships", "API : membres d'un espace", lambda t: api_path(t, "memberships")),
    Page("api_proposals", "API : propositions d'un espace", lambda t: api_path(t, "proposals")),
    Page("api_decisions", "API : registre des décisions", lambda t: api_path(t, "decisions")),
    Page("api_documents", "API : documents d'un espace", lambda t: api_path(t, "documents")),
    Page("api_meetings", "API : rencontres d'un espace", lambda t: api_path(t, "meetings")),
    # Issue 18: governance health of the assembly and of the territory (default: the last 12 months).
    Page("governance_health", "Santé de la gouvernance", lambda t: f"/t/{t.territory}/e/{t.space}/sante/"),
    Page("territory_health", "Santé de la gouvernance du territoire", lambda t: f"/t/{t.territory}/sante/"),
]


def find_targets() -> Targets:
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from concertation.decisions.models import Proposal
    from concertation.spaces.models import Space

    coordinator = get_user_model().objects.get(email=common.COORDINATOR_EMAIL)
    territory = coordinator.coordinated_territories.order_by("pk").first()
    if territory is None:
        raise SystemExit("pages: the benchmark coordinator coordinates no territory: run benchmarks/generate.py")
    space = Space.objects.filter(territory=territory, parent__isnull=True).order_by("position", "pk").first()
    group = (Space.objects.filter(territory=territory, kind="working_group", status="active")
             .order_by("position", "pk").first()) or space

    def most_ballots(*statuses, carried=False):
        proposals = Proposal.objects.filter(space=space, status__in=statuses)
        if carried:  # the same state at S and L: a decision that carried offers to adjust the plan
            from concertation.planning.selectors import valid_decisions

            carried_ones = proposals.filter(pk__in=valid_decisions().values("pk"))
            proposals = carried_ones if carried_ones.exists() else proposals
            # taken in a meeting (its page then reads the meeting and the agenda item) and discussed
            # online before, at S as at L
            from django.db.models import Exists, OuterRef

            from concertation.knowledge.models import Comment

            in_meeting = proposals.filter(origin=Proposal.Origin.MEETING).filter(Exists(
                Comment.objects.filter(target_kind="proposal", target_id=OuterRef("pk"))))
            proposals = in_meeting if in_meeting.exists() else proposals
        proposal = proposals.annotate(n=Count("ballots")).order_by("-n", "pk").first()
        return proposal.pk if proposal else 0

    held_meeting = live_meeting = 0
    try:
        from concertation.meetings.models import Meeting
    except ImportError:  # before issue 5
        pass
    else:
        meetings = Meeting.objects.filter(space=space)
        held = (meetings.filter(status="minutes_adopted").annotate(n=Count("items")).order_by("-n", "pk").first())
        live = (meetings.filter(status="in_progress").order_by("pk").first()
                or meetings.filter(status="convened").order_by("starts_at", "pk").first())
        held_meeting, live_meeting = (held.pk if held else 0), (live.pk if live else 0)
    plan = 0
    try:
        from concertation.planning.models import Plan
    except ImportError:  # before issue 6
        pass
    else:
        adopted = (Plan.objects.filter(space=space, status="adopted").annotate(n=Count("strategies__activities"))
                   .order_by("-n", "pk").first())
        plan = adopted.pk if adopted else 0
    return Targets(territory=territory.slug, space=space.slug, group=group.slug,
                   results_proposal=most_ballots("decided", carried=True), open_proposal=most_ballots("open"),
                   held_meeting=held_meeting, live_meeting=live_meeting, plan=plan)


def routed(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def measure(pages: list[tuple[Page, str]], client, repeat: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results: dict[str, dict] = {}
    times: dict[str, list[float]] = {page.key: [] for page, _path in pages}
    cpu: dict[str, list[float]] = {page.key: [] for page, _path in pages}
    for page, path in pages:
        for _ in range(max(warmup, 1)):
            response = client.get(path)
        results[page.key] = {"path": path, "status_code": response.status_code}
    live = [(page, path) for page, path in pages if results[page.key]["status_code"] == 200]
    gc.collect()
    if os.environ.get("BENCH_GC", "production") == "production":
        # The same tuning as the web workers (concertation.wsgi), once everything is loaded.
        from concertation.core.runtime import tune_garbage_collector

        tune_garbage_collector()
    for _round in range(repeat):
        for page, path in live:
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            times[page.key].append(time.perf_counter() - start)
            cpu[page.key].append(time.process_time() - start_cpu)
    for page, path in live:
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            counts.append(len(queries))
        stats = common.summary_ms(times[page.key])
        cpu_stats = common.summary_ms(cpu[page.key])
        results[page.key].update(
            median_ms=stats["median_ms"], p95_ms=stats["p95_ms"], max_ms=stats["max_ms"],
            cpu_median_ms=cpu_stats["median_ms"], cpu_p95_ms=cpu_stats["p95_ms"], queries=counts[-1],
            queries_stable=counts[0] == counts[1], requests=len(times[page.key]), status="ok",
            bytes=len(client.get(path).content),
        )
    return results


def check_budgets(results: dict, previous: dict | None) -> None:
    floor = results.get("floor", {}).get("median_ms")
    for key, entry in results.items():
        if entry.get("status") != "ok":
            continue
        if key == "floor":  # the reference, not a key page
            entry["budgets"] = {}
            continue
        before = (previous or {}).get(key, {})
        entry["budgets"] = {
            "p95_le_50ms": entry["p95_ms"] <= common.PAGE_P95_MS,
            "p95_le_3x_floor_median": (entry["p95_ms"] <= common.PAGE_FLOOR_FACTOR * floor) if floor else None,
            "queries_le_15": entry["queries"] <= common.PAGE_MAX_QUERIES,
            "same_queries_as_other_scale": (before.get("queries") == entry["queries"])
            if before.get("queries") is not None else None,
        }


def print_table(results: dict, scale: str, previous_scale: str | None) -> None:
    mark = {True: "ok", False: "MISS", None: "–"}
    other = previous_scale or "other scale"
    print(f"\n{'page':<18} {'median ms':>9} {'p95 ms':>8} {'cpu p50':>7} {'queries':>7}  "
          f"p95≤50  p95≤3×floor  q≤15  q same as {other}")
    for key, entry in results.items():
        if key.startswith("_"):
            continue
        if key == "floor" and entry.get("status") == "ok":
            print(f"{key:<18} {entry['median_ms']:>9.2f} {entry['p95_ms']:>8.2f} {entry['cpu_median_ms']:>7.2f} "
                  f"{entry['queries']:>7}  (the reference)")
        elif entry.get("status") == "ok":
            b = entry["budgets"]
            print(f"{key:<18} {entry['median_ms']:>9.2f} {entry['p95_ms']:>8.2f} {entry['cpu_median_ms']:>7.2f} "
                  f"{entry['queries']:>7}  "
                  f"{mark[b['p95_le_50ms']]:<6}  {mark[b['p95_le_3x_floor_median']]:<11}  "
                  f"{mark[b['queries_le_15']]:<4}  {mark[b['same_queries_as_other_scale']]}")
        else:
            reason = entry.get("reason", "")
            print(f"{key:<18} {entry['status']}{f' — {reason}' if reason else ''}")
    floor = results.get("floor", {}).get("median_ms")
    if floor:
        print(f"\nfloor median {floor:.2f} ms → the 3× budget is p95 ≤ {3 * floor:.2f} ms "
              f"(and ≤ {common.PAGE_P95_MS:.0f} ms); scale {scale}")


def show_queries(client, pages: list[tuple[Page, str]]) -> None:
    """The SQL of one request of each page, each with its own time: where an N+1 or a heavy query
    shows."""
    from django.db import connection

    for page, path in pages:
        captured: list[tuple[float, str]] = []

        def timed(execute, sql, params, many, context, captured=captured):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                captured.append((time.perf_counter() - start, sql))

        with connection.execute_wrapper(timed):
            start = time.perf_counter()
            client.get(path)
            total = time.perf_counter() - start
        in_sql = sum(duration for duration, _sql in captured)
        print(f"\n-- {page.key} {path}: {len(captured)} queries, {in_sql * 1000:.1f} ms in SQL "
              f"of {total * 1000:.1f} ms")
        for n, (duration, sql) in enumerate(captured, 1):
            print(f"{n:>3}. [{duration * 1000:7.2f} ms] {sql[:300]}")


def profile_pages(client, pages: list[tuple[Page, str]], requests: int = 10) -> None:
    """Where the time of a page goes: cProfile over a few requests, the heaviest functions first."""
    import cProfile
    import io
    import pstats

    for page, path in pages:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            client.get(path)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(r"concertation|django/template/(base|defaulttags|loader_tags)|sqlite3|psycopg", 30)
        print(f"\n-- profile of {page.key} {path} ({requests} requests)")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=common.SCALES, required=True)
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else var/bench-<scale>.sqlite3")
    parser.add_argument("--compare", help="JSON of a previous run (the other scale): query counts must match")
    parser.add_argument("--only", help="comma-separated page keys (floor is always measured)")
    parser.add_argument("--show-queries", help="comma-separated page keys: print the SQL of one request each")
    parser.add_argument("--profile", help="comma-separated page keys: cProfile of 10 requests each (top functions)")
    args = parser.parse_args(argv)

    common.setup_django(database_url=args.database_url, scale=args.scale)
    common.require_migrated()
    from django.conf import settings

    # The API's rate limits stay counted (their cost is measured) but set high for the repeats.
    settings.API_RATE_LIMITS = {kind: "100000/m/key" for kind in ("token", "write", "session")}
    # So do the search's (120 a minute per person): two runs within a minute would be refused.
    settings.SEARCH_RATE_LIMITS = {"person": "100000/m/key", "anonymous": "100000/m/ip"}
    from django.contrib.auth import get_user_model
    from django.test import Client

    targets = find_targets()
    coordinator = get_user_model().objects.get(email=common.COORDINATOR_EMAIL)
    client = Client(raise_request_exception=False)  # a crashing page is reported, not fatal
    client.force_login(coordinator)

    wanted = set(args.only.split(",")) | {"floor"} if args.only else None
    measured, results = [], {}
    for page in PAGES:
        if wanted is not None and page.key not in wanted:
            continue
        if page.path is None:
            results[page.key] = {"status": "pending", "reason": page.pending}
            continue
        path = page.path(targets)
        if path is None:
            results[page.key] = {"status": "pending", "reason": "no such object in the generated database"}
            continue
        if not routed(path):
            results[page.key] = {"status": "pending", "path": path, "reason": "not routed yet"}
            continue
        measured.append((page, path))
    started = time.perf_counter()
    results = {**measure(measured, client, args.repeat, args.warmup), **results}
    results = {page.key: results[page.key] for page in PAGES if page.key in results}

    previous = json.loads(Path(args.compare).read_text()) if args.compare else None
    check_budgets(results, previous)
    results["_meta"] = {
        "scale": args.scale, "repeat": args.repeat, "warmup": args.warmup,
        "database": common.database_label(), "machine": common.machine(), "targets": targets.__dict__,
        "user": common.COORDINATOR_EMAIL, "elapsed_s": round(time.perf_counter() - started, 1),
        "compared_with": (previous or {}).get("_meta", {}).get("scale") if previous else None,
    }
    print(f"pages: scale {args.scale}, {common.database_label()}, {args.repeat} requests a page")
    print_table(results, args.scale, (previous or {}).get("_meta", {}).get("scale") if previous else None)
    if args.json:
        common.write_json(args.json, results)
        print(f"written: {args.json}")
    if args.show_queries:
        show_queries(client, [(page, path) for page, path in measured if page.key in args.show_queries.split(",")])
    if args.profile:
        profile_pages(client, [(page, path) for page, path in measured if page.key in args.profile.split(",")])
    missed = [key for key, entry in results.items()
              if not key.startswith("_") and any(v is False for v in entry.get("budgets", {}).values())]
    errors = [key for key, entry in results.items() if str(entry.get("status", "")).startswith("error")]
    if errors:
        print(f"errors: {', '.join(errors)}")
    if missed:
        print(f"budgets missed: {', '.join(missed)}")
    return 1 if missed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
