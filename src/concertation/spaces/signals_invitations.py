"""The invitee's sign-up: it is open to a person holding a valid invitation, and an address that
received the invitation needs no confirmation.

The invitation link was e-mailed to that address, so following it proves the person reads that
mailbox. Connected to allauth's ``user_signed_up`` in ``SpacesConfig.ready()``:

    from allauth.account.signals import user_signed_up
    from . import signals_invitations
    user_signed_up.connect(signals_invitations.verify_invited_email, dispatch_uid="spaces_invited_email")
"""

from __future__ import annotations

import logging

from allauth.account.models import EmailAddress

from .invitations import normalize_email, pending_q
from .models import Invitation

logger = logging.getLogger(__name__)

SESSION_KEY = "invitation_token"


def invitation_opens_signup(request) -> bool:
    """Sign-up is open to a visitor whose session holds a pending invitation (see
    accounts/signup.py): an expired, revoked or used link, or a made-up token, opens nothing."""
    session = getattr(request, "session", None)
    token = session.get(SESSION_KEY) if session is not None else None
    return bool(token) and isinstance(token, str) and Invitation.objects.filter(pending_q(), token=token).exists()


def verify_invited_email(sender=None, *, request=None, user=None, **kwargs) -> bool:
    """Mark the new account's address verified when it is the one the pending invitation went to."""
    session = getattr(request, "session", None)
    token = session.get(SESSION_KEY) if session is not None else None
    if not token or user is None:
        return False
    invitation = Invitation.objects.filter(pending_q(), token=token).only("email").first()
    if invitation is None or normalize_email(user.email) != invitation.email:
        return False
    updated = EmailAddress.objects.filter(user=user, email__iexact=invitation.email).update(verified=True)
    if updated:
        logger.info("E-mail address of user %s verified by invitation %s", user.pk, invitation.pk)
    return bool(updated)
