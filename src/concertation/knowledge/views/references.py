"""Pages of the references (« Repères ») of a territory: the list, and its upkeep by coordinators.

The list is open to whoever may open the territory (see rules_references.py); a reference out of
reach — another territory's — answers 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concertation.core.errors import DomainError, add_domain_error
from concertation.spaces.views.common import load_territory, require

from ..bibliography import citation_html
from ..forms_references import FIELDS, ReferenceForm
from ..models.references import ReferenceKind
from ..selectors_references import reference_list, reference_of
from ..services import references as services


def _back(territory, reference=None):
    url = reverse("references:list", kwargs={"territory": territory.slug})
    return redirect(f"{url}#repere-{reference.pk}" if reference is not None and reference.pk else url)


def _load(request, territory, pk):
    """The territory, and one of the references it shows that the person may keep (404 otherwise)."""
    territory = load_territory(request, territory)
    reference = reference_of(territory, pk)
    if reference is None:
        raise Http404
    require(request.user, "knowledge.change_reference", reference)
    return territory, reference


def references(request, territory):
    territory = load_territory(request, territory)
    listing = reference_list(request.user, territory, kind=request.GET.get("type", ""),
                             query=request.GET.get("q", ""), page_number=request.GET.get("page"))
    return render(request, "knowledge/references/list.html", {
        "territory": territory, "listing": listing, "kinds": ReferenceKind.choices,
        "can_add": request.user.has_perm("knowledge.add_reference", territory),
    })


@login_required
def reference_add(request, territory):
    territory = load_territory(request, territory, perm="knowledge.add_reference")
    may_choose_scope = request.user.has_perm("knowledge.add_instance_reference")
    form = ReferenceForm(request.POST or None, may_choose_scope=may_choose_scope)
    if request.method == "POST" and form.is_valid():
        owner = None if form.cleaned_data.get("instance_wide") else territory
        try:
            saved = services.reference_add(territory=owner, by=request.user,
                                           **{name: form.cleaned_data[name] for name in FIELDS})
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le repère « %(title)s » est ajouté.") % {"title": saved.title})
            return _back(territory, saved)
    return render(request, "knowledge/references/form.html", {"territory": territory, "form": form})


@login_required
def reference_edit(request, territory, pk):
    territory, reference = _load(request, territory, pk)
    form = ReferenceForm(request.POST or None, instance=reference)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.reference_update(reference=reference, by=request.user,
                                              **{name: form.cleaned_data[name] for name in FIELDS})
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le repère « %(title)s » est enregistré.") % {"title": saved.title})
            return _back(territory, saved)
    return render(request, "knowledge/references/form.html",
                  {"territory": territory, "form": form, "reference": reference})


@login_required
def reference_delete(request, territory, pk):
    territory, reference = _load(request, territory, pk)
    if request.method == "POST":
        services.reference_delete(reference=reference, by=request.user)
        messages.success(request, _("Le repère « %(title)s » est supprimé.") % {"title": reference.title})
        return _back(territory)
    return render(request, "knowledge/references/delete.html",
                  {"territory": territory, "reference": reference, "citation": citation_html(reference)})


@login_required
@require_POST
def reference_move(request, territory, pk):
    territory, reference = _load(request, territory, pk)
    try:
        services.reference_move(reference=reference, by=request.user, direction=request.POST.get("direction", ""))
    except DomainError as error:
        messages.error(request, str(error))
    return _back(territory, reference)
