"""The form of one portrait figure. Its values are checked again by the service (``check_figure``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from concertation.core import formatting


class FigureForm(forms.Form):
    theme = forms.CharField(label=_("Thème"), max_length=120,
                            help_text=_("Par exemple « Logement » ou « Revenu et pauvreté »."),
                            error_messages={"required": _("Indiquez le thème.")})
    label = forms.CharField(label=_("Libellé du chiffre"), max_length=250,
                            help_text=_("Ce que le chiffre mesure, par exemple « Ménages locataires »."),
                            error_messages={"required": _("Indiquez le libellé du chiffre.")})
    value = forms.CharField(label=_("Valeur"), max_length=40,
                            help_text=_("Un nombre : 12 345 ou 23,4."),
                            error_messages={"required": _("Indiquez la valeur du chiffre.")})
    unit = forms.CharField(label=_("Unité"), max_length=40, required=False,
                           help_text=_("Par exemple %, $, personnes, ménages."))
    year = forms.CharField(label=_("Année"), max_length=4,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                           error_messages={"required": _("Indiquez l'année du chiffre.")})
    geography = forms.CharField(label=_("Territoire couvert"), max_length=160, required=False,
                                help_text=_("Par exemple le quartier, l'arrondissement, la ville."))
    source = forms.CharField(label=_("Source"), max_length=250, required=False,
                             help_text=_("Par exemple « Statistique Canada, Recensement de 2021 »."))
    source_url = forms.CharField(label=_("Lien vers la source"), max_length=500, required=False,
                                 widget=forms.URLInput(attrs={"placeholder": "https://"}))

    @classmethod
    def initial_from(cls, figure) -> dict:
        """The figure's values as a person would type them (« 23,4 » in French, no thousands spaces)."""
        value = format(figure.value.normalize(), "f")
        if formatting.lang() == "fr":
            value = value.replace(".", ",")
        return {"theme": figure.theme, "label": figure.label, "value": value, "unit": figure.unit,
                "year": figure.year, "geography": figure.geography, "source": figure.source,
                "source_url": figure.source_url}
