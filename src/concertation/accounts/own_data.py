"""What the accounts app holds about a person, for their export (accounts/personal_data.py): the
account, its sign-in addresses and second factors (their kind, never their secret), and the rows of
the audit log where the person is the actor."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import personal_data


def _account(user):
    yield {"email": user.email, "display_name": user.display_name, "phone": user.phone,
           "preferred_language": user.preferred_language, "shown_publicly": user.shown_publicly,
           "date_joined": user.date_joined, "last_login": user.last_login, "is_active": user.is_active}


def _addresses(user):
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user).order_by("pk").values("email", "verified", "primary")


def _second_factors(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).order_by("pk").values("type", "created_at", "last_used_at")


def _audit(user):
    from concertation.core import audit
    from concertation.core.models import AuditEvent

    labels = dict(audit.action_choices())
    for row in (AuditEvent.objects.filter(actor=user).order_by("created_at", "pk")
                .values("created_at", "action", "target_type", "target_id", "target_label")):
        yield {**row, "action_label": str(labels.get(row["action"], row["action"]))}


def register() -> None:
    personal_data.register("accounts.account", label=_("Votre compte"), rows=_account)
    personal_data.register("accounts.email_addresses", label=_("Vos adresses courriel de connexion"),
                           rows=_addresses)
    personal_data.register("accounts.second_factors", label=_("Vos seconds facteurs d'authentification"),
                           rows=_second_factors,
                           note=_("Leur type et leurs dates seulement : leurs secrets ne sont jamais exportés."))
    personal_data.register("core.audit", label=_("Les actions sensibles que vous avez faites (journal)"),
                           rows=_audit,
                           note=_("L'action, sa date et l'objet visé; les détails de chaque action restent au "
                                  "journal, qu'une personne responsable peut vous communiquer sur demande."))
