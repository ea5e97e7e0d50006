"""The forms of the secretary's live page: an item's notes, a conflict of interest, a show of hands,
the decision as it enters the register, a follow-up; and the « who » list they choose from."""

from __future__ import annotations

from collections import Counter
from html import escape  # the standard one: Django's, lazy-aware, costs 3× more on 6 000 names

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concertation.core.validators import refuse_invisible_characters

from .attendance import who_choices
from .models import Meeting


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=gettext_lazy("Notes du point"), required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Elles s'enregistrent pendant que vous écrivez; le bouton les enregistre aussi."),
    )
    dissent = forms.CharField(
        label=gettext_lazy("Dissidences"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Qui exprime sa dissidence, et pourquoi, si la personne le demande."),
    )

    def __init__(self, *args, autosave_url: str = "", status_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if autosave_url:
            for name in ("notes", "dissent"):
                self.fields[name].widget.attrs.update({
                    "hx-post": autosave_url, "hx-trigger": "keyup changed delay:2s",
                    "hx-target": f"#{status_id}", "hx-swap": "innerHTML",
                })


class WhoList:
    """The people and organizations of the roster, for the « who » of conflicts and follow-ups.

    A short roster gives select lists; past ``SELECT_MAX`` choices (an assembly of 500 members has
    1 500), each « who » is a text field with one shared ``<datalist>`` of the names, and a name typed
    or picked is matched back to its person or organization (``resolve``).
    """

    SELECT_MAX = 80
    DATALIST_ID = "qui-liste"

    def __init__(self, people=(), organizations=()):
        self.people = list(people)
        self.organizations = list(organizations)
        self.large = len(self.people) + len(self.organizations) > self.SELECT_MAX
        self._entries: list[tuple[str, str, str]] | None = None
        self._names: dict[str, str] | None = None

    def entries(self) -> list[tuple[str, str, str]]:
        """[(key « o:<id> » or « u:<id> », name as typed, what it is)], each name once."""
        if self._entries is None:
            entries = [(f"o:{pk}", name, "o") for pk, name in self.organizations]
            entries += [(f"u:{pk}", name, "u") for pk, name in self.people]
            folded = [name.casefold() for _key, name, _kind in entries]  # once a name: 1 500 at L
            counts = Counter(folded)
            self._entries = [(key, name if counts[fold] == 1 else f"{name} (n° {key[2:]})", kind)
                             for (key, name, kind), fold in zip(entries, folded, strict=True)]
        return self._entries

    def resolve(self, value: str, kinds: str = "ou") -> str | None:
        """The key of a name of the list (or a key itself), of one of ``kinds``; None if it is not one."""
        value = " ".join((value or "").split())
        if value[:2] in {"o:", "u:"} and value[0] in kinds:
            return value if value in {key for key, _name, _kind in self.entries()} else None
        if self._names is None:
            self._names = {name.casefold(): key for key, name, _kind in self.entries()}
        key = self._names.get(value.casefold())
        return key if key and key[0] in kinds else None

    def datalist_html(self) -> str:
        """The shared ``<datalist>``: built here, its 1 500 options would cost a template ~10 ms."""
        if not self.large:
            return ""
        organization, person = escape(_("organisme")), escape(_("personne"))
        ends = {"o": f'">{organization}</option>', "u": f'">{person}</option>'}
        options = "".join([f'<option value="{escape(name)}{ends[kind]}' for _key, name, kind in self.entries()])
        return mark_safe(f'<datalist id="{self.DATALIST_ID}">{options}</datalist>')

    def text_field(self, label, help_text) -> forms.CharField:
        return forms.CharField(label=label, required=False, max_length=300, help_text=help_text,
                               widget=forms.TextInput(attrs={"list": self.DATALIST_ID, "autocomplete": "off"}))


class ConflictForm(forms.Form):
    who = forms.ChoiceField(label=gettext_lazy("Qui se retire"))
    reason = forms.CharField(label=gettext_lazy("Nature du conflit d'intérêts (facultatif)"), required=False,
                             max_length=300)

    def __init__(self, *args, who: WhoList, **kwargs):
        super().__init__(*args, **kwargs)
        self.who = who
        if who.large:
            self.fields["who"] = who.text_field(
                self.fields["who"].label,
                _("Tapez le nom de l'organisme ou de la personne, puis choisissez-le dans la liste."))
            self.fields["who"].required = True
        else:
            self.fields["who"].choices = [
                ("", "—"),
                (_("Organismes"), [(f"o:{pk}", name) for pk, name in who.organizations]),
                (_("Personnes"), [(f"u:{pk}", name) for pk, name in who.people]),
            ]

    def clean_who(self):
        value = self.cleaned_data["who"]
        if self.who.large:
            key = self.who.resolve(value)
            if key is None:
                raise forms.ValidationError(_("Choisissez un organisme ou une personne de la liste."))
            return key
        return value


class ShowOfHandsForm(forms.Form):
    yes = forms.IntegerField(label=gettext_lazy("Pour"), min_value=0, initial=0)
    no = forms.IntegerField(label=gettext_lazy("Contre"), min_value=0, initial=0)
    abstain = forms.IntegerField(label=gettext_lazy("Abstentions"), min_value=0, initial=0)
    outcome = forms.CharField(
        label=gettext_lazy("Décision, telle qu'elle entre au registre"), widget=forms.Textarea(attrs={"rows": 3}),
    )
    dissent = forms.CharField(label=gettext_lazy("Dissidences (facultatif)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class RecordForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("Décision, telle qu'elle entre au registre"), widget=forms.Textarea(attrs={"rows": 3}),
    )
    dissent = forms.CharField(label=gettext_lazy("Dissidences (facultatif)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    what = forms.CharField(label=gettext_lazy("Quoi"), max_length=300, validators=[refuse_invisible_characters])
    person = forms.TypedChoiceField(label=gettext_lazy("Qui (personne)"), required=False, coerce=int,
                                    empty_value=None)
    organization = forms.TypedChoiceField(label=gettext_lazy("Qui (organisme)"), required=False, coerce=int,
                                          empty_value=None)
    due_on = forms.DateField(label=gettext_lazy("Échéance"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, who: WhoList, **kwargs):
        super().__init__(*args, **kwargs)
        self.who = who
        if who.large:
            self.fields["person"] = who.text_field(self.fields["person"].label,
                                                   _("Tapez le nom, puis choisissez-le dans la liste."))
            self.fields["organization"] = who.text_field(self.fields["organization"].label,
                                                         _("Tapez le nom, puis choisissez-le dans la liste."))
        else:
            self.fields["person"].choices = [("", "—"), *who.people]
            self.fields["organization"].choices = [("", "—"), *who.organizations]

    def _resolve(self, name: str, kind: str, message: str):
        value = self.cleaned_data[name]
        if not self.who.large or value in (None, ""):
            return value or None
        key = self.who.resolve(value, kinds=kind)
        if key is None:
            raise forms.ValidationError(message)
        return int(key[2:])

    def clean_person(self):
        return self._resolve("person", "u", _("Choisissez une personne de la liste."))

    def clean_organization(self):
        return self._resolve("organization", "o", _("Choisissez un organisme de la liste."))


def who_list(meeting: Meeting, seats=None) -> WhoList:
    """The roster's people and organizations (``seats`` when already read: no new query)."""
    people, organizations = who_choices(meeting, seats)
    return WhoList(people, organizations)


def forms_for(item, who: WhoList, bound: dict | None = None) -> dict:
    """The forms of the current item, those of a refused POST (``bound``) kept with their errors."""
    bound = bound or {}
    return {
        "conflict_form": bound.get("conflict") or ConflictForm(prefix="conflit", who=who),
        "hands_form": bound.get("hands") or ShowOfHandsForm(prefix="mains"),
        "record_form": bound.get("record") or RecordForm(
            prefix="decision", initial={"dissent": item.dissent if item else ""}),
        "follow_up_form": bound.get("follow_up") or FollowUpForm(prefix="suivi", who=who),
        "who_datalist": who.datalist_html(),
    }
