"""Practice sheets (fiches d'expérience): what a group did, how, and what others can learn from it.

A sheet belongs to a territory and may say which of its spaces it comes from. Its sections are rich
text (Markdown, rendered through ``core.richtext``). Its tags are kept normalized in one text column
(« |logement|droits des locataires| »), so that filtering by a tag is one ``contains`` that works the
same on SQLite and PostgreSQL. The activity of a plan it tells about is linked from planning
(``planning.ActivityPracticeSheet``): knowledge sits below planning and never names it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel
from concertation.directory.models import Territory
from concertation.spaces.models import Space

__all__ = ["SECTIONS", "PracticeSheet"]

# The rich-text sections, in reading order: (field name, heading).
SECTIONS = (
    ("context", _("Contexte")),
    ("objectives", _("Objectifs")),
    ("actors", _("Actrices et acteurs, et leurs rôles")),
    ("steps", _("Étapes")),
    ("resources", _("Ressources")),
    ("results", _("Résultats")),
    ("what_worked", _("Ce qui a bien fonctionné")),
    ("pitfalls", _("Écueils à éviter")),
    ("conditions", _("Conditions de réussite")),
)

TAG_SEPARATOR = "|"


class PracticeSheet(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publiée")

    class Audience(models.TextChoices):
        TERRITORY = "territory", _("Les membres du territoire")
        PUBLIC = "public", _("Tout le monde (publique)")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="practice_sheets",
                                  verbose_name=_("territoire"))
    space = models.ForeignKey(Space, on_delete=models.SET_NULL, null=True, blank=True, related_name="practice_sheets",
                              verbose_name=_("espace d'où elle vient"))
    title = models.CharField(_("titre"), max_length=200)
    context = models.TextField(_("contexte"), blank=True)
    objectives = models.TextField(_("objectifs"), blank=True)
    actors = models.TextField(_("actrices et acteurs, et leurs rôles"), blank=True)
    steps = models.TextField(_("étapes"), blank=True)
    resources = models.TextField(_("ressources"), blank=True)
    results = models.TextField(_("résultats"), blank=True)
    what_worked = models.TextField(_("ce qui a bien fonctionné"), blank=True)
    pitfalls = models.TextField(_("écueils à éviter"), blank=True)
    conditions = models.TextField(_("conditions de réussite"), blank=True)
    contact_name = models.CharField(_("personne à joindre"), max_length=200, blank=True)
    contact_email = models.EmailField(_("courriel"), max_length=254, blank=True)
    contact_phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    tags = models.CharField(_("mots-clés"), max_length=500, blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    audience = models.CharField(_("publiée pour"), max_length=12, choices=Audience.choices,
                                default=Audience.TERRITORY)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="practice_sheets", verbose_name=_("autrice ou auteur"))
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("fiche d'expérience")
        verbose_name_plural = _("fiches d'expérience")
        ordering = ["-published_at", "-updated_at", "-id"]
        indexes = [models.Index(fields=["territory", "status", "audience"], name="knowledge_sheet_reach")]
        constraints = [
            models.CheckConstraint(condition=Q(status="draft") | Q(published_at__isnull=False),
                                   name="knowledge_sheet_published_dated"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(TAG_SEPARATOR) if tag]

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.is_published and self.audience == self.Audience.PUBLIC
