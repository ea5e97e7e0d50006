from django import forms
from django.utils.translation import gettext_lazy as _


class PublicPagesForm(forms.Form):
    public_pages = forms.BooleanField(
        label=_("Publier les pages publiques du territoire"), required=False,
        help_text=_("Tout le monde pourra lire la vitrine du territoire : ses espaces publics, leurs rencontres, "
                    "leurs décisions, leur plan, leurs documents publics, les fiches d'expérience publiées pour "
                    "le public et les repères. Rien des espaces réservés aux membres n'y paraît, et les personnes "
                    "n'y sont nommées que si elles l'ont accepté."))
