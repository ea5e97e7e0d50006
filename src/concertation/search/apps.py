from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """One search over a territory's governance, filtered by what each person may see (issue 17):
    above the domain apps it indexes; none of them imports it."""

    name = "concertation.search"
    label = "search"
    verbose_name = _("Recherche")

    def ready(self):
        from . import signals, sweeps

        signals.connect()
        sweeps.register()  # people found by name only where they sit now, as dates pass
