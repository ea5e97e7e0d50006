"""Who may create an account, and whom to ask otherwise.

Sign-up is by invitation by default: ACCOUNT_ALLOW_SIGNUPS (env ALLOW_SIGNUPS) opens it to anyone.
A higher app may vouch for a request (spaces: a valid pending invitation in the session); it
registers its check from its AppConfig.ready(), so accounts never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import parseaddr

from django.conf import settings
from django.http import HttpRequest

SignupCheck = Callable[[HttpRequest], bool]
_checks: list[SignupCheck] = []

# Addresses that nobody reads: never offered as the instance's contact.
_UNREAD = ("noreply", "no-reply", "donotreply", "do-not-reply")


def register_signup_check(check: SignupCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def signup_is_open(request: HttpRequest) -> bool:
    if settings.ACCOUNT_ALLOW_SIGNUPS:
        return True
    return any(check(request) for check in _checks)


def instance_contact() -> dict[str, str]:
    """The instance's contact for invitations and sign-in trouble: {"name", "email"} (either may be "").

    INSTANCE_CONTACT_EMAIL, else the address of DEFAULT_FROM_EMAIL when a person reads it
    (not a no-reply address nor one at localhost)."""
    email = (getattr(settings, "INSTANCE_CONTACT_EMAIL", "") or "").strip()
    if not email:
        candidate = parseaddr(settings.DEFAULT_FROM_EMAIL or "")[1].lower()
        local, _, domain = candidate.partition("@")
        if domain and domain != "localhost" and "." in domain and local not in _UNREAD:
            email = candidate
    return {"name": (getattr(settings, "INSTANCE_CONTACT_NAME", "") or "").strip(), "email": email}
