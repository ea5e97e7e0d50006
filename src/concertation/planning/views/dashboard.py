"""Screens of the plan's follow-up: the dashboard (page and PDF), the annual review (bilan, page
and PDF), the indicators (add, show, edit, remove), their measurements (one by one, or imported
from a CSV or XLSX file: upload → preview with the errors of each row → confirm, all or nothing).

Views stay thin: load what the person may see (404 otherwise, also for what they may not change),
call a service or a selector, render.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from concertation.core import formatting
from concertation.core.errors import DomainError, add_domain_error
from concertation.core.kept_upload import KeptUpload
from concertation.core.tabular import ImportRefused, english, template_csv, template_xlsx
from concertation.core.validators import refuse_invisible_characters
from concertation.directory.models import Organization
from concertation.meetings.pdf import pdf_response
from concertation.spaces.views.common import load_space, require
from concertation.spaces.views.imports import UploadForm

from .. import charts
from .. import indicators as services
from ..bilan import CARDS as BILAN_CARDS
from ..bilan import ROWS as BILAN_ROWS
from ..bilan import bilan_section, build_bilan, parse_period
from ..dashboard import CARDS, ROWS, build_dashboard, dashboard_list, line_for, plan_rows
from ..forms import ChangeForm, DateInput, OrganizationChoiceField
from ..indicators import (
    Point,
    indicator_status,
    measurement_due,
    next_measurement_due,
    parse_number,
    reservation_kind,
    status_sentence,
)
from ..measurements_import import COLUMNS, MeasurementImport, template_examples
from ..models import Activity, Indicator, Measurement, Objective, Plan
from ..revisions import history_of
from ..selectors import decision_choices, item_number, plan_in_space, reserved_kinds, space_lineage

KEPT = KeptUpload("concertation_measurement_import", file_prefix="mesures-")


# Loading ----------------------------------------------------------------------------------------

def _load_plan(request, territory, space, plan, perm="planning.view_plan"):
    space_obj = load_space(request, territory, space)
    plan_obj = plan_in_space(space_obj, plan, with_adoption=False)
    require(request.user, perm, plan_obj)
    return space_obj, plan_obj


def _load_indicator(plan: Plan, pk: int) -> Indicator:
    indicator = (Indicator.objects.filter(plan=plan, pk=pk)
                 .select_related("responsible", "objective", "activity").first())
    if indicator is None:
        raise Http404
    indicator.plan = plan
    return indicator


def _writable(plan: Plan) -> None:
    if plan.status == Plan.Status.ARCHIVED:
        raise Http404


def _kwargs(plan: Plan, **extra) -> dict:
    return {"territory": plan.space.territory.slug, "space": plan.space.slug, "plan": plan.pk, **extra}


def indicator_url(plan: Plan, indicator_id: int) -> str:
    return reverse("planning:indicator", kwargs=_kwargs(plan, indicator=indicator_id))


def _context(space, plan, **extra) -> dict:
    return {"territory": space.territory, "space": space, "plan": plan, **extra}


# Forms ------------------------------------------------------------------------------------------

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
            raise forms.ValidationError(_("« %(value)s » n'est pas un nombre : écrivez par exemple 1200 ou 18,5.")
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
    choices = [("", _("Tout le plan (indicateur transversal)"))]
    if objectives:
        choices.append((_("Objectifs"), objectives))
    if activities:
        choices.append((_("Actions"), activities))
    return choices


class IndicatorForm(ChangeForm):
    name = forms.CharField(label=gettext_lazy("Nom de l'indicateur"), max_length=250,
                           validators=[refuse_invisible_characters],
                           help_text=gettext_lazy("Ce qu'on mesure, par exemple « Ménages accompagnés par la "
                                                  "clinique locataires »."))
    level = forms.ChoiceField(label=gettext_lazy("Rattaché à"), required=False,
                              help_text=gettext_lazy("Un objectif ou une action du plan, ou tout le plan."))
    unit = forms.CharField(label=gettext_lazy("Unité"), max_length=50, required=False,
                           validators=[refuse_invisible_characters],
                           help_text=gettext_lazy("Par exemple « ménages par année », « % », « logements »."))
    baseline_value = NumberField(label=gettext_lazy("Valeur de départ"), required=False)
    baseline_date = forms.DateField(label=gettext_lazy("Date de la valeur de départ"), required=False,
                                    widget=DateInput())
    target_value = NumberField(label=gettext_lazy("Cible"),
                               error_messages={"required": gettext_lazy("Indiquez la cible.")})
    target_date = forms.DateField(label=gettext_lazy("Date de la cible"), widget=DateInput(),
                                  error_messages={"required": gettext_lazy("Indiquez la date de la cible.")})
    direction = forms.ChoiceField(label=gettext_lazy("Sens souhaité"), choices=Indicator.Direction.choices,
                                  widget=forms.RadioSelect, initial=Indicator.Direction.INCREASE,
                                  help_text=gettext_lazy("« À la baisse » pour un taux de décrochage, par exemple."))
    frequency = forms.ChoiceField(label=gettext_lazy("Fréquence de mesure"), choices=Indicator.Frequency.choices,
                                  initial=Indicator.Frequency.YEARLY)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=250, required=False,
                             help_text=gettext_lazy("D'où viennent les chiffres : registre, enquête, statistiques."))
    responsible = OrganizationChoiceField(label=gettext_lazy("Organisme responsable"),
                                          queryset=Organization.objects.none(), required=False,
                                          empty_label=gettext_lazy("— Aucun —"),
                                          help_text=gettext_lazy("Ses personnes déléguées peuvent saisir les "
                                                                 "mesures."))

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
            self.add_error("target_date", _("La date de la cible doit venir après celle de la valeur de départ."))
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


def plan_objective(plan: Plan, pk):
    return Objective.objects.filter(priority__plan=plan, pk=int(pk)).first() if str(pk).isdigit() else None


def plan_activity(plan: Plan, pk):
    return Activity.objects.filter(strategy__plan=plan, pk=int(pk)).first() if str(pk).isdigit() else None


def initial_for(indicator: Indicator) -> dict:
    level = ""
    if indicator.objective_id:
        level = f"objective:{indicator.objective_id}"
    elif indicator.activity_id:
        level = f"activity:{indicator.activity_id}"
    return {
        "name": indicator.name, "level": level, "unit": indicator.unit,
        "baseline_value": services.show(indicator.baseline_value) if indicator.baseline_value is not None else "",
        "baseline_date": indicator.baseline_date, "target_value": services.show(indicator.target_value),
        "target_date": indicator.target_date, "direction": indicator.direction, "frequency": indicator.frequency,
        "source": indicator.source, "responsible": indicator.responsible,
    }


class MeasurementForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date de la mesure"), widget=DateInput(),
                           error_messages={"required": gettext_lazy("Indiquez la date de la mesure.")})
    value = NumberField(label=gettext_lazy("Valeur"),
                        error_messages={"required": gettext_lazy("Indiquez la valeur mesurée.")})
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False,
                           help_text=gettext_lazy("Facultatif : la source ou une précision sur cette mesure."))

    def __init__(self, *args, indicator: Indicator, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if indicator.unit:
            self.fields["value"].help_text = _("En %(unit)s.") % {"unit": indicator.unit}


class MeasurementCorrectForm(MeasurementForm):
    """A correction: the measurement's date, value and note, and why they change."""

    reason = forms.CharField(
        label=gettext_lazy("Raison de la correction"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Dites pourquoi la mesure change : la raison est inscrite à "
                                                 "l'historique.")},
        help_text=gettext_lazy("Par exemple « Erreur de saisie : 4,5 et non 45 »."))


class MeasurementDeleteForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Raison de la suppression"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Dites pourquoi la mesure change : la raison est inscrite à "
                                                 "l'historique.")},
        help_text=gettext_lazy("Par exemple « Mesure saisie pour le mauvais indicateur »."))


def _change_form_kwargs(request, plan: Plan, kinds: set[str]) -> dict:
    if plan.status != Plan.Status.ADOPTED:
        return {"plan": plan}
    lineage = space_lineage(plan.space)
    return {"plan": plan, "decisions": decision_choices(plan.space, request.user, lineage=lineage),
            "reserved": bool(kinds & reserved_kinds(plan.space, lineage=lineage))}


# The dashboard and the bilan --------------------------------------------------------------------

def dashboard(request, territory, space, plan):
    """The dashboard; ``?indicateurs=<priority>|transversal|attendues`` or ``?actions=en-retard``
    (with ``page``): one of its lists in full."""
    space, plan = _load_plan(request, territory, space, plan)
    can_change = plan.status != Plan.Status.ARCHIVED and request.user.has_perm("planning.change_plan", plan)
    indicators, activities = request.GET.get("indicateurs", ""), request.GET.get("actions", "")
    if indicators or activities:
        listing = dashboard_list(plan, indicators=indicators, activities=activities, number=request.GET.get("page"),
                                 user=request.user)
        if listing is None:
            raise Http404
        return render(request, "planning/dashboard/dashboard_list.html", _context(space, plan, listing=listing))
    data = build_dashboard(plan, user=request.user, cards=CARDS, rows=ROWS)
    return render(request, "planning/dashboard/dashboard.html", _context(
        space, plan, board=data, can_change=can_change, can_import=can_change or data.can_import))


def dashboard_pdf(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan)
    data = build_dashboard(plan)
    return pdf_response("planning/dashboard/dashboard_pdf.html", _context(space, plan, board=data, now=timezone.now()),
                        request, filename=_("tableau-de-bord-%(slug)s") % {"slug": plan.title})


def _bilan_data(request, territory, space, plan, **limits):
    space, plan = _load_plan(request, territory, space, plan)
    period, errors = parse_period(request.GET)
    return space, plan, build_bilan(plan, period, user=request.user, **limits), errors


def bilan(request, territory, space, plan):
    """The bilan of the period; ``?voir=<part>`` (with ``page``): one of its lists in full."""
    section = request.GET.get("voir", "")
    if section:
        space, plan = _load_plan(request, territory, space, plan)
        period, errors = parse_period(request.GET)
        data = bilan_section(plan, period, section, number=request.GET.get("page"), user=request.user)
        if data is None:
            raise Http404
        return render(request, "planning/dashboard/bilan_list.html", _context(
            space, plan, bilan=data, period=period, errors=errors))
    space, plan, data, errors = _bilan_data(request, territory, space, plan, cards=BILAN_CARDS, rows=BILAN_ROWS)
    return render(request, "planning/dashboard/bilan.html", _context(
        space, plan, bilan=data, period=data.period, errors=errors))


def bilan_pdf(request, territory, space, plan):
    space, plan, data, _errors = _bilan_data(request, territory, space, plan)
    return pdf_response("planning/dashboard/bilan_pdf.html", _context(space, plan, bilan=data, now=timezone.now()),
                        request, filename=_("bilan-%(title)s-%(period)s") % {"title": plan.title,
                                                                           "period": data.period.slug})


# Indicators -------------------------------------------------------------------------------------

def indicator(request, territory, space, plan, indicator):
    space, plan = _load_plan(request, territory, space, plan)
    obj = _load_indicator(plan, indicator)
    measurements = list(Measurement.objects.filter(indicator=obj).select_related("recorded_by").order_by("-date"))
    points = [Point(m.date, m.value) for m in measurements]
    status = indicator_status(obj, points, plan_start=plan.starts_on)
    latest = status.latest.date if status.latest else None
    bar = charts.bar_chart(chart_id=f"indicateur-bar-{obj.pk}", name=obj.name, unit=obj.unit,
                           baseline=obj.baseline_value, latest=status.latest.value if status.latest else None,
                           target=obj.target_value, target_date=obj.target_date, status_label=status.label)
    line = line_for(obj, sorted((p.date, p.value) for p in points), plan, chart_id=f"indicateur-line-{obj.pk}")
    writable = plan.status != Plan.Status.ARCHIVED
    rows = [{"pk": m.pk, "date": m.date, "value": services.show(m.value), "note": m.note, "by": m.recorded_by}
            for m in measurements]
    return render(request, "planning/dashboard/indicator.html", _context(
        space, plan, indicator=obj, measurements=measurements, rows=rows, status=status,
        baseline_text=_value_on(obj, obj.baseline_value, obj.baseline_date or None),
        target_text=_value_on(obj, obj.target_value, obj.target_date),
        sentence=status_sentence(obj, status), bar=bar, line=line,
        level=_level_label(plan, obj),
        due=writable and measurement_due(obj, latest, plan_start=plan.starts_on),
        next_due=next_measurement_due(obj, latest, plan_start=plan.starts_on),
        can_change=writable and request.user.has_perm("planning.change_plan", plan),
        can_record=writable and request.user.has_perm("planning.record_measurement", obj),
        revision_count=history_of("indicator", obj.pk, plan=plan).count() if plan.status != Plan.Status.DRAFT else 0,
    ))


def _value_on(indicator: Indicator, value, day) -> str:
    if value is None:
        return "—"
    text = services.show(value) + (f" {indicator.unit}" if indicator.unit else "")
    return _("%(value)s, le %(date)s") % {"value": text, "date": _date(day)} if day else text


def _level_label(plan: Plan, indicator: Indicator) -> str:
    if indicator.activity_id:
        return _("Action %(number)s · %(title)s") % {
            "number": item_number(plan, "activity", indicator.activity_id), "title": indicator.activity.title}
    if indicator.objective_id:
        return _("Objectif %(number)s · %(title)s") % {
            "number": item_number(plan, "objective", indicator.objective_id), "title": indicator.objective.title}
    return _("Tout le plan")


@login_required
@require_http_methods(["GET", "POST"])
def indicator_add(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    _writable(plan)
    initial = {}
    if request.GET.get("objective", "").isdigit():
        initial["level"] = f"objective:{request.GET['objective']}"
    elif request.GET.get("activity", "").isdigit():
        initial["level"] = f"activity:{request.GET['activity']}"
    form = IndicatorForm(request.POST or None, initial=initial, levels=level_choices(plan),
                         territory=space.territory, **_change_form_kwargs(request, plan, {"objective", "activity"}))
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.indicator_add(plan=plan, by=request.user, **form.item_kwargs(plan),
                                         **form.change_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'indicateur « %(name)s » est ajouté au plan.") % {"name": obj.name})
            return redirect(indicator_url(plan, obj.pk))
    return render(request, "planning/dashboard/indicator_form.html", _context(
        space, plan, form=form, heading=_("Ajouter un indicateur"), submit=_("Ajouter l'indicateur")))


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, territory, space, plan, indicator):
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    _writable(plan)
    obj = _load_indicator(plan, indicator)
    kinds = {reservation_kind(obj.objective_id, obj.activity_id), "indicator_target"}
    form = IndicatorForm(request.POST or None, initial=initial_for(obj), levels=level_choices(plan),
                         territory=space.territory, **_change_form_kwargs(request, plan, kinds))
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_edit(indicator=obj, by=request.user, **form.item_kwargs(plan), **form.change_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'indicateur « %(name)s » est enregistré.") % {"name": obj.name})
            return redirect(indicator_url(plan, obj.pk))
    return render(request, "planning/dashboard/indicator_form.html", _context(
        space, plan, form=form, indicator=obj, heading=_("Modifier l'indicateur"),
        submit=_("Enregistrer les changements")))


@login_required
@require_http_methods(["GET", "POST"])
def indicator_remove(request, territory, space, plan, indicator):
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    _writable(plan)
    obj = _load_indicator(plan, indicator)
    form = ChangeForm(request.POST or None,
                      **_change_form_kwargs(request, plan, {reservation_kind(obj.objective_id, obj.activity_id)}))
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_remove(indicator=obj, by=request.user, **form.change_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'indicateur « %(name)s » est retiré du plan.") % {"name": obj.name})
            return redirect("planning:dashboard", **_kwargs(plan))
    return render(request, "planning/dashboard/indicator_remove.html", _context(
        space, plan, form=form, indicator=obj, measurement_count=obj.measurements.count()))


# Measurements -----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def measurement_add(request, territory, space, plan, indicator):
    space, plan = _load_plan(request, territory, space, plan)
    _writable(plan)
    obj = _load_indicator(plan, indicator)
    require(request.user, "planning.record_measurement", obj)
    form = MeasurementForm(request.POST or None, indicator=obj)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.measurement_add(indicator=obj, date=data["date"], value=data["value"], note=data["note"],
                                     by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("La mesure du %(date)s est enregistrée pour « %(name)s ».") % {
                "date": _date(data["date"]), "name": obj.name})
            return redirect(indicator_url(plan, obj.pk))
    recent = list(Measurement.objects.filter(indicator=obj).order_by("-date")[:5])
    for measurement in recent:
        measurement.display = _value_on(obj, measurement.value, None)
    return render(request, "planning/dashboard/measurement_form.html", _context(
        space, plan, form=form, indicator=obj, recent=recent))


def _load_measurement(request, territory, space, plan, indicator, measurement):
    """The plan, the indicator and its measurement, for a person who may record its measurements
    (404 otherwise, like a measurement that does not exist)."""
    space, plan = _load_plan(request, territory, space, plan)
    _writable(plan)
    obj = _load_indicator(plan, indicator)
    require(request.user, "planning.record_measurement", obj)
    found = Measurement.objects.filter(indicator=obj, pk=measurement).first()
    if found is None:
        raise Http404
    found.indicator = obj
    return space, plan, obj, found


@login_required
@require_http_methods(["GET", "POST"])
def measurement_correct(request, territory, space, plan, indicator, measurement):
    space, plan, obj, found = _load_measurement(request, territory, space, plan, indicator, measurement)
    initial = {"date": found.date, "value": services.show(found.value), "note": found.note}
    form = MeasurementCorrectForm(request.POST or None, indicator=obj, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.measurement_correct(measurement=found, by=request.user, value=data["value"], date=data["date"],
                                         note=data["note"], reason=data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("La mesure du %(date)s est corrigée pour « %(name)s ».") % {
                "date": _date(data["date"]), "name": obj.name})
            return redirect(indicator_url(plan, obj.pk))
    return render(request, "planning/dashboard/measurement_correct.html", _context(
        space, plan, form=form, indicator=obj, measurement=found,
        current=_value_on(obj, found.value, found.date)))


@login_required
@require_http_methods(["GET", "POST"])
def measurement_delete(request, territory, space, plan, indicator, measurement):
    space, plan, obj, found = _load_measurement(request, territory, space, plan, indicator, measurement)
    form = MeasurementDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_delete(measurement=found, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("La mesure du %(date)s est supprimée de « %(name)s ».") % {
                "date": _date(found.date), "name": obj.name})
            return redirect(indicator_url(plan, obj.pk))
    return render(request, "planning/dashboard/measurement_delete.html", _context(
        space, plan, form=form, indicator=obj, measurement=found,
        current=_value_on(obj, found.value, found.date)))


def _date(day) -> str:
    return formatting.day(day)


def _import_allowed(request, plan: Plan) -> None:
    """The coordination, or a person who records at least one indicator of the plan."""
    _writable(plan)
    user = request.user
    if user.has_perm("planning.change_plan", plan):
        return
    for obj in Indicator.objects.filter(plan=plan).only("id", "plan_id", "responsible_id"):
        obj.plan = plan
        if user.has_perm("planning.record_measurement", obj):
            return
    raise Http404


def _column_help() -> list[dict]:
    accepted = {
        "indicator": _("Le nom de l'indicateur, comme le plan l'écrit (majuscules et accents ignorés), ou son "
                       "identifiant."),
        "date": _("La date de la mesure, écrite AAAA-MM-JJ (par exemple 2025-03-31); pas dans le futur."),
        "value": _("Un nombre : la virgule décimale (18,5) et les espaces entre les milliers (1 200) sont "
                   "acceptés."),
        "note": _("Facultatif, 300 caractères au plus."),
    }
    return [{"header": column.header(), "other": column.header("fr" if english() else "en"),
             "required": column.required, "help": accepted.get(column.key, "")} for column in COLUMNS]


def _import_page(request, space, plan, template, **extra):
    indicators = list(Indicator.objects.filter(plan=plan).order_by("position", "id").values("id", "name", "unit"))
    return render(request, f"planning/dashboard/{template}", _context(
        space, plan, columns=_column_help(), indicators=indicators, **extra))


@login_required
@require_http_methods(["GET", "POST"])
def measurement_import(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan)
    _import_allowed(request, plan)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request, space, plan)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        importer = MeasurementImport(plan, request.user)
        preview = importer.preview(importer.read(data, filename=upload.name))
        token = KEPT.keep(request, owner=("plan", plan.pk), name=upload.name, data=data) if preview.ok else None
        if not preview.ok:
            KEPT.forget(request)
        return _import_page(request, space, plan, "import_preview.html", preview=preview, token=token,
                            filename=upload.name, form=UploadForm())
    return _import_page(request, space, plan, "import_upload.html", form=form)


def _confirm(request, space, plan):
    kept = KEPT.take(request, owner=("plan", plan.pk))
    if kept is None:
        messages.error(request, _("Cet aperçu n'est plus disponible : téléversez le fichier de nouveau."))
        return redirect("planning:measurement_import", **_kwargs(plan))
    data, filename = kept
    importer = MeasurementImport(plan, request.user)
    try:
        importer.apply(importer.read(data, filename=filename), by=request.user)
    except ImportRefused as refused:
        KEPT.forget(request)
        messages.error(request, _("Rien n'a été importé : les données ont changé depuis l'aperçu. Corrigez les "
                                  "lignes signalées, puis téléversez le fichier de nouveau."))
        return _import_page(request, space, plan, "import_preview.html", preview=refused.preview, token=None,
                            filename=filename, form=UploadForm())
    KEPT.forget(request)
    messages.success(request, ngettext("Importation terminée : %(count)s mesure ajoutée.",
                                       "Importation terminée : %(count)s mesures ajoutées.", importer.count)
                     % {"count": importer.count})
    return redirect("planning:dashboard", **_kwargs(plan))


def _template(plan: Plan, extension: str, content: bytes, content_type: str):
    filename = _("modele-mesures") + extension
    response = FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def measurement_template_csv(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan)
    _import_allowed(request, plan)
    return _template(plan, ".csv", template_csv(COLUMNS, template_examples(plan)), "text/csv; charset=utf-8")


@login_required
@require_GET
def measurement_template_xlsx(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan)
    _import_allowed(request, plan)
    content = template_xlsx(COLUMNS, template_examples(plan), title=_("Mesures"))
    return _template(plan, ".xlsx", content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

