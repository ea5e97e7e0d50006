from django import forms

from . import registry
from .models import Preference


class PreferencesForm(forms.Form):
    """One row per optional category, with the four choices."""

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        for category, current in choices:
            self.fields[category.key] = forms.ChoiceField(
                label=category.label, help_text=category.description, choices=Preference.Delivery.choices,
                initial=current, widget=forms.RadioSelect)

    def rows(self):
        return [self[cat.key] for cat in registry.optional_categories() if cat.key in self.fields]
