"""Screens of the plan's structure: a space's plans, a plan's tree (now, or as it was on a date),
writing the plan and its items, moving and removing them, their history, and progress updates.

Views stay thin: load what the person may see (404 otherwise, also for what they may not change),
call a service, render. Every change is a POST; moving works without JavaScript (a button on a
draft plan, a short form with the reason on an adopted one).

The plan page reads like a plan by default (numbered, collapsible, no editing controls, even for
those who may edit); ``?mode=edition`` shows the editing controls to those who may change the plan,
and ``&decision=<id>`` (« Ajuster le plan » on a decision's page) carries that decision into every
change form. The mode lives only in the URL: the change forms send the person back to it.
"""

from __future__ import annotations

from datetime import datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError, add_domain_error
from concertation.core.richtext import render_markdown
from concertation.spaces.views.common import load_space, require

from .. import services
from ..adjust import DECISION_PARAM, EDIT_MODE
from ..forms import (
    ActivityForm,
    AdoptForm,
    AsOfForm,
    ChangeForm,
    ItemForm,
    MoveForm,
    PlanForm,
    ProgressForm,
    initial_for,
)
from ..models import Objective, Plan, Priority, Strategy
from ..pages import (
    attach_urls,
    contained,
    item_history_page,
    plan_page_tree,
    recent_updates,
    revision_row,
)
from ..plan_outline import STRATEGY_PARAM, attach_outline_urls, opened_strategy
from ..plan_outline import notice as outline_notice
from ..practice_sheets import attach_practice_sheets
from ..revisions import kind_label
from ..selectors import (
    ITEM_KINDS,
    decision_choices,
    item_in_plan,
    item_number,
    outline,
    plans_of,
    recent_revisions,
    reserved_kinds,
    space_lineage,
)
from .common import load_plan, page_context

HISTORY_KINDS = (*ITEM_KINDS, "indicator", "plan")
PAGE_SIZE = 50


# Loading ----------------------------------------------------------------------------------------

def _load_plan(request, territory, space, plan, perm="planning.view_plan"):
    return load_plan(request, territory, space, plan, perm)


def _check_kind(kind: str, kinds=ITEM_KINDS) -> None:
    if kind not in kinds:
        raise Http404


def plan_url(plan: Plan, anchor: str = "", *, editing: bool = False, decision=None, strategy=None) -> str:
    """``strategy``: the strategy whose activities a large plan's outline opens (plan_outline.py)."""
    url = reverse("planning:plan", kwargs={
        "territory": plan.space.territory.slug, "space": plan.space.slug, "plan": plan.pk})
    query = _mode_query(editing, decision, strategy)
    if query:
        url = f"{url}?{query}"
    return f"{url}#{anchor}" if anchor else url


def _mode_query(editing: bool, decision=None, strategy=None) -> str:
    params = {"mode": EDIT_MODE} if editing else {}
    if editing and decision is not None:
        params[DECISION_PARAM] = decision.pk
    if strategy is not None:
        params[STRATEGY_PARAM] = strategy
    return urlencode(params)


def _back_to_plan(request, plan: Plan, anchor: str = "", strategy=None) -> str:
    """Where a change form returns: the plan in edit mode, with the decision it was opened with (and,
    for a strategy or an activity, that strategy opened in a large plan's outline)."""
    return plan_url(plan, anchor, editing=True, decision=_preselected_in_url(request, plan), strategy=strategy)


def _strategy_of(kind: str, item):
    """The strategy an item shows in (itself, or an activity's): the one a large plan's outline opens
    to show it; None for the levels above."""
    return item.pk if kind == "strategy" else item.strategy_id if kind == "activity" else None


def anchor(kind: str, pk: int) -> str:
    return f"{kind}-{pk}"


def _change_form_kwargs(request, plan: Plan, kind: str) -> dict:
    if plan.status != Plan.Status.ADOPTED:
        return {"plan": plan}
    lineage = space_lineage(plan.space)
    decisions = decision_choices(plan.space, request.user, lineage=lineage)
    return {"plan": plan, "decisions": decisions, "reserved": kind in reserved_kinds(plan.space, lineage=lineage),
            "preselected": _preselected_in_url(request, plan, decisions)}


def _preselected_in_url(request, plan: Plan, decisions=None):
    """The decision named by ?decision= when it may authorise a change of this adopted plan and the
    person may see it; None otherwise (an unknown or unfit one is ignored, never an error). Read
    once per request."""
    raw = request.GET.get(DECISION_PARAM, "")
    if plan.status != Plan.Status.ADOPTED or not raw.isdigit():
        return None
    if not hasattr(request, "_plan_preselected"):
        decisions = decisions if decisions is not None else decision_choices(plan.space, request.user)
        request._plan_preselected = decisions.filter(pk=int(raw)).first()
    return request._plan_preselected


# The space's plans ------------------------------------------------------------------------------

def plans(request, territory, space):
    space = load_space(request, territory, space)
    require(request.user, "planning.view_plan", space)
    return render(request, "planning/plans.html", page_context(
        space, plans=list(plans_of(space)), can_change=request.user.has_perm("planning.change_plan", space)))


@login_required
def plan_add(request, territory, space):
    space = load_space(request, territory, space)
    require(request.user, "planning.change_plan", space)
    draft = Plan(space=space, status=Plan.Status.DRAFT)
    form = PlanForm(request.POST or None, plan=draft)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(space=space, by=request.user, **form.item_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le plan est créé comme brouillon. Ajoutez ses priorités, puis faites-le "
                                        "adopter par une décision."))
            return redirect(_back_to_plan(request, plan))
    return render(request, "planning/plan_form.html", page_context(space, None, form=form))


# The plan ---------------------------------------------------------------------------------------

def _as_of_moment(form: AsOfForm):
    """The end of the chosen day, or None (the current plan) when no valid past day was chosen."""
    if not form.is_bound or not form.is_valid() or not form.cleaned_data.get("au"):
        return None, None
    day = form.cleaned_data["au"]
    if day >= timezone.localdate():
        return None, None
    return day, timezone.make_aware(datetime.combine(day, time.max))


def plan(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan)
    as_of_form = AsOfForm(request.GET if "au" in request.GET else None)
    day, moment = _as_of_moment(as_of_form)
    may_edit = (moment is None and plan.status != Plan.Status.ARCHIVED
                and request.user.has_perm("planning.change_plan", plan))
    # The editing controls only in edit mode, only for those who may change the plan.
    can_change = may_edit and request.GET.get("mode") == EDIT_MODE
    tree = plan_page_tree(plan, user=request.user, moment=moment, can_change=can_change,
                          opened=opened_strategy(request.GET.get(STRATEGY_PARAM)))
    preselected = _preselected_in_url(request, plan) if can_change else None
    attach_urls(tree, plan_url(plan), urlencode({DECISION_PARAM: preselected.pk}) if preselected else "",
                reading=not can_change)
    # An outline's links keep what the page shows: the date, the edit mode and its decision.
    kept = {"au": day.isoformat()} if day else {}
    if can_change:
        kept["mode"] = EDIT_MODE
        if preselected:
            kept[DECISION_PARAM] = preselected.pk
    attach_outline_urls(tree, plan_url(plan), kept)
    if moment is None:
        attach_practice_sheets(tree, plan, request.user)
    return render(request, "planning/plan.html", page_context(
        space, plan, tree=tree, as_of_form=as_of_form, as_of_day=day, can_change=can_change, may_edit=may_edit,
        preselected=preselected, edit_url=plan_url(plan, editing=True), read_url=plan_url(plan),
        before_adoption=bool(day and plan.adopted_on and day < plan.adopted_on),
        vision_html=render_markdown(tree.vision), draft=plan.status == Plan.Status.DRAFT,
        outline_notice=outline_notice(tree),
    ))


@login_required
def plan_edit(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    if plan.status == Plan.Status.ARCHIVED:
        raise Http404
    initial = {"title": plan.title, "starts_on": plan.starts_on, "ends_on": plan.ends_on, "vision": plan.vision}
    form = PlanForm(request.POST or None, initial=initial, **_change_form_kwargs(request, plan, "plan"))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, by=request.user, **form.item_kwargs(), **form.change_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le plan est enregistré."))
            return redirect(_back_to_plan(request, plan))
    return render(request, "planning/plan_form.html", page_context(space, plan, form=form))


@login_required
def plan_adopt(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    if plan.status != Plan.Status.DRAFT:
        raise Http404
    form = AdoptForm(request.POST or None, plan=plan, decisions=decision_choices(space, request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_adopt(plan=plan, decision=form.cleaned_data["decision"],
                                on=form.cleaned_data.get("adopted_on"), by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le plan est adopté. Désormais, chaque changement est inscrit à son "
                                        "historique avec sa raison et la décision qui l'autorise."))
            return redirect(plan_url(plan))
    return render(request, "planning/plan_adopt.html", page_context(space, plan, form=form))


@login_required
def plan_archive(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    if plan.status == Plan.Status.ARCHIVED:
        raise Http404
    if request.method == "POST":
        try:
            services.plan_archive(plan=plan, by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Le plan est archivé : il reste consultable et ne se modifie plus."))
        return redirect(plan_url(plan))
    return render(request, "planning/plan_archive.html", page_context(space, plan))


def revisions(request, territory, space, plan):
    """Every revision of the plan, most recent first."""
    space, plan = _load_plan(request, territory, space, plan)
    page = Paginator(recent_revisions(plan), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [revision_row(revision) for revision in page.object_list]
    return render(request, "planning/revisions.html", page_context(space, plan, page=page, rows=rows))


# Items ------------------------------------------------------------------------------------------

FORMS = {"priority": ItemForm, "objective": ItemForm, "strategy": ItemForm, "activity": ActivityForm}
PARENTS = {"objective": Priority, "strategy": Objective, "activity": Strategy}


def _add_title(kind: str, parent) -> str:
    if kind == "strategy" and parent is None:
        return _("Ajouter une stratégie transversale")
    return {
        "priority": _("Ajouter une priorité"), "objective": _("Ajouter un objectif"),
        "strategy": _("Ajouter une stratégie"), "activity": _("Ajouter une action"),
    }[kind]


def _edit_title(kind: str) -> str:
    return {
        "priority": _("Modifier la priorité"), "objective": _("Modifier l'objectif"),
        "strategy": _("Modifier la stratégie"), "activity": _("Modifier l'action"),
    }[kind]


def _parent(request, plan: Plan, kind: str):
    """The parent named by ?parent= (required except for priorities and cross-cutting strategies)."""
    if kind == "priority":
        return None
    raw = request.GET.get("parent") or request.POST.get("parent")
    if not raw:
        if kind == "strategy":
            return None
        raise Http404
    try:
        pk = int(raw)
    except ValueError:
        raise Http404 from None
    return item_in_plan(plan, PARENTS[kind]._meta.model_name, pk)


def _number_of(plan: Plan, kind: str, pk: int) -> str:
    return item_number(plan, kind, pk)


@login_required
def item_add(request, territory, space, plan, kind):
    _check_kind(kind)
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    if plan.status == Plan.Status.ARCHIVED:
        raise Http404
    parent = _parent(request, plan, kind)
    form = FORMS[kind](request.POST or None, territory=space.territory, **_change_form_kwargs(request, plan, kind))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_add(kind=kind, plan=plan, parent=parent, by=request.user, **form.item_kwargs(),
                                     **form.change_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("« %(title)s » est ajouté au plan.") % {"title": item.title})
            return redirect(_back_to_plan(request, plan, anchor(kind, item.pk), _strategy_of(kind, item)))
    parent_number = _number_of(plan, parent._meta.model_name, parent.pk) if parent is not None else ""
    return render(request, "planning/item_form.html", page_context(
        space, plan, form=form, kind=kind, heading=_add_title(kind, parent), parent=parent,
        parent_number=parent_number, parent_kind_label=kind_label(parent._meta.model_name) if parent else "",
        submit=_add_title(kind, parent)))


@login_required
def item_edit(request, territory, space, plan, kind, item):
    _check_kind(kind)
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    if plan.status == Plan.Status.ARCHIVED:
        raise Http404
    obj = item_in_plan(plan, kind, item)
    form = FORMS[kind](request.POST or None, initial=initial_for(obj), territory=space.territory,
                       **_change_form_kwargs(request, plan, kind))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_edit(item=obj, by=request.user, **form.item_kwargs(), **form.change_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("« %(title)s » est enregistré.") % {"title": obj.title})
            return redirect(_back_to_plan(request, plan, anchor(kind, obj.pk), _strategy_of(kind, obj)))
    return render(request, "planning/item_form.html", page_context(
        space, plan, form=form, kind=kind, item=obj, number=_number_of(plan, kind, obj.pk),
        heading=_edit_title(kind), submit=_("Enregistrer les changements")))


@login_required
def item_move(request, territory, space, plan, kind, item):
    _check_kind(kind)
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    if plan.status == Plan.Status.ARCHIVED:
        raise Http404
    obj = item_in_plan(plan, kind, item)
    direction = request.POST.get("direction") or request.GET.get("direction")
    initial = {"direction": direction} if direction in ("up", "down") else {}
    form = MoveForm(request.POST or None, initial=initial, **_change_form_kwargs(request, plan, kind))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_move(item=obj, direction=form.cleaned_data["direction"], by=request.user,
                               **form.change_kwargs())
        except DomainError as error:
            if plan.status != Plan.Status.ADOPTED:
                messages.error(request, str(error))
                return redirect(_back_to_plan(request, plan, anchor(kind, obj.pk), _strategy_of(kind, obj)))
            add_domain_error(form, error)
        else:
            messages.success(request, _("« %(title)s » est déplacé.") % {"title": obj.title})
            return redirect(_back_to_plan(request, plan, anchor(kind, obj.pk), _strategy_of(kind, obj)))
    return render(request, "planning/item_move.html", page_context(
        space, plan, form=form, kind=kind, item=obj, number=_number_of(plan, kind, obj.pk),
        kind_label=kind_label(kind)))


@login_required
def item_remove(request, territory, space, plan, kind, item):
    _check_kind(kind)
    space, plan = _load_plan(request, territory, space, plan, perm="planning.change_plan")
    if plan.status == Plan.Status.ARCHIVED:
        raise Http404
    obj = item_in_plan(plan, kind, item)
    form = ChangeForm(request.POST or None, **_change_form_kwargs(request, plan, kind))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_remove(item=obj, by=request.user, **form.change_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("« %(title)s » est retiré du plan.") % {"title": obj.title})
            # An activity removed: back to its strategy, opened in a large plan's outline.
            return redirect(_back_to_plan(request, plan, strategy=obj.strategy_id if kind == "activity" else None))
    node = outline(plan).find(kind, obj.pk)
    return render(request, "planning/item_remove.html", page_context(
        space, plan, form=form, kind=kind, item=obj, node=node, kind_label=kind_label(kind),
        contained=contained(node)))


def item_history(request, territory, space, plan, kind, item):
    _check_kind(kind, HISTORY_KINDS)
    space, plan = _load_plan(request, territory, space, plan)
    return render(request, "planning/item_history.html", page_context(
        space, plan, kind=kind, kind_label=kind_label(kind), item_id=item, **item_history_page(plan, kind, item)))


# Progress ---------------------------------------------------------------------------------------

@login_required
def progress_add(request, territory, space, plan, item):
    space, plan = _load_plan(request, territory, space, plan)
    if plan.status == Plan.Status.ARCHIVED:
        raise Http404
    activity = item_in_plan(plan, "activity", item)
    require(request.user, "planning.report_progress", activity)
    form = ProgressForm(request.POST or None, activity=activity, **_change_form_kwargs(request, plan, "activity"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_add(activity=activity, date=data["date"], text=data["text"], percent=data["percent"],
                                  status=data["status"], decision=data.get("decision"), by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Les nouvelles de l'action sont enregistrées."))
            return redirect(plan_url(plan, anchor("activity", activity.pk), strategy=activity.strategy_id))
    return render(request, "planning/progress_form.html", page_context(
        space, plan, form=form, activity=activity, number=_number_of(plan, "activity", activity.pk),
        updates=recent_updates(activity)))

