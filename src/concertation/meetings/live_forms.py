"""The forms of the secretary's live page: an item's notes, a conflict of interest, a show of hands,
the decision as it enters the register, a follow-up; and the « who » list they choose from."""

from __future__ import annotations

from collections import Counter
from html import escape  # the standard one: Django's, lazy-aware, costs 3× more on 6 000 names

from django import forms
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concertation.core.validators import refuse_invisible_characters
from concertation.core.widget_html import written_widgets

from .attendance import fold, roster, who_choices
from .models import Meeting


class NotesForm(forms.Form):
    default_renderer = written_widgets  # its text fields written in Python (core/widget_html.py)

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

    A short roster gives select lists; past ``SELECT_MAX`` choices, each « who » is a text field with
    one shared ``<datalist>`` of the names, and a name typed or picked is matched back to its person
    or organization (``resolve``). Past ``SEARCH_MIN`` names (an assembly of 500 members has 1 500:
    90 kB on a facilitator's phone, on every load of the live page), the list is not written into the
    page: as the name is typed, the field asks the server for the names that match
    (``meetings:live_names``, at most ``SEARCH_LIMIT``, accents and case ignored) and htmx puts them in
    the list. Without JavaScript, a name typed in full is found; a refused form comes back with the
    names that match what was typed in the list.
    """

    SELECT_MAX = 80
    SEARCH_MIN = 300
    SEARCH_LIMIT = 20
    DATALIST_ID = "qui-liste"

    def __init__(self, people=(), organizations=(), *, size: int | None = None, load=None, search_url: str = ""):
        """``people``, ``organizations``: [(id, name)] by name; or ``size`` (how many) and ``load``, which
        gives both when they are needed (a page whose list is searched needs only how many)."""
        self._load = load
        self._people = None if load else list(people)
        self._organizations = None if load else list(organizations)
        self.size = size if load else len(self._people) + len(self._organizations)
        self.large = self.size > self.SELECT_MAX
        self.searched = self.size > self.SEARCH_MIN
        self.search_url = search_url
        self._entries: list[tuple[str, str, str]] | None = None
        self._names: dict[str, str] | None = None
        self._folded: list[str] | None = None

    def _read(self) -> None:
        if self._people is None:
            people, organizations = self._load()
            self._people, self._organizations = list(people), list(organizations)

    @property
    def people(self) -> list:
        self._read()
        return self._people

    @property
    def organizations(self) -> list:
        self._read()
        return self._organizations

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

    def matches(self, query: str, kinds: str = "ou") -> list[tuple[str, str, str]]:
        """The entries of ``kinds`` whose name holds ``query`` (case and accents ignored), those that
        begin with it first, at most ``SEARCH_LIMIT``; none for an empty query."""
        wanted = fold(" ".join((query or "").split())[:100])
        if not wanted:
            return []
        entries = self.entries()
        if self._folded is None:
            self._folded = [fold(name) for _key, name, _kind in entries]
        found = [(not folded.startswith(wanted), index) for index, (folded, entry) in
                 enumerate(zip(self._folded, entries, strict=True)) if entry[2] in kinds and wanted in folded]
        return [entries[index] for _later, index in sorted(found)[:self.SEARCH_LIMIT]]

    def options_html(self, entries) -> str:
        """``entries`` as the list's ``<option>``s, each name escaped."""
        organization, person = escape(_("organisme")), escape(_("personne"))
        ends = {"o": f'">{organization}</option>', "u": f'">{person}</option>'}
        return mark_safe("".join([f'<option value="{escape(name)}{ends[kind]}' for _key, name, kind in entries]))

    def datalist_html(self, typed=()) -> str:
        """The shared ``<datalist>``: built here, its 1 500 options would cost a template ~10 ms. When
        searched, it holds only the names that match ``typed`` ([(value, kinds)]: the values of a
        refused form, so that the list offers them without JavaScript)."""
        if not self.large:
            return ""
        if self.searched:
            entries = list({entry[0]: entry for value, kinds in typed for entry in self.matches(value, kinds)}.values())
        else:
            entries = self.entries()
        return mark_safe(f'<datalist id="{self.DATALIST_ID}">{self.options_html(entries)}</datalist>')

    def text_field(self, label, help_text) -> forms.CharField:
        attrs = {"list": self.DATALIST_ID, "autocomplete": "off"}
        if self.searched:  # the names that match, as they are typed (the field's value goes with its name)
            attrs.update({"hx-get": self.search_url, "hx-trigger": "input changed delay:200ms",
                          "hx-target": f"#{self.DATALIST_ID}", "hx-swap": "innerHTML", "hx-sync": "this:replace"})
        return forms.CharField(label=label, required=False, max_length=300, help_text=help_text,
                               widget=forms.TextInput(attrs=attrs))


# The « who » fields of the live page's forms (their names in the page: prefix and field) and the kinds
# of names each takes; « q » asks for both. The names endpoint answers for any of them.
WHO_FIELDS = {"conflit-who": "ou", "suivi-person": "u", "suivi-organization": "o", "q": "ou"}


def who_query(params) -> tuple[str, str]:
    """What is typed in a « who » field, and the kinds of names it takes, from a request's parameters."""
    for name, kinds in WHO_FIELDS.items():
        if name in params:
            return params.get(name, ""), kinds
    return "", "ou"


class ConflictForm(forms.Form):
    default_renderer = written_widgets  # its text fields written in Python (core/widget_html.py)

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
    default_renderer = written_widgets  # its text fields written in Python (core/widget_html.py)

    yes = forms.IntegerField(label=gettext_lazy("Pour"), min_value=0, initial=0)
    no = forms.IntegerField(label=gettext_lazy("Contre"), min_value=0, initial=0)
    abstain = forms.IntegerField(label=gettext_lazy("Abstentions"), min_value=0, initial=0)
    outcome = forms.CharField(
        label=gettext_lazy("Décision, telle qu'elle entre au registre"), widget=forms.Textarea(attrs={"rows": 3}),
    )
    dissent = forms.CharField(label=gettext_lazy("Dissidences (facultatif)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class RecordForm(forms.Form):
    default_renderer = written_widgets  # its text fields written in Python (core/widget_html.py)

    outcome = forms.CharField(
        label=gettext_lazy("Décision, telle qu'elle entre au registre"), widget=forms.Textarea(attrs={"rows": 3}),
    )
    dissent = forms.CharField(label=gettext_lazy("Dissidences (facultatif)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    default_renderer = written_widgets  # its text fields written in Python (core/widget_html.py)

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
    """The roster's people and organizations (``seats`` when already read: no new query); read in
    order only when needed (a list searched needs only how many there are)."""
    seats = roster(meeting) if seats is None else seats
    size = (len({person.person_id for seat in seats for person in seat.people})
            + len({seat.organization_id for seat in seats if seat.organization_id}))
    search_url = reverse("meetings:live_names", kwargs={
        "territory": meeting.space.territory.slug, "space": meeting.space.slug, "pk": meeting.pk,
    }) if size > WhoList.SEARCH_MIN else ""
    return WhoList(size=size, load=lambda: who_choices(meeting, seats), search_url=search_url)


def forms_for(item, who: WhoList, bound: dict | None = None) -> dict:
    """The forms of the current item, those of a refused POST (``bound``) kept with their errors."""
    bound = bound or {}
    return {
        "conflict_form": bound.get("conflict") or ConflictForm(prefix="conflit", who=who),
        "hands_form": bound.get("hands") or ShowOfHandsForm(prefix="mains"),
        "record_form": bound.get("record") or RecordForm(
            prefix="decision", initial={"dissent": item.dissent if item else ""}),
        "follow_up_form": bound.get("follow_up") or FollowUpForm(prefix="suivi", who=who),
        "who_datalist": who.datalist_html(typed=[(form.data.get(name, ""), kinds) for form in bound.values()
                                                 for name, kinds in WHO_FIELDS.items() if name in form.data]),
    }
