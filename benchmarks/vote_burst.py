"""Voting burst: N distinct members each cast a ballot over HTTP within seconds, then the stored
ballots are counted (lost, duplicated, errors) — on SQLite and on PostgreSQL.

    python benchmarks/vote_burst.py [--voters 1000] [--engine sqlite|postgres|both]
        [--spread 5] [--clients 200] [--workers 2] [--database-url URL] [--json FILE]

Builds its own data in a fresh database (SQLite: var/bench-vote.sqlite3, recreated; PostgreSQL:
DATABASE_URL, or a throwaway cluster from scripts/pg-throwaway.sh when none is set): a territory
with one space whose charter says one voice per person, majority, no quorum; N people who are
voting members; one open majority proposal. Each person gets a session written directly in the
database. Then ``concertation serve`` starts on 127.0.0.1 and:

1. every member opens the proposal page (GET, concurrently; this gives the CSRF cookie and the
   vote form, whose fields are read from the HTML — nothing about the form is hard-coded);
2. the burst: every member posts the form ("yes") to decisions:vote at a moment drawn uniformly
   in [0, --spread] seconds (open loop: the latency counts from that moment, so a queue on the
   client side shows too), with up to --clients requests in flight;
3. the ballots are counted in the database: lost (an accepted vote with no ballot), duplicated
   (two ballots or participations for one voter), errors (any answer but the redirect that follows
   a recorded vote, or a socket error), and the latency p50/p95/p99.

Budgets (issue 7): 0 lost, 0 duplicated, 0 errors, p95 ≤ 250 ms, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import html.parser
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

try:
    from benchmarks import common
except ImportError:  # run as a script: benchmarks/ is on sys.path
    import common

TERRITORY_SLUG = "vote-eclair"
SPACE_SLUG = "assemblee"
MAX_VOTERS = 5000


# -- data ---------------------------------------------------------------------------------------


def build(voters: int) -> dict:
    """The territory, the voters, the open proposal and a session per voter."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from concertation.decisions import services as decisions
    from concertation.directory.models import College, Territory
    from concertation.spaces import services as spaces
    from concertation.spaces.models import Membership, Space

    User = get_user_model()
    started = time.perf_counter()
    today = timezone.localdate()
    unusable = make_password(None)
    with transaction.atomic():
        territory = Territory.objects.create(name="Vote éclair (banc d'essai)", slug=TERRITORY_SLUG)
        college = College.objects.create(territory=territory, name="Citoyen", slug="citoyen", kind="citizen")
        space = Space.objects.create(territory=territory, name="Assemblée", slug=SPACE_SLUG, kind="assembly",
                                     visibility="members")
        author = User.objects.create(email=common.COORDINATOR_EMAIL, display_name="Coordination (banc d'essai)",
                                     password=unusable)
        territory.coordinators.add(author)
        spaces.charter_adopt(space=space, by=author, method="majority", fallback_method="", voting_unit="person",
                             threshold="simple", base="cast", quorum_kind="none", college_minimums={},
                             rules_text="Une voix par personne, majorité simple des voix exprimées.")
        people = User.objects.bulk_create(
            [User(email=f"votant{n:05d}@{common.BENCH_DOMAIN}", display_name=f"Personne votante {n}", password=unusable)
             for n in range(voters)], batch_size=1000)
        Membership.objects.bulk_create(
            [Membership(space=space, person=person, category="voting", college=college,
                        start=today - timedelta(days=10)) for person in people], batch_size=1000)
        proposal = decisions.proposal_create(space=space, author=author, title="Adopter le budget du quartier",
                                             body="Vote éclair du banc d'essai.")
        proposal = decisions.proposal_open(proposal=proposal, by=author,
                                           closes_at=timezone.now() + timedelta(days=1))
    sessions = common.session_keys(people)
    return {"proposal": proposal, "space": space, "people": people, "sessions": sessions,
            "seconds": round(time.perf_counter() - started, 1)}


# -- the vote form, read from the page -----------------------------------------------------------


class FormReader(html.parser.HTMLParser):
    """The fields of the form whose action is ``action`` (inputs, textareas, submit buttons)."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.found = False
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.textareas: list[tuple[str, bool]] = []
        self.submit: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.found:
            action = urllib.parse.urlsplit(a.get("action") or "").path
            if action == self.action:
                self.inside = self.found = True
            return
        if not self.inside:
            return
        if tag == "input":
            kind, name = (a.get("type") or "text").lower(), a.get("name")
            if not name:
                return
            if kind == "radio":
                self.radios.setdefault(name, []).append(a.get("value", ""))
            elif kind == "submit" and self.submit is None:
                self.submit = (name, a.get("value", ""))
            elif kind not in ("checkbox", "submit", "button", "file"):
                self.hidden.setdefault(name, a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self.textareas.append((a["name"], "required" in a))
        elif tag == "button" and a.get("name") and (a.get("type") or "submit") == "submit" and self.submit is None:
            self.submit = (a["name"], a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False

    def data(self) -> dict[str, str] | None:
        if not self.found:
            return None
        data = dict(self.hidden)
        for name, values in self.radios.items():
            data[name] = "yes" if "yes" in values else values[0]
        for name, required in self.textareas:
            data[name] = "Vote du banc d'essai." if required else ""
        if self.submit:
            data[self.submit[0]] = self.submit[1]
        return data


@dataclass
class Voter:
    person_id: int
    session: str
    csrf: str = ""
    form: dict | None = None
    get_s: float = 0.0
    status: int = 0
    location: str = ""
    latency_s: float = 0.0
    service_s: float = 0.0
    error: str = ""
    extra: dict = field(default_factory=dict)


def cookie_value(headers: list[tuple[str, str]], name: str) -> str:
    for key, value in headers:
        if key.lower() == "set-cookie" and value.startswith(f"{name}="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return ""


CLIENT_TIMEOUT = 35  # seconds: beyond gunicorn's 30 s worker timeout


def open_page(host: str, path: str, vote_path: str, voter: Voter, names: dict, deadline: float) -> None:
    started = time.perf_counter()
    if started > deadline:
        voter.error = "GET not sent (deadline)"
        return
    connection = http.client.HTTPConnection(host, timeout=CLIENT_TIMEOUT)
    try:
        connection.request("GET", path, headers={"Cookie": f"{names['session']}={voter.session}"})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        voter.get_s = time.perf_counter() - started
        if response.status != 200:
            voter.error = f"GET {response.status}"
            return
        voter.csrf = cookie_value(response.getheaders(), names["csrf"])
        reader = FormReader(vote_path)
        reader.feed(body)
        voter.form = reader.data()
        if voter.form is None:
            voter.error = "no vote form on the page"
    except (OSError, http.client.HTTPException) as exc:
        voter.error = f"GET {exc.__class__.__name__}"
    finally:
        connection.close()


def cast(host: str, vote_path: str, voter: Voter, names: dict, at: float, deadline: float) -> None:
    delay = at - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    if time.perf_counter() > deadline:
        voter.error = "POST not sent (deadline)"
        return
    body = urllib.parse.urlencode(voter.form)
    cookies = f"{names['session']}={voter.session}; {names['csrf']}={voter.csrf}"
    sent = time.perf_counter()
    connection = http.client.HTTPConnection(host, timeout=CLIENT_TIMEOUT)
    try:
        connection.request("POST", vote_path, body=body, headers={
            "Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded",
        })
        response = connection.getresponse()
        response.read()
        done = time.perf_counter()
        voter.status, voter.location = response.status, response.getheader("Location", "")
    except (OSError, http.client.HTTPException) as exc:
        done = time.perf_counter()
        voter.error = f"POST {exc.__class__.__name__}"
    finally:
        connection.close()
    voter.latency_s, voter.service_s = done - at, done - sent


def group_cpu_s(pgid: int) -> float | None:
    """CPU seconds used so far by the server we started (its process group); None without /proc."""
    total, found = common.process_group_cpu_s(pgid)
    return total if found else None


def accepted(voter: Voter) -> bool:
    return not voter.error and voter.status in (302, 303) and "/compte/" not in voter.location


# -- one run on one database ----------------------------------------------------------------------


def run(args) -> dict:
    if args.engine == "sqlite":
        url = args.database_url or f"sqlite:///{common.VAR / 'bench-vote.sqlite3'}"
        if url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///"):])
            if path.exists() and not (path.name.startswith("bench-") or common.VAR.resolve() in path.resolve().parents):
                raise SystemExit(f"vote_burst: {path} exists and is not a benchmark database")
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        url = args.database_url or os.environ.get("DATABASE_URL", "")
    env = common.setup_django(database_url=url, manifest_static=True)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import NoReverseMatch, reverse

    call_command("migrate", verbosity=0, interactive=False)
    from concertation.directory.models import Territory

    if Territory.objects.filter(slug=TERRITORY_SLUG).exists():
        raise SystemExit("vote_burst: the database already holds a vote burst: use a fresh one")
    database = common.database_label()
    report = {"engine": args.engine, "database": database, "voters": args.voters, "spread_s": args.spread,
              "clients": args.clients, "workers": args.workers, "threads": args.threads}
    print(f"vote_burst: {database}; {args.voters} voters, spread {args.spread} s, ≤ {args.clients} in flight, "
          f"{args.workers} workers")
    data = build(args.voters)
    proposal, space = data["proposal"], data["space"]
    kwargs = {"territory": TERRITORY_SLUG, "space": space.slug, "pk": proposal.pk}
    try:
        vote_path = reverse("decisions:vote", kwargs=kwargs)
    except NoReverseMatch:
        print("vote_burst: pending — decisions:vote is not routed yet")
        return {**report, "status": "pending", "reason": "decisions:vote not routed yet"}
    page_path = proposal_page(kwargs, vote_path)
    print(f"  data built in {data['seconds']} s; proposal page {page_path}, vote {vote_path}")
    names = {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME}
    voters = [Voter(person.pk, data["sessions"][person.pk]) for person in data["people"]]
    connection.close()

    with common.Server(env, workers=args.workers, threads=args.threads) as server:
        host = server.base_url.split("//", 1)[1]
        started = time.perf_counter()
        deadline = started + args.deadline
        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda v: open_page(host, page_path, vote_path, v, names, deadline), voters))
        opened = time.perf_counter() - started
        ready = [v for v in voters if v.form is not None and v.csrf]
        not_ready = Counter(v.error or "no CSRF cookie" for v in voters if v not in ready)
        get_stats = common.summary_ms([v.get_s for v in voters if v.get_s])
        print(f"  {len(ready)}/{len(voters)} members opened the page and got the form in {opened:.1f} s "
              f"(GET p50 {get_stats['median_ms']} ms, p95 {get_stats['p95_ms']} ms)"
              + (f"; not ready: {dict(not_ready)}" if not_ready else ""))
        if ready:
            print(f"  form fields (first voter): {sorted(ready[0].form)}")
        rng = random.Random(args.seed)
        start_at = time.perf_counter() + 0.5
        deadline = start_at + args.spread + args.deadline
        schedule = sorted(((start_at + rng.uniform(0, args.spread), v) for v in ready), key=lambda item: item[0])
        # Where the CPU goes during the burst: the server (master and workers), and this client.
        server_cpu, client_cpu = group_cpu_s(server.process.pid), time.process_time()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(lambda item: cast(host, vote_path, item[1], names, item[0], deadline), schedule))
        burst_s = max(time.perf_counter() - start_at, 0.0) if schedule else 0.0
        server_after = group_cpu_s(server.process.pid)
        client_cpu = time.process_time() - client_cpu
        server_cpu = server_after - server_cpu if server_cpu is not None and server_after is not None else None

    # Count what the database holds.
    from concertation.decisions.models import Ballot, Participation

    ballots = list(Ballot.objects.filter(proposal=proposal).values_list("voter_key", "person_id", "value"))
    per_key = Counter(key for key, _person, _value in ballots)
    participations = Counter(Participation.objects.filter(proposal=proposal).values_list("voter_key", flat=True))
    with_ballot = {person for _key, person, _value in ballots}
    ok = [v for v in voters if accepted(v)]
    lost = [v for v in ok if v.person_id not in with_ballot]
    duplicated = sum(n - 1 for n in per_key.values() if n > 1) + sum(n - 1 for n in participations.values() if n > 1)
    errors = Counter()
    for voter in voters:
        if voter not in ready:
            errors[voter.error or "no CSRF cookie"] += 1
        elif not accepted(voter):
            errors[voter.error or f"POST {voter.status}" + (f" → {voter.location}" if voter.location else "")] += 1
    latencies = [v.latency_s for v in ready if v.status or v.error.startswith("POST ") and "deadline" not in v.error]
    service = [v.service_s for v in ready if v.status]
    lat, srv = common.summary_ms(latencies), common.summary_ms(service)
    values = Counter(json.dumps(value) for _k, _p, value in ballots)
    report.update(
        status="done", proposal=proposal.pk, vote_path=vote_path, accepted=len(ok), stored_ballots=len(ballots),
        distinct_voters=len(per_key), participations=sum(participations.values()), values=dict(values),
        lost=len(lost), duplicated=duplicated, errors=sum(errors.values()), error_detail=dict(errors),
        p50_ms=lat["median_ms"], p95_ms=lat["p95_ms"], p99_ms=lat["p99_ms"], max_ms=lat["max_ms"],
        service_p50_ms=srv["median_ms"], service_p95_ms=srv["p95_ms"], burst_s=round(burst_s, 2),
        votes_per_s=round(len(latencies) / burst_s, 1) if burst_s else None,
        page_get_p50_ms=get_stats["median_ms"], page_get_p95_ms=get_stats["p95_ms"],
        server_cpu_per_vote_ms=round(1000 * server_cpu / len(schedule), 2) if server_cpu and schedule else None,
        client_cpu_per_vote_ms=round(1000 * client_cpu / len(schedule), 2) if schedule else None,
        load_average=list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        machine=common.machine(),
    )
    report["budgets"] = {
        "zero_lost": report["lost"] == 0, "zero_duplicated": report["duplicated"] == 0,
        "zero_errors": report["errors"] == 0,
        "p95_le_250ms": report["p95_ms"] is not None and report["p95_ms"] <= common.VOTE_P95_MS,
    }
    print_report(report)
    return report


def proposal_page(kwargs: dict, vote_path: str) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("decisions:proposal", kwargs=kwargs)
    except NoReverseMatch:
        return vote_path.rsplit("/", 2)[0] + "/"


def print_report(r: dict) -> None:
    print(f"\n  [{r['engine']}] {r['accepted']}/{r['voters']} votes accepted in {r['burst_s']} s "
          f"({r['votes_per_s']} votes/s); stored ballots {r['stored_ballots']} for {r['distinct_voters']} voters, "
          f"participations {r['participations']}")
    print(f"  lost {r['lost']}, duplicated {r['duplicated']}, errors {r['errors']}"
          + (f" {r['error_detail']}" if r["errors"] else ""))
    print(f"  latency from the moment of the vote: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms, "
          f"max {r['max_ms']} ms (server answer only: p50 {r['service_p50_ms']} ms, p95 {r['service_p95_ms']} ms)")
    if r.get("server_cpu_per_vote_ms") is not None:
        print(f"  CPU a vote: server {r['server_cpu_per_vote_ms']} ms (master and workers), this client "
              f"{r['client_cpu_per_vote_ms']} ms; load average after {r['load_average']}")
    budgets = r["budgets"]
    print("  budgets: " + ", ".join(f"{name} {common.verdict(ok)}" for name, ok in budgets.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=1000, help=f"(≤ {MAX_VOTERS})")
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--spread", type=float, default=5.0, help="seconds over which the votes arrive")
    parser.add_argument("--clients", type=int, default=200, help="requests in flight at most (≤ 500)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--deadline", type=float, default=120,
                        help="seconds after which no more request is sent, in each phase (bounded run)")
    parser.add_argument("--database-url", help="SQLite default var/bench-vote.sqlite3; PostgreSQL: DATABASE_URL "
                                               "or a throwaway cluster")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)
    args.voters = max(1, min(args.voters, MAX_VOTERS))
    args.clients = max(1, min(args.clients, 500))

    if args.engine == "both":
        reports = {}
        for engine in ("sqlite", "postgres"):
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
                target = out.name
            forwarded = [a for a in (argv if argv is not None else sys.argv[1:])]
            forwarded = strip_options(forwarded, {"--engine", "--json"})
            subprocess.run([sys.executable, __file__, *forwarded, "--engine", engine, "--json", target],
                           check=False, timeout=900)
            try:
                reports[engine] = json.loads(Path(target).read_text())
            except (OSError, ValueError):
                reports[engine] = {"engine": engine, "status": "failed"}
            Path(target).unlink(missing_ok=True)
        if args.json:
            common.write_json(args.json, reports)
        return 0 if all(all(r.get("budgets", {"x": False}).values()) for r in reports.values()
                        if r.get("status") == "done") else 1

    if args.engine == "postgres" and not (args.database_url or os.environ.get("DATABASE_URL", "")).startswith("postgres"):
        # No PostgreSQL given: run this same benchmark inside a throwaway cluster.
        script = common.ROOT / "scripts" / "pg-throwaway.sh"
        forwarded = strip_options(list(argv if argv is not None else sys.argv[1:]), {"--database-url"})
        return subprocess.run([str(script), sys.executable, __file__, *forwarded], check=False,
                              timeout=900).returncode

    report = run(args)
    if args.json:
        common.write_json(args.json, report)
    if report.get("status") != "done":
        return 0
    return 0 if all(report["budgets"].values()) else 1


def strip_options(argv: list[str], names: set[str]) -> list[str]:
    """argv without the given options and their values (``--name value`` or ``--name=value``)."""
    out, skip = [], False
    for item in argv:
        if skip:
            skip = False
            continue
        if item in names:
            skip = True
            continue
        if any(item.startswith(f"{name}=") for name in names):
            continue
        out.append(item)
    return out


if __name__ == "__main__":
    sys.exit(main())
