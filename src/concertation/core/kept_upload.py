"""An uploaded file kept between an import's preview and its confirmation.

In the session when it is small, otherwise in the default storage under imports/<uuid> (files of
previews never confirmed are removed after a day). The confirmation hands back the file only with
the preview's token and for the same object (the territory, the plan) it was previewed for.
"""

from __future__ import annotations

import base64
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from .tabular import ImportRefused

logger = logging.getLogger(__name__)

INLINE_LIMIT = 1024 * 1024
STORAGE_DIR = "imports"


@dataclass(frozen=True)
class KeptUpload:
    session_key: str       # one per kind of import: two previews of different kinds do not collide
    file_prefix: str = ""  # in the storage, imports/<prefix><uuid>

    def keep(self, request, *, owner: tuple[str, int], name: str, data: bytes) -> str:
        """Keep the file for `owner` (e.g. ("plan", 12)); the token to send back with the confirmation."""
        self.forget(request)
        token = uuid.uuid4().hex
        kept = {"token": token, owner[0]: owner[1], "name": name[:200]}
        if len(data) <= INLINE_LIMIT:
            kept["inline"] = base64.b64encode(data).decode("ascii")
        else:
            _purge_stale()
            kept["path"] = default_storage.save(f"{STORAGE_DIR}/{self.file_prefix}{token}", ContentFile(data))
        request.session[self.session_key] = kept
        return token

    def take(self, request, *, owner: tuple[str, int]) -> tuple[bytes, str] | None:
        """(data, file name) when the posted token and the owner match the kept file, else None."""
        kept = request.session.get(self.session_key)
        if not kept or kept.get("token") != request.POST.get("token") or kept.get(owner[0]) != owner[1]:
            return None
        data = _read(kept)
        return (data, kept["name"]) if data is not None else None

    def forget(self, request) -> None:
        kept = request.session.pop(self.session_key, None)
        if kept and kept.get("path"):
            try:
                default_storage.delete(kept["path"])
            except OSError:
                logger.warning("Could not delete the kept import file %s", kept["path"])


def _read(kept: dict) -> bytes | None:
    if "inline" in kept:
        return base64.b64decode(kept["inline"])
    try:
        with default_storage.open(kept["path"], "rb") as stored:
            return stored.read()
    except (OSError, KeyError):
        return None


def _purge_stale() -> None:
    """Files of previews never confirmed: gone after a day."""
    limit = timezone.now() - timedelta(days=1)
    try:
        _dirs, files = default_storage.listdir(STORAGE_DIR)
        for name in files:
            path = f"{STORAGE_DIR}/{name}"
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
    except (OSError, NotImplementedError):
        pass


@dataclass
class Previewed:
    """The first step of an import: what the file would do, and the token to confirm it (None when
    the file has errors: nothing is kept)."""

    preview: object
    token: str | None
    filename: str


def preview_upload(request, kept: KeptUpload, *, owner: tuple[str, int], upload, importer) -> Previewed:
    """Read the uploaded file once, preview it with ``importer``, and keep it for the confirmation
    only when the preview has no error."""
    data = upload.read()
    preview = importer.preview(importer.read(data, filename=upload.name))
    if not preview.ok:
        kept.forget(request)
        return Previewed(preview=preview, token=None, filename=upload.name)
    token = kept.keep(request, owner=owner, name=upload.name, data=data)
    return Previewed(preview=preview, token=token, filename=upload.name)


@dataclass
class Applied:
    """What confirming a previewed import gave: the importer that ran, or the refusal (the data
    changed since the preview), or neither (the preview is gone)."""

    importer: object | None = None
    refused: ImportRefused | None = None
    filename: str = ""


def apply_previewed(request, kept: KeptUpload, *, owner: tuple[str, int], make_importer) -> Applied:
    """Confirm an import: read the kept file again and apply it all or nothing, with the person's
    message for a preview that is gone or data that changed since; the kept file is forgotten."""
    taken = kept.take(request, owner=owner)
    if taken is None:
        messages.error(request, _("Cet aperçu n'est plus disponible : téléversez le fichier de nouveau."))
        return Applied()
    data, filename = taken
    importer = make_importer()
    try:
        importer.apply(importer.read(data, filename=filename), by=request.user)
    except ImportRefused as refused:
        kept.forget(request)
        messages.error(request, _("Rien n'a été importé : les données ont changé depuis l'aperçu. Corrigez les "
                                  "lignes signalées, puis téléversez le fichier de nouveau."))
        return Applied(refused=refused, filename=filename)
    kept.forget(request)
    return Applied(importer=importer, filename=filename)
