"""`concertation worker`: runs background tasks (e-mails, reminders, PDFs) from the database queue.

Besides the queue, it runs the periodic duties every minute (proposals that are due close, reminders
that are due go out), so that a lost or late task is made up for without cron.
"""

import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger("concertation")
PERIODIC_COMMANDS = ["close_due"]


def run_periodic_duties() -> None:
    for command in PERIODIC_COMMANDS:
        try:
            call_command(command, quiet=True, verbosity=0)
        except Exception:  # noqa: BLE001 — a failed duty must not stop the worker; it runs again in a minute
            logger.exception("periodic duty %s failed", command)
        finally:
            close_old_connections()


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks, database backend) and the periodic duties."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Process the queued tasks, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument("--queue-name", default="*", help="Queues to serve (default: all).")
        parser.add_argument("--no-periodic", action="store_true", help="Do not run the periodic duties.")

    def handle(self, *args, **options):
        if not options["no_periodic"]:
            run_periodic_duties()
            if not options["batch"]:
                stop = threading.Event()

                def loop():
                    while not stop.wait(60):
                        run_periodic_duties()

                threading.Thread(target=loop, name="periodic-duties", daemon=True).start()
        kwargs = {"queue_name": options["queue_name"], "interval": options["interval"], "reload": False}
        if options["batch"]:
            kwargs["batch"] = True
        call_command("db_worker", **kwargs)
