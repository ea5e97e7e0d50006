"""Personal access tokens of the API: only a hash is stored; the token is shown once, at creation."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel

PREFIX = "cct_"  # « Concertation token »: recognisable in a leak report or a secret scanner


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class AccessToken(BaseModel):
    ERASED_WITH_PERSON = ("owner",)  # accounts.services.user_erase: one's tokens go with one's account

    class Scope(models.TextChoices):
        READ = "read", _("Lecture")
        READ_WRITE = "read_write", _("Lecture et écriture")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                              verbose_name=_("propriétaire"))
    name = models.CharField(_("nom"), max_length=80)
    # sha256 of the whole token; the first characters are kept to tell tokens apart on the page.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=16, editable=False)
    scope = models.CharField(_("portée"), max_length=10, choices=Scope.choices, default=Scope.READ)
    expires_at = models.DateTimeField(_("expire le"))
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'accès")
        verbose_name_plural = _("jetons d'accès")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    @property
    def writes(self) -> bool:
        return self.scope == self.Scope.READ_WRITE

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
