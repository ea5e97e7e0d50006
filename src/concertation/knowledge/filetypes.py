"""The type of an uploaded file, read from its content (its first bytes, or a zip's entries), never
from its name: a program renamed « rapport.pdf » is refused.

``sniff(upload, filename)`` answers a ``FileType`` (content type and the extensions it may carry) or
raises ``Refused`` with the reason. Accepted: PDF, PNG, JPEG, GIF, WebP, office documents
(OOXML docx/xlsx/pptx and OpenDocument, by their zip entries; the older OLE2 .doc/.xls/.ppt) and
text (CSV or plain: decodable, without NUL, not markup).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from concertation.core.files import extension

SAMPLE = 8192
MIMETYPE_READ = 100  # bytes of an OpenDocument's « mimetype » entry read to know its type


class Refused(Exception):
    """The content is not one the library accepts; ``reason`` is "executable", "markup" or "unknown"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]

    @property
    def default_extension(self) -> str:
        return self.extensions[0]


PDF = FileType("application/pdf", (".pdf",))
PNG = FileType("image/png", (".png",))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"))
GIF = FileType("image/gif", (".gif",))
WEBP = FileType("image/webp", (".webp",))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
ODT = FileType("application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", (".ods",))
ODP = FileType("application/vnd.oasis.opendocument.presentation", (".odp",))
DOC = FileType("application/msword", (".doc",))
XLS = FileType("application/vnd.ms-excel", (".xls",))
PPT = FileType("application/vnd.ms-powerpoint", (".ppt",))
CSV = FileType("text/csv", (".csv",))
TEXT = FileType("text/plain", (".txt",))
RTF = FileType("application/rtf", (".rtf",))

ODF_TYPES = {t.content_type: t for t in (ODT, ODS, ODP)}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Programs of every common system, and scripts: refused whatever their name.
EXECUTABLES = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe",
               b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\x00asm", b"dex\n")


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SAMPLE)
    upload.seek(0)
    return head or b""


def _zip_type(upload) -> FileType:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # At most 100 bytes of the entry: its declared size is the uploader's word, and a few
                # kilobytes of zip can inflate to gigabytes (a zip bomb named .odt).
                with archive.open("mimetype") as entry:
                    declared = entry.read(MIMETYPE_READ).decode("ascii", "replace").strip()
                if declared in ODF_TYPES:
                    return ODF_TYPES[declared]
            if "[Content_Types].xml" in names:
                prefixes = {name.split("/", 1)[0] for name in names}
                for folder, kind in (("word", DOCX), ("xl", XLSX), ("ppt", PPTX)):
                    if folder in prefixes:
                        return kind
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        pass
    finally:
        upload.seek(0)
    raise Refused("unknown")


def _text_type(head: bytes, filename: str) -> FileType:
    if b"\x00" in head:
        raise Refused("unknown")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may cut a character in two at its end; any other undecodable byte is binary.
        if error.start < len(head) - 4:
            raise Refused("unknown") from None
        text = head[: error.start].decode("utf-8")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        raise Refused("markup")  # HTML, SVG, XML: a browser could run what they hold
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in stripped):
        raise Refused("unknown")
    return CSV if extension(filename) == ".csv" else TEXT


def sniff(upload, filename: str = "") -> FileType:
    """The type of the file, from its content."""
    head = _head(upload)
    if not head:
        raise Refused("unknown")
    if head.startswith(EXECUTABLES):
        raise Refused("executable")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(upload)
    if head.startswith(b"{\\rtf"):
        return RTF
    if head.startswith(OLE2):
        return {".xls": XLS, ".ppt": PPT}.get(extension(filename), DOC)
    return _text_type(head, filename)


def download_name(filename: str, kind: FileType) -> str:
    """The download name with an extension that matches the content (« budget.exe » holding a PDF
    is offered as « budget.exe.pdf »): the browser then treats the file as what it is."""
    if extension(filename) in kind.extensions:
        return filename
    return filename + kind.default_extension
