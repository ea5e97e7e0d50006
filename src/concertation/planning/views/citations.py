"""The figures of the portrait an objective or an indicator cites: the coordination picks them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from concertation.core.errors import DomainError, add_domain_error

from ..citations import CitationForm, figures_cite, territory_figures
from ..selectors import indicator_in_plan, item_in_plan
from ..tree import item_number
from .common import load_plan, page_context, plan_kwargs, writable


def _item(plan, kind: str, pk: int):
    if kind == "objective":
        item = item_in_plan(plan, "objective", pk)
        return item, _("Objectif %(number)s · %(title)s") % {"number": item_number(plan, "objective", item.pk),
                                                             "title": item.title}
    if kind == "indicator":
        item = indicator_in_plan(plan, pk)
        return item, _("Indicateur — %(name)s") % {"name": item.name}
    raise Http404


def _back(plan, kind: str, item) -> str:
    if kind == "indicator":
        return reverse("planning:indicator", kwargs=plan_kwargs(plan, indicator=item.pk))
    return reverse("planning:plan", kwargs=plan_kwargs(plan)) + f"#objective-{item.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def item_figures(request, territory, space, plan, kind, item):
    space, plan = load_plan(request, territory, space, plan, perm="planning.change_plan")
    writable(plan)
    obj, heading = _item(plan, kind, item)
    figures = territory_figures(space.territory)
    form = CitationForm(request.POST or None, figures=figures,
                        initial={"figures": list(obj.figures.values_list("pk", flat=True))})
    if request.method == "POST" and form.is_valid():
        try:
            figures_cite(item=obj, plan=plan, figure_ids=form.cleaned_data["figures"], by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Les chiffres cités sont enregistrés."))
            return redirect(_back(plan, kind, obj))
    return render(request, "planning/citations_form.html", page_context(
        space, plan, form=form, heading=heading, has_figures=bool(figures), back_url=_back(plan, kind, obj)))
