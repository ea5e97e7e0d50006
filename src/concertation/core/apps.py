from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, using, **kwargs):
    """The database cache's table (settings.CACHES) comes with every `migrate`: `concertation demo`,
    an upgrade and the tests need no extra step. Nothing happens when it exists or with Redis."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "concertation.core"
    label = "core"
    verbose_name = _("Noyau")

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="concertation-cache-table")
