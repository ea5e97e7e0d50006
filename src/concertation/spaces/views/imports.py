"""Import organizations and memberships: upload, preview row by row, confirm (all or nothing).

The uploaded file is kept server-side between the preview and the confirmation
(core/kept_upload.py). The confirmation reads it again and checks every row again before writing
anything.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from concertation.core.kept_upload import KeptUpload, apply_previewed, preview_upload
from concertation.core.tabular import (
    MAX_BYTES,
    MAX_ROWS,
    template_response,
)

from ..forms import UploadForm
from ..imports import COLUMNS, OrganizationImport, template_examples
from ..pages import import_column_help
from .common import base_url, load_territory

logger = logging.getLogger(__name__)

KEPT = KeptUpload("concertation_import")
PERM = "directory.import_members"


def _page(request, territory, template, **context):
    context.update(territory=territory, max_rows=formats.number_format(MAX_ROWS, force_grouping=True),
                   max_mb=MAX_BYTES // (1024 * 1024))
    return render(request, f"spaces/import/{template}", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_members(request, territory):
    territory = load_territory(request, territory, perm=PERM)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request, territory)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        done = preview_upload(request, KEPT, owner=("territory", territory.pk), upload=upload,
                              importer=OrganizationImport(territory, base_url=base_url(request)))
        return _page(request, territory, "preview.html", preview=done.preview, token=done.token,
                     filename=done.filename, form=UploadForm())
    return _page(request, territory, "upload.html", form=form, columns=import_column_help(territory))


def _confirm(request, territory):
    applied = apply_previewed(request, KEPT, owner=("territory", territory.pk),
                              make_importer=lambda: OrganizationImport(territory, base_url=base_url(request)))
    if applied.refused is not None:
        return _page(request, territory, "preview.html", preview=applied.refused.preview, token=None,
                     filename=applied.filename, form=UploadForm())
    if applied.importer is None:
        return redirect("spaces:import", territory=territory.slug)
    importer = applied.importer
    messages.success(request, _("Importation terminée : %(parts)s.") % {"parts": _summary(importer.stats)})
    return redirect("spaces:organizations", territory=territory.slug)


def _summary(stats: dict) -> str:
    parts = [
        ngettext("%(count)s organisme créé", "%(count)s organismes créés", stats["organizations_created"]),
        ngettext("%(count)s organisme mis à jour", "%(count)s organismes mis à jour", stats["organizations_updated"]),
        ngettext("%(count)s adhésion ajoutée", "%(count)s adhésions ajoutées", stats["memberships"]),
        ngettext("%(count)s invitation envoyée", "%(count)s invitations envoyées", stats["invitations"]),
        ngettext("%(count)s secteur créé", "%(count)s secteurs créés", stats["sectors"]),
    ]
    counts = [stats[key] for key in ("organizations_created", "organizations_updated", "memberships", "invitations",
                                     "sectors")]
    done = [part % {"count": count} for part, count in zip(parts, counts, strict=True) if count]
    return ", ".join(done) or _("aucun changement")


# Templates --------------------------------------------------------------------------------------

@login_required
@require_GET
def import_template_csv(request, territory):
    territory = load_territory(request, territory, perm=PERM)
    return template_response(COLUMNS, template_examples(territory), name=_("modele-import-organismes"), extension=".csv")


@login_required
@require_GET
def import_template_xlsx(request, territory):
    territory = load_territory(request, territory, perm=PERM)
    return template_response(COLUMNS, template_examples(territory), name=_("modele-import-organismes"),
                             extension=".xlsx", title=_("Organismes"))
