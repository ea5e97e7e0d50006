from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API v1 (django-ninja) and its personal access tokens (issue 19)."""

    name = "concertation.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        from allauth.account import signals as account_signals

        from concertation.core import audit

        from .services import revoke_on_new_password

        for signal in (account_signals.password_changed, account_signals.password_set, account_signals.password_reset):
            signal.connect(revoke_on_new_password, dispatch_uid=f"api.revoke_on_new_password.{id(signal)}")

        audit.register_actions({
            "api.token_created": _("Jeton d'accès à l'API créé"),
            "api.token_revoked": _("Jeton d'accès à l'API révoqué"),
        })
        audit.register_detail_labels({"api_scope": _("portée"), "api_expires": _("expire le")})
