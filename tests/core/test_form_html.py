"""core/form_html.py writes a form as core/forms/form.html and field.html do: the same HTML for forms of
every kind (text, numbers, dates, text areas, select lists, hidden fields; unbound, bound, refused
with errors on fields and on the form; hostile labels, help and values), and the templates' own for
fieldsets and checkboxes."""

import pytest
from django import forms
from django.template.loader import render_to_string

from concertation.core.form_html import form_html
from concertation.core.widget_html import written_widgets

HOSTILE = 'Zoé <b>"Tremblay"</b> & l\'autre'


class Mixed(forms.Form):
    default_renderer = written_widgets

    name = forms.CharField(label=HOSTILE, help_text=f"Aide {HOSTILE}", max_length=10)
    count = forms.IntegerField(label="Nombre", min_value=0, initial=0)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label="Échéance", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    choice = forms.ChoiceField(label="Choix", choices=[("", "—"), ("a", "<A>"), ("b", "B")], required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        if self.cleaned_data.get("name") == "refus":
            raise forms.ValidationError(f"Refusé : {HOSTILE}")
        return self.cleaned_data


class WithCheckbox(forms.Form):
    agree = forms.BooleanField(label="J'accepte")
    name = forms.CharField(label="Nom")


class WithChoices(forms.Form):
    kind = forms.ChoiceField(label="Genre", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


DATA = [None, {}, {"name": "x" * 20, "count": "-1", "due_on": "pas une date", "secret": HOSTILE},
        {"name": "refus", "count": "2", "note": HOSTILE, "choice": "a"}, {"name": HOSTILE[:10], "count": "3"}]


@pytest.mark.parametrize("data", DATA, ids=repr)
@pytest.mark.parametrize("form_class", [Mixed, WithCheckbox, WithChoices])
def test_the_written_form_gives_the_html_of_the_templates(form_class, data):
    form = form_class(data, prefix="p") if data is not None else form_class(prefix="p")
    if form.is_bound:
        form.is_valid()
    assert form_html(form) == render_to_string("core/forms/form.html", {"form": form})


def test_the_live_forms_give_the_html_of_the_templates():
    from concertation.meetings.live_forms import (
        ConflictForm,
        FollowUpForm,
        NotesForm,
        RecordForm,
        ShowOfHandsForm,
        WhoList,
    )

    small = WhoList([(1, "Zoé <b>")], [(2, "Organisme & cie")])
    large = WhoList([(n, f"Personne {n}") for n in range(400)], [(1000, "Organisme")])
    for who in (small, large):
        for form in [NotesForm(prefix="notes", initial={"notes": HOSTILE}, autosave_url="/x/?a=1&b=2", status_id="e"),
                     NotesForm({"notes-notes": HOSTILE}, prefix="notes"), RecordForm(prefix="decision"),
                     ShowOfHandsForm(prefix="mains"), ShowOfHandsForm({"mains-yes": "-1"}, prefix="mains"),
                     ConflictForm(prefix="conflit", who=who), ConflictForm({"conflit-who": HOSTILE}, prefix="conflit", who=who),
                     FollowUpForm(prefix="suivi", who=who), FollowUpForm({"suivi-person": HOSTILE}, prefix="suivi", who=who)]:
            if form.is_bound:
                form.is_valid()
            assert form_html(form) == render_to_string("core/forms/form.html", {"form": form})
