"""Realistic load: many distinct members, each an independent client with think time, visiting the
pages their role visits and writing at a stated rate, against ``concertation serve`` (issue 20, item 2).

    python benchmarks/realistic.py [--size S|M|L] [--members 200] [--duration 60] [--workers 1,2]
        [--think-scale 1.0] [--writes-per-minute 30] [--database-url URL] [--regenerate] [--seed 7]
        [--json [FILE]]
    python benchmarks/realistic.py --mode single-browser [--size M] [--duration 20] [--workers 2]

From a clean checkout, with the project's virtual environment:

    .venv/bin/python benchmarks/realistic.py --size M --members 200 --duration 60 --workers 1,2

What it does:

1. The territory: ``var/bench-<size>.sqlite3`` made by ``benchmarks/generate.py --scale <size>``
   when it is missing or older than the migrations (``--regenerate`` to make it again), or the
   database of ``--database-url`` (PostgreSQL: generated when it holds no benchmark data yet).
2. The members: ``--members`` distinct people of the territory (at least 200), by role — the
   coordinators of the territory, the facilitator of the live meeting (the assembly's meeting in
   progress), observers (delegates and alternates of observer or guest seats, then alternates),
   citizens (personal seats) and delegates (the rest). When the territory has too few people (the
   demo at S), citizen accounts ``realiste-NNNN@banc.concertation.test`` are added to the assembly
   (once; reused afterwards). Each member signs in once at the start: a session of their own
   (written by the session engine, as the other benchmarks do: the generated people have no
   password), then a first page, not measured, which gives them their own CSRF cookie.
3. For each server count of ``--workers`` (e.g. ``1,2``): ``concertation serve`` (gunicorn, N sync
   workers, DEBUG off, hashed static files) on 127.0.0.1 and a free port; every member is a thread
   (the standard library's http.client: httpx is not in the venv) that loops for ``--duration``
   seconds: think (uniform 5–30 s × ``--think-scale``; the first wait is drawn within one think
   time so that the members do not all start together), then either a page drawn from its role's
   mix or, with the probability that gives ``--writes-per-minute`` in all, a write:

   - vote: the page of an open proposal of one of their spaces (one-choice methods: majority,
     consent, consensus, gradients, advice), then the vote form posted (the fields read from the
     page, « yes » or the first choice); each member votes at most once per proposal in a run
     (a member who may not vote there comments instead);
   - comment: a proposal page of their spaces, then a comment posted (a unique text);
   - attendance (the live meeting's facilitator only, about a fifth of the writes): the live page,
     then one of its attendance buttons posted (a person marked present, late, excused or absent).

   A write is accepted on the redirect that follows success; after the run each accepted write
   is looked up in the database (ballot or participation; the comment's text; the person's final
   attendance status): « stored » counts those found.
4. Measured, for each server count: requests per second (answers received within the
   --duration window, per second), p50/p95/p99 latency of the requests sent in the window (from
   the connection to the last byte), per page kind and overall, errors (socket errors and unexpected statuses,
   with their detail), the server's CPU seconds (utime + stime of gunicorn's master and workers
   from /proc/<pid>/stat, before and after, plus the workers the master reaped) per request — and,
   on a PostgreSQL of this machine, its CPU too (postmaster and backends) — the load generator's
   own CPU, and the load average at start and end. A table is printed; ``--json``
   writes everything to ``benchmarks/results/realistic-<size>-<UTC time>.json`` (or FILE).

``--mode single-browser`` is the old diagnostic, kept by name: one browser replaying the member's
pages over many connections (``benchmarks/load.py``), a ceiling of the stack rather than a load.

The load generator runs on the same machine as the server: on a shared or small machine the figures
are indicative (the load average is printed with them). Exit status 0 when no request failed and
every accepted write was stored.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

try:
    from benchmarks import common, vote_burst
except ImportError:  # run as a script: benchmarks/ is on sys.path
    import common
    import vote_burst

MIN_MEMBERS = 200
MAX_MEMBERS = 2000
MAX_DURATION = 1800
THINK_RANGE = (5.0, 30.0)
CLIENT_TIMEOUT = 35  # seconds: beyond gunicorn's 30 s worker timeout
TOPUP_PREFIX = "realiste-"

# What each role visits: page kind → weight (kinds a member has no page for are left out).
PAGE_MIX = {
    "delegate": {"home": 25, "proposal": 22, "meetings": 10, "meeting": 10, "space": 10, "register": 7,
                 "follow_ups": 5, "my_spaces": 4, "plan": 4, "dashboard": 3},
    "citizen": {"home": 25, "proposal": 20, "space": 15, "meetings": 10, "meeting": 10, "plan": 6,
                "register": 6, "dashboard": 3, "follow_ups": 3, "my_spaces": 2},
    "observer": {"home": 20, "space": 20, "meeting": 15, "proposal": 14, "register": 10, "meetings": 10,
                 "plan": 6, "dashboard": 5},
    "coordinator": {"plan": 16, "dashboard": 16, "home": 14, "follow_ups": 10, "space": 10, "meetings": 10,
                    "meeting": 8, "proposal": 8, "register": 5, "my_spaces": 3},
    "facilitator": {"live": 35, "meeting": 15, "home": 15, "proposal": 10, "meetings": 10, "space": 10,
                    "follow_ups": 5},
}
ROLE_SHARES = {"coordinator": 0.05, "observer": 0.10, "citizen": 0.25}  # delegates: the rest
WRITE_MIX = {"vote": 5, "comment": 3, "attendance": 2}
# The methods whose ballot is one choice among radio buttons (the form is filled from the page);
# ranked, approval, dot and STV ballots are not cast by this benchmark.
RADIO_METHODS = {"majority", "consent", "consensus", "gradients", "advice"}


def say(text: str) -> None:
    print(f"realistic: {text}", flush=True)


# -- the database -----------------------------------------------------------------------------


def prepare_database(args) -> str:
    """The database URL, generated first when needed (in a subprocess: generate.py as documented)."""
    url = args.database_url or os.environ.get("DATABASE_URL") or common.default_database_url(args.size)
    sqlite = url.startswith("sqlite:///")
    needed = args.regenerate
    if not needed:
        if sqlite and not Path(url[len("sqlite:///"):]).exists():
            needed = True
        else:
            state = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--probe-database", "--database-url", url],
                capture_output=True, text=True, check=False, timeout=300,
            )
            verdict = (state.stdout.strip().splitlines() or ["error"])[-1]
            if verdict == "missing" or (verdict == "stale" and sqlite):
                needed = True
            elif verdict == "stale":
                raise SystemExit("realistic: the database lacks migrations and is not a benchmark SQLite file: "
                                 "give an empty PostgreSQL database, or --regenerate on an empty one")
            elif verdict != "ok":
                raise SystemExit(f"realistic: cannot read the database {redact(url)}:\n{state.stderr[-2000:]}")
    if needed:
        say(f"generating the {args.size} territory into {redact(url)} (benchmarks/generate.py)")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(common.ROOT / "benchmarks" / "generate.py"), "--scale", args.size,
                               "--database-url", url, "--seed", str(args.seed)], check=False, timeout=7200)
        if done.returncode != 0:
            raise SystemExit(f"realistic: generate.py failed (exit {done.returncode})")
        say(f"generated in {time.perf_counter() - started:.0f} s")
    return url


def redact(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//…@", url)


def probe_database(url: str) -> str:
    """« ok », « stale » (migrations missing) or « missing » (no benchmark data)."""
    common.setup_django(database_url=url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    applied = executor.loader.applied_migrations
    if not applied:
        return "missing"
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return "stale"
    return "ok" if get_user_model().objects.filter(email=common.COORDINATOR_EMAIL).exists() else "missing"


# -- the members and their pages ---------------------------------------------------------------


@dataclass
class Member:
    person_id: int
    role: str
    session: str = ""
    csrf: str = ""
    pages: dict = field(default_factory=dict)       # kind → [path]
    proposals: list = field(default_factory=list)   # (path, vote path, comment path, pk) of open proposals
    comment_on: list = field(default_factory=list)  # (path, comment path, pk) of proposals to comment on
    live: tuple | None = None                       # (live path, attendance path, meeting pk)
    voted: set = field(default_factory=set)


def choose_members(count: int, seed: int) -> tuple[list[Member], dict]:
    """``count`` distinct people of the benchmark territory by role, with their pages."""
    from django.urls import reverse
    from django.utils import timezone

    from concertation.decisions.models import Proposal
    from concertation.directory.models import College, Territory
    from concertation.meetings.models import Meeting
    from concertation.planning.models import Plan
    from concertation.spaces.models import Delegation, Membership, Space

    try:
        from benchmarks import pages
    except ImportError:
        import pages

    rng = random.Random(seed)
    targets = pages.find_targets()
    territory = Territory.objects.get(slug=targets.territory)
    t = territory.slug
    today = timezone.localdate()
    spaces = {s.pk: s for s in Space.objects.filter(territory=territory)}
    assembly = next(s for s in spaces.values() if s.slug == targets.space)
    current = Membership.objects.filter(space__territory=territory, start__lte=today).exclude(end__lt=today)
    live = Meeting.objects.filter(pk=targets.live_meeting).first() if targets.live_meeting else None

    # Whose seats: person → spaces, and the pools of each role.
    spaces_of: dict[int, set[int]] = defaultdict(set)
    delegates, observers, alternates, citizens = [], [], [], []
    for m in current.filter(person__isnull=False).values("person_id", "space_id", "category"):
        spaces_of[m["person_id"]].add(m["space_id"])
        (citizens if m["category"] == "voting" else observers).append(m["person_id"])
    delegations = (Delegation.objects.filter(membership__in=current, start__lte=today).exclude(end__lt=today)
                   .values("person_id", "kind", "membership__space_id", "membership__category"))
    for d in delegations:
        spaces_of[d["person_id"]].add(d["membership__space_id"])
        if d["membership__category"] != "voting":
            observers.append(d["person_id"])
        elif d["kind"] == "delegate":
            delegates.append(d["person_id"])
        else:
            alternates.append(d["person_id"])
    coordinators = list(territory.coordinators.order_by("pk").values_list("pk", flat=True))
    for pk in coordinators:
        spaces_of[pk] |= {s.pk for s in spaces.values() if s.parent_id is None or s.parent_id == assembly.pk}

    def unique(ids):
        seen: set[int] = set()
        return [i for i in ids if not (i in seen or seen.add(i))]

    facilitator = live.facilitator_id if live is not None and live.facilitator_id else None
    taken: set[int] = {facilitator} if facilitator else set()
    chosen: list[tuple[int, str]] = [(facilitator, "facilitator")] if facilitator else []

    def take(pool, role, n):
        pool = [p for p in unique(pool) if p not in taken]
        rng.shuffle(pool)
        for person_id in pool[:max(n, 0)]:
            taken.add(person_id)
            chosen.append((person_id, role))

    take(coordinators, "coordinator", max(2, round(count * ROLE_SHARES["coordinator"])))
    take(observers + alternates, "observer", round(count * ROLE_SHARES["observer"]))
    take(citizens, "citizen", round(count * ROLE_SHARES["citizen"]))
    take(delegates, "delegate", count - len(chosen))
    for pool, role in ((citizens, "citizen"), (alternates, "observer"), (observers, "observer")):
        take(pool, role, count - len(chosen))
    topped_up = 0
    if len(chosen) < count:
        topped_up = count - len(chosen)
        college = College.objects.filter(territory=territory, kind="citizen").first()
        for person_id in top_up(assembly, college, topped_up, taken):
            spaces_of[person_id].add(assembly.pk)
            chosen.append((person_id, "citizen"))
    chosen = chosen[:count]

    # Pages by space (computed once), then each member's.
    plans = {p.space_id: p.pk for p in Plan.objects.filter(space__territory=territory, status="adopted").order_by("pk")}
    meetings_of: dict[int, list[int]] = defaultdict(list)
    for pk, space_id in (Meeting.objects.filter(space__territory=territory)
                         .exclude(status__in=["draft", "cancelled"]).order_by("-starts_at")
                         .values_list("pk", "space_id")):
        if len(meetings_of[space_id]) < 4:
            meetings_of[space_id].append(pk)
    open_of: dict[int, list[int]] = defaultdict(list)
    others_of: dict[int, list[int]] = defaultdict(list)
    votable: set[int] = set()
    for pk, space_id, status, method in (Proposal.objects.filter(space__territory=territory)
                                         .exclude(status__in=["draft", "withdrawn"]).order_by("-pk")
                                         .values_list("pk", "space_id", "status", "method")):
        if status == "open":
            open_of[space_id].append(pk)
            if method in RADIO_METHODS:
                votable.add(pk)
        elif len(others_of[space_id]) < 4:
            others_of[space_id].append(pk)

    def kw(space_id, **extra):
        return {"territory": t, "space": spaces[space_id].slug, **extra}

    members = []
    for person_id, role in chosen:
        mine = sorted(spaces_of[person_id], key=lambda pk: (pk != assembly.pk, pk))[:6] or [assembly.pk]
        member = Member(person_id, role)
        p = member.pages
        p["home"] = ["/"]
        p["my_spaces"] = [reverse("home:my_spaces")]
        p["register"] = [reverse("register:territory", kwargs={"territory": t})]
        p["follow_ups"] = [reverse("my:my_follow_ups")] + [reverse("meetings:follow_ups", kwargs=kw(s))
                                                             for s in mine[:2]]
        p["space"] = [reverse("spaces:space", kwargs=kw(s)) for s in mine]
        p["meetings"] = [reverse("meetings:list", kwargs=kw(s)) for s in mine]
        p["meeting"] = [reverse("meetings:meeting", kwargs=kw(s, pk=m)) for s in mine for m in meetings_of[s]]
        p["plan"] = [reverse("planning:plan", kwargs=kw(s, plan=plans[s])) for s in mine if s in plans]
        p["dashboard"] = [reverse("planning:dashboard", kwargs=kw(s, plan=plans[s])) for s in mine if s in plans]
        proposal_paths = []
        for s in mine:
            for pk in open_of[s][:6]:
                path = reverse("decisions:proposal", kwargs=kw(s, pk=pk))
                proposal_paths.append(path)
                if pk in votable:
                    member.proposals.append((path, reverse("decisions:vote", kwargs=kw(s, pk=pk)), pk))
                member.comment_on.append((path, reverse("discussions:thread", kwargs={
                    "territory": t, "kind": "proposal", "object_id": pk}), pk))
            proposal_paths += [reverse("decisions:proposal", kwargs=kw(s, pk=pk)) for pk in others_of[s][:2]]
        p["proposal"] = proposal_paths
        if role == "facilitator" and live is not None:
            args = kw(live.space_id, pk=live.pk)
            member.live = (reverse("meetings:live", kwargs=args), reverse("meetings:attendance", kwargs=args), live.pk)
            p["live"] = [member.live[0]]
        member.pages = {kind: paths for kind, paths in p.items() if paths}
        members.append(member)
    info = {"territory": t, "roles": dict(Counter(m.role for m in members)), "topped_up": topped_up,
            "live_meeting": live.pk if live else None,
            "open_proposals": len({pk for m in members for _p, _c, pk in m.comment_on}),
            "votable_proposals": len({pk for m in members for _p, _v, pk in m.proposals})}
    return members, info


def top_up(space, college, n: int, taken: set[int]) -> list[int]:
    """Citizen accounts seated in the assembly, made once and reused: the people the demo lacks."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from concertation.spaces.models import Membership

    User = get_user_model()
    today = timezone.localdate()
    existing = list(User.objects.filter(email__startswith=TOPUP_PREFIX, email__endswith=common.BENCH_DOMAIN)
                    .exclude(pk__in=taken).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        if len(existing) < n:
            unusable = make_password(None)
            start = User.objects.filter(email__startswith=TOPUP_PREFIX).count()
            made = User.objects.bulk_create([
                User(email=f"{TOPUP_PREFIX}{start + i:04d}@{common.BENCH_DOMAIN}",
                     display_name=f"Citoyenne ou citoyen {start + i}", password=unusable)
                for i in range(n - len(existing))])
            existing += [u.pk for u in made]
        ids = existing[:n]
        seated = set(Membership.objects.filter(space=space, person_id__in=ids).values_list("person_id", flat=True))
        Membership.objects.bulk_create([
            Membership(space=space, person_id=pk, category="voting", college=college, note="Siège citoyen (banc)",
                       start=today) for pk in ids if pk not in seated])
    return ids


# -- one client --------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    started: float
    seconds: float
    status: int
    error: str = ""


class Run:
    """One run against one server: the members' threads, their samples and their writes."""

    def __init__(self, args, members: list[Member], host: str, names: dict, write_probability: float,
                 attendance_interval: float | None):
        self.args, self.members, self.host, self.names = args, members, host, names
        self.write_probability = write_probability
        self.attendance_interval = attendance_interval
        self.samples: list[Sample] = []
        self.writes: list[dict] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.start_at = 0.0
        self.end_at = 0.0

    # HTTP ------------------------------------------------------------------------------------
    def request(self, member: Member, kind: str, method: str, path: str, fields: dict | None = None,
                record: bool = True) -> tuple[int, str, str]:
        headers = {"Cookie": f"{self.names['session']}={member.session}"
                             + (f"; {self.names['csrf']}={member.csrf}" if member.csrf else "")}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}{path}"
        connection = http.client.HTTPConnection(self.host, timeout=CLIENT_TIMEOUT)
        started = time.perf_counter()
        status, text, location, error = 0, "", "", ""
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            status, location = response.status, response.getheader("Location", "")
            csrf = vote_burst.cookie_value(response.getheaders(), self.names["csrf"])
            if csrf:
                member.csrf = csrf
            text = raw.decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        expected = (302, 303) if method == "POST" else (200,)
        if not error and status not in expected:
            error = f"{method} {status}"
        if not error and "/compte/" in location:
            error = "signed out"
        if record:
            with self.lock:
                self.samples.append(Sample(kind, started, seconds, status, error))
        return status, text, error

    # a member ---------------------------------------------------------------------------------
    def think(self, rng: random.Random) -> float:
        return rng.uniform(*THINK_RANGE) * self.args.think_scale

    def member_loop(self, member: Member, seed: int) -> None:
        rng = random.Random(seed)
        kinds = {k: w for k, w in PAGE_MIX[member.role].items() if k in member.pages}
        names, weights = list(kinds), list(kinds.values())
        next_at = self.start_at + rng.uniform(0, self.think(rng))
        attendance_at = self.start_at + rng.uniform(0, self.attendance_interval or 1)
        while True:
            at = min(next_at, attendance_at) if (member.live and self.attendance_interval) else next_at
            if at >= self.end_at or self.stop.wait(max(at - time.perf_counter(), 0)):
                return
            if time.perf_counter() >= self.end_at:
                return
            if member.live and self.attendance_interval and at == attendance_at:
                self.attendance(member, rng)
                attendance_at += rng.expovariate(1 / self.attendance_interval)
                continue
            if rng.random() < self.write_probability:
                if rng.random() < WRITE_MIX["vote"] / (WRITE_MIX["vote"] + WRITE_MIX["comment"]):
                    self.vote(member, rng)
                else:
                    self.comment(member, rng)
            else:
                kind = rng.choices(names, weights)[0]
                self.request(member, kind, "GET", rng.choice(member.pages[kind]))
            next_at = time.perf_counter() + self.think(rng)

    # writes ------------------------------------------------------------------------------------
    def note_write(self, kind: str, member: Member, accepted: bool, detail: str, **data) -> None:
        with self.lock:
            self.writes.append({"kind": kind, "person_id": member.person_id, "accepted": accepted,
                                "detail": detail, **data})

    def vote(self, member: Member, rng: random.Random) -> None:
        choices = [p for p in member.proposals if p[2] not in member.voted]
        if not choices:
            return self.comment(member, rng)
        path, vote_path, pk = rng.choice(choices)
        member.voted.add(pk)
        status, page, error = self.request(member, "proposal", "GET", path)
        if error:
            return self.note_write("vote", member, False, f"page: {error}", proposal=pk)
        reader = vote_burst.FormReader(vote_path)
        reader.feed(page)
        form = reader.data()
        if form is None:  # not a voter there (an observer's seat, a recusal): a comment instead
            return self.comment(member, rng, (path, vote_path.replace("/voter/", "/commenter/"), pk), page)
        form["csrfmiddlewaretoken"] = member.csrf
        status, text, error = self.request(member, "write:vote", "POST", vote_path, form)
        self.note_write("vote", member, not error, why(error, text), proposal=pk)

    def comment(self, member: Member, rng: random.Random, target: tuple | None = None, page: str | None = None):
        if target is None:
            if not member.comment_on:
                return None
            target = rng.choice(member.comment_on)
        path, comment_path, pk = target
        if page is None:
            _status, page, error = self.request(member, "proposal", "GET", path)
            if error:
                return self.note_write("comment", member, False, f"page: {error}", proposal=pk)
        if f'action="{comment_path}"' not in page:
            return self.note_write("comment", member, False, "no comment form for this member", proposal=pk,
                                   skipped=True)
        text = f"Commentaire du banc réaliste {uuid.uuid4().hex[:12]}."
        _status, answer, error = self.request(member, "write:comment", "POST", comment_path,
                                              {"csrfmiddlewaretoken": member.csrf, "body": text})
        return self.note_write("comment", member, not error, why(error, answer), proposal=pk, body=text)

    def attendance(self, member: Member, rng: random.Random) -> None:
        live_path, attendance_path, meeting = member.live
        _status, page, error = self.request(member, "live", "GET", live_path)
        if error:
            return self.note_write("attendance", member, False, f"page: {error}", meeting=meeting)
        buttons = re.findall(r'name="presence"\s+value="(\d+):(\d*):(\w+)"', page)
        if not buttons:
            return self.note_write("attendance", member, False, "no attendance button on the live page",
                                   meeting=meeting, skipped=True)
        person, organization, status = rng.choice(buttons)
        _code, answer, error = self.request(member, "write:attendance", "POST", attendance_path,
                                            {"csrfmiddlewaretoken": member.csrf,
                                             "presence": f"{person}:{organization}:{status}"})
        return self.note_write("attendance", member, not error, why(error, answer), meeting=meeting, person=int(person),
                               status=status)


def why(error: str, page: str) -> str:
    """The error, with the form's message when the server answered the form again (200)."""
    if not error or not page:
        return error
    match = re.search(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>|role="alert"[^>]*>(.*?)</', page, re.S)
    if not match:
        return error
    message = re.sub(r"<[^>]+>|\s+", " ", match.group(1) or match.group(2) or "").strip()
    return f"{error}: {message[:120]}" if message else error


# -- measuring the server ----------------------------------------------------------------------


def server_cpu_s(master_pid: int) -> tuple[float, int]:
    """CPU seconds of gunicorn's master and its workers (its process group), with the workers the
    master reaped; and how many processes were read."""
    return common.process_group_cpu_s(master_pid, with_reaped=True)


def postmaster_pid() -> int | None:
    """The PostgreSQL server's main process when it runs on this machine (None for SQLite or a remote
    server): the parent of this connection's backend."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    fields = common.stat_fields(backend)
    connection.close()
    return int(fields[1]) if fields else None


def database_cpu_s(postmaster: int | None) -> float | None:
    """CPU seconds of a local PostgreSQL: the postmaster, its live children (backends, background
    workers) and those it reaped (connections closed since it started)."""
    if postmaster is None:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    main = common.stat_fields(postmaster)
    if main is None:
        return None
    total = sum(int(x) for x in main[11:15]) / ticks
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != postmaster:
            fields = common.stat_fields(entry)
            if fields and int(fields[1]) == postmaster:
                total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def stats(samples: list[Sample], start: float, end: float) -> dict:
    """Latency of the requests started in the window; throughput: those completed in it, per second."""
    ok = [s.seconds for s in samples if not s.error]
    summary = common.summary_ms(ok)
    completed = sum(1 for s in samples if s.started + s.seconds <= end)
    return {"requests": len(samples), "requests_per_s": round(completed / (end - start), 2),
            "p50_ms": summary["median_ms"], "p95_ms": summary["p95_ms"], "p99_ms": summary["p99_ms"],
            "max_ms": summary["max_ms"], "errors": sum(1 for s in samples if s.error),
            "error_detail": dict(Counter(s.error for s in samples if s.error))}


def check_writes(writes: list[dict]) -> dict:
    """Each accepted write looked up in the database."""
    from django.db.models import Q

    from concertation.decisions.models import Ballot, Participation
    from concertation.knowledge.models import Comment
    from concertation.meetings.models import Attendance

    final_status: dict[tuple[int, int], str] = {}
    for w in writes:
        if w["kind"] == "attendance" and w["accepted"]:
            final_status[(w["meeting"], w["person"])] = w["status"]
    report: dict[str, dict] = {}
    for kind in WRITE_MIX:
        mine = [w for w in writes if w["kind"] == kind]
        accepted = [w for w in mine if w["accepted"]]
        stored = 0
        if kind == "vote":
            for w in accepted:
                p, who = w["proposal"], w["person_id"]
                stored += bool(Ballot.objects.filter(Q(person_id=who) | Q(cast_by_id=who), proposal_id=p).exists()
                               or Participation.objects.filter(proposal_id=p, person_id=who).exists())
        elif kind == "comment":
            for w in accepted:
                stored += Comment.objects.filter(target_kind="proposal", target_id=w["proposal"],
                                                 author_id=w["person_id"], body=w["body"]).exists()
        else:
            current = {(a.meeting_id, a.person_id): a.status for a in Attendance.objects.filter(
                meeting_id__in={m for m, _p in final_status}, person_id__in={p for _m, p in final_status})}
            matches = {key for key, status in final_status.items() if current.get(key) == status}
            stored = sum(1 for w in accepted if (w["meeting"], w["person"]) in matches)
            # Earlier marks of a person marked again are overwritten: they count as stored when the last is.
        skipped = [w for w in mine if w.get("skipped")]
        failed = [w for w in mine if not w["accepted"] and not w.get("skipped")]
        report[kind] = {"attempted": len(mine), "accepted": len(accepted), "stored": stored,
                        "not_stored": len(accepted) - stored, "failed": len(failed), "skipped": len(skipped),
                        "failure_detail": dict(Counter(w["detail"] for w in failed)),
                        "skip_detail": dict(Counter(w["detail"] for w in skipped))}
    from django.db import connection

    connection.close()
    return report


# -- a run ---------------------------------------------------------------------------------------


def sign_in(run: Run, members: list[Member]) -> dict:
    """Each member's first page (not measured): their CSRF cookie; a member refused stops the run."""
    import concurrent.futures

    def first(member):
        member.csrf = ""
        status, _text, error = run.request(member, "sign-in", "GET", "/", record=False)
        return error

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        errors = Counter(e for e in pool.map(first, members) if e)
    without = sum(1 for m in members if not m.csrf)
    return {"errors": dict(errors), "without_csrf": without}


def run_once(args, env: dict, members: list[Member], workers: int, names: dict,
             postmaster: int | None = None) -> dict:
    mean_think = sum(THINK_RANGE) / 2 * args.think_scale
    facilitators = [m for m in members if m.live]
    share = WRITE_MIX["attendance"] / sum(WRITE_MIX.values()) if facilitators else 0.0
    attendance_per_s = args.writes_per_minute / 60 * share
    others_per_s = args.writes_per_minute / 60 - attendance_per_s
    actions_per_s = len(members) / mean_think
    write_probability = min(others_per_s / actions_per_s, 1.0) if actions_per_s else 0.0
    attendance_interval = 1 / attendance_per_s if attendance_per_s else None

    log = common.BENCH_DATA_DIR / f"realistic-serve-{workers}.log"
    server = common.Server(env, workers=workers, threads=1, log_path=log)
    say(f"{workers} worker(s): starting concertation serve on 127.0.0.1:{server.port} (log {log})")
    try:
        server.start()
    except RuntimeError as exc:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:]) if log.exists() else ""
        raise SystemExit(f"realistic: {exc}\n{tail}") from None
    try:
        host = f"127.0.0.1:{server.port}"
        run = Run(args, members, host, names, write_probability, attendance_interval)
        for member in members:  # every run draws the same sequence of pages and writes (same seed)
            member.voted = set()
        signed = sign_in(run, members)
        if signed["errors"] or signed["without_csrf"]:
            raise SystemExit(f"realistic: sign-in failed for some members: {signed}")
        say(f"{len(members)} members signed in (own session and CSRF cookie); {args.duration} s of load, "
            f"think {THINK_RANGE[0]:g}–{THINK_RANGE[1]:g} s × {args.think_scale:g}, "
            f"{args.writes_per_minute:g} writes/min")
        load_start = loadavg()
        cpu_before, _n = server_cpu_s(server.process.pid)
        db_before = database_cpu_s(postmaster)
        client_before = os.times()
        run.start_at = time.perf_counter() + 0.2
        run.end_at = run.start_at + args.duration
        threads = [threading.Thread(target=run.member_loop, args=(m, args.seed * 100_003 + i), daemon=True)
                   for i, m in enumerate(members)]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            time.sleep(0.5)
            if time.perf_counter() > run.end_at + CLIENT_TIMEOUT + 10:
                run.stop.set()
                break
        elapsed = max(time.perf_counter() - run.start_at, 1e-6)
        cpu_after, processes = server_cpu_s(server.process.pid)
        db_after = database_cpu_s(postmaster)
        client_after = os.times()
        load_end = loadavg()
        alive = server.process.poll() is None
    finally:
        server.stop()
    window = [s for s in run.samples if s.started <= run.end_at]
    by_kind = {kind: stats([s for s in window if s.kind == kind], run.start_at, run.end_at)
               for kind in sorted({s.kind for s in window})}
    overall = stats(window, run.start_at, run.end_at)
    server_cpu = cpu_after - cpu_before
    client_cpu = (client_after.user - client_before.user) + (client_after.system - client_before.system)
    writes = check_writes(run.writes)
    return {
        "workers": workers, "seconds": round(elapsed, 1), "overall": overall, "by_kind": by_kind,
        "server_cpu_s": round(server_cpu, 2), "server_processes": processes, "server_alive_at_end": alive,
        "server_cpu_ms_per_request": round(server_cpu / overall["requests"] * 1000, 2) if overall["requests"] else None,
        "server_cpu_share_of_one_core": round(server_cpu / elapsed, 2),
        "database_cpu_s": round(db_after - db_before, 2) if db_before is not None and db_after is not None else None,
        "client_cpu_s": round(client_cpu, 2), "load_average_start": load_start, "load_average_end": load_end,
        "writes": writes,
        "offered": {"mean_think_s": round(mean_think, 2), "page_or_write_actions_per_s": round(actions_per_s, 2),
                    "write_probability_per_action": round(write_probability, 4),
                    "attendance_interval_s": round(attendance_interval, 2) if attendance_interval else None},
    }


def print_run(result: dict) -> None:
    print(f"\n== {result['workers']} worker(s), {result['seconds']} s — load average "
          f"{result['load_average_start']} → {result['load_average_end']}")
    print(f"{'page kind':<18}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    rows = list(result["by_kind"].items()) + [("ALL", result["overall"])]
    for kind, s in rows:
        if kind == "ALL":
            print("-" * 70)
        print(f"{kind:<18}{s['requests']:>9}{s['requests_per_s']:>8.2f}{fmt(s['p50_ms']):>9}{fmt(s['p95_ms']):>9}"
              f"{fmt(s['p99_ms']):>9}{s['errors']:>8}")
    if result["overall"]["errors"]:
        print(f"errors: {result['overall']['error_detail']}")
    print(f"{'write':<12}{'attempted':>10}{'accepted':>10}{'stored':>8}{'failed':>8}{'skipped':>9}")
    for kind, w in result["writes"].items():
        print(f"{kind:<12}{w['attempted']:>10}{w['accepted']:>10}{w['stored']:>8}{w['failed']:>8}{w['skipped']:>9}"
              + (f"  {w['failure_detail']}" if w["failure_detail"] else "")
              + (f"  skipped: {w['skip_detail']}" if w["skip_detail"] else ""))
    print(f"server CPU {result['server_cpu_s']} s ({result['server_processes']} processes) = "
          f"{fmt(result['server_cpu_ms_per_request'])} ms per request, {result['server_cpu_share_of_one_core']} "
          f"of a core; load generator CPU {result['client_cpu_s']} s")
    if result["database_cpu_s"] is not None:
        db = result["database_cpu_s"]
        requests = result["overall"]["requests"]
        print(f"PostgreSQL CPU {db} s = {fmt(db / requests * 1000 if requests else None)} ms per request "
              "(postmaster and backends, this machine)")


def fmt(value) -> str:
    return "—" if value is None else f"{value:.1f}"


# -- main ----------------------------------------------------------------------------------------


def interrupted(signum, frame):
    raise KeyboardInterrupt


def single_browser(args) -> int:
    try:
        from benchmarks import load
    except ImportError:
        import load
    argv = ["--scale", args.size, "--duration", str(min(args.duration, load.MAX_DURATION)),
            "--workers", args.workers.split(",")[0], "--tool", "python"]
    if args.database_url:
        argv += ["--database-url", args.database_url]
    if args.json:
        argv += ["--json", args.json if args.json != "auto" else str(default_json(args, "single-browser"))]
    say("diagnostic mode single-browser: one browser's pages over many connections (benchmarks/load.py)")
    return load.main(argv)


def default_json(args, mode: str = "realistic") -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return common.RESULTS_DIR / f"{mode}-{args.size}-{stamp}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["realistic", "single-browser"], default="realistic")
    parser.add_argument("--size", choices=common.SCALES, default="M", help="the generated territory (default M)")
    parser.add_argument("--members", type=int, default=MIN_MEMBERS, help=f"distinct members (≥ {MIN_MEMBERS})")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per server count")
    parser.add_argument("--workers", default="1,2", help="gunicorn worker counts, one run each (e.g. 1,2)")
    parser.add_argument("--think-scale", type=float, default=1.0,
                        help="multiplies the 5–30 s think time (0.25: four times the request rate)")
    parser.add_argument("--writes-per-minute", type=float, default=30.0,
                        help="votes, comments and attendance marks per minute, all members together")
    parser.add_argument("--database-url", help="default: DATABASE_URL, else var/bench-<size>.sqlite3")
    parser.add_argument("--regenerate", action="store_true", help="generate the territory again first")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", nargs="?", const="auto",
                        help="write the results (default file: benchmarks/results/realistic-<size>-<time>.json)")
    parser.add_argument("--probe-database", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe_database:
        print(probe_database(args.database_url))
        return 0
    if args.mode == "single-browser":
        return single_browser(args)
    if not MIN_MEMBERS <= args.members <= MAX_MEMBERS:
        parser.error(f"--members must be between {MIN_MEMBERS} and {MAX_MEMBERS}")
    if not 1 <= args.duration <= MAX_DURATION:
        parser.error(f"--duration must be between 1 and {MAX_DURATION} seconds")
    if not 0 < args.think_scale <= 10:
        parser.error("--think-scale must be in (0, 10]")
    try:
        counts = [int(n) for n in args.workers.split(",") if n.strip()]
    except ValueError:
        parser.error("--workers is a list of integers, e.g. 1,2")
    if not counts or any(not 1 <= n <= 16 for n in counts):
        parser.error("--workers: each count between 1 and 16")

    signal.signal(signal.SIGTERM, interrupted)
    try:
        return realistic(args, counts)
    except KeyboardInterrupt:
        say("interrupted: the server it started is stopped")
        return 130


def realistic(args, counts: list[int]) -> int:
    url = prepare_database(args)
    env = common.setup_django(database_url=url, scale=args.size, manifest_static=True)
    common.require_migrated()
    from django.conf import settings
    from django.db import connection

    database = common.database_label()
    members, info = choose_members(args.members, args.seed)
    from django.contrib.auth import get_user_model

    people = list(get_user_model().objects.filter(pk__in=[m.person_id for m in members]))
    sessions = common.session_keys(people)
    for member in members:
        member.session = sessions[member.person_id]
    postmaster = postmaster_pid()
    connection.close()
    names = {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME}
    say(f"{database}; territory {info['territory']} ({args.size}); {len(members)} members {info['roles']}"
        + (f", {info['topped_up']} citizen accounts added" if info["topped_up"] else "")
        + f"; {info['open_proposals']} open proposals in their spaces ({info['votable_proposals']} one-choice); live meeting {info['live_meeting']}")
    if len(members) < args.members:
        raise SystemExit(f"realistic: only {len(members)} members found")

    results = []
    for workers in counts:
        result = run_once(args, env, members, workers, names, postmaster)
        print_run(result)
        results.append(result)

    print(f"\nrealistic: {args.size}, {len(members)} members, think {THINK_RANGE[0]:g}–{THINK_RANGE[1]:g} s × "
          f"{args.think_scale:g}, {args.writes_per_minute:g} writes/min, {args.duration} s per run; {database}")
    print(f"{'workers':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'CPU ms/req':>11}"
          f"{'writes ok':>11}  load average")
    for r in results:
        o = r["overall"]
        stored = sum(w["stored"] for w in r["writes"].values())
        accepted = sum(w["accepted"] for w in r["writes"].values())
        print(f"{r['workers']:>7}{o['requests_per_s']:>8.2f}{fmt(o['p50_ms']):>9}{fmt(o['p95_ms']):>9}"
              f"{fmt(o['p99_ms']):>9}{o['errors']:>8}{fmt(r['server_cpu_ms_per_request']):>11}"
              f"{f'{stored}/{accepted}':>11}  {r['load_average_start']} → {r['load_average_end']}")
    print("(one machine plays the server and the 200+ clients: figures are indicative)")
    if args.json:
        path = Path(args.json) if args.json != "auto" else default_json(args)
        common.write_json(path, {
            "size": args.size, "members": len(members), "roles": info["roles"], "topped_up": info["topped_up"],
            "duration_s": args.duration, "think_range_s": list(THINK_RANGE), "think_scale": args.think_scale,
            "writes_per_minute": args.writes_per_minute, "write_mix": WRITE_MIX, "page_mix": PAGE_MIX,
            "database": database, "machine": common.machine(), "runs": results,
        })
        say(f"written: {path}")
    clean = all(r["overall"]["errors"] == 0 and r["server_alive_at_end"]
                and all(w["not_stored"] == 0 and w["failed"] == 0 for w in r["writes"].values()) for r in results)
    return 0 if clean else 1


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
