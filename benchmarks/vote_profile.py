"""Where a vote's CPU goes, in process: members post the vote form of an open proposal through
Django's test client (every middleware, the session, the CSRF check), one ballot each.

    python benchmarks/vote_profile.py [--voters 300] [--profile cprofile|pyinstrument] [--db FILE]

Works on a copy of a vote burst's database (var/bench-vote.sqlite3, made by vote_burst.py): a new
open proposal in its space, so every member votes for the first time. Each member first opens the
page (not counted), then posts the form read from it (counted: process CPU a vote, p50 and mean).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

try:
    from benchmarks import common, vote_burst
except ImportError:  # run as a script: benchmarks/ is on sys.path
    import common
    import vote_burst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--db", default=str(common.VAR / "bench-vote.sqlite3"))
    parser.add_argument("--profile", choices=("cprofile", "pyinstrument"), default=None)
    parser.add_argument("--htmx", action="store_true", help="post as htmx (the fragment answer)")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--queries", action="store_true", help="print the statements of one vote")
    parser.add_argument("--dump", help="write the cProfile stats to this file")
    parser.add_argument("--src", help="another tree's src/ (a baseline), instead of this one's")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="vote-profile-"))
    db = tmp / "bench-vote.sqlite3"
    shutil.copy(args.db, db)
    common.configure(database_url=f"sqlite:///{db}")
    if args.src:
        sys.path.insert(0, str(Path(args.src).resolve()))
    import django

    django.setup()
    import concertation

    print(f"vote_profile: code of {Path(concertation.__file__).parent}")
    from datetime import timedelta

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from concertation.decisions import services as decisions
    from concertation.decisions.models import Ballot
    from concertation.spaces.models import Membership, Space

    space = Space.objects.select_related("territory").get(slug=vote_burst.SPACE_SLUG,
                                                          territory__slug=vote_burst.TERRITORY_SLUG)
    author = space.territory.coordinators.first()
    proposal = decisions.proposal_create(space=space, author=author, title="Profil d'un vote", body="Profil.")
    proposal = decisions.proposal_open(proposal=proposal, by=author, closes_at=timezone.now() + timedelta(days=1))
    people = [m.person for m in Membership.objects.filter(space=space, category="voting")
              .select_related("person").order_by("pk")[:args.voters]]
    sessions = common.session_keys(people)
    kwargs = {"territory": vote_burst.TERRITORY_SLUG, "space": space.slug, "pk": proposal.pk}
    vote_path = reverse("decisions:vote", kwargs=kwargs)
    page_path = reverse("decisions:proposal", kwargs=kwargs)
    headers = {"HTTP_HX_REQUEST": "true"} if args.htmx else {}

    prepared = []
    for person in people:
        client = Client(enforce_csrf_checks=True)
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[person.pk]
        response = client.get(page_path)
        reader = vote_burst.FormReader(vote_path)
        reader.feed(response.content.decode())
        data = reader.data()
        if data is None:
            raise SystemExit(f"no vote form for {person}")
        prepared.append((client, data))

    from django.urls import get_resolver

    from concertation.core.runtime import tune_garbage_collector

    get_resolver().url_patterns  # noqa: B018 — as wsgi.py does before the workers serve
    tune_garbage_collector()  # what a web worker does once loaded (wsgi.py)
    if args.queries:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client, data = prepared.pop()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(vote_path, urlencode(data), content_type="application/x-www-form-urlencoded",
                                   **headers)
        print(f"one vote: {response.status_code}, {len(captured)} statements")
        for query in captured:
            print("  ", query["sql"][:300])
    profiler = None
    if args.profile == "cprofile":
        import cProfile
        profiler = cProfile.Profile()
    elif args.profile == "pyinstrument":
        import pyinstrument
        profiler = pyinstrument.Profiler(interval=0.0002)
    cpu = []
    statuses = {}
    if profiler:
        profiler.enable() if args.profile == "cprofile" else profiler.start()
    for client, data in prepared:
        started = time.process_time()
        response = client.post(vote_path, urlencode(data), content_type="application/x-www-form-urlencoded", **headers)
        cpu.append(time.process_time() - started)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    if profiler:
        profiler.disable() if args.profile == "cprofile" else profiler.stop()
    stored = Ballot.objects.filter(proposal=proposal).count()
    print(f"vote_profile: {len(cpu)} votes, answers {statuses}, ballots stored {stored}")
    print(f"  CPU a vote: median {1000 * statistics.median(cpu):.2f} ms, mean {1000 * statistics.fmean(cpu):.2f} ms, "
          f"p95 {1000 * common.percentile(cpu, 95):.2f} ms")
    if args.profile == "cprofile":
        import pstats
        if args.dump:
            profiler.dump_stats(args.dump)
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(args.sort).print_stats(args.lines)
    elif args.profile == "pyinstrument":
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
