from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from concertation.portability.restore import import_territory
from concertation.portability.rows import ArchiveError

from ._operator import ProgressLine, activate


class Command(BaseCommand):
    help = "Import a territory from an archive written by `concertation export` (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive (FILE.zip)")
        parser.add_argument("--as-slug", dest="as_slug", help="import under this slug instead of the archive's")
        parser.add_argument("--language", help="the language of messages (fr-ca, en); default: the terminal's")

    def handle(self, *args, file, as_slug=None, **options):
        activate(options)
        try:
            territory = import_territory(file, as_slug=as_slug, progress=ProgressLine(self.stdout, _("Import")))
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        except FileNotFoundError:
            raise CommandError(_("Fichier introuvable : %(file)s") % {"file": file}) from None
        self.stdout.write(_("Territoire « %(name)s » importé sous l'identifiant « %(slug)s ». Les personnes "
                            "créées choisissent leur mot de passe avec « Mot de passe oublié ».")
                          % {"name": territory.name, "slug": territory.slug})
