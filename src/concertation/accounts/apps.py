from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "concertation.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from concertation.core import audit

        from . import own_data, signals

        audit.register_actions({"account.erased": _("Compte effacé"),
                                "account.data_exported": _("Données personnelles téléchargées")})
        audit.register_detail_labels({
            "by_self": _("par la personne elle-même"),
        })
        own_data.register()
        user_logged_in.connect(signals.keep_language_on_sign_in, dispatch_uid="accounts_language_on_sign_in")
