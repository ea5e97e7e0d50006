"""The widgets core/widget_html.py writes in Python give the HTML of Django's templates, for every value
and attribute a form may hold (hostile text, safe text, numbers, dates, True/False attributes,
lazy translations), and every other widget still goes to the templates."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from concertation.core.widget_html import WRITERS, WrittenWidgets

HOSTILE = ['Zoé <b>"Tremblay"</b> & l\'autre', "  espaces  ", "", "ligne 1\nligne 2\n", "<script>alert(1)</script>"]
VALUES = [None, 0, 12, "0", *HOSTILE, mark_safe("<em>déjà sûr</em>"), gettext_lazy("Notes du point"),
          datetime.date(2026, 12, 8)]
ATTRS = [
    {},
    {"required": True, "disabled": False, "maxlength": "300", "min": 0},
    {"list": "qui-liste", "autocomplete": "off", "hx-get": "/t/a/e/b/rencontres/3/en-direct/noms/?x=1&y=2",
     "hx-trigger": "input changed delay:200ms", "aria-describedby": "id_x_helptext", "id": "id_x"},
    {"placeholder": 'Tapez "un nom" <ici>', "data-safe": mark_safe("<b>&amp;</b>"), "rows": 3, "cols": 40},
    {"title": gettext_lazy("Notes du point"), "data-tuple": (1, 2)},
]
WIDGETS = [forms.TextInput, forms.NumberInput, forms.Textarea,
           lambda attrs=None: forms.DateInput(attrs={"type": "date", **(attrs or {})}, format="%Y-%m-%d")]


@pytest.mark.parametrize("make", WIDGETS)
@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("attrs", ATTRS, ids=repr)
def test_the_written_widgets_give_the_html_of_the_templates(make, value, attrs):
    widget = make(attrs=dict(attrs))
    for name in ("suivi-what", 'odd"<name>&'):
        templates = widget.render(name, value, renderer=DjangoTemplates())
        written = widget.render(name, value, renderer=WrittenWidgets())
        assert written == templates


def test_the_live_forms_give_the_html_of_the_templates():
    from concertation.meetings.live_forms import FollowUpForm, NotesForm, ShowOfHandsForm, WhoList

    who = WhoList([(1, "Zoé <b>")], [(2, "Organisme & cie")])
    who_large = WhoList([(n, f"Personne {n}") for n in range(400)], [], )
    who_large.search_url = "/noms/?a=1&b=2"
    forms_ = [NotesForm(prefix="notes", initial={"notes": HOSTILE[0]}, autosave_url="/x/?a=1&b=2", status_id="e"),
              NotesForm({"notes-notes": HOSTILE[4], "notes-dissent": ""}, prefix="notes"),
              ShowOfHandsForm(prefix="mains"), ShowOfHandsForm({"mains-yes": "-1", "mains-outcome": "<b>"}, prefix="mains"),
              FollowUpForm(prefix="suivi", who=who), FollowUpForm({"suivi-person": '"x"'}, prefix="suivi", who=who_large)]
    for form in forms_:
        form.is_bound and form.is_valid()
        for field in form:
            written = str(field)
            form.renderer = DjangoTemplates()
            assert written == str(field)
            form.renderer = WrittenWidgets()


def test_other_widgets_go_to_the_templates():
    widget = forms.Select(choices=[("a", "<A>"), ("b", "B")])
    assert "django/forms/widgets/select.html" not in WRITERS
    assert widget.render("x", "a", renderer=WrittenWidgets()) == widget.render("x", "a", renderer=DjangoTemplates())
