"""Private files: random stored names, human download names, and one way to send a file.

Uploaded files are never served by address (no /media/ URL): an app's view checks that the person
may see the object the file is attached to, then calls ``file_response``. The stored name is random
(nothing to guess); the name the person downloads is the original one, cleaned up. Only the storage
API is used (open, and path when the storage has one), so disk and S3-compatible storages both
work (settings.STORAGES["default"], docs/deployment.md).

``FILE_DOWNLOAD_HANDOFF`` lets the web server send the bytes once Django has said yes:
"" (Django streams the file, the default), "x-accel-redirect" (nginx: an internal location under
``FILE_DOWNLOAD_HANDOFF_PREFIX``) or "x-sendfile" (Apache's mod_xsendfile, lighttpd: the file's
path on disk). Only files on this machine's disk are handed over; others (a bucket) are streamed.
"""

from __future__ import annotations

import io
import mimetypes
import os
import posixpath
import re
import secrets
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

# Shown in the browser: formats that run no script there. Everything else is downloaded.
INLINE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
# Never announced as such, even for a download: a browser could render them on our origin.
ACTIVE_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
                "text/javascript", "application/javascript", "application/x-javascript")
HANDOFFS = ("", "x-accel-redirect", "x-sendfile")
MAX_NAME_LENGTH = 150
_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|]+')
_RANDOM = re.compile(r"[0-9a-f]{32}(\.[a-z0-9]{1,8})?")


def extension(name: str) -> str:
    """The lowercase extension of a name (".pdf"), or "" when it is not a plain one."""
    suffix = posixpath.splitext(name.replace("\\", "/"))[1].lower()
    return suffix if _EXTENSION.fullmatch(suffix) else ""


def random_name(prefix: str, original: str) -> str:
    """A stored name nobody can guess: "<prefix>/<128 random bits in hex><.ext>". The extension is
    kept for the administrator's sake and for web servers that read the type from it."""
    return f"{prefix}/{secrets.token_hex(16)}{extension(original)}"


def is_random_name(name: str) -> bool:
    return bool(_RANDOM.fullmatch(posixpath.basename(name or "")))


def safe_filename(name: str, default: str = "document") -> str:
    """The original name as a download name: no folders, no control or reserved characters, at most
    150 characters (the extension kept)."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    # Bidirectional controls and zero-width characters (Unicode « format », Cf) go: « facture\u202efdp.exe »
    # would show as « factureexe.pdf » in the browser's download bar and in the library.
    base = "".join(character for character in base if unicodedata.category(character) != "Cf")
    base = " ".join(_UNSAFE.sub(" ", base).split()).strip(" .")
    if len(base) > MAX_NAME_LENGTH:
        stem, ext = posixpath.splitext(base)
        ext = ext if len(ext) <= 10 else ""
        base = stem[: MAX_NAME_LENGTH - len(ext)].rstrip(" .") + ext
    return base or default


def content_type_of(filename: str) -> str:
    ext = extension(filename)
    if ext in INLINE_TYPES:
        return INLINE_TYPES[ext]
    guessed = mimetypes.guess_type(f"x{ext}")[0] if ext else None
    if not guessed or guessed in ACTIVE_TYPES or "script" in guessed:
        return "application/octet-stream"
    return guessed


def _headers(filename: str) -> dict[str, str]:
    inline = extension(filename) in INLINE_TYPES
    return {
        "Content-Type": content_type_of(filename),
        "Content-Disposition": content_disposition_header(not inline, filename),
        "X-Content-Type-Options": "nosniff",
        # Members-only papers stay out of shared caches and of the browser's disk cache.
        "Cache-Control": "private, no-store",
    }


def _local_path(storage, name: str) -> str | None:
    """The file's path on this machine's disk, or None (object storage, in-memory, missing file)."""
    try:
        path = storage.path(name)
    except (NotImplementedError, SuspiciousFileOperation):
        return None
    return path if os.path.isfile(path) else None


def _handoff(storage, name: str) -> tuple[str, str] | None:
    """The header that hands the sending over to the web server, or None to stream it ourselves.
    Only for files on this machine's disk: the web server reads them there; a bucket is streamed."""
    mode = getattr(settings, "FILE_DOWNLOAD_HANDOFF", "")
    if mode not in ("x-accel-redirect", "x-sendfile"):
        return None
    path = _local_path(storage, name)
    if path is None:
        return None  # streamed below, or the 404 of a missing file
    if mode == "x-sendfile":
        return "X-Sendfile", path
    prefix = getattr(settings, "FILE_DOWNLOAD_HANDOFF_PREFIX", "/protected-files/")
    return "X-Accel-Redirect", prefix.rstrip("/") + "/" + quote(name)


def file_response(field_file, filename: str) -> HttpResponse:
    """The file of a FileField, to a person already allowed to see it; a missing file raises the same
    404 as a missing object."""
    name = getattr(field_file, "name", "") or ""
    if not name:
        raise Http404
    storage = field_file.storage
    headers = _headers(filename)
    handoff = _handoff(storage, name)
    if handoff is not None:
        response = HttpResponse(b"", headers=headers)
        response[handoff[0]] = handoff[1]
        return response
    try:
        opened = storage.open(name, "rb")
    except (OSError, SuspiciousFileOperation):  # missing (FileNotFoundError), or a name out of the storage
        raise Http404 from None
    response = FileResponse(opened, content_type=headers.pop("Content-Type"))
    for header, value in headers.items():
        response[header] = value
    return response


def download_response(content: bytes, filename: str, content_type: str) -> FileResponse:
    """Bytes made for this person (an import template, an export) as a download under ``filename``,
    kept by no cache."""
    response = FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
