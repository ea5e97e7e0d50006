"""The form of a reference: what a coordinator types. The rules of the data are the model's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from concertation.core.validators import guard_single_line

from .models.references import Reference

FIELDS = ["group", "kind", "title", "authors", "year", "publisher", "pages", "url", "language", "note"]


class ReferenceForm(forms.ModelForm):
    instance_wide = forms.BooleanField(
        label=_("Repère de l'instance, montré dans tous les territoires"), required=False,
        help_text=_("Réservé aux administratrices et administrateurs de l'instance."),
    )

    class Meta:
        model = Reference
        fields = FIELDS
        widgets = {
            "note": forms.Textarea(attrs={"rows": 4}),
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "url": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args, may_choose_scope: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        guard_single_line(self, "title", "authors", "publisher", "pages", "url")
        self.fields["url"].assume_scheme = "https"
        if not may_choose_scope or self.instance.pk:
            # The owner of an existing reference does not change; only administrators make the
            # instance's references.
            del self.fields["instance_wide"]
