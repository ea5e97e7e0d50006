from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public window of a territory whose coordinators opted in (issue 18): nothing private."""

    name = "concertation.public"
    label = "public"
    verbose_name = _("Pages publiques")

    def ready(self):
        from concertation.core import audit

        from . import rules  # noqa: F401  (the permission to turn the window on)
        from .services import ACTION

        audit.register_actions({ACTION: _("Pages publiques du territoire activées ou désactivées")})
        audit.register_detail_labels({"public_pages": _("Pages publiques")})
