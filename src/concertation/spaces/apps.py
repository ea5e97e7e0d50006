from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "concertation.spaces"
    label = "spaces"
    verbose_name = _("Espaces de concertation")

    def ready(self):
        from allauth.account.signals import user_signed_up

        from . import signals_invitations

        # An invited person who signs up with the invited address need not confirm it again.
        user_signed_up.connect(signals_invitations.verify_invited_email, dispatch_uid="spaces_invited_email")
