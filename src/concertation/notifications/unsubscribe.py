"""The signed one-click unsubscribe link (RFC 8058): person id and category, signed with a salt of
its own; no sign-in needed, a forged or altered token is refused."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from . import registry
from .urls_absolute import absolute

SALT = "concertation.notifications.unsubscribe"


def make_token(person, category: str) -> str:
    return signing.dumps([person.pk, category], salt=SALT, compress=False)


def read_token(token: str) -> tuple[int, str] | None:
    """(person id, category), or None when the token is not ours or names no optional category
    (nor a digest)."""
    try:
        person_id, category = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(person_id, int) or not isinstance(category, str) or not registry.unsubscribable(category):
        return None
    return person_id, category


def unsubscribe_url(person, category: str) -> str:
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": make_token(person, category)}))
