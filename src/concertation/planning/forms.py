"""Forms of the plan screens. Business rules (a reason, a decision when the charter reserves the
change, dates in order, organizations of the territory) are checked again by services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concertation.core import formatting
from concertation.core.validators import refuse_invisible_characters
from concertation.decisions.models import Proposal
from concertation.directory.models import Organization
from concertation.spaces.models import Space

from .indicators import parse_number, show
from .models import Activity, Indicator, Plan
from .selectors import plan_activity, plan_objective
from .tree import plan_rows

REASON_REQUIRED = _("Expliquez la raison du changement : elle reste dans l'historique du plan.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class DecisionChoiceField(forms.ModelChoiceField):
    """A decision of the register, labelled « 18 septembre 2025 — Adoption du plan de quartier »
    (and the space's name when it was taken by a space above the plan's)."""

    def __init__(self, *args, space=None, **kwargs):
        self.space = space
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        day = timezone.localdate(obj.decided_at) if obj.decided_at else None
        label = f"{formatting.day(day, weekday=False)} — {obj.title}" if day else obj.title
        if self.space is not None and obj.space_id != self.space.pk:
            label = f"{label} ({obj.space.name})"
        return label


def prepare_decision_field(field, *, plan: Plan, decisions, preselected, help_text) -> None:
    """The decisions that may authorise a change of ``plan`` (none when not given), the one chosen in
    advance by « Ajuster le plan » from a decision's page, and what the field says."""
    field.queryset = decisions if decisions is not None else Proposal.objects.none()
    field.space = plan.space
    if preselected is not None:
        field.initial = preselected.pk
    field.help_text = help_text


class ChangeForm(forms.Form):
    """The reason and the decision of a change; both appear only when the plan is adopted."""

    reason = forms.CharField(
        label=_("Raison du changement"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REASON_REQUIRED},
        help_text=_("Ce qui a changé et pourquoi : on la lira dans l'historique du plan."),
    )
    decision = DecisionChoiceField(
        label=_("Décision qui l'autorise"), queryset=Proposal.objects.none(), required=False,
        empty_label=_("— Aucune décision —"),
    )

    def __init__(self, *args, plan: Plan, decisions=None, reserved: bool = False, preselected=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.adopted = plan.status == Plan.Status.ADOPTED
        if not self.adopted:
            del self.fields["reason"]
            del self.fields["decision"]
            return
        prepare_decision_field(
            self.fields["decision"], plan=plan, decisions=decisions, preselected=preselected,
            help_text=(_("La charte réserve ce changement à une décision : choisissez celle qui l'autorise.") if reserved else
                       _("Facultatif : la décision qui a mené à ce changement, s'il y en a une.")),
        )
        # Reason and decision come last, after the fields of the item.
        self.order_fields([name for name in self.fields if name not in ("reason", "decision")] + ["reason", "decision"])

    def change_kwargs(self) -> dict:
        if not self.adopted:
            return {}
        return {"reason": self.cleaned_data.get("reason", ""), "decision": self.cleaned_data.get("decision")}


class PlanForm(ChangeForm):
    title = forms.CharField(label=_("Titre"), max_length=250, validators=[refuse_invisible_characters])
    starts_on = forms.DateField(label=_("Début de la période"), widget=DateInput())
    ends_on = forms.DateField(label=_("Fin de la période"), widget=DateInput())
    vision = forms.CharField(
        label=_("Vision"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Le quartier que vous voulez ensemble au bout de la période. Le format Markdown est accepté."),
    )

    FIELDS = ["title", "starts_on", "ends_on", "vision"]

    def item_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class ItemForm(ChangeForm):
    """Title and description: priorities, objectives and strategies."""

    title = forms.CharField(label=_("Titre"), max_length=250, validators=[refuse_invisible_characters])
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    FIELDS = ["title", "description"]

    def __init__(self, *args, territory=None, **kwargs):
        super().__init__(*args, **kwargs)

    def item_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OrganizationsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ActivityForm(ItemForm):
    lead = OrganizationChoiceField(label=_("Porteur"), queryset=Organization.objects.none(), required=False,
                                   empty_label=_("— À confirmer —"),
                                   help_text=_("L'organisme qui porte l'action et en donne des nouvelles."))
    co_leads = OrganizationsChoiceField(label=_("Coporteurs"), queryset=Organization.objects.none(), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    partners = OrganizationsChoiceField(label=_("Partenaires"), queryset=Organization.objects.none(), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    budget_amount = forms.DecimalField(label=_("Budget ($)"), required=False, min_value=0, max_digits=12,
                                       decimal_places=2, localize=True)
    funder = forms.CharField(label=_("Bailleur de fonds"), required=False, max_length=200)
    starts_on = forms.DateField(label=_("Début"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Fin"), required=False, widget=DateInput())
    working_group = forms.ModelChoiceField(label=_("Comité qui suit"), queryset=Space.objects.none(), required=False,
                                           empty_label=_("— Aucun —"))
    status = forms.ChoiceField(label=_("Statut de l'action"), choices=Activity.Status.choices, required=False)

    FIELDS = ItemForm.FIELDS + ["lead", "co_leads", "partners", "budget_amount", "funder", "starts_on", "ends_on",
                                "working_group", "status"]

    def __init__(self, *args, territory=None, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.filter(territory=territory, active=True).order_by("name")
        initial = self.initial or {}
        chosen = [org.pk for org in [initial.get("lead"), *initial.get("co_leads", []), *initial.get("partners", [])]
                  if org is not None]
        if chosen:
            # An organization that became inactive stays selectable where it was chosen.
            organizations = Organization.objects.filter(territory=territory).filter(
                pk__in=chosen) | organizations
        for name in ("lead", "co_leads", "partners"):
            self.fields[name].queryset = organizations.order_by("name")
        self.fields["working_group"].queryset = Space.objects.filter(territory=territory).order_by("position", "name")

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin doit venir après le début."))
        return cleaned

    def item_kwargs(self) -> dict:
        data = super().item_kwargs()
        data["co_leads"] = list(data["co_leads"])
        data["partners"] = list(data["partners"])
        if not data["status"]:
            del data["status"]  # not sent: left as it is
        return data


def initial_for(item) -> dict:
    """The form's initial values from an item (co-leads and partners as lists of organizations)."""
    data = {"title": item.title, "description": item.description}
    if item._meta.model_name == "activity":
        data.update({
            "lead": item.lead, "co_leads": list(item.co_leads.all()), "partners": list(item.partners.all()),
            "budget_amount": item.budget_amount, "funder": item.funder, "starts_on": item.starts_on,
            "ends_on": item.ends_on, "working_group": item.working_group, "status": item.status,
        })
    return data


class MoveForm(ChangeForm):
    direction = forms.ChoiceField(
        label=_("Déplacer"), choices=[("up", _("Monter d'une place")), ("down", _("Descendre d'une place"))],
        widget=forms.RadioSelect,
    )


class AdoptForm(forms.Form):
    decision = DecisionChoiceField(
        label=_("Décision qui adopte le plan"), queryset=Proposal.objects.none(),
        empty_label=_("— Choisissez une décision —"),
        error_messages={"required": _("Choisissez la décision qui adopte le plan.")},
    )
    adopted_on = forms.DateField(label=_("Date d'adoption"), required=False, widget=DateInput(),
                                 help_text=_("Laissez vide pour prendre la date de la décision."))

    def __init__(self, *args, plan: Plan, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions
        self.fields["decision"].space = plan.space


class ProgressForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(label=_("Où en est l'action?"), widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _("Décrivez où en est l'action.")})
    percent = forms.IntegerField(label=_("Pourcentage réalisé"), required=False, min_value=0, max_value=100,
                                 help_text=_("Facultatif, de 0 à 100."))
    status = forms.ChoiceField(label=_("Statut de l'action"), choices=Activity.Status.choices)
    decision = DecisionChoiceField(
        label=_("Décision qui autorise le changement de statut"), queryset=Proposal.objects.none(), required=False,
        empty_label=_("— Aucune décision —"),
    )

    def __init__(self, *args, activity: Activity, plan: Plan | None = None, decisions=None, reserved: bool = False,
                 preselected=None, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate(), "status": activity.status})
        super().__init__(*args, **kwargs)
        if plan is None or plan.status != Plan.Status.ADOPTED:
            del self.fields["decision"]  # a draft plan changes freely
            return
        # On an adopted plan a new status is a revision: the news are its reason; its decision here.
        prepare_decision_field(
            self.fields["decision"], plan=plan, decisions=decisions, preselected=preselected,
            help_text=(_("La charte réserve les changements d'actions à une décision : pour changer le "
                         "statut, choisissez celle qui l'autorise.") if reserved else
                       _("Facultatif : la décision qui a mené à ce changement de statut, s'il y en a une. "
                         "Le changement de statut est inscrit à l'historique du plan avec ces nouvelles "
                         "comme raison.")),
        )


class AsOfForm(forms.Form):
    au = forms.DateField(label=_("Voir le plan tel qu'il était le"), required=False, widget=DateInput())


# Indicators and measurements ----------------------------------------------------------------

class NumberField(forms.CharField):
    """A number as people type it (« 1 200 », « 18,5 »): see indicators.parse_number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return parse_number(value)
        except ValueError:
            raise forms.ValidationError(gettext("« %(value)s » n'est pas un nombre : écrivez par exemple 1200 ou 18,5.")
                                        % {"value": value}) from None


def level_choices(plan: Plan) -> list:
    """« Tout le plan », then the objectives and the activities, numbered (one query per level)."""
    tree = plan_rows(plan)
    objectives, activities = [], []
    for node in tree.nodes():
        if node.kind == "objective":
            objectives.append((f"objective:{node.id}", f"{node.number} · {node.title}"))
        elif node.kind == "activity":
            activities.append((f"activity:{node.id}", f"{node.number} · {node.title}"))
    choices = [("", gettext("Tout le plan (indicateur transversal)"))]
    if objectives:
        choices.append((gettext("Objectifs"), objectives))
    if activities:
        choices.append((gettext("Actions"), activities))
    return choices


class IndicatorForm(ChangeForm):
    name = forms.CharField(label=_("Nom de l'indicateur"), max_length=250,
                           validators=[refuse_invisible_characters],
                           help_text=_("Ce qu'on mesure, par exemple « Ménages accompagnés par la "
                                                  "clinique locataires »."))
    level = forms.ChoiceField(label=_("Rattaché à"), required=False,
                              help_text=_("Un objectif ou une action du plan, ou tout le plan."))
    unit = forms.CharField(label=_("Unité"), max_length=50, required=False,
                           validators=[refuse_invisible_characters],
                           help_text=_("Par exemple « ménages par année », « % », « logements »."))
    baseline_value = NumberField(label=_("Valeur de départ"), required=False)
    baseline_date = forms.DateField(label=_("Date de la valeur de départ"), required=False,
                                    widget=DateInput())
    target_value = NumberField(label=_("Cible"),
                               error_messages={"required": _("Indiquez la cible.")})
    target_date = forms.DateField(label=_("Date de la cible"), widget=DateInput(),
                                  error_messages={"required": _("Indiquez la date de la cible.")})
    direction = forms.ChoiceField(label=_("Sens souhaité"), choices=Indicator.Direction.choices,
                                  widget=forms.RadioSelect, initial=Indicator.Direction.INCREASE,
                                  help_text=_("« À la baisse » pour un taux de décrochage, par exemple."))
    frequency = forms.ChoiceField(label=_("Fréquence de mesure"), choices=Indicator.Frequency.choices,
                                  initial=Indicator.Frequency.YEARLY)
    source = forms.CharField(label=_("Source"), max_length=250, required=False,
                             help_text=_("D'où viennent les chiffres : registre, enquête, statistiques."))
    responsible = OrganizationChoiceField(label=_("Organisme responsable"),
                                          queryset=Organization.objects.none(), required=False,
                                          empty_label=_("— Aucun —"),
                                          help_text=_("Ses personnes déléguées peuvent saisir les mesures."))

    FIELDS = ["name", "unit", "baseline_value", "baseline_date", "target_value", "target_date", "direction",
              "frequency", "source", "responsible"]

    def __init__(self, *args, levels=(), territory=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = levels
        initial = (self.initial or {}).get("responsible")
        organizations = Organization.objects.filter(territory=territory, active=True)
        if initial is not None:
            organizations = organizations | Organization.objects.filter(pk=initial.pk)
        self.fields["responsible"].queryset = organizations.order_by("name")

    def clean(self):
        cleaned = super().clean()
        baseline, target = cleaned.get("baseline_date"), cleaned.get("target_date")
        if baseline and target and target <= baseline:
            self.add_error("target_date",
                           gettext("La date de la cible doit venir après celle de la valeur de départ."))
        return cleaned

    def item_kwargs(self, plan: Plan) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.FIELDS}
        data["objective"], data["activity"] = None, None
        kind, _sep, pk = (self.cleaned_data.get("level") or "").partition(":")
        if kind == "objective":
            data["objective"] = plan_objective(plan, pk)
        elif kind == "activity":
            data["activity"] = plan_activity(plan, pk)
        return data


def indicator_initial(indicator: Indicator) -> dict:
    level = ""
    if indicator.objective_id:
        level = f"objective:{indicator.objective_id}"
    elif indicator.activity_id:
        level = f"activity:{indicator.activity_id}"
    return {
        "name": indicator.name, "level": level, "unit": indicator.unit,
        "baseline_value": show(indicator.baseline_value) if indicator.baseline_value is not None else "",
        "baseline_date": indicator.baseline_date, "target_value": show(indicator.target_value),
        "target_date": indicator.target_date, "direction": indicator.direction, "frequency": indicator.frequency,
        "source": indicator.source, "responsible": indicator.responsible,
    }


class MeasurementForm(forms.Form):
    date = forms.DateField(label=_("Date de la mesure"), widget=DateInput(),
                           error_messages={"required": _("Indiquez la date de la mesure.")})
    value = NumberField(label=_("Valeur"),
                        error_messages={"required": _("Indiquez la valeur mesurée.")})
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("Facultatif : la source ou une précision sur cette mesure."))

    def __init__(self, *args, indicator: Indicator, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if indicator.unit:
            self.fields["value"].help_text = gettext("En %(unit)s.") % {"unit": indicator.unit}


class MeasurementCorrectForm(MeasurementForm):
    """A correction: the measurement's date, value and note, and why they change."""

    reason = forms.CharField(
        label=_("Raison de la correction"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Dites pourquoi la mesure change : la raison est inscrite à "
                                      "l'historique.")},
        help_text=_("Par exemple « Erreur de saisie : 4,5 et non 45 »."))


class MeasurementDeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison de la suppression"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Dites pourquoi la mesure change : la raison est inscrite à "
                                      "l'historique.")},
        help_text=_("Par exemple « Mesure saisie pour le mauvais indicateur »."))
