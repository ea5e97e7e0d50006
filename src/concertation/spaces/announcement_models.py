"""The announcement of a space (issue 16, item 6), a model of the spaces app kept out of models.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel


class Announcement(BaseModel):
    """A short bulletin a coordinator sends to a space's members, or (a territory's coordinator) to
    every member of the territory; kept and listed on the space's page."""

    class Scope(models.TextChoices):
        SPACE = "space", _("Les membres de cet espace")
        TERRITORY = "territory", _("Tout le territoire")

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="announcements", verbose_name=_("espace"))
    scope = models.CharField(_("destinataires"), max_length=20, choices=Scope.choices, default=Scope.SPACE)
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("texte"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("autrice ou auteur"),
    )
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)

    class Meta:
        verbose_name = _("annonce")
        verbose_name_plural = _("annonces")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["space", "-sent_at"], name="spaces_announcement_recent")]

    def __str__(self):
        return self.title

    @property
    def body_html(self):
        from concertation.core.richtext import render_markdown

        return render_markdown(self.body)
