"""`concertation worker`: runs background tasks (e-mails, reminders, PDFs) from the database queue.

Besides the queue, it runs the periodic duties every minute (proposals that are due close, reminders
that are due go out; the notification digests and daily sweeps that are due, and the retries of
failed e-mails: `notifications_run`), so that a lost or late task is made up for without cron.

It also makes the queue survive failures, which django-tasks' database worker does not do by itself:

- **A task that raised** (an SMTP server down, a database hiccup) is put back in the queue after a
  pause that doubles each time (1, 2, 4, 8 minutes), up to ``MAX_ATTEMPTS`` attempts in all.
- **A task whose worker died** (killed, out of memory, machine restarted) stays « running » forever
  in django-tasks. Each worker names itself ``host:pid:random``; a running task whose worker was on
  this machine and is gone (or was a former life of this very process id) is put back in the queue
  at once; one of another machine after ``STALE_AFTER`` without an end.

Re-running is safe because every task of the project is idempotent: each notification's e-mail
(the meeting notice among them) is claimed by a Delivery row before it is sent (notifications/
delivery.py), the closing reminder claims the proposal (``reminder_sent_at``) before notifying,
closing a proposal checks that it is still open, and an invitation is sent only while it is pending.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string

logger = logging.getLogger("concertation")
PERIODIC_COMMANDS = ["close_due", "notifications_run"]
MAX_ATTEMPTS = 5
FIRST_RETRY_AFTER = timedelta(minutes=1)
STALE_AFTER = timedelta(hours=1)
LOST_WORKER = "concertation.core.management.commands.worker.WorkerLost"


def make_worker_id() -> str:
    """``host:pid:random`` (at most 64 characters, django-tasks' limit)."""
    host = socket.gethostname()[:40]
    return f"{host}:{os.getpid()}:{get_random_string(12)}"


def _parse_worker_id(worker_id: str) -> tuple[str, int | None]:
    host, _, rest = (worker_id or "").rpartition(":")
    host, _, pid = host.rpartition(":")
    try:
        return host, int(pid)
    except ValueError:
        return "", None


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def worker_is_gone(worker_id: str, *, current_worker_id: str = "", started_at=None, now=None) -> bool:
    """Whether the worker that claimed a task can no longer finish it."""
    if worker_id and worker_id == current_worker_id:
        return False  # this process runs it right now
    host, pid = _parse_worker_id(worker_id)
    if host == socket.gethostname()[:40] and pid is not None:
        # Same machine: the process is gone, or its id is ours (a former life of this process, as
        # in a restarted container), or the id now belongs to a process that is not a worker.
        return pid == os.getpid() or not _process_exists(pid)
    now = now or timezone.now()
    return started_at is None or started_at < now - STALE_AFTER


def retry_delay(attempts: int) -> timedelta:
    return FIRST_RETRY_AFTER * (2 ** max(attempts - 1, 0))


def recover_tasks(*, now=None, current_worker_id: str = "") -> dict[str, int]:
    """Put back in the queue the tasks that failed (after their pause) and those whose worker died.

    Each change is a conditional UPDATE on the task's state, so two workers never both take it.
    """
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    counts = {"retried": 0, "recovered": 0, "abandoned": 0}
    for task in DBTaskResult.objects.failed().exclude(exception_class_path=LOST_WORKER).only(
        "id", "worker_ids", "finished_at"
    ):
        attempts = len(task.worker_ids or [])
        if attempts >= MAX_ATTEMPTS or task.finished_at is None:
            continue
        if task.finished_at + retry_delay(attempts) > now:
            continue
        counts["retried"] += DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.FAILED, finished_at=task.finished_at
        ).update(status=TaskResultStatus.READY, finished_at=None)
    for task in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        last_worker = (task.worker_ids or [""])[-1]
        if not worker_is_gone(last_worker, current_worker_id=current_worker_id, started_at=task.started_at,
                              now=now):
            continue
        same = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at)
        if len(task.worker_ids or []) >= MAX_ATTEMPTS:
            counts["abandoned"] += same.update(
                status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=LOST_WORKER,
                traceback=f"The worker {last_worker} stopped during attempt {len(task.worker_ids)}; "
                          "no attempt is left.",
            )
        else:
            counts["recovered"] += same.update(status=TaskResultStatus.READY)
    if any(counts.values()):
        logger.warning("task queue: %(retried)s failed tasks retried, %(recovered)s tasks of a stopped "
                       "worker put back, %(abandoned)s abandoned", counts)
    return counts


def run_periodic_duties(*, commands: bool = True, worker_id: str = "") -> None:
    duties = [("recover_tasks", lambda: recover_tasks(current_worker_id=worker_id))]
    if commands:
        duties += [(command, lambda command=command: call_command(command, quiet=True, verbosity=0))
                   for command in PERIODIC_COMMANDS]
    for name, duty in duties:
        try:
            duty()
        except Exception:  # noqa: BLE001 — a failed duty must not stop the worker; it runs again in a minute
            logger.exception("periodic duty %s failed", name)
        finally:
            close_old_connections()


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks, database backend) and the periodic duties."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Process the queued tasks, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument("--queue-name", default="*", help="Queues to serve (default: all).")
        parser.add_argument("--no-periodic", action="store_true",
                            help="Do not run the periodic commands (failed tasks are still retried).")
        parser.add_argument("--duty-interval", type=float, default=60.0,
                            help="Seconds between two runs of the periodic duties (default: 60).")

    def handle(self, *args, **options):
        worker_id = make_worker_id()
        commands = not options["no_periodic"]
        run_periodic_duties(commands=commands, worker_id=worker_id)
        if not options["batch"]:
            stop = threading.Event()
            interval = max(options["duty_interval"], 0.1)

            def loop():
                while not stop.wait(interval):
                    run_periodic_duties(commands=commands, worker_id=worker_id)

            threading.Thread(target=loop, name="periodic-duties", daemon=True).start()
        kwargs = {"queue_name": options["queue_name"], "interval": options["interval"], "reload": False,
                  "worker_id": worker_id}
        if options["batch"]:
            kwargs.update(batch=True, startup_delay=False)
        call_command("db_worker", **kwargs)
