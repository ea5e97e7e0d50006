"""`concertation close_due`: close the proposals whose closing time has passed and send the
reminders that are due.

The worker closes each proposal at its time and sends its reminder from queued tasks; this command
is the safety net for a task that was lost or never queued. Run it every minute next to the worker,
from cron (``* * * * * concertation close_due --quiet``) or a systemd timer (``OnCalendar=minutely``).
It is idempotent: running it twice, or at the same time as the worker, closes and reminds once.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from concertation.decisions import services
from concertation.decisions.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Close the proposals whose closing time has passed, and send the closing reminders that are due."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing when there was nothing to do.")

    def handle(self, *args, **options):
        now = timezone.now()
        closed = services.close_due_proposals(now)
        reminded = send_due_reminders(now)
        if closed or reminded or not options["quiet"]:
            self.stdout.write(f"Propositions fermées / proposals closed: {closed}; "
                              f"rappels envoyés / reminders sent: {reminded}")
