from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "concertation.core"
    label = "core"
    verbose_name = _("Noyau")

    def ready(self):
        from concertation.core import data_version

        def _install(sender, connection, **kwargs):
            data_version.install(connection)

        def _suspend(sender, **kwargs):
            data_version.suspend(True)

        def _resume(sender, **kwargs):
            data_version.suspend(False)

        connection_created.connect(_install, weak=False, dispatch_uid="concertation-data-version")
        pre_migrate.connect(_suspend, sender=self, weak=False, dispatch_uid="concertation-data-version-pre")
        post_migrate.connect(_resume, sender=self, weak=False, dispatch_uid="concertation-data-version-post")
        from django.db import connections

        for connection in connections.all(initialized_only=True):
            data_version.install(connection)
