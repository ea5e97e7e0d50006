"""200 threads casting and changing ballots on one proposal at once (issue 4, acceptance
"Concurrency"): exactly one stored ballot per voter (or organization), each the voter's last
choice, one participation per voter, and no error — on SQLite and on PostgreSQL.

Run on PostgreSQL with ``scripts/pg-throwaway.sh .venv/bin/pytest tests/decisions/test_concurrency.py``.
"""

import contextlib
import sqlite3
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from concertation.core.errors import DomainError
from concertation.decisions import ballots, services
from concertation.decisions.models import Ballot, Option, Participation, Proposal
from concertation.directory.models import Organization
from concertation.spaces.models import Delegation, Membership
from tests.factories import SpaceFactory, TerritoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 200


@pytest.fixture(scope="module", autouse=True)
def sqlite_file_database(tmp_path_factory, django_db_setup, django_db_blocker):
    """On SQLite, run this module on a database file, as in production.

    Django's SQLite test database is in memory, shared between threads through SQLite's shared
    cache: there, locks are per table and a conflict fails at once with "database table is
    locked" (busy_timeout does not apply), so concurrent writers fail whatever the code does.
    Production uses a file in WAL mode with IMMEDIATE transactions and a 20 s busy timeout, where
    writers wait for one another. So, for this module only: copy the migrated in-memory database
    into a file (sqlite3's backup API), point the connection settings at it (every thread opens
    its own connection from them, with the production OPTIONS), and come back to the in-memory
    database afterwards, kept alive meanwhile by one extra connection. Changing DATABASES' TEST
    NAME instead would only work before the test database is created, for the whole run.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path_factory.mktemp("concurrency") / "ballots.sqlite3"
    with django_db_blocker.unblock():
        memory_name = connection.settings_dict["NAME"]
        keeper = sqlite3.connect(memory_name, uri=True)  # keeps the in-memory database alive
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        settings_dicts = {id(d): d for d in (connection.settings_dict, connections.settings[DEFAULT_DB_ALIAS])}
        for settings_dict in settings_dicts.values():
            settings_dict["NAME"] = str(path)
        connection.close()  # the NAME is a file now: this really closes the in-memory connection
        try:
            yield
        finally:
            connection.close()
            for settings_dict in settings_dicts.values():
                settings_dict["NAME"] = memory_name
            connection.ensure_connection()
            keeper.close()


def connection_budget() -> int:
    """How many threads may hold a database connection at once. Every thread runs; on a
    PostgreSQL server with fewer than ~THREADS spare connections (the default max_connections is
    100) they take turns for the connection, the rest of the run staying concurrent. Half of the
    spare connections: another pytest-xdist worker may run the other test at the same time."""
    if connection.vendor != "postgresql":
        return THREADS
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        most = int(cursor.fetchone()[0])
    return max(10, min(THREADS, (most - 20) // 2))


def run_together(jobs, *, unlimited=()):
    """Run every job in its own thread, all released at once; return the exceptions raised.
    ``unlimited`` jobs do not wait for a connection seat (see connection_budget)."""
    barrier = threading.Barrier(len(jobs) + len(unlimited))
    seats = threading.BoundedSemaphore(connection_budget())
    errors = []

    def work(job, seated):
        try:
            barrier.wait(timeout=60)
            with seats if seated else contextlib.nullcontext():
                try:
                    job()
                finally:
                    connection.close()  # each thread has its own connection: close it
        except BaseException as error:  # noqa: BLE001 — every failure is reported by the test
            errors.append(error)

    threads = [threading.Thread(target=work, args=(job, True), daemon=True) for job in jobs]
    threads += [threading.Thread(target=work, args=(job, False), daemon=True) for job in unlimited]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "threads still running after 120 s"
    return errors


def open_proposal(space, author, *, voting_unit: str) -> Proposal:
    proposal = services.proposal_create(space=space, author=author, title="Budget participatif")
    Proposal.objects.filter(pk=proposal.pk).update(method="score", voting_unit=voting_unit)
    Option.objects.bulk_create([Option(proposal=proposal, label=label, position=n)
                                for n, label in enumerate(["Parc", "Bibliothèque", "Piscine"])])
    return services.proposal_open(proposal=Proposal.objects.get(pk=proposal.pk), by=author)


def people(count: int, prefix: str):
    User = get_user_model()
    User.objects.bulk_create([User(email=f"{prefix}{n}@example.org", display_name=f"{prefix} {n}")
                              for n in range(count)])
    return list(User.objects.filter(email__startswith=prefix).order_by("pk"))


def scores(keys, n: int, step: int) -> dict:
    """A ballot that differs from voter to voter and from the first cast to the change."""
    return {keys[0]: (n + step) % 6, keys[1]: (n * 7 + step) % 6, keys[2]: (n * 5 + 3 * step) % 6}


def test_200_people_cast_and_change_their_ballots_at_once():
    space = SpaceFactory(territory=TerritoryFactory())
    voters = people(THREADS, "votante")
    Membership.objects.bulk_create([Membership(space=space, organization=None, person=person) for person in voters])
    proposal = open_proposal(space, voters[0], voting_unit="person")
    keys = [str(pk) for pk in proposal.options.values_list("id", flat=True)]

    def job(n, person):
        def cast():
            ballots.ballot_cast(proposal=proposal, person=person, value=scores(keys, n, 0))
            ballots.ballot_cast(proposal=proposal, person=person, value=scores(keys, n, 1), reason=f"choix {n}")
        return cast

    started = time.monotonic()
    errors = run_together([job(n, person) for n, person in enumerate(voters)])
    elapsed = time.monotonic() - started

    assert errors == []
    stored = {ballot.voter_key: ballot for ballot in Ballot.objects.filter(proposal=proposal)}
    assert len(stored) == THREADS == Ballot.objects.filter(proposal=proposal).count()
    for n, person in enumerate(voters):
        ballot = stored[f"u:{person.pk}"]
        assert (ballot.value, ballot.reason, ballot.weight) == (scores(keys, n, 1), f"choix {n}", 1)
    assert Participation.objects.filter(proposal=proposal).count() == THREADS
    assert len({ballot.receipt for ballot in stored.values()}) == THREADS
    print(f"\n{THREADS} voters × 2 ballots on {connection.vendor}: {elapsed:.1f} s")


def test_delegates_and_alternates_of_100_organizations_cast_at_once():
    territory = TerritoryFactory()
    space = SpaceFactory(territory=territory)
    count = THREADS // 2
    Organization.objects.bulk_create([Organization(territory=territory, name=f"Organisme {n}") for n in range(count)])
    organizations = list(Organization.objects.filter(territory=territory).order_by("pk"))
    Membership.objects.bulk_create([Membership(space=space, organization=org) for org in organizations])
    memberships = {m.organization_id: m for m in Membership.objects.filter(space=space)}
    delegates, alternates = people(count, "deleguee"), people(count, "substitut")
    Delegation.objects.bulk_create(
        [Delegation(membership=memberships[org.pk], person=person, kind=Delegation.Kind.DELEGATE)
         for org, person in zip(organizations, delegates, strict=True)]
        + [Delegation(membership=memberships[org.pk], person=person, kind=Delegation.Kind.ALTERNATE)
           for org, person in zip(organizations, alternates, strict=True)]
    )
    proposal = open_proposal(space, delegates[0], voting_unit="organization")
    keys = [str(pk) for pk in proposal.options.values_list("id", flat=True)]

    # Which change of an organization is committed last. Each caster casts a first ballot, then
    # changes it; the last commit for an organization is always one of the two changes, so only
    # the changes are ordered. Their order is recorded inside the caller's transaction, after
    # ballot_cast and before the commit: the second change of an organization waits for the
    # first one's commit (SQLite: the write lock taken at BEGIN IMMEDIATE; PostgreSQL: the row
    # lock of the upsert), so for one voter key the recording order is the commit order.
    # (Recording after the call returns could swap two commits that follow each other closely:
    # a thread may be descheduled between its commit and taking the lock.)
    lock = threading.Lock()
    counter = [0]
    changes = {}  # voter key → [(order, value, caster)]

    def job(n, org, person, side):
        def cast():
            first = ballots.ballot_cast(proposal=proposal, person=person, value=scores(keys, n, 2 * side))
            assert first.voter_key == f"o:{org.pk}"
            change = scores(keys, n, 2 * side + 1)
            with transaction.atomic():
                ballot = ballots.ballot_cast(proposal=proposal, person=person, value=change)
                with lock:
                    counter[0] += 1
                    changes.setdefault(ballot.voter_key, []).append((counter[0], change, person.pk))
        return cast

    jobs = []
    for n, org in enumerate(organizations):
        jobs.append(job(n, org, delegates[n], 0))
        jobs.append(job(n, org, alternates[n], 1))
    started = time.monotonic()
    errors = run_together(jobs)
    elapsed = time.monotonic() - started

    assert errors == []
    stored = {ballot.voter_key: ballot for ballot in Ballot.objects.filter(proposal=proposal)}
    assert len(stored) == count == Ballot.objects.filter(proposal=proposal).count()
    for n, org in enumerate(organizations):
        ballot = stored[f"o:{org.pk}"]
        history = sorted(changes[f"o:{org.pk}"])
        assert len(history) == 2
        _order, last_value, last_caster = history[-1]
        assert ballot.value == last_value and ballot.cast_by_id == last_caster
        # always the change, never a first ballot, and never a mix of two ballots
        assert ballot.value in (scores(keys, n, 1), scores(keys, n, 3))
        assert (ballot.organization_id, ballot.person_id, ballot.weight) == (org.pk, None, 1)
    assert Participation.objects.filter(proposal=proposal).count() == count
    print(f"\n{count} organizations × 2 casters × 2 ballots on {connection.vendor}: {elapsed:.1f} s")


def test_ballots_racing_the_closing_are_either_counted_or_refused():
    """Closing while ballots pour in: every voter keeps changing their ballot until the vote
    closes under them. No ballot is stored after the tally (the result counts every stored
    ballot, each the voter's last accepted one), and the late ones are refused with the closing
    message, nothing else."""
    space = SpaceFactory(territory=TerritoryFactory())
    voters = people(THREADS // 2, "tardive")
    Membership.objects.bulk_create([Membership(space=space, organization=None, person=person) for person in voters])
    proposal = open_proposal(space, voters[0], voting_unit="person")
    keys = [str(pk) for pk in proposal.options.values_list("id", flat=True)]
    lock, cast_count, halfway = threading.Lock(), [0], threading.Event()
    accepted, refusals = {}, []  # voter key → last accepted value; refusal codes

    def job(n, person):
        def cast():
            deadline = time.monotonic() + 60
            step = 0
            while time.monotonic() < deadline:
                value = scores(keys, n, step % 6)
                try:
                    ballots.ballot_cast(proposal=proposal, person=person, value=value)
                except DomainError as error:
                    refusals.append(error.code)
                    return
                accepted[f"u:{person.pk}"] = value
                step += 1
                with lock:
                    cast_count[0] += 1
                    if cast_count[0] == len(voters):
                        halfway.set()
            raise AssertionError("the vote never closed")
        return cast

    def close():
        halfway.wait(timeout=60)
        services.proposal_close(proposal=proposal)

    errors = run_together([job(n, person) for n, person in enumerate(voters)], unlimited=[close])

    assert errors == []
    assert refusals == ["after_closing"] * len(voters)
    closed = Proposal.objects.get(pk=proposal.pk)
    assert closed.status == Proposal.Status.CLOSED
    stored = dict(Ballot.objects.filter(proposal=closed).values_list("voter_key", "value"))
    assert stored == accepted
    assert closed.result["participants"] == len(stored) == Participation.objects.filter(proposal=closed).count()
    recount = services.compute_result(closed)
    assert recount["counts"] == closed.result["counts"] and recount["participants"] == closed.result["participants"]
