"""Models of the knowledge app: the territory's portrait.

A ``Figure`` is one statistic about the territory: a theme (« Logement »), a label (« Ménages
locataires »), a value with its unit, the year it describes, the geography it covers and its source
(with a link). A territory holds one figure per theme, label, geography and year: importing the
same key again replaces the value.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel
from concertation.directory.models import Territory

__all__ = ["Figure"]


class Figure(BaseModel):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="portrait_figures",
                                  verbose_name=_("territoire"))
    theme = models.CharField(_("thème"), max_length=120)
    label = models.CharField(_("libellé"), max_length=250)
    value = models.DecimalField(_("valeur"), max_digits=16, decimal_places=4)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("année"))
    geography = models.CharField(_("territoire couvert"), max_length=160, blank=True)
    source = models.CharField(_("source"), max_length=250, blank=True)
    source_url = models.URLField(_("lien vers la source"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("chiffre du portrait")
        verbose_name_plural = _("chiffres du portrait")
        ordering = ["territory", "position", "theme", "label", "geography", "year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "theme", "label", "geography", "year"],
                                    name="knowledge_figure_unique_key"),
            models.CheckConstraint(condition=models.Q(year__gte=1800) & models.Q(year__lte=2200),
                                   name="knowledge_figure_plausible_year"),
        ]
        indexes = [models.Index(fields=["territory", "theme"], name="knowledge_figure_theme")]

    def __str__(self):
        return f"{self.label} ({self.year})"
