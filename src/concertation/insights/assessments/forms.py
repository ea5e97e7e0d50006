"""What a person types in the self-assessment: a round's title and end, the answers, a follow-up."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.core.formatting import NBSP

from .themes import MAX_TEXT, THEMES

SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
SCALE_HELP = _("1 = pas du tout d'accord, 5 = tout à fait d'accord")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    opens_on = forms.DateField(label=_("Ouverte à partir du"), widget=DateInput())
    closes_on = forms.DateField(label=_("Ouverte jusqu'au"), widget=DateInput(),
                                help_text=_("Les personnes qui participent à l'espace sont prévenues à l'ouverture "
                                            "et reçoivent un rappel trois jours avant la fin."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["title"].initial = _("Autoévaluation de la gouvernance")
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + timedelta(days=21)


class AnswerForm(forms.Form):
    """One radio group a statement, grouped by theme in the template (``themed``)."""

    plus = forms.CharField(label=_("Un plus{nbsp}: ce qui fonctionne bien"), required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 3}))
    delta = forms.CharField(label=_("Un delta{nbsp}: ce qu'on pourrait améliorer"), required=False,
                            max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for theme in THEMES:
            for name, label in theme.statements:
                self.fields[name] = forms.ChoiceField(label=label, choices=SCORE_CHOICES, widget=forms.RadioSelect,
                                                      help_text=SCALE_HELP)
        for name in ("plus", "delta"):
            self.fields[name].label = str(self.fields[name].label).replace("{nbsp}", NBSP)

    def themed(self) -> list[dict]:
        return [{"theme": theme, "fields": [self[name] for name in theme.fields]} for theme in THEMES]

    def comments(self) -> list:
        return [self["plus"], self["delta"]]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


FOLLOW_UP, PLAN_REVISION = "follow_up", "plan_revision"


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Donner suite par"), widget=forms.RadioSelect, initial=FOLLOW_UP, choices=[
        (FOLLOW_UP, _("un suivi de l'espace (qui, quoi, pour quand)")),
        (PLAN_REVISION, _("une proposition de révision du plan d'action, à décider selon la charte")),
    ])
    what = forms.CharField(label=_("Quoi faire"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    person = PersonChoiceField(label=_("Qui s'en charge"), queryset=None, required=False,
                               help_text=_("Pour un suivi."))
    due_on = forms.DateField(label=_("Échéance"), required=False, widget=DateInput(), help_text=_("Pour un suivi."))

    def __init__(self, *args, people, plan_revision: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        if not plan_revision:  # no adopted plan in the space: a follow-up only
            self.fields["kind"].choices = self.fields["kind"].choices[:1]
            self.fields["kind"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if data.get("kind") == FOLLOW_UP and not data.get("person"):
            self.add_error("person", _("Indiquez la personne responsable."))
        return data
