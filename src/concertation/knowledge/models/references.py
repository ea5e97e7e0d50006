"""Models of the knowledge app: references (« repères »).

A reference is a guide, a tool, an example or an article worth reading, written as a bibliographic
entry: who wrote it, when, its title, its publisher, the chapter or pages to read, and where to find
it. A reference belongs to a territory, or to the instance (``territory`` empty): an instance's
reference is shown in every territory, beside the territory's own.
"""

from __future__ import annotations

from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel

__all__ = ["Reference", "ReferenceGroup", "ReferenceKind", "ReferenceLanguage", "WEB_SCHEMES"]

# A link of a reference opens in the reader's browser: web addresses only (never javascript:, data:…).
WEB_SCHEMES = ("http", "https")
NOTE_MAX_LENGTH = 1000


class ReferenceGroup(models.TextChoices):
    """The four groups of the list, in the order the page shows them."""

    TOOLS = "tools", _("Outils pratiques")
    ILLUSTRATIONS = "illustrations", _("Illustrations concrètes")
    BASICS = "basics", _("Références de base")
    FURTHER = "further", _("Pour aller plus loin")


GROUP_ORDER = {value: index for index, value in enumerate(ReferenceGroup.values)}


class ReferenceKind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    TOOL = "tool", _("Outil")
    EXAMPLE = "example", _("Exemple")
    ARTICLE = "article", _("Article")


class ReferenceLanguage(models.TextChoices):
    FRENCH = "fr", _("français")
    ENGLISH = "en", _("anglais")
    OTHER = "other", _("autre langue")


class Reference(BaseModel):
    territory = models.ForeignKey(
        "directory.Territory", verbose_name=_("territoire"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="references",
        help_text=_("Vide : un repère de l'instance, montré dans chaque territoire."),
    )
    group = models.CharField(_("groupe"), max_length=20, choices=ReferenceGroup.choices,
                             default=ReferenceGroup.TOOLS)
    kind = models.CharField(_("type"), max_length=20, choices=ReferenceKind.choices, default=ReferenceKind.GUIDE)
    title = models.CharField(_("titre"), max_length=300)
    authors = models.CharField(
        _("autrices et auteurs"), max_length=300, blank=True,
        help_text=_("Comme dans une bibliographie : « Bourque, D. » ou le nom de l'organisme."),
    )
    year = models.PositiveSmallIntegerField(
        _("année"), null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    publisher = models.CharField(
        _("éditeur ou revue"), max_length=200, blank=True,
        help_text=_("La maison d'édition ou l'organisme qui publie; pour un article, la revue, son volume et "
                    "son numéro."),
    )
    note = models.TextField(
        _("pourquoi c'est utile"), max_length=NOTE_MAX_LENGTH, blank=True,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH)],
        help_text=_("Quelques phrases. La mise en forme Markdown est permise (gras, listes, liens)."),
    )
    url = models.URLField(
        _("lien"), max_length=500, blank=True, validators=[URLValidator(schemes=list(WEB_SCHEMES))],
        help_text=_("Une adresse web qui commence par https:// ou http://."),
    )
    pages = models.CharField(_("chapitre ou pages à lire"), max_length=100, blank=True,
                             help_text=_("Par exemple : « chapitre 3 » ou « p. 45-60 »."))
    language = models.CharField(_("langue de la ressource"), max_length=10, choices=ReferenceLanguage.choices,
                                default=ReferenceLanguage.FRENCH)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("repère")
        verbose_name_plural = _("repères")
        ordering = ["group", "position", "pk"]
        indexes = [models.Index(fields=["territory", "group", "position"], name="knowledge_ref_place")]
        constraints = [
            models.CheckConstraint(
                condition=Q(url="") | Q(url__istartswith="http://") | Q(url__istartswith="https://"),
                name="knowledge_reference_web_url",
            ),
            models.CheckConstraint(condition=Q(year__isnull=True) | Q(year__gte=1800, year__lte=2100),
                                   name="knowledge_reference_year"),
            models.CheckConstraint(condition=Q(group__in=ReferenceGroup.values), name="knowledge_reference_group"),
            models.CheckConstraint(condition=Q(kind__in=ReferenceKind.values), name="knowledge_reference_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_instance_wide(self) -> bool:
        return self.territory_id is None
