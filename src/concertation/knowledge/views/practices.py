"""Pages of the practice sheets, under t/<territory>/fiches/ (namespace "practices"): the list, a
sheet, its PDF, the form (new, from a sheet: « Dupliquer », edit), publish, unpublish, delete.

A sheet out of reach answers 404 exactly like a missing one (rules_practices, selectors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concertation.core.errors import DomainError, add_domain_error
from concertation.core.formatting import nbsp
from concertation.core.pdf import pdf_response
from concertation.spaces.views.common import require

from ..forms_practices import PracticeSheetForm, initial_from
from ..practice_activities import activities_for
from ..practice_template import copied_from, guiding_questions
from ..selectors import practices as selectors
from ..services import practices as services


def _sheet(request, territory, pk, perm="knowledge.view_practicesheet"):
    """The territory and the sheet, if the person may read it (and has ``perm``): 404 otherwise, and a
    line in the audit log for a signed-in person refused a sheet that exists."""
    territory = selectors.practices_territory(request.user, territory)
    sheet = selectors.sheet_in(territory, pk)
    require(request.user, "knowledge.view_practicesheet", sheet)
    if perm != "knowledge.view_practicesheet":
        require(request.user, perm, sheet)
    return territory, sheet


def sheet_url(sheet) -> str:
    return reverse("practices:sheet", kwargs={"territory": sheet.territory.slug, "pk": sheet.pk})


def sheet_list(request, territory):
    territory = selectors.practices_territory(request.user, territory)
    return render(request, "knowledge/practices/list.html", selectors.sheet_list_page(
        request.user, territory, tag=request.GET.get("mot", ""), space=request.GET.get("espace", ""),
        page_number=request.GET.get("page")))


def sheet_detail(request, territory, pk):
    territory, sheet = _sheet(request, territory, pk)
    return render(request, "knowledge/practices/sheet.html", selectors.sheet_page(request.user, sheet))


def sheet_pdf(request, territory, pk):
    territory, sheet = _sheet(request, territory, pk)
    context = {**selectors.sheet_page(request.user, sheet), "now": timezone.now()}
    return pdf_response("knowledge/practices/pdf.html", context, request, filename=f"fiche-{sheet.pk}-{sheet.title}")


def _form(request, territory, *, sheet=None, activity=None, initial=None):
    """The form, offering the spaces and activities the person may choose, and keeping the ones the
    sheet already has (a coordinator may have chosen a space or a plan the author does not see)."""
    spaces = selectors.writable_spaces(request.user, territory)
    if sheet is not None and sheet.space is not None and sheet.space not in spaces:
        spaces.append(sheet.space)
    activities = selectors.offered_activities(request.user, territory)
    if activity is not None and not activity.visible:
        activities = []  # linked to an activity the person does not see: the form leaves it alone
    elif activity is not None and activity.id not in {pk for pk, _label in activities}:
        activities.append((activity.id, activity.label))  # an activity of an archived plan
    return PracticeSheetForm(request.POST or None, initial=initial, spaces=spaces, activities=activities)


def _start(request, territory) -> dict:
    """A new sheet starts from the guiding questions, or from the sheet in ``?depuis=`` (« Dupliquer »);
    ``?action=`` preselects the linked activity (from the plan's page)."""
    source = request.GET.get("depuis", "")
    if source.isdigit():
        initial = copied_from(selectors.sheet_for(request.user, territory, int(source)))
    else:
        initial = guiding_questions()
    activity = request.GET.get("action", "")
    if activity.isdigit():
        initial["activity"] = int(activity)
    return initial


@login_required
def sheet_add(request, territory):
    territory = selectors.practices_territory(request.user, territory)
    require(request.user, "knowledge.add_practicesheet", territory)
    form = _form(request, territory, initial=None if request.method == "POST" else _start(request, territory))
    if request.method == "POST" and form.is_valid():
        try:
            sheet = services.sheet_create(territory=territory, by=request.user, data=form.sheet_data(),
                                          tags=form.cleaned_data["tags"], activity_id=form.activity_id())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, nbsp(_("La fiche est enregistrée comme brouillon{nbsp}: publiez-la quand elle est prête.")))
            return redirect(sheet_url(sheet))
    return render(request, "knowledge/practices/form.html", {"territory": territory, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
def sheet_edit(request, territory, pk):
    territory, sheet = _sheet(request, territory, pk, perm="knowledge.change_practicesheet")
    activity = activities_for([sheet.pk], request.user).get(sheet.pk)
    form = _form(request, territory, sheet=sheet, activity=activity,
                 initial=initial_from(sheet, activity.id if activity else None))
    if request.method == "POST" and form.is_valid():
        try:
            services.sheet_update(sheet=sheet, by=request.user, data=form.sheet_data(),
                                  tags=form.cleaned_data["tags"], activity_id=form.activity_id())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("La fiche est enregistrée."))
            return redirect(sheet_url(sheet))
    return render(request, "knowledge/practices/form.html", {"territory": territory, "form": form, "sheet": sheet},
                  status=400 if form.is_bound else 200)


def _state_change(request, territory, pk, change, done: str, **options):
    territory, sheet = _sheet(request, territory, pk, perm="knowledge.change_practicesheet")
    try:
        change(sheet=sheet, by=request.user, **options)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(sheet_url(sheet))


@login_required
@require_POST
def sheet_publish(request, territory, pk):
    return _state_change(request, territory, pk, services.sheet_publish, _("La fiche est publiée."),
                         audience=request.POST.get("audience") or None)


@login_required
@require_POST
def sheet_unpublish(request, territory, pk):
    return _state_change(request, territory, pk, services.sheet_unpublish,
                         nbsp(_("La fiche n'est plus publiée{nbsp}: elle redevient un brouillon.")))


@login_required
def sheet_delete(request, territory, pk):
    territory, sheet = _sheet(request, territory, pk, perm="knowledge.change_practicesheet")
    if request.method == "POST":
        services.sheet_delete(sheet=sheet, by=request.user)
        messages.success(request, nbsp(_("La fiche «{nbsp}%(title)s{nbsp}» est supprimée.")) % {"title": sheet.title})
        return redirect("practices:list", territory=territory.slug)
    return render(request, "knowledge/practices/delete.html", {"territory": territory, "sheet": sheet})


