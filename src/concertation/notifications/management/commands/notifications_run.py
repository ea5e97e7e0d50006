"""`concertation notifications_run [--due | --daily | --weekly | --sweeps]`: the scheduled work of
notifications. Without an option (or with --due): what is due now — the apps' daily sweeps, the daily
and weekly digests from their hour, the retries of failed e-mails. `concertation worker` runs it
every minute; without the worker, a cron line does the same (docs/deployment.md):

    * * * * *  concertation notifications_run --quiet

--daily / --weekly send that digest now (for the current period: run twice, it sends once)."""

from django.core.management.base import BaseCommand

from concertation.notifications import registry
from concertation.notifications.schedule import run_digests, run_due, run_sweeps


class Command(BaseCommand):
    help = "Send the notification digests and run the daily sweeps that are due."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--due", action="store_true", help="What is due now (the default).")
        group.add_argument("--daily", action="store_true", help="The daily digest, now.")
        group.add_argument("--weekly", action="store_true", help="The weekly digest, now.")
        group.add_argument("--sweeps", action="store_true", help="The apps' daily sweeps, now.")
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args, **options):
        if options["daily"] or options["weekly"]:
            period = registry.DAILY if options["daily"] else registry.WEEKLY
            result = {"digests": run_digests([period], force=True)}
        elif options["sweeps"]:
            result = {"sweeps": run_sweeps(force=True)}
        else:
            result = run_due()
        if not options["quiet"]:
            self.stdout.write(", ".join(f"{key}: {value}" for key, value in result.items()))
