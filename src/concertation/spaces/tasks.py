"""Background work of the spaces app (django-tasks; the worker runs `concertation db_worker`)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "fr-ca"


def invitation_language(email: str) -> str:
    """The invitee's language when the address is already an account's; French otherwise."""
    language = (
        get_user_model().objects.filter(email__iexact=email).values_list("preferred_language", flat=True).first()
    )
    return language or DEFAULT_LANGUAGE


def invitation_email(invitation, base_url: str) -> EmailMultiAlternatives:
    """The invitation e-mail, written in the invitee's language, with an absolute link."""
    link = base_url.rstrip("/") + reverse("spaces:invitation_accept", kwargs={"token": invitation.token})
    language = invitation_language(invitation.email)
    with translation.override(language):
        context = {
            "invitation": invitation,
            "space": invitation.space,
            "territory": invitation.space.territory,
            "organization": invitation.organization,
            "inviter": str(invitation.invited_by) if invitation.invited_by_id else "",
            "link": link,
            "expires_at": invitation.expires_at,
            "language": language,
        }
        # One line (a header); str.split() would also eat the non-breaking spaces of « guillemets ».
        subject = " ".join(render_to_string("spaces/email/invitation_subject.txt", context).splitlines()).strip()
        text = render_to_string("spaces/email/invitation_body.txt", context)
        html = render_to_string("spaces/email/invitation_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    message.attach_alternative(html, "text/html")
    message.extra_headers["Content-Language"] = language
    return message


@task(queue_name="email")
def send_invitation_email(invitation_id: int, base_url: str) -> str:
    """Send one invitation e-mail, unless the invitation was revoked or used in the meantime."""
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
    invitation_email(invitation, base_url).send()
    return "sent"
