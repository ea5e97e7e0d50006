"""The territory's portrait: the page (anyone who may open the territory), a figure added, changed
or removed by hand, and the import from CSV or XLSX (upload → preview → confirm, all or nothing)
for the territory's coordinators. Views stay thin: load, check, call a service or a page, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from concertation.core.errors import DomainError, add_domain_error
from concertation.core.kept_upload import KeptUpload, apply_previewed, preview_upload
from concertation.core.tabular import MAX_BYTES, MAX_ROWS, template_response
from concertation.spaces.forms import UploadForm
from concertation.spaces.views.common import load_territory

from ..forms_portrait import FigureForm
from ..models import Figure
from ..pages_portrait import portrait_page
from ..portrait_import import COLUMNS, FigureImport, template_examples
from ..services import portrait as services

KEPT = KeptUpload("concertation_portrait_import", file_prefix="portrait-")
PERM = "knowledge.change_portrait"


@require_GET
def portrait(request, territory):
    territory = load_territory(request, territory)
    return render(request, "knowledge/portrait/portrait.html", portrait_page(
        territory, request.user, theme=request.GET.get("theme", ""), geography=request.GET.get("territoire", "")))


@login_required
@require_http_methods(["GET", "POST"])
def figure_edit(request, territory, pk=None):
    territory = load_territory(request, territory, perm=PERM)
    figure = get_object_or_404(Figure, territory=territory, pk=pk) if pk else None
    initial = FigureForm.initial_from(figure) if figure else {"theme": request.GET.get("theme", "")[:120]}
    form = FigureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if figure is None:
                saved = services.figure_add(territory=territory, by=request.user, **form.cleaned_data)
            else:
                saved = services.figure_change(figure=figure, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le chiffre « %(label)s » (%(year)s) est enregistré.")
                             % {"label": saved.label, "year": saved.year})
            return redirect("portrait:index", territory=territory.slug)
    return render(request, "knowledge/portrait/figure_form.html",
                  {"territory": territory, "figure": figure, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def figure_delete(request, territory, pk):
    territory = load_territory(request, territory, perm=PERM)
    figure = get_object_or_404(Figure, territory=territory, pk=pk)
    if request.method == "POST":
        services.figure_delete(figure=figure, by=request.user)
        messages.success(request, _("Le chiffre « %(label)s » (%(year)s) est supprimé.")
                         % {"label": figure.label, "year": figure.year})
        return redirect("portrait:index", territory=territory.slug)
    return render(request, "knowledge/portrait/figure_delete.html", {"territory": territory, "figure": figure})


# Import -----------------------------------------------------------------------------------------

def _page(request, territory, template, **context):
    context.update(territory=territory, columns=COLUMNS,
                   max_rows=formats.number_format(MAX_ROWS, force_grouping=True), max_mb=MAX_BYTES // (1024 * 1024))
    return render(request, f"knowledge/portrait/{template}", context)


@login_required
@require_http_methods(["GET", "POST"])
def figure_import(request, territory):
    territory = load_territory(request, territory, perm=PERM)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request, territory)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        done = preview_upload(request, KEPT, owner=("territory", territory.pk), upload=upload,
                              importer=FigureImport(territory, filename=upload.name))
        return _page(request, territory, "import_preview.html", preview=done.preview, token=done.token,
                     filename=done.filename, form=UploadForm())
    return _page(request, territory, "import_upload.html", form=form)


def _confirm(request, territory):
    applied = apply_previewed(request, KEPT, owner=("territory", territory.pk),
                              make_importer=lambda: FigureImport(territory, filename=_kept_name(request)))
    if applied.refused is not None:
        return _page(request, territory, "import_preview.html", preview=applied.refused.preview, token=None,
                     filename=applied.filename, form=UploadForm())
    if applied.importer is None:
        return redirect("portrait:import", territory=territory.slug)
    importer = applied.importer
    messages.success(request, _("Importation terminée : %(added)s, %(replaced)s.") % {
        "added": ngettext("%(count)s chiffre ajouté", "%(count)s chiffres ajoutés", importer.added)
        % {"count": importer.added},
        "replaced": ngettext("%(count)s chiffre remplacé", "%(count)s chiffres remplacés", importer.replaced)
        % {"count": importer.replaced}})
    return redirect("portrait:index", territory=territory.slug)


def _kept_name(request) -> str:
    return (request.session.get(KEPT.session_key) or {}).get("name", "")


@login_required
@require_GET
def template_csv(request, territory):
    load_territory(request, territory, perm=PERM)
    return template_response(COLUMNS, template_examples(), name=_("modele-portrait"), extension=".csv")


@login_required
@require_GET
def template_xlsx(request, territory):
    load_territory(request, territory, perm=PERM)
    return template_response(COLUMNS, template_examples(), name=_("modele-portrait"), extension=".xlsx",
                             title=_("Portrait"))
