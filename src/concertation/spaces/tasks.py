"""Background work of the spaces app (django-tasks; the worker runs `concertation db_worker`)."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import task

from concertation.notifications.api import send_email

from .events import INVITATION_TEMPLATE

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "fr-ca"


def invitation_language(email: str) -> str:
    """The invitee's language when the address is already an account's; French otherwise."""
    language = (
        get_user_model().objects.filter(email__iexact=email).values_list("preferred_language", flat=True).first()
    )
    return language or DEFAULT_LANGUAGE


def invitation_context(invitation, base_url: str) -> dict:
    """What the invitation e-mail says (the event « spaces.invitation »), with its absolute link."""
    return {
        "invitation": invitation,
        "space": invitation.space,
        "territory": invitation.space.territory,
        "organization": invitation.organization,
        # The inviter's name as they gave it; never their address (str() falls back to it), which
        # would go to whatever address was typed in the invitation.
        "inviter": (invitation.invited_by.display_name or "").strip() if invitation.invited_by_id else "",
        "link": (base_url or "").rstrip("/") + reverse("spaces:invitation_accept", kwargs={"token": invitation.token}),
        "expires_at": invitation.expires_at,
    }


@task(queue_name="email")
def send_invitation_email(invitation_id: int, base_url: str) -> str:
    """Send one invitation e-mail (through the notifications layer, to the invited address, in the
    invitee's language), unless the invitation was revoked or used in the meantime."""
    from .models import Invitation

    invitation = (
        Invitation.objects.select_related("space__territory", "organization", "invited_by")
        .filter(pk=invitation_id).first()
    )
    if invitation is None:
        return "missing"
    if invitation.status != "pending":
        logger.info("Invitation %s not sent: %s", invitation_id, invitation.status)
        return invitation.status
    send_email(to=invitation.email, template=INVITATION_TEMPLATE, context=invitation_context(invitation, base_url),
               language=invitation_language(invitation.email), category="invitations")
    return "sent"
