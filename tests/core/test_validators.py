"""core.validators: names and titles refuse bidirectional controls and zero-width characters, and
keep everything French typography, emoji and other scripts need."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from concertation.core.validators import guard_single_line, refuse_invisible_characters

NBSP = "\u00a0"

REFUSED = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
    "\u200b": "ZERO WIDTH SPACE",
    "\u2060": "WORD JOINER",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
}

ALLOWED = {
    "accented letters": "Comité de quartier Hochelaga-Maisonneuve : Éloïse, Noël, Françoise, Cœur",
    "apostrophe": "L’Entraide d’Hochelaga",
    "guillemets with non-breaking spaces": f"«{NBSP}Comité logement{NBSP}»",
    "narrow non-breaking space": "«\u202fMaison des jeunes\u202f»",
    "non-breaking space before a colon": f"Rencontre{NBSP}: bilan",
    "emoji": "Fête de quartier 🎉🏳️‍🌈",
    "zero width joiner (emoji sequence)": "Famille 👩\u200d👩\u200d👧",
    "zero width non-joiner (Persian)": "می\u200cخواهم",
    "right-to-left script": "مركز الحي",
    "left-to-right and right-to-left marks": "Centre \u200eمركز\u200f",
    "plain text": "Comité logement",
}


@pytest.mark.parametrize("character", list(REFUSED), ids=list(REFUSED.values()))
def test_each_invisible_or_direction_character_is_refused(character):
    with pytest.raises(ValidationError) as refused:
        refuse_invisible_characters(f"Comité{character}logement")
    error = refused.value
    assert error.code == "invisible_character"
    code_point = f"U+{ord(character):04X}"
    assert error.params == {"code_point": code_point}
    with translation.override("fr-ca"):
        assert error.messages == [
            f"Ce champ contient un caractère invisible ou de contrôle de direction ({code_point}){NBSP}: retirez-le."
        ]


@pytest.mark.parametrize("text", list(ALLOWED.values()), ids=list(ALLOWED))
def test_legitimate_text_is_accepted(text):
    refuse_invisible_characters(text)


def test_the_message_names_the_first_offending_character():
    with pytest.raises(ValidationError) as refused:
        refuse_invisible_characters("Rapport \u2066x\u202egpj.exe\u200b")
    assert refused.value.params == {"code_point": "U+2066"}


def test_the_message_is_translated():
    with pytest.raises(ValidationError) as refused:
        refuse_invisible_characters("Rapport \u202egpj.exe")
    with translation.override("en"):
        assert refused.value.messages == [
            "This field contains an invisible or text-direction control character (U+202E): remove it."
        ]


def test_values_that_are_not_text_are_left_alone():
    refuse_invisible_characters(None)
    refuse_invisible_characters(42)


class _NamedForm(forms.Form):
    name = forms.CharField(max_length=50)
    acronym = forms.CharField(max_length=10, required=False)
    note = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_single_line(self, "name", "acronym")


def test_guard_single_line_adds_the_validator_to_the_named_fields_only():
    form = _NamedForm({"name": "Comité\u200blogement", "acronym": "C\u202eL", "note": "Note\u200b"})
    assert not form.is_valid()
    assert form.errors["name"] and "U+200B" in form.errors["name"][0]
    assert form.errors["acronym"] and "U+202E" in form.errors["acronym"][0]
    assert "note" not in form.errors
    assert _NamedForm({"name": f"«{NBSP}Comité logement{NBSP}»", "acronym": "CL"}).is_valid()


def test_guard_single_line_changes_one_form_not_its_class():
    form = _NamedForm()
    guard_single_line(form, "name")  # twice: added once
    assert form.fields["name"].validators.count(refuse_invisible_characters) == 1
    assert refuse_invisible_characters not in _NamedForm.base_fields["name"].validators


def test_guard_single_line_names_a_missing_field():
    with pytest.raises(KeyError):
        guard_single_line(_NamedForm(), "title")
