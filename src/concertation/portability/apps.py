from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortabilityConfig(AppConfig):
    """A territory's export and import as one archive (issue 19)."""

    name = "concertation.portability"
    label = "portability"
    verbose_name = _("Portabilité")
