"""Weekly digest benchmark (issue 16): 5 000 people active in 50 spaces, as at scale L.

    PYTHONPATH=src .venv/bin/python benchmarks/digest.py [--people 5000] [--spaces 50]
        [--per-person 10] [--batch 200] [--database-url URL] [--json FILE]
    PYTHONPATH=src bash scripts/pg-throwaway.sh .venv/bin/python benchmarks/digest.py   # PostgreSQL

The database is a fresh SQLite file, var/bench-digest.sqlite3 (or the empty database of
--database-url or DATABASE_URL, e.g. from scripts/pg-throwaway.sh), migrated first. The notifications are built
directly, not through the domain's services (the digest reads only notification rows): each person
sits in 3 of the 50 spaces and received ``--per-person`` notifications of the week in categories
sent weekly by default (minutes, follow-ups, plan), each naming an instance (reloaded at render,
as the apps' contexts do); one person in ten asked for English; e-mails go to Django's locmem
backend (building and rendering them is timed, not an SMTP server).

What is measured: the weekly digest run (``digests.run_digest``) from the cut-off to the last
e-mail: its time, the e-mails sent, and the queries of each batch of people — the fixed part
(people, preferences, last digests, notifications, claims, instances reloaded) and the part per
e-mail (its start and its sent stamp). Then the same run again (idempotent: it sends nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

try:
    from benchmarks import common
except ImportError:  # run as a script: benchmarks/ is on sys.path
    import common

HERE = Path(__file__).resolve().parent


def build(people: int, spaces: int, per_person: int, seed: int = 16) -> dict:
    from django.contrib.auth import get_user_model

    from concertation.notifications.context import dump
    from concertation.notifications.models import Notification

    rng = random.Random(seed)
    User = get_user_model()
    users = User.objects.bulk_create([
        User(email=f"personne{i}@{common.BENCH_DOMAIN}", display_name=f"Personne {i}",
             preferred_language="en" if i % 10 == 0 else "fr-ca", password="!")
        for i in range(people)], batch_size=500)
    names = [f"Comité {i + 1}" for i in range(spaces)]
    rows = []
    for user in users:
        sitting = rng.sample(range(spaces), 3)
        for n in range(per_person):
            space = rng.choice(sitting)
            actor = users[rng.randrange(people)]
            rows.append(Notification(
                recipient=user, event="bench.minutes", category=rng.choice(["minutes", "followups", "plan"]),
                context=dump({"title": f"Rencontre n° {n + 1}", "space": names[space], "actor": actor}),
                link=f"/t/banc/e/comite-{space + 1}/rencontres/{n + 1}/", group_key=f"space:{space + 1}",
                group_label=names[space], group_link=f"/t/banc/e/comite-{space + 1}/"))
    for start in range(0, len(rows), 2000):
        Notification.objects.bulk_create(rows[start:start + 2000])
    return {"people": len(users), "notifications": len(rows)}


def measure(batch: int) -> dict:
    from django.core import mail
    from django.db import connection

    from concertation.notifications import digests, registry

    batches = []
    real = digests._batch

    def counted(period, key, until, person_ids, conn):
        count = [0]

        def wrapper(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            sent = real(period, key, until, person_ids, conn)
        batches.append({"people": len(person_ids), "emails": sent, "queries": count[0]})
        return sent

    digests._batch = counted
    mail.outbox = []
    start = time.perf_counter()
    sent = digests.run_digest(registry.WEEKLY, batch_size=batch)
    elapsed = time.perf_counter() - start
    again_start = time.perf_counter()
    again = digests.run_digest(registry.WEEKLY, batch_size=batch)
    again_elapsed = time.perf_counter() - again_start
    digests._batch = real
    fixed = [b["queries"] - 2 * b["emails"] for b in batches]
    return {
        "emails": sent, "outbox": len(mail.outbox), "seconds": round(elapsed, 2),
        "ms_per_email": round(1000 * elapsed / max(sent, 1), 2),
        "batches": len(batches), "batch_size": batch,
        "queries_per_batch_max": max(b["queries"] for b in batches),
        "queries_fixed_per_batch_max": max(fixed), "queries_fixed_per_batch_min": min(fixed),
        "queries_per_email": 2,
        "second_run_emails": again, "second_run_seconds": round(again_elapsed, 2),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--spaces", type=int, default=50)
    parser.add_argument("--per-person", type=int, default=10)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--database-url")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    url = args.database_url or os.environ.get("DATABASE_URL")
    if not url:
        path = common.VAR / "bench-digest.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        url = f"sqlite:///{path}"
    common.setup_django(database_url=url)
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.translation import gettext_lazy

    from concertation.notifications.api import register_event

    settings.TEMPLATES[0]["DIRS"].append(HERE / "templates")  # before the first template loads
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    register_event("bench.minutes", category="minutes", label=gettext_lazy("Procès-verbal"),
                   template="bench/minutes")
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    built = build(args.people, args.spaces, args.per_person)
    built["seconds"] = round(time.perf_counter() - start, 1)
    print(f"built: {built['people']} people, {built['notifications']} notifications in {args.spaces} spaces "
          f"({built['seconds']} s)")
    result = measure(args.batch)
    print(f"weekly digest: {result['emails']} e-mails in {result['seconds']} s ({result['ms_per_email']} ms each), "
          f"{result['batches']} batches of {args.batch} people")
    print(f"queries per batch: at most {result['queries_per_batch_max']} = fixed "
          f"{result['queries_fixed_per_batch_min']}–{result['queries_fixed_per_batch_max']} "
          f"+ {result['queries_per_email']} per e-mail")
    print(f"run again: {result['second_run_emails']} e-mails in {result['second_run_seconds']} s")
    print(f"database: {common.database_label()}")
    if args.json:
        Path(args.json).write_text(json.dumps({"built": built, "digest": result, "machine": common.machine()},
                                              indent=2, default=str))
    return 0 if result["second_run_emails"] == 0 and result["outbox"] == result["emails"] else 1


if __name__ == "__main__":
    sys.exit(main())
