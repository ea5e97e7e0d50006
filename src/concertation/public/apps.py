from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public window of a territory whose coordinators opted in (issue 18): nothing private."""

    name = "concertation.public"
    label = "public"
    verbose_name = _("Pages publiques")
