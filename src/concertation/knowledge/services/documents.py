"""Writes of the document library: add a document (a file or a link), change it, add a version,
delete it. Every refusal happens before anything is stored: no row, no file on disk."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from concertation.core import audit
from concertation.core.errors import DomainError
from concertation.core.files import safe_filename
from concertation.core.uploads import max_upload_size

from .. import filetypes
from ..events import notify_document_added
from ..models import Document, DocumentVersion
from ..text_extraction import extract_text
from .discussions import comments_delete_for


def max_size() -> int:
    """The largest file the library accepts: MAX_UPLOAD_SIZE (20 MB unless configured), the limit
    the upload middleware lets through (core/uploads.py)."""
    return max_upload_size()


def check_file(file) -> tuple[filetypes.FileType, str]:
    """The file's type (from its content) and its download name, or a DomainError that says why not."""
    limit = max_size()
    if file.size > limit:
        raise DomainError(_("Ce fichier est trop volumineux (%(size)s Mo au plus).") % {
            "size": max(1, limit // (1024 * 1024))}, field="file", code="too_large")
    name = safe_filename(getattr(file, "name", "") or "")
    try:
        kind = filetypes.sniff(file, name)
    except filetypes.Refused as refused:
        if refused.reason == "executable":
            message = _("Ce fichier est un programme : il n'est pas accepté. Déposez un PDF, un document "
                        "de bureautique, une image ou un fichier CSV.")
        else:
            message = _("Ce type de fichier n'est pas accepté. Déposez un PDF, un document de bureautique, "
                        "une image ou un fichier CSV.")
        raise DomainError(message, field="file", code=refused.reason) from None
    return kind, filetypes.download_name(name, kind)


def _check_fields(*, title: str, kind: str, visibility: str) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Donnez un titre au document."), field="title")
    if kind not in Document.Kind.values:
        raise DomainError(_("Choisissez le type de document."), field="kind")
    if visibility not in Document.Visibility.values:
        raise DomainError(_("Choisissez qui peut voir le document."), field="visibility")
    return title


WEB_SCHEMES = ("http", "https")
URL_LENGTH = 500


def _check_url(url: str) -> str:
    """A link document's address: a web address (http or https) only. Django's URL field also lets
    ftp:// through, and the address is shown as a link to everyone who sees the document."""
    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=list(WEB_SCHEMES))(url)
        except ValidationError:
            raise DomainError(_("« %(value)s » n'est pas une adresse web : elle commence par https://.") % {"value": url[:100]}, field="url") from None
        if len(url) > URL_LENGTH:
            raise DomainError(_("Cette adresse dépasse %(max)s caractères.") % {"max": URL_LENGTH}, field="url")
    return url


def text_of(file) -> str:
    """The words of an upload for the search, read before the write's transaction opens (a long PDF
    takes a moment, and the database should not wait on it); "" for a file the library refuses."""
    if not file or file.size > max_size():
        return ""
    try:
        kind = filetypes.sniff(file, "")
    except filetypes.Refused:
        return ""
    return extract_text(file, kind.content_type)


def _store_version(*, document: Document, by, file, checked, text: str = "") -> DocumentVersion:
    kind, filename = checked
    number = (document.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    file.seek(0)
    version = DocumentVersion(document=document, number=number, filename=filename, size=file.size,
                              content_type=kind.content_type, uploaded_by=by if getattr(by, "pk", None) else None,
                              text=text)
    version.file.save(filename, file, save=False)
    stored = version.file.name
    try:
        version.save()
    except Exception:
        version.file.storage.delete(stored)
        raise
    return version


def document_add(*, space, by, title: str, kind: str = Document.Kind.OTHER,
                 visibility: str = Document.Visibility.SPACE, description: str = "", url: str = "",
                 file=None) -> Document:
    """A new document of the space's library: a file (its version 1) or a link, not both."""
    return _document_add(space=space, by=by, title=title, kind=kind, visibility=visibility,
                         description=description, url=url, file=file, text=text_of(file))


@transaction.atomic
def _document_add(*, space, by, title, kind, visibility, description, url, file, text) -> Document:
    title = _check_fields(title=title, kind=kind, visibility=visibility)
    url = _check_url(url)
    if bool(url) == bool(file):
        raise DomainError(_("Joignez un fichier ou indiquez un lien vers le document, pas les deux."),
                          field="file")
    checked = check_file(file) if file else None
    document = Document.objects.create(space=space, title=title, description=(description or "").strip(),
                                       kind=kind, visibility=visibility, url=url,
                                       author=by if getattr(by, "pk", None) else None)
    if checked:
        _store_version(document=document, by=by, file=file, checked=checked, text=text)
    audit.record(action="document.added", actor=by, target=document, target_label=title,
                 document_kind=kind, document_visibility=visibility)
    notify_document_added(document, by=by)
    return document


def document_version_add(*, document: Document, by, file) -> DocumentVersion:
    """A new version of a document's file; the earlier ones stay, each downloadable. It notifies no one
    (the document was announced when it was added; a version is not news worth an e-mail)."""
    return _document_version_add(document=document, by=by, file=file, text=text_of(file))


@transaction.atomic
def _document_version_add(*, document: Document, by, file, text: str) -> DocumentVersion:
    if document.url:
        raise DomainError(_("Ce document est un lien : il n'a pas de versions."), field="file")
    if not file:
        raise DomainError(_("Joignez le fichier de la nouvelle version."), field="file")
    checked = check_file(file)
    version = _store_version(document=document, by=by, file=file, checked=checked, text=text)
    Document.objects.filter(pk=document.pk).update(updated_at=version.created_at)
    audit.record(action="document.version_added", actor=by, target=document, target_label=document.title,
                 version=version.number)
    return version


@transaction.atomic
def document_update(*, document: Document, by, title: str, kind: str, visibility: str,
                    description: str = "", url: str | None = None) -> Document:
    title = _check_fields(title=title, kind=kind, visibility=visibility)
    changed = []
    values = {"title": title, "kind": kind, "visibility": visibility, "description": (description or "").strip()}
    if document.url and url is not None:
        if not url.strip():
            raise DomainError(_("Indiquez le lien vers le document."), field="url")
        values["url"] = _check_url(url)
    for name, value in values.items():
        if getattr(document, name) != value:
            setattr(document, name, value)
            changed.append(name)
    if changed:
        document.save()
        audit.record(action="document.changed", actor=by, target=document, target_label=title,
                     document_fields=changed)
    return document


@transaction.atomic
def document_delete(*, document: Document, by) -> None:
    """Delete a document and every version; the files go once the deletion is committed."""
    names = [(version.file.storage, version.file.name) for version in document.versions.all() if version.file]
    audit.record(action="document.deleted", actor=by, target=document, target_label=document.title)
    comments_delete_for("document", [document.pk])
    document.delete()
    for storage, name in names:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
