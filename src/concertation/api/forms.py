from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy, ngettext_lazy

from .models import AccessToken
from .services import EXPIRY_DAYS


def _days_label(days: int):
    return ngettext_lazy("%(count)s jour", "%(count)s jours", days) % {"count": days}


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom du jeton"), max_length=80,
                           help_text=gettext_lazy("À quoi il sert, par exemple « Tableau de bord du comité »."))
    scope = forms.ChoiceField(label=gettext_lazy("Portée"), choices=AccessToken.Scope.choices,
                              initial=AccessToken.Scope.READ, widget=forms.RadioSelect)
    days = forms.TypedChoiceField(label=gettext_lazy("Valide pendant"), coerce=int, initial=90,
                                  choices=[(days, _days_label(days)) for days in EXPIRY_DAYS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].widget.attrs["class"] = "radio-list"
