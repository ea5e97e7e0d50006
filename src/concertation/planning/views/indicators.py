"""Screens of the plan's indicators (add, show, edit, remove) and of their measurements (record,
correct, delete). Every change is a POST and goes through a service.

Views stay thin: load what the person may see (404 otherwise, also for what they may not change),
call a service or a selector, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from concertation.core.errors import DomainError, add_domain_error
from concertation.spaces.views.common import require

from .. import services
from ..forms import (
    ChangeForm,
    IndicatorForm,
    MeasurementCorrectForm,
    MeasurementDeleteForm,
    MeasurementForm,
    indicator_initial,
    level_choices,
)
from ..indicators import reservation_kind, show
from ..models import Plan
from ..pages import day_text, indicator_page, recent_measurements, value_on
from ..selectors import (
    decision_choices,
    indicator_in_plan,
    measurement_of,
    reserved_kinds,
    space_lineage,
)
from .common import indicator_url, load_plan, page_context, plan_kwargs, writable


def _load_plan(request, territory, space, plan, perm="planning.view_plan"):
    return load_plan(request, territory, space, plan, perm, with_adoption=False)


def _change_form_kwargs(request, plan: Plan, kinds: set[str]) -> dict:
    if plan.status != Plan.Status.ADOPTED:
        return {"plan": plan}
    lineage = space_lineage(plan.space)
    return {"plan": plan, "decisions": decision_choices(plan.space, request.user, lineage=lineage),
            "reserved": bool(kinds & reserved_kinds(plan.space, lineage=lineage))}


# Indicators -------------------------------------------------------------------------------------

def indicator(request, territory, space, plan, indicator):
    space, plan = _load_plan(request, territory, space, plan)
    obj = indicator_in_plan(plan, indicator)
    return render(request, "planning/dashboard/indicator.html",
                  page_context(space, plan, **indicator_page(plan, obj, user=request.user)))


@login_required
@require_http_methods(["GET", "POST"])
def indicator_add(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    writable(plan)
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
    return render(request, "planning/dashboard/indicator_form.html", page_context(
        space, plan, form=form, heading=_("Ajouter un indicateur"), submit=_("Ajouter l'indicateur")))


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, territory, space, plan, indicator):
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    writable(plan)
    obj = indicator_in_plan(plan, indicator)
    kinds = {reservation_kind(obj.objective_id, obj.activity_id), "indicator_target"}
    form = IndicatorForm(request.POST or None, initial=indicator_initial(obj), levels=level_choices(plan),
                         territory=space.territory, **_change_form_kwargs(request, plan, kinds))
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_edit(indicator=obj, by=request.user, **form.item_kwargs(plan), **form.change_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'indicateur « %(name)s » est enregistré.") % {"name": obj.name})
            return redirect(indicator_url(plan, obj.pk))
    return render(request, "planning/dashboard/indicator_form.html", page_context(
        space, plan, form=form, indicator=obj, heading=_("Modifier l'indicateur"),
        submit=_("Enregistrer les changements")))


@login_required
@require_http_methods(["GET", "POST"])
def indicator_remove(request, territory, space, plan, indicator):
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    writable(plan)
    obj = indicator_in_plan(plan, indicator)
    form = ChangeForm(request.POST or None,
                      **_change_form_kwargs(request, plan, {reservation_kind(obj.objective_id, obj.activity_id)}))
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_remove(indicator=obj, by=request.user, **form.change_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'indicateur « %(name)s » est retiré du plan.") % {"name": obj.name})
            return redirect("planning:dashboard", **plan_kwargs(plan))
    return render(request, "planning/dashboard/indicator_remove.html", page_context(
        space, plan, form=form, indicator=obj, measurement_count=obj.measurements.count()))


# Measurements -----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def measurement_add(request, territory, space, plan, indicator):
    space, plan = _load_plan(request, territory, space, plan)
    writable(plan)
    obj = indicator_in_plan(plan, indicator)
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
                "date": day_text(data["date"]), "name": obj.name})
            return redirect(indicator_url(plan, obj.pk))
    return render(request, "planning/dashboard/measurement_form.html", page_context(
        space, plan, form=form, indicator=obj, recent=recent_measurements(obj)))


def _load_measurement(request, territory, space, plan, indicator, measurement):
    """The plan, the indicator and its measurement, for a person who may record its measurements
    (404 otherwise, like a measurement that does not exist)."""
    space, plan = _load_plan(request, territory, space, plan)
    writable(plan)
    obj = indicator_in_plan(plan, indicator)
    require(request.user, "planning.record_measurement", obj)
    return space, plan, obj, measurement_of(obj, measurement)


@login_required
@require_http_methods(["GET", "POST"])
def measurement_correct(request, territory, space, plan, indicator, measurement):
    space, plan, obj, found = _load_measurement(request, territory, space, plan, indicator, measurement)
    initial = {"date": found.date, "value": show(found.value), "note": found.note}
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
                "date": day_text(data["date"]), "name": obj.name})
            return redirect(indicator_url(plan, obj.pk))
    return render(request, "planning/dashboard/measurement_correct.html", page_context(
        space, plan, form=form, indicator=obj, measurement=found,
        current=value_on(obj, found.value, found.date)))


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
                "date": day_text(found.date), "name": obj.name})
            return redirect(indicator_url(plan, obj.pk))
    return render(request, "planning/dashboard/measurement_delete.html", page_context(
        space, plan, form=form, indicator=obj, measurement=found,
        current=value_on(obj, found.value, found.date)))
