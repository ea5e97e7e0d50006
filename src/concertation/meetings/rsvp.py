"""Answers to a notice (RSVP): yes, no or maybe, with the needs the meeting can meet (childcare,
diet, interpretation, accessibility). Each person's answer link carries a secret token: it works
without signing in, and an unknown token answers 404. Organizers see the totals.

Answers are recorded by ``meetings.services.rsvp``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy

from .models import Meeting, Rsvp

ANSWERABLE = {Meeting.Status.CONVENED, Meeting.Status.IN_PROGRESS}


def rsvp_for_token(token: str) -> Rsvp:
    """The answer this secret link belongs to; 404 for a forged or unknown token."""
    if not token or len(token) > 64:
        raise Http404
    rsvp = Rsvp.objects.select_related("meeting__space__territory", "person").filter(token=token).first()
    if rsvp is None:
        raise Http404
    return rsvp



@dataclass
class Totals:
    yes: int = 0
    no: int = 0
    maybe: int = 0
    waiting: int = 0
    childcare: int = 0
    diets: list[str] = field(default_factory=list)
    interpretation: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)

    @property
    def invited(self) -> int:
        return self.yes + self.no + self.maybe + self.waiting

    @property
    def expected(self) -> int:
        return self.yes + self.maybe


def rsvp_totals(rsvps) -> Totals:
    """Totals for organizers; needs are listed without names (those coming or maybe coming)."""
    totals = Totals()
    for rsvp in rsvps:
        if rsvp.answer == Rsvp.Answer.YES:
            totals.yes += 1
        elif rsvp.answer == Rsvp.Answer.NO:
            totals.no += 1
            continue
        elif rsvp.answer == Rsvp.Answer.MAYBE:
            totals.maybe += 1
        else:
            totals.waiting += 1
            continue
        totals.childcare += rsvp.childcare
        for attribute in ("diet", "interpretation", "accessibility"):
            value = getattr(rsvp, attribute)
            if value:
                getattr(totals, "diets" if attribute == "diet" else attribute).append(value)
    return totals


class RsvpForm(forms.Form):
    """The answer, and only the needs the meeting can meet (childcare if offered, and so on)."""

    answer = forms.ChoiceField(label=gettext_lazy("Serez-vous là?"), choices=Rsvp.Answer.choices,
                               widget=forms.RadioSelect)
    childcare = forms.IntegerField(label=gettext_lazy("Nombre d'enfants à faire garder"), min_value=0,
                                   max_value=20, initial=0, required=False)
    diet = forms.CharField(label=gettext_lazy("Restrictions ou préférences alimentaires"), max_length=200,
                           required=False)
    interpretation = forms.CharField(label=gettext_lazy("Interprétation souhaitée (langue)"), max_length=100,
                                     required=False)
    accessibility = forms.CharField(label=gettext_lazy("Besoins d'accessibilité"), max_length=200, required=False,
                                    help_text=gettext_lazy("Par exemple, fauteuil roulant, place près de l'avant, "
                                                           "documents en gros caractères."))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        if not meeting.childcare:
            del self.fields["childcare"]
        if not meeting.meal:
            del self.fields["diet"]
        if not meeting.interpretation:
            del self.fields["interpretation"]
        self.fields["answer"].widget.attrs["class"] = "radio-list"

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "answer": data["answer"], "childcare": data.get("childcare") or 0, "diet": data.get("diet", ""),
            "interpretation": data.get("interpretation", ""), "accessibility": data.get("accessibility", ""),
        }


def initial_for(rsvp: Rsvp | None, answer: str = "") -> dict:
    initial = {}
    if rsvp is not None:
        initial = {"answer": rsvp.answer, "childcare": rsvp.childcare, "diet": rsvp.diet,
                   "interpretation": rsvp.interpretation, "accessibility": rsvp.accessibility}
    if answer in Rsvp.Answer.values:
        initial["answer"] = answer
    return initial
