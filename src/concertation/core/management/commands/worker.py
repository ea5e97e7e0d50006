"""`concertation worker`: runs background tasks (e-mails, reminders, PDFs) from the database queue."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks, database backend)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Process the queued tasks, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument("--queue-name", default="*", help="Queues to serve (default: all).")

    def handle(self, *args, **options):
        kwargs = {"queue_name": options["queue_name"], "interval": options["interval"], "reload": False}
        if options["batch"]:
            kwargs["batch"] = True
        call_command("db_worker", **kwargs)
