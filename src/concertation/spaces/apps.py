from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "concertation.spaces"
    label = "spaces"
    verbose_name = _("Espaces de concertation")

    def ready(self):
        from allauth.account.signals import user_signed_up

        from concertation.accounts.signup import register_signup_check
        from concertation.core import audit

        from . import signals_invitations

        audit.register_actions({
            "charter.adopted": _("Charte adoptée"),
            "role.assigned": _("Rôle attribué"),
            "role.ended": _("Mandat terminé"),
            "membership.added": _("Membre ajouté"),
            "membership.changed": _("Adhésion modifiée"),
            "membership.ended": _("Adhésion terminée"),
            "delegation.changed": _("Délégation modifiée"),
            "announcement.sent": _("Annonce envoyée"),
        })
        audit.register_detail_labels({
            "space": _("espace"),
            "person": _("personne"),
            "organization": _("organisme"),
            "role": _("rôle"),
            "category": _("catégorie"),
            "college": _("collège"),
            "kind": _("type"),
            "start": _("début"),
            "end": _("fin"),
            "ended_on": _("terminé le"),
            "reason": _("motif"),
            "delegate": _("personne déléguée"),
            "alternate": _("substitut"),
            "previous": _("avant"),
            "before": _("avant"),
            "after": _("après"),
            "changed": _("changements"),
            "version": _("version"),
            "scope": _("destinataires"),
        })
        from .models import Announcement, Charter, Delegation, MembershipCategory, Role

        audit.register_detail_refs({
            "person": "accounts.user", "previous": "accounts.user", "delegate": "accounts.user",
            "alternate": "accounts.user", "organization": "directory.organization", "college": "directory.college",
            "role": "spaces.role",
        })
        audit.register_detail_values({
            "category": audit.choice_words(MembershipCategory),
            "kind": audit.choice_words(Delegation.Kind, Role.Kind),
            "changed": audit.field_words(Charter),
        })
        audit.hide_details("space")  # the line already names the space's object
        # Whatever belongs to a space, a role or a membership is in that space's territory.
        audit.register_territory_relations("space", "role", "membership")
        audit.register_detail_values({"scope": audit.choice_words(Announcement.Scope)})

        # Sign-up is by invitation: a visitor holding a valid one may create an account.
        register_signup_check(signals_invitations.invitation_opens_signup)

        # An invited person who signs up with the invited address need not confirm it again.
        user_signed_up.connect(signals_invitations.verify_invited_email, dispatch_uid="spaces_invited_email")

        # What spaces tell people (issue 16): invitations, terms ending, announcements (events.py).
        from . import events

        events.register()

        # Law 25 (issue 19): what spaces hold about a person, and how long invitations are kept.
        from . import personal_data

        personal_data.register()
