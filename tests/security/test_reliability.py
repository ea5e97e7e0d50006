"""Reliability (issue 8, item 5): concurrent writers on SQLite never see "database is locked"; the
worker retries a task that failed and takes back the task of a worker that died, without sending
an e-mail twice; with the database unreachable a real server answers 503, then recovers by itself.

The subprocess tests start the real commands (`concertation worker`, `concertation serve`) on a
throwaway SQLite database in WAL mode, as in production; they take a few seconds each.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import smtplib
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from concertation.core.management.commands import worker
from concertation.core.models import AuditEvent
from concertation.spaces.models import Membership, Space
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
THREADS = 16
ITERATIONS = 20
MONTREAL = ZoneInfo("America/Montreal")


# A task for the worker subprocess: it waits while a "hold" file exists, and notes each start and end.

@task(queue_name="default")
def hold_then_finish(directory: str) -> str:
    folder = Path(directory)
    with open(folder / "starts", "a") as log:
        log.write(f"{os.getpid()}\n")
    while (folder / "hold").exists():
        time.sleep(0.05)
    with open(folder / "finishes", "a") as log:
        log.write(f"{os.getpid()}\n")
    return "done"


# 16 writers on SQLite ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sqlite_file_database(tmp_path_factory, django_db_setup, django_db_blocker):
    """On SQLite, run on a database file in WAL mode, as in production (the pattern and its reasons
    are in tests/decisions/test_concurrency.py): the in-memory test database shares one cache
    between threads, where a conflict fails at once whatever the settings."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path_factory.mktemp("reliability") / "writers.sqlite3"
    with django_db_blocker.unblock():
        memory_name = connection.settings_dict["NAME"]
        keeper = sqlite3.connect(memory_name, uri=True)
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        settings_dicts = {id(d): d for d in (connection.settings_dict, connections.settings[DEFAULT_DB_ALIAS])}
        for settings_dict in settings_dicts.values():
            settings_dict["NAME"] = str(path)
        connection.close()
        try:
            yield
        finally:
            connection.close()
            for settings_dict in settings_dicts.values():
                settings_dict["NAME"] = memory_name
            connection.ensure_connection()
            keeper.close()


@pytest.mark.django_db(transaction=True)
def test_sixteen_threads_reading_then_writing_never_see_database_is_locked(sqlite_file_database):
    if connection.vendor == "sqlite":
        options = connection.settings_dict["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE" and "journal_mode=WAL" in options["init_command"]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    space = SpaceFactory()
    people = [UserFactory() for _ in range(THREADS)]
    memberships = [MembershipFactory(space=space, organization=None, person=person) for person in people]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(ITERATIONS):
                with transaction.atomic():
                    # Read, then write what was read: the pattern that fails with "database is
                    # locked" when a read transaction has to become a write transaction.
                    count = Membership.objects.filter(space=space).count()
                    Membership.objects.filter(pk=memberships[n].pk).update(note=f"{count}/{i}")
                    Space.objects.filter(pk=space.pk).update(mandate=f"thread {n}, iteration {i}")
                    AuditEvent.objects.create(action="membership.changed", target_id=memberships[n].pk,
                                              target_type="spaces.membership", details={"count": count})
        except BaseException as error:  # noqa: BLE001 — every failure is reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == [], f"{len(errors)} errors, first: {errors[0]!r}" if errors else ""
    assert AuditEvent.objects.count() == THREADS * ITERATIONS
    assert all(note.endswith(f"/{ITERATIONS - 1}") for note in
               Membership.objects.filter(space=space).values_list("note", flat=True))


# A failed task is retried, without a second e-mail ------------------------------------------------

def convened_meeting(world, django_capture_on_commit_callbacks):
    from concertation.meetings.services.agenda import meeting_convene, meeting_create

    starts = timezone.now().astimezone(MONTREAL).replace(microsecond=0) + timedelta(days=30)
    meeting = meeting_create(space=world.assembly, by=world.coordinator, title="Assemblée de printemps",
                             starts_at=starts, ends_at=starts + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        meeting_convene(meeting=meeting, by=world.coordinator, base_url="https://concertation.example.org")
    return meeting


def run_worker(monkeypatch):
    """`concertation worker --batch` in this process (inside the test's transaction, connections
    must not be closed between tasks)."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    call_command("worker", batch=True, no_periodic=True, verbosity=0)


@pytest.mark.django_db
def test_an_e_mail_that_failed_on_an_smtp_error_is_retried_and_each_is_sent_once(
        world, monkeypatch, django_capture_on_commit_callbacks):
    """The notifications layer (issue 16) records a failed send on its delivery row and goes on with
    the others; the failed one is sent again after its pause, once."""
    from django.core.mail import EmailMultiAlternatives

    from concertation.notifications import delivery as deliveries
    from concertation.notifications.models import Delivery

    meeting = convened_meeting(world, django_capture_on_commit_callbacks)
    original = EmailMultiAlternatives.send
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(self.to[0])
        if len(calls) == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    run_worker(monkeypatch)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"  # one failed e-mail does not fail the others
    assert len(mail.outbox) == 2
    failed = Delivery.objects.get(sent_at__isnull=True)
    assert failed.attempts == 1 and "Connection unexpectedly closed" in failed.last_error

    # Not at once: the first retry waits a minute.
    assert deliveries.retry_due() == 0
    later = timezone.now() + deliveries.FIRST_RETRY_AFTER + timedelta(seconds=1)
    assert deliveries.retry_due(now=later) == 1
    assert deliveries.retry_due(now=later + timedelta(hours=1)) == 0
    addresses = [message.to[0] for message in mail.outbox]
    # Each member once: the ones sent before the failure are not sent again.
    assert len(addresses) == len(set(addresses)) == meeting.rsvps.count() == 3
    assert set(meeting.rsvps.values_list("person__email", flat=True)) == set(addresses)
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_task_that_keeps_failing_is_given_up_after_the_last_attempt(world, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    from concertation.spaces.invitations import invitation_create, invitation_send

    def down(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "Service not available")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", down)
    invitation = invitation_create(space=world.assembly, email="nouvelle@example.org", by=world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(invitation=invitation, base_url="https://concertation.example.org")
    now = timezone.now()
    for attempt in range(1, worker.MAX_ATTEMPTS + 2):
        run_worker(monkeypatch)
        now += worker.retry_delay(attempt) + timedelta(seconds=1)
        worker.recover_tasks(now=now)
    result = DBTaskResult.objects.get()
    assert result.status == "FAILED" and len(result.worker_ids) == worker.MAX_ATTEMPTS
    assert mail.outbox == []


def test_a_dead_worker_is_told_apart_from_a_live_one():
    host = socket.gethostname()[:40]
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert worker.worker_is_gone(f"{host}:{child.pid}:abc")  # this machine, process gone
    assert worker.worker_is_gone(f"{host}:{os.getpid()}:former-life")  # this pid, another worker id
    assert not worker.worker_is_gone(f"{host}:{os.getpid()}:me", current_worker_id=f"{host}:{os.getpid()}:me")
    assert not worker.worker_is_gone(f"{host}:{os.getppid()}:parent")  # alive on this machine
    now = timezone.now()
    # Another machine: only after STALE_AFTER without an end.
    assert not worker.worker_is_gone("elsewhere:12:x", started_at=now - timedelta(minutes=5), now=now)
    assert worker.worker_is_gone("elsewhere:12:x", started_at=now - worker.STALE_AFTER * 2, now=now)
    assert worker.worker_is_gone("0123456789abcdef", started_at=now - worker.STALE_AFTER * 2, now=now)


# A worker killed mid-task: the next one finishes the task, once ------------------------------------

def subprocess_env(data_dir: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"CONCERTATION_DATA_DIR": str(data_dir), "DEBUG": "false", "SECURE_SSL_REDIRECT": "false",
                "EMAIL_URL": "locmem://", "STATIC_MANIFEST": "false", "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")})
    return env


def cli(env, *args, timeout=120) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "concertation", *args], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def task_rows(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database, timeout=20) as db:
        return db.execute("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult").fetchall()


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def test_a_worker_killed_mid_task_is_replaced_and_the_task_completes_once(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    env = subprocess_env(data)
    database = data / "concertation.sqlite3"
    cli(env, "migrate", "-v", "0")
    folder = tmp_path / "task"
    folder.mkdir()
    (folder / "hold").touch()
    cli(env, "shell", "-c", f"from tests.security.test_reliability import hold_then_finish; "
                            f"hold_then_finish.enqueue({str(folder)!r})")
    command = [sys.executable, "-m", "concertation", "worker", "--no-periodic", "--interval", "0.1",
               "--duty-interval", "1"]
    logs = open(tmp_path / "worker.log", "w")  # noqa: SIM115 — closed below
    first = subprocess.Popen(command, env=env, cwd=ROOT, stdout=logs, stderr=subprocess.STDOUT)
    second = None
    try:
        wait_for(lambda: len(lines(folder / "starts")) == 1, timeout=60, what="the task to start")
        first.kill()  # SIGKILL: no chance to clean up
        first.wait(timeout=10)
        assert task_rows(database)[0][0] == "RUNNING"  # django-tasks alone would leave it so forever
        (folder / "hold").unlink()

        second = subprocess.Popen(command, env=env, cwd=ROOT, stdout=logs, stderr=subprocess.STDOUT)
        wait_for(lambda: task_rows(database)[0][0] == "SUCCESSFUL", timeout=60, what="the task to succeed")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        logs.close()
    starts, finishes = lines(folder / "starts"), lines(folder / "finishes")
    assert len(starts) == 2 and starts[0] == str(first.pid) and starts[1] == str(second.pid)
    assert finishes == [str(second.pid)], (tmp_path / "worker.log").read_text()


# The database goes away: 503, then back without a restart ------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — a local test server
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@contextlib.contextmanager
def serving(env: dict, log: Path, *, workers: int):
    """`concertation serve` on a free port of 127.0.0.1, up (its /healthz answers) until the block
    ends; yields the base address and the process. The output goes to ``log``."""
    port = free_port()
    with open(log, "w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "concertation", "serve", "--bind", f"127.0.0.1:{port}", "--workers",
             str(workers), "--no-collectstatic"], env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"

        def up():
            try:
                return fetch(base + "/healthz")[0] == 200
            except OSError:
                return False

        try:
            wait_for(up, timeout=60, what=f"the server to start: {log.read_text()}")
            yield base, server
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def test_a_real_server_answers_503_while_the_database_is_unreachable_then_recovers(tmp_path):
    """`concertation serve` (gunicorn) on SQLite: the database's directory disappears, then comes back."""
    data = tmp_path / "data"
    data.mkdir()
    database_dir = tmp_path / "db"
    database_dir.mkdir()
    env = subprocess_env(data)
    env["DATABASE_URL"] = f"sqlite:///{database_dir / 'concertation.sqlite3'}"
    # A connection kept open would go on reading the moved file through its open handle: each
    # request opens the database here, as a worker does after its connection's lifetime.
    env["DATABASE_CONN_MAX_AGE"] = "0"
    cli(env, "migrate", "-v", "0")
    try:
        with serving(env, tmp_path / "serve.log", workers=1) as (base, server):
            assert fetch(base + "/territoires/")[0] == 200

            hidden = tmp_path / "db-away"
            database_dir.rename(hidden)  # the database cannot be opened any more
            status, body, headers = fetch(base + "/territoires/")
            assert status == 503 and "indisponible" in body and headers.get("Retry-After") == "30"
            assert "Traceback" not in body
            status, body, _headers = fetch(base + "/healthz")
            assert status == 503 and '"database": "unavailable"' in body

            hidden.rename(database_dir)  # back, without touching the server
            assert fetch(base + "/territoires/")[0] == 200
            assert fetch(base + "/healthz")[0] == 200
            assert server.poll() is None  # the same server all along
    finally:
        shutil.rmtree(tmp_path / "db-away", ignore_errors=True)

