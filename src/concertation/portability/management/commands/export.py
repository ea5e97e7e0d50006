from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from concertation.portability.archive import export_territory
from concertation.portability.rows import ArchiveError

from ._operator import ProgressLine, activate


class Command(BaseCommand):
    help = "Export a territory (data, people it names, uploaded files) to a zip archive."

    def add_arguments(self, parser):
        parser.add_argument("territory", help="the territory's slug")
        parser.add_argument("file", help="the archive to write (FILE.zip)")
        parser.add_argument("--language", help="the language of messages (fr-ca, en); default: the terminal's")

    def handle(self, *args, territory, file, **options):
        from concertation.directory.models import Territory

        activate(options)
        found = Territory.objects.filter(slug=territory).first()
        if found is None:
            raise CommandError(_("Aucun territoire « %(slug)s » dans cette instance.") % {"slug": territory})
        try:
            manifest = export_territory(found, file, progress=ProgressLine(self.stdout, _("Export")))
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(n for label, n in manifest["counts"].items() if "." in label and label != "accounts.User")
        self.stdout.write(_("%(file)s : territoire « %(name)s », %(rows)s lignes, %(people)s personnes, "
                            "%(files)s fichiers.") % {
            "file": file, "name": found.name, "rows": rows, "people": manifest["counts"]["accounts.User"],
            "files": manifest["counts"]["files"]})
