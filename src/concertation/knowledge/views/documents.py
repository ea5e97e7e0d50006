"""The document library: a space's documents, a territory's, a document's page, its forms, and the
one way to a file (the download view checks the document's visibility first).

Views stay thin: load the space and the document the person may see (the same 404 as a missing
one otherwise), check the permission, call a service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from concertation.core import audit
from concertation.core.errors import DomainError, add_domain_error
from concertation.core.files import file_response
from concertation.spaces.views.common import load_space, load_territory, require

from ..forms_documents import DocumentForm, VersionForm
from ..models import Document
from ..pages_documents import LibraryRows
from ..selectors_documents import document_for, library_documents
from ..services import documents as services

PAGE_SIZE = 25


def _kind(request) -> str:
    kind = request.GET.get("type", "")
    return kind if kind in Document.Kind.values else ""


def _document_url(document: Document) -> str:
    return reverse("documents:document", kwargs={"territory": document.space.territory.slug,
                                                 "space": document.space.slug, "pk": document.pk})


def _max_mb() -> int:
    return max(1, services.max_size() // (1024 * 1024))


def _load(request, territory, space, pk, perm: str | None = None):
    space_obj = load_space(request, territory, space)
    try:
        document = document_for(request.user, space_obj, pk)
    except Http404:
        # Out of reach or missing? Only an existing document refused to a signed-in person is
        # written to the audit log (once a day), as for spaces (spaces.views.common).
        hidden = Document.objects.filter(space=space_obj, pk=pk).first() if request.user.is_authenticated else None
        if hidden is not None:
            audit.record_access_denied(request.user, hidden, perm="knowledge.view_document")
        raise
    if perm:
        require(request.user, perm, document)
    return space_obj, document


@require_safe
def library(request, territory, space):
    space = load_space(request, territory, space)
    kind = _kind(request)
    rows = LibraryRows(library_documents(request.user, space.territory, kind, space=space), space.territory.slug)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledge/documents/library.html", {
        "territory": space.territory, "space": space, "page": page, "kind": kind, "kinds": Document.Kind.choices,
        "can_add": request.user.has_perm("knowledge.add_document", space)})


@require_safe
def territory_library(request, territory):
    territory = load_territory(request, territory)
    kind = _kind(request)
    rows = LibraryRows(library_documents(request.user, territory, kind), territory.slug)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledge/documents/territory_library.html", {
        "territory": territory, "page": page, "kind": kind, "kinds": Document.Kind.choices})


@require_safe
def document(request, territory, space, pk):
    space, document = _load(request, territory, space, pk)
    can_change = request.user.has_perm("knowledge.change_document", document)
    return render(request, "knowledge/documents/document.html", {
        "territory": space.territory, "space": space, "document": document,
        "versions": list(document.versions.all()), "can_change": can_change,
        "version_form": VersionForm() if can_change and not document.url else None, "max_mb": _max_mb()})


@require_safe
def download(request, territory, space, pk, number):
    space, document = _load(request, territory, space, pk)
    version = next((v for v in document.versions.all() if v.number == number), None)
    if version is None:
        raise Http404  # the same 404 as a missing document
    return file_response(version.file, version.download_name)


@login_required
def add(request, territory, space):
    space = load_space(request, territory, space, perm="knowledge.add_document")
    form = DocumentForm(request.POST or None, request.FILES or None, max_mb=_max_mb())
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_add(space=space, by=request.user, **form.service_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le document est ajouté à la bibliothèque."))
            return redirect(_document_url(document))
    return render(request, "knowledge/documents/document_form.html", {
        "territory": space.territory, "space": space, "form": form, "document": None})


@login_required
def edit(request, territory, space, pk):
    space, document = _load(request, territory, space, pk, perm="knowledge.change_document")
    form = DocumentForm(request.POST or None, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(document=document, by=request.user, **form.service_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Les changements sont enregistrés."))
            return redirect(_document_url(document))
    return render(request, "knowledge/documents/document_form.html", {
        "territory": space.territory, "space": space, "form": form, "document": document})


@login_required
@require_POST
def version_add(request, territory, space, pk):
    space, document = _load(request, territory, space, pk, perm="knowledge.change_document")
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.document_version_add(document=document, by=request.user, file=form.cleaned_data["file"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("La version %(number)s est déposée; les précédentes restent "
                                        "téléchargeables.") % {"number": version.number})
            return redirect(_document_url(document))
    return render(request, "knowledge/documents/document.html", {
        "territory": space.territory, "space": space, "document": document,
        "versions": list(document.versions.all()), "can_change": True, "version_form": form,
        "max_mb": _max_mb()}, status=400)


@login_required
def delete(request, territory, space, pk):
    space, document = _load(request, territory, space, pk, perm="knowledge.delete_document")
    if request.method == "POST":
        services.document_delete(document=document, by=request.user)
        messages.success(request, _("Le document est supprimé, avec toutes ses versions."))
        return redirect("documents:library", territory=space.territory.slug, space=space.slug)
    return render(request, "knowledge/documents/document_delete.html", {
        "territory": space.territory, "space": space, "document": document})
