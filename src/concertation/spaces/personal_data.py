"""What spaces hold about a person, for her data export (accounts/personal_data.py; Law 25): her
memberships, delegations, roles, the invitations addressed to her and the announcements she wrote;
and the daily sweep that deletes invitations used, revoked or expired more than
RETENTION_INVITATIONS_DAYS ago (an invitation holds an address: kept only while it is useful)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from concertation.accounts import personal_data
from concertation.notifications.api import register_daily

from .announcement_models import Announcement
from .models import Delegation, Invitation, Membership, RoleAssignment


def _memberships(user):
    return (Membership.objects.filter(person=user).order_by("start", "pk")
            .values("category", "start", "end", "note", space_name=F("space__name"),
                    territory=F("space__territory__name"), college_name=F("college__name")))


def _delegations(user):
    return (Delegation.objects.filter(person=user).order_by("start", "pk")
            .values("kind", "start", "end", organization=F("membership__organization__name"),
                    space_name=F("membership__space__name")))


def _roles(user):
    return (RoleAssignment.objects.filter(person=user).order_by("start", "pk")
            .values("start", "end", "ended_on", "end_reason", role_name=F("role__name"),
                    space_name=F("role__space__name")))


def _invitations(user):
    # Her address, or the invitation she accepted; who sent it is another person: left out.
    return (Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user)).order_by("created_at", "pk")
            .values("created_at", "email", "invited_as", "category", "message", "expires_at", "accepted_at",
                    "revoked_at", space_name=F("space__name"), organization_name=F("organization__name")))


def _announcements(user):
    return (Announcement.objects.filter(author=user).order_by("sent_at", "pk")
            .values("sent_at", "scope", "title", "body", space_name=F("space__name")))


def invitations_retention_sweep(now) -> int:
    """Delete invitations accepted, revoked or expired before the retention (none with 0)."""
    days = settings.RETENTION_INVITATIONS_DAYS
    if not days:
        return 0
    cutoff = now - timedelta(days=days)
    old = Invitation.objects.filter(Q(accepted_at__lt=cutoff) | Q(revoked_at__lt=cutoff)
                                    | Q(accepted_at__isnull=True, expires_at__lt=cutoff))
    deleted, _counts = old.delete()
    return deleted


def register() -> None:
    register_daily("spaces.invitations_retention", invitations_retention_sweep)
    for key, label, rows in [
        ("spaces.memberships", _("Vos adhésions aux espaces (comme citoyenne ou citoyen)"), _memberships),
        ("spaces.delegations", _("Vos délégations pour un organisme"), _delegations),
        ("spaces.roles", _("Vos rôles et mandats"), _roles),
        ("spaces.invitations", _("Les invitations qui vous ont été adressées"), _invitations),
        ("spaces.announcements", _("Les annonces que vous avez envoyées"), _announcements),
    ]:
        personal_data.register(key, label=label, rows=rows)
