from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API v1 (django-ninja) and its personal access tokens (issue 19)."""

    name = "concertation.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        from concertation.core import audit

        audit.register_actions({
            "api.token_created": _("Jeton d'accès à l'API créé"),
            "api.token_revoked": _("Jeton d'accès à l'API révoqué"),
        })
        audit.register_detail_labels({"api_scope": _("portée"), "api_expires": _("expire le")})
