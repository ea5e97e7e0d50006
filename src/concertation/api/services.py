"""Writes of personal access tokens: create (the token is returned once), revoke, note its use;
all of a person's tokens revoked when her password changes or is reset (apps.py connects it)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import audit
from concertation.core.errors import DomainError

from .models import PREFIX, AccessToken, token_hash

EXPIRY_DAYS = (30, 90, 365)
MAX_ACTIVE = 20  # active tokens a person may hold
TOUCH_EVERY = timedelta(minutes=5)  # last use written at most this often (not a write per request)


@transaction.atomic
def token_create(*, owner, name: str, scope: str, days: int, now=None) -> tuple[AccessToken, str]:
    """A new token for ``owner``; returns it and the secret, which is never stored nor shown again."""
    now = now or timezone.now()
    name = " ".join(str(name or "").split())
    if not name:
        raise DomainError(_("Donnez un nom au jeton (à quoi il sert)."), field="name")
    if len(name) > 80:
        raise DomainError(_("Le nom du jeton dépasse 80 caractères."), field="name")
    if scope not in AccessToken.Scope.values:
        raise DomainError(_("Choisissez la portée du jeton : lecture, ou lecture et écriture."), field="scope")
    if days not in EXPIRY_DAYS:
        raise DomainError(_("Choisissez une durée de validité proposée."), field="days")
    active = AccessToken.objects.filter(owner=owner, revoked_at__isnull=True, expires_at__gt=now).count()
    if active >= MAX_ACTIVE:
        raise DomainError(_("Vous avez déjà %(count)s jetons actifs : révoquez-en un d'abord.")
                          % {"count": MAX_ACTIVE})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(owner=owner, name=name, scope=scope, digest=token_hash(secret),
                                       hint=secret[:8], expires_at=now + timedelta(days=days))
    audit.record(action="api.token_created", actor=owner, target=token, api_scope=scope,
                 api_expires=token.expires_at.date())
    return token, secret


@transaction.atomic
def token_revoke(*, token: AccessToken, by, now=None) -> AccessToken:
    """Revoke one of ``by``'s tokens (a second revocation changes nothing)."""
    token = AccessToken.objects.select_for_update().get(pk=token.pk)
    if token.owner_id != by.pk:
        raise DomainError(_("Ce jeton n'est pas le vôtre."))
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(action="api.token_revoked", actor=by, target=token)
    return token


def token_touch(token: AccessToken, now=None) -> None:
    """Note the token's use, at most every few minutes."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def tokens_revoke_all(*, owner, now=None) -> int:
    """Revoke every active token of ``owner`` (a new password cuts off what the old one let out);
    returns how many."""
    now = now or timezone.now()
    active = AccessToken.objects.filter(owner=owner, revoked_at__isnull=True, expires_at__gt=now)
    revoked = 0
    for token in active:
        token_revoke(token=token, by=owner, now=now)
        revoked += 1
    return revoked


def revoke_on_new_password(sender, request=None, user=None, **kwargs) -> None:
    """allauth's password_changed, password_set and password_reset: the person is told when tokens went."""
    if user is None:
        return
    revoked = tokens_revoke_all(owner=user)
    if revoked and request is not None:
        from django.contrib import messages
        from django.utils.translation import ngettext

        messages.info(request, ngettext(
            "Votre mot de passe a changé : votre jeton d'accès à l'API a été révoqué. Créez-en un nouveau au besoin.",
            "Votre mot de passe a changé : vos %(count)s jetons d'accès à l'API ont été révoqués. Créez-en de "
            "nouveaux au besoin.", revoked) % {"count": revoked})
