"""``concertation search_rebuild [--territory SLUG]``: rebuild the search index (all, or one territory)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from concertation.directory.models import Territory
from concertation.search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index (issue 17): every territory, or one with --territory."

    def add_arguments(self, parser):
        parser.add_argument("--territory", help="the territory's slug")

    def handle(self, *args, territory=None, **options):
        territory_id = None
        if territory:
            found = Territory.objects.filter(slug=territory).first()
            if found is None:
                raise CommandError(f"No territory « {territory} ».")
            territory_id = found.pk
        tty = sys.stdout.isatty() and self.stdout._out is sys.stdout

        def progress(count):
            if tty:
                self.stdout.write(f"\r{count} entries indexed…", ending="")
                self.stdout.flush()

        total = rebuild(territory_id, progress=progress)
        if tty:
            self.stdout.write("")
        self.stdout.write(f"{total} entries indexed.")
