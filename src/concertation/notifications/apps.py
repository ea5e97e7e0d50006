from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "concertation.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from .registry import IMMEDIATE, WEEKLY, register_category

        # The product's categories (the apps' events fall in them); the defaults of issue 16.
        for key, label, description, default in [
            ("notices", _("Convocations"), _("Convocations des rencontres, leurs changements et annulations."), IMMEDIATE),
            ("proposals", _("Propositions"), _("Propositions ouvertes au vote, votes qui se terminent bientôt, décisions prises."), IMMEDIATE),
            ("mentions", _("Mentions"), _("Quand quelqu'un vous nomme dans une discussion."), IMMEDIATE),
            ("announcements", _("Annonces"), _("Annonces des espaces dont vous êtes membre."), IMMEDIATE),
            ("minutes", _("Procès-verbaux"), _("Procès-verbaux mis en circulation ou adoptés."), WEEKLY),
            ("followups", _("Suivis"), _("Suivis qui vous sont confiés ou qui sont en retard."), WEEKLY),
            ("roles", _("Rôles et mandats"), _("Mandats qui arrivent à échéance."), WEEKLY),
            ("plan", _("Plan d'action"), _("Révisions du plan d'action."), WEEKLY),
            ("documents", _("Documents"), _("Documents ajoutés aux espaces."), WEEKLY),
        ]:
            register_category(key, label=label, description=description, default=default)
        register_category("invitations", label=_("Invitations"), default=IMMEDIATE, optional=False)
        register_category("account", label=_("Compte"), default=IMMEDIATE, optional=False)
        from . import retention

        retention.register()  # Law 25: the person's notifications in her export, and their retention
