"""The self-assessment's pages: parse, load with permission (refusal = 404), call a page or a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError, add_domain_error
from concertation.spaces.audience import space_audience
from concertation.spaces.views.common import load_space

from . import pages, selectors, services
from .forms import PLAN_REVISION, AnswerForm, FollowUpForm, RoundForm
from .themes import BY_KEY


def _index_url(space) -> str:
    return reverse("assessments:index", kwargs={"territory": space.territory.slug, "space": space.slug})


@login_required
def index(request, territory, space):
    space = load_space(request, territory, space, perm="insights.view_assessment")
    return render(request, "insights/assessments/index.html", pages.index_page(space, request.user))


@login_required
def round_open(request, territory, space):
    space = load_space(request, territory, space, perm="insights.run_assessment")
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_open(space=space, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'autoévaluation est ouverte : les personnes de l'espace sont prévenues."))
            return redirect(_index_url(space))
    status = 400 if request.method == "POST" else 200
    return render(request, "insights/assessments/open.html", {"territory": space.territory, "space": space,
                                                              "form": form}, status=status)


@login_required
def round_detail(request, territory, space, pk):
    space = load_space(request, territory, space, perm="insights.view_assessment")
    assessment_round = pages.round_in_space(space, pk)
    return render(request, "insights/assessments/round.html", pages.round_page(space, assessment_round, request.user))


@login_required
def answer(request, territory, space, pk):
    space = load_space(request, territory, space, perm="insights.view_assessment")
    assessment_round = pages.round_in_space(space, pk)
    already = selectors.has_answered(assessment_round, request.user)
    refusal = "" if already else services.answer_refusal(assessment_round, request.user)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and not already and not refusal and form.is_valid():
        try:
            services.answer_submit(assessment_round=assessment_round, person=request.user, answers=form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Merci! Vos réponses sont enregistrées, sans votre nom."))
            return redirect(request.path)
    status = 400 if request.method == "POST" and (already or refusal or form.errors) else 200
    return render(request, "insights/assessments/answer.html", {
        "territory": space.territory, "space": space, "round": assessment_round, "form": form,
        "already": already, "refusal": refusal,
    }, status=status)


def _give_follow_up(space, theme, user, data) -> str:
    """Create what the form asked for (a follow-up, or a proposed revision of the plan); its message."""
    if data["kind"] == PLAN_REVISION:
        services.plan_revision_from_theme(space=space, theme=theme, what=data["what"], by=user)
        return _("La proposition de révision du plan est créée en brouillon, avec les propositions de l'espace.")
    services.follow_up_from_theme(space=space, theme=theme, what=data["what"], person=data["person"],
                                  due_on=data["due_on"], by=user)
    return _("Le suivi est créé : il paraît dans les suivis de l'espace.")


@login_required
def follow_up(request, territory, space, theme):
    space = load_space(request, territory, space, perm="insights.run_assessment")
    if theme not in BY_KEY:
        raise Http404
    form = FollowUpForm(request.POST or None, people=space_audience(space),
                        plan_revision=services.may_propose_plan_revision(space),
                        initial={**pages.follow_up_initial(theme), "person": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            done = _give_follow_up(space, theme, request.user, form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, done)
            return redirect(_index_url(space))
    status = 400 if request.method == "POST" else 200
    return render(request, "insights/assessments/follow_up.html", {
        "territory": space.territory, "space": space, "theme": BY_KEY[theme], "form": form,
    }, status=status)
