"""Import measurements from a CSV or XLSX file: upload → preview with the errors of each row →
confirm, all or nothing; and the two blank templates. The uploaded file is kept server-side between
the preview and the confirmation (core/kept_upload.py).

Views stay thin: load what the person may reach (404 otherwise), call the importer, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from concertation.core.kept_upload import KeptUpload, apply_previewed, preview_upload
from concertation.core.tabular import template_response
from concertation.spaces.forms import UploadForm

from ..measurements_import import COLUMNS, MeasurementImport, template_examples
from ..pages import import_page, may_import_measurements
from .common import load_plan, page_context, plan_kwargs, writable

KEPT = KeptUpload("concertation_measurement_import", file_prefix="mesures-")


def _load_plan(request, territory, space, plan):
    """The plan, for its coordination or a person who records one of its indicators (404 otherwise)."""
    space, plan = load_plan(request, territory, space, plan, with_adoption=False)
    writable(plan)
    if not may_import_measurements(request.user, plan):
        raise Http404
    return space, plan


def _page(request, space, plan, template, **extra):
    return render(request, f"planning/dashboard/{template}", page_context(space, plan, **import_page(plan), **extra))


@login_required
@require_http_methods(["GET", "POST"])
def measurement_import(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request, space, plan)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        done = preview_upload(request, KEPT, owner=("plan", plan.pk), upload=upload,
                              importer=MeasurementImport(plan, request.user))
        return _page(request, space, plan, "import_preview.html", preview=done.preview, token=done.token,
                     filename=done.filename, form=UploadForm())
    return _page(request, space, plan, "import_upload.html", form=form)


def _confirm(request, space, plan):
    applied = apply_previewed(request, KEPT, owner=("plan", plan.pk),
                              make_importer=lambda: MeasurementImport(plan, request.user))
    if applied.refused is not None:
        return _page(request, space, plan, "import_preview.html", preview=applied.refused.preview, token=None,
                     filename=applied.filename, form=UploadForm())
    if applied.importer is None:
        return redirect("planning:measurement_import", **plan_kwargs(plan))
    count = applied.importer.count
    messages.success(request, ngettext("Importation terminée : %(count)s mesure ajoutée.",
                                       "Importation terminée : %(count)s mesures ajoutées.", count)
                     % {"count": count})
    return redirect("planning:dashboard", **plan_kwargs(plan))


@login_required
@require_GET
def measurement_template_csv(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan)
    return template_response(COLUMNS, template_examples(plan), name=_("modele-mesures"), extension=".csv")


@login_required
@require_GET
def measurement_template_xlsx(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan)
    return template_response(COLUMNS, template_examples(plan), name=_("modele-mesures"), extension=".xlsx",
                             title=_("Mesures"))
