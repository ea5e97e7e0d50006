from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "concertation.directory"
    label = "directory"
    verbose_name = _("Répertoire")

    def ready(self):
        from concertation.core import audit

        # A territory is its own territory in the audit log.
        audit.register_territory_model(f"{self.label}.territory")

        # Law 25 (issue 19): what the directory holds about a person, in her data export.
        from . import personal_data

        personal_data.register()
