"""The practice sheet's form: its title, sections, contact, tags, the space it comes from, the
linked activity (offered through practice_activities) and for whom it is published."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from concertation.core.validators import refuse_invisible_characters

from .models.practices import SECTIONS, PracticeSheet

SECTION_HELP = _("Vous pouvez mettre du texte en **gras** ou en _italique_, faire une liste en commençant les lignes par un tiret et ajouter un lien [texte](https://…).")


class PracticeSheetForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200, validators=[refuse_invisible_characters])
    space = forms.TypedChoiceField(label=_("Espace d'où elle vient"), required=False, coerce=int, empty_value=None)
    activity = forms.TypedChoiceField(label=_("Action liée"), required=False, coerce=int, empty_value=None,
                                      help_text=_("L'action du plan dont la fiche raconte l'expérience, s'il y a lieu."))
    tags = forms.CharField(label=_("Mots-clés"), max_length=500, required=False,
                           help_text=_("Séparez les mots-clés par des virgules (logement, droits des locataires)."))
    contact_name = forms.CharField(label=_("Personne à joindre"), max_length=200, required=False,
                                   validators=[refuse_invisible_characters])
    contact_email = forms.EmailField(label=_("Courriel"), required=False)
    contact_phone = forms.CharField(label=_("Téléphone"), max_length=40, required=False,
                                    validators=[refuse_invisible_characters])
    audience = forms.ChoiceField(label=_("Une fois publiée, la fiche se lit par"),
                                 choices=PracticeSheet.Audience.choices, widget=forms.RadioSelect,
                                 initial=PracticeSheet.Audience.TERRITORY)

    def __init__(self, *args, spaces=(), activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.spaces = {space.pk: space for space in spaces}
        self.fields["space"].choices = [("", _("Aucun en particulier")),
                                        *((space.pk, space.name) for space in spaces)]
        if activities:
            self.fields["activity"].choices = [("", _("Aucune")), *activities]
        else:
            del self.fields["activity"]
        # The sections, in reading order, after the title and before the contact.
        for name, label in reversed(SECTIONS):
            self.fields[name] = forms.CharField(label=label, required=False, max_length=20000,
                                                widget=forms.Textarea(attrs={"rows": 6}), help_text=SECTION_HELP)
        order = ["title", *(name for name, _label in SECTIONS), "space", "activity", "tags", "contact_name",
                 "contact_email", "contact_phone", "audience"]
        self.order_fields(order)

    def sheet_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name, _label in SECTIONS}
        data.update({name: self.cleaned_data[name] for name in ("title", "contact_name", "contact_email",
                                                                 "contact_phone", "audience")})
        data["space"] = self.spaces.get(self.cleaned_data["space"])
        return data

    def activity_id(self):
        """The chosen activity (None: none); KEEP when the form offers none (nothing to change)."""
        from .services.practices import KEEP

        return self.cleaned_data.get("activity") if "activity" in self.fields else KEEP


def initial_from(sheet, activity_id=None) -> dict:
    """The form's initial values from an existing sheet."""
    initial = {name: getattr(sheet, name) for name, _label in SECTIONS}
    initial.update({"title": sheet.title, "space": sheet.space_id, "tags": ", ".join(sheet.tag_list),
                    "contact_name": sheet.contact_name, "contact_email": sheet.contact_email,
                    "contact_phone": sheet.contact_phone, "audience": sheet.audience, "activity": activity_id})
    return initial
