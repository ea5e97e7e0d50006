"""The forms of the meetings' pages: a meeting, an agenda item (with its document), a proposed item,
a cancellation; the minutes, their comments and adoption; a follow-up's status; the evaluation.

The forms of the live page (notes, conflicts, decisions, follow-ups, the « who » lists) are in
``meetings.live_forms``.
"""

from __future__ import annotations

import copy
from datetime import datetime

from django import forms
from django.core.validators import FileExtensionValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concertation.core import formatting
from concertation.core.formatting import NBSP
from concertation.core.formatting import nbsp as nb
from concertation.core.validators import guard_single_line, refuse_invisible_characters
from concertation.decisions.models import Proposal
from concertation.knowledge.models import Document
from concertation.knowledge.selectors_documents import attachable_documents
from concertation.spaces.models import Space

from . import evaluation as evaluations
from .models import AgendaItem, FollowUp, Meeting
from .selectors import member_organizations, people_of_space

# Documents people share for a meeting; nothing a browser would run (no HTML, SVG or scripts).
DOCUMENT_EXTENSIONS = ["pdf", "odt", "ods", "odp", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv", "rtf",
                       "png", "jpg", "jpeg", "gif", "webp"]
SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]



def meeting_label(meeting: Meeting) -> str:
    return f"{meeting.title} — {formatting.day(meeting.starts_at)}"


# Preparing a meeting ----------------------------------------------------------------------------

class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class MeetingForm(forms.ModelForm):
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"},
                                                                              format="%Y-%m-%d"))
    start_time = forms.TimeField(label=gettext_lazy("Heure de début"),
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=gettext_lazy("Heure de fin"),
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    class Meta:
        model = Meeting
        fields = ["title", "kind", "address", "room", "accessibility", "online_url", "childcare",
                  "transit_tickets", "interpretation", "interpretation_languages", "meal", "facilitator", "secretary"]
        widgets = {"accessibility": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"facilitator": PersonChoiceField, "secretary": PersonChoiceField}

    field_order = ["title", "kind", "date", "start_time", "end_time", "address", "room", "accessibility",
                   "online_url", "childcare", "transit_tickets", "interpretation", "interpretation_languages",
                   "meal", "facilitator", "secretary"]

    def __init__(self, *args, space: Space, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None:
            # Work on a copy: the service compares the meeting before and after the change.
            kwargs["instance"] = copy.copy(instance)
            start, end = timezone.localtime(instance.starts_at), timezone.localtime(instance.ends_at)
            kwargs.setdefault("initial", {}).update({"date": start.date(), "start_time": start.time(),
                                                     "end_time": end.time()})
        super().__init__(*args, **kwargs)
        guard_single_line(self, "title")
        current = (instance.facilitator_id, instance.secretary_id) if instance is not None else ()
        people = people_of_space(space, include=current)
        for name in ("facilitator", "secretary"):
            self.fields[name].queryset = people
            self.fields[name].empty_label = _("(à déterminer)")
        self.fields["meal"].help_text = nb(_("Par exemple, «{nbsp}Collation santé{nbsp}» ou «{nbsp}Repas chaud "
                                             "offert{nbsp}»."))
        self.fields["interpretation_languages"].help_text = _("Par exemple, anglais, espagnol, arabe.")
        self.fields["online_url"].help_text = _("Le lien de visioconférence, si l'on peut se joindre en ligne.")

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            zone = timezone.get_current_timezone()
            data["starts_at"] = timezone.make_aware(datetime.combine(day, start), zone)
            data["ends_at"] = timezone.make_aware(datetime.combine(day, end), zone)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", _("L'heure de fin doit suivre l'heure de début."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        values = {name: data[name] for name in self.Meta.fields}
        values.update(starts_at=data["starts_at"], ends_at=data["ends_at"])
        return values


class ItemForm(forms.ModelForm):
    document_title = forms.CharField(label=gettext_lazy("Titre du document"), max_length=200, required=False,
                                     validators=[refuse_invisible_characters])
    document_url = forms.URLField(label=gettext_lazy("Lien vers le document"), required=False,
                                  assume_scheme="https")
    document_file = forms.FileField(label=gettext_lazy("Ou un fichier"), required=False,
                                    validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)])
    attach_documents = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Joindre des documents de la bibliothèque de l'espace"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)
    remove_documents = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Retirer ces documents du point (ils restent dans la bibliothèque)"), queryset=None,
        required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "minutes_allotted", "presenter", "presenter_organization", "expected_outcome",
                  "description", "proposal"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        field_classes = {"presenter": PersonChoiceField}

    def __init__(self, *args, space: Space, user=None, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None:
            kwargs["instance"] = copy.copy(instance)
        super().__init__(*args, **kwargs)
        guard_single_line(self, "title")
        self.fields["presenter"].queryset = people_of_space(
            space, include=(instance.presenter_id,) if instance else ())
        self.fields["presenter_organization"].queryset = member_organizations(
            space, include=(instance.presenter_organization_id,) if instance else ())
        current = instance.proposal_id if instance else None
        self.fields["proposal"].queryset = Proposal.objects.filter(space=space).filter(
            ~Q(status=Proposal.Status.WITHDRAWN) | Q(pk=current)).order_by("-created_at")
        self.fields["proposal"].help_text = nb(_("Pour un point de décision{nbsp}: la proposition dont on "
                                                 "décidera."))
        self.fields["description"].help_text = _("Mise en forme Markdown permise (listes, gras, liens).")
        self.fields["minutes_allotted"].widget.attrs.update({"min": 0, "max": 600})
        attached = set(instance.documents.values_list("pk", flat=True)) if instance is not None and instance.pk else set()
        # The space's documents the person may see (knowledge's rule), less those already joined.
        library = (attachable_documents(user, space) if user is not None else Document.objects.filter(space=space))
        library = library.exclude(pk__in=attached).order_by("title", "pk")
        if library.exists():
            self.fields["attach_documents"].queryset = library
        else:
            del self.fields["attach_documents"]
        if attached:
            self.fields["remove_documents"].queryset = instance.documents.order_by("pk")
        else:
            del self.fields["remove_documents"]
        for name in ("description", "expected_outcome", "proposal", "presenter", "presenter_organization"):
            self.fields[name].required = False

    def item_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def documents_kwargs(self) -> dict:
        """The documents to remove and the one to add, for ``services.agenda.item_documents_change``."""
        data = self.cleaned_data
        return {"remove": [document.pk for document in data.get("remove_documents") or []],
                "attach": list(data.get("attach_documents") or []),
                "title": data.get("document_title") or "", "url": data.get("document_url") or "",
                "file": data.get("document_file")}

    def clean(self):
        data = super().clean()
        title, url, upload = data.get("document_title"), data.get("document_url"), data.get("document_file")
        if (url or upload) and not title:
            self.add_error("document_title", _("Donnez un titre au document."))
        if title and not (url or upload):
            self.add_error("document_url", _("Joignez un fichier ou indiquez un lien vers le document."))
        return data


class ProposeForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "minutes_allotted", "expected_outcome", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_single_line(self, "title")
        self.fields["description"].required = False
        self.fields["expected_outcome"].required = False
        self.fields["description"].help_text = _("Ce que vous souhaitez aborder, et pourquoi.")
        self.fields["minutes_allotted"].widget.attrs.update({"min": 0, "max": 600})


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Raison de l'annulation"), max_length=300, required=False,
                             help_text=gettext_lazy("Elle figurera dans le courriel d'annulation."))


# After the meeting ------------------------------------------------------------------------------

class MinutesForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Texte du procès-verbal (Markdown)"), required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        help_text=gettext_lazy("Titres avec #, listes avec -, gras avec **texte**. L'aperçu montre le résultat."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Votre commentaire"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class AdoptForm(forms.Form):
    at_meeting = forms.ModelChoiceField(
        label=gettext_lazy("Rencontre qui adopte le procès-verbal"), queryset=Meeting.objects.none(),
        help_text=gettext_lazy("Une rencontre suivante du même espace dont l'ordre du jour prévoit l'adoption "
                               "du procès-verbal précédent."),
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at_meeting"].queryset = candidates if candidates is not None else Meeting.objects.none()
        self.fields["at_meeting"].label_from_instance = meeting_label


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Statut"), choices=FollowUp.Status.choices,
                               widget=forms.RadioSelect)


class EvaluationForm(forms.Form):
    objectives_met = forms.ChoiceField(label=evaluations.QUESTIONS[0][1], choices=SCORE_CHOICES,
                                       widget=forms.RadioSelect)
    everyone_could_speak = forms.ChoiceField(label=evaluations.QUESTIONS[1][1], choices=SCORE_CHOICES,
                                             widget=forms.RadioSelect)
    useful_to_my_organization = forms.ChoiceField(label=evaluations.QUESTIONS[2][1], choices=SCORE_CHOICES,
                                                  widget=forms.RadioSelect)
    plus = forms.CharField(label=gettext_lazy("Un plus{nbsp}: ce qui a bien fonctionné"), required=False,
                           max_length=evaluations.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    delta = forms.CharField(label=gettext_lazy("Un delta{nbsp}: ce qu'on pourrait améliorer"), required=False,
                            max_length=evaluations.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("plus", "delta"):
            self.fields[name].label = str(self.fields[name].label).replace("{nbsp}", NBSP)
        for name in evaluations.FIELDS:
            self.fields[name].help_text = _("1 = pas du tout d'accord, 5 = tout à fait d'accord")

