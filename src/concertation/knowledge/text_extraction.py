"""The words of an uploaded file, read once at upload for the search (issue 17).

``extract_text(file, content_type) -> str`` answers the text of a PDF (pypdf), of an office document
(OOXML docx/xlsx/pptx: their XML parts; OpenDocument: ``content.xml``) or of a CSV/plain text file,
and an empty string for anything else. It never raises: a file it cannot read has no text, and the
upload goes on.

Every read is bounded, because the file is the uploader's word:
- at most ``MAX_CHARS`` characters are kept;
- a PDF is read for at most ``PDF_PAGES`` pages and ``PDF_SECONDS`` seconds (checked between pages and
  between the operators of a page); a page whose drawing instructions (its content and the forms it
  draws) pass ``PDF_PAGE_BYTES`` once inflated is skipped: pypdf parses them whole before reading a
  word, at about a third of a megabyte a second, and a few kilobytes of PDF may inflate to 75 MB;
- a zip's parts are inflated in chunks, at most ``ZIP_BYTES`` bytes in all and ``ZIP_PARTS`` parts:
  a few kilobytes of zip that inflate to gigabytes (a zip bomb) stop at the budget, whatever sizes
  the archive declares;
- the XML is parsed as a stream by expat, and a part that declares entities or a DTD is skipped
  (no entity expansion, no external fetch).
"""

from __future__ import annotations

import logging
import re
import time
import zipfile
from xml.parsers import expat

from . import filetypes

logger = logging.getLogger(__name__)

MAX_CHARS = 200_000
PDF_PAGES = 500
PDF_SECONDS = 10.0
PDF_PAGE_BYTES = 1024 * 1024
ZIP_BYTES = 32 * 1024 * 1024
ZIP_PARTS = 300
CHUNK = 64 * 1024

# Namespaces of the XML parts, and the elements whose character data is text.
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


class _Budget:
    """What is left to read: bytes inflated from the zip, characters kept."""

    def __init__(self):
        self.bytes = ZIP_BYTES
        self.parts: list[str] = []
        self.chars = 0

    @property
    def full(self) -> bool:
        return self.chars >= MAX_CHARS or self.bytes <= 0

    def add(self, text: str) -> None:
        if text and not self.chars >= MAX_CHARS:
            text = text[: MAX_CHARS - self.chars]
            self.parts.append(text)
            self.chars += len(text)


class _Refused(Exception):
    pass


class _XmlText:
    """Collect the character data inside ``keep`` elements; ``breaks`` end a line, ``spaces`` stand
    for a space or a tab (names are « namespace local », expat's namespace form)."""

    def __init__(self, budget: _Budget, *, keep: set[str], breaks: set[str], spaces: dict[str, str]):
        self.budget, self.keep, self.breaks, self.spaces = budget, keep, breaks, spaces
        self.depth = 0

    def start(self, name, attrs):
        if name in self.keep:
            self.depth += 1
        elif name in self.spaces and self.depth:
            self.budget.add(self.spaces[name])

    def end(self, name):
        if name in self.keep:
            self.depth -= 1
        if name in self.breaks:
            self.budget.add("\n")

    def data(self, text):
        if self.depth:
            self.budget.add(text)

    def parse(self, entry) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data
        parser.EntityDeclHandler = self._refuse
        parser.StartDoctypeDeclHandler = self._refuse
        parser.ExternalEntityRefHandler = self._refuse
        while not self.budget.full:
            chunk = entry.read(min(CHUNK, self.budget.bytes))
            if not chunk:
                break
            self.budget.bytes -= len(chunk)
            parser.Parse(chunk, False)
        if not self.budget.full:
            parser.Parse(b"", True)

    @staticmethod
    def _refuse(*args):
        raise _Refused("DTD or entity in an office document's XML")


def _number(name: str) -> int:
    found = re.search(r"(\d+)\.xml$", name)
    return int(found.group(1)) if found else 0


def _parts(names: list[str], content_type: str) -> tuple[list[str], dict]:
    """The XML parts holding the text of this kind of document, in reading order, and how to read them."""
    if content_type == filetypes.DOCX.content_type:
        wanted = [n for n in ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml") if n in names]
        return wanted, {"keep": {f"{W} t"}, "breaks": {f"{W} p"}, "spaces": {f"{W} tab": "\t", f"{W} br": "\n"}}
    if content_type == filetypes.XLSX.content_type:
        sheets = sorted((n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)), key=_number)
        wanted = [n for n in ["xl/sharedStrings.xml"] if n in names] + sheets
        return wanted, {"keep": {f"{S} t"}, "breaks": {f"{S} si", f"{S} is"}, "spaces": {}}
    if content_type == filetypes.PPTX.content_type:
        slides = sorted((n for n in names if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)), key=_number)
        return slides, {"keep": {f"{A} t"}, "breaks": {f"{A} p"}, "spaces": {f"{A} br": "\n"}}
    if content_type in filetypes.ODF_TYPES:
        return ([n for n in ["content.xml"] if n in names],
                {"keep": {f"{ODF_TEXT} p", f"{ODF_TEXT} h"}, "breaks": {f"{ODF_TEXT} p", f"{ODF_TEXT} h"},
                 "spaces": {f"{ODF_TEXT} s": " ", f"{ODF_TEXT} tab": "\t", f"{ODF_TEXT} line-break": "\n"}})
    return [], {}


def _zip_text(file, content_type: str) -> str:
    budget = _Budget()
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        names = archive.namelist()
        wanted, how = _parts(names, content_type)
        for name in wanted[:ZIP_PARTS]:
            if budget.full:
                break
            with archive.open(name) as entry:
                _XmlText(budget, **how).parse(entry)
    return "".join(budget.parts)


def _page_weight(page) -> int:
    """The inflated size of a page's drawing instructions: its content and the forms it draws,
    counted once each, up to a little past ``PDF_PAGE_BYTES``."""
    contents = page.get_contents()
    total = len(contents.get_data()) if contents is not None else 0
    seen: set[int] = set()
    stack = [page.get("/Resources")]
    while stack and total <= PDF_PAGE_BYTES:
        resources = stack.pop()
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
        xobjects = xobjects.get_object() if xobjects is not None else None
        for ref in (xobjects.values() if hasattr(xobjects, "values") else ()):
            form = ref.get_object()
            if id(form) in seen or not hasattr(form, "get_data") or form.get("/Subtype") != "/Form":
                continue
            seen.add(id(form))
            total += len(form.get_data())
            stack.append(form.get("/Resources"))
    return total


class _Late(Exception):
    pass


def _pdf_text(file) -> str:
    from pypdf import PdfReader  # imported late: most requests never read a PDF

    file.seek(0)
    reader = PdfReader(file)
    if reader.is_encrypted:
        return ""
    deadline = time.monotonic() + PDF_SECONDS

    def in_time(*_args):  # called by pypdf before each operator (a form drawn a thousand times)
        if time.monotonic() > deadline:
            raise _Late

    budget = _Budget()
    for number, page in enumerate(reader.pages):
        if number >= PDF_PAGES or budget.full or time.monotonic() > deadline:
            break
        if _page_weight(page) > PDF_PAGE_BYTES:
            continue
        try:
            budget.add(page.extract_text(visitor_operand_before=in_time) or "")
        except _Late:
            break
        budget.add("\n")
    return "".join(budget.parts)


def _plain_text(file) -> str:
    file.seek(0)
    # Four bytes at most per character: enough for MAX_CHARS characters.
    return file.read(MAX_CHARS * 4).decode("utf-8-sig", "replace")[:MAX_CHARS]


def _clean(text: str) -> str:
    """No NUL (PostgreSQL refuses it in text), no lone surrogate, runs of blank lines shortened."""
    text = text.replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")
    # Line by line, without a regular expression that backtracks (a long run of spaces would take
    # quadratic time).
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()[:MAX_CHARS]


def extract_text(file, content_type: str) -> str:
    """The text of ``file`` (an open file or upload, read from its start), or "" if it has none or
    cannot be read. Leaves the file at its start."""
    try:
        if content_type == filetypes.PDF.content_type:
            text = _pdf_text(file)
        elif content_type in (filetypes.DOCX.content_type, filetypes.XLSX.content_type,
                              filetypes.PPTX.content_type) or content_type in filetypes.ODF_TYPES:
            text = _zip_text(file, content_type)
        elif content_type in (filetypes.CSV.content_type, filetypes.TEXT.content_type):
            text = _plain_text(file)
        else:
            return ""
        return _clean(text)
    except Exception:  # a file we cannot read has no text; the upload goes on
        logger.info("No text read from a %s file", content_type, exc_info=True)
        return ""
    finally:
        try:
            file.seek(0)
        except Exception:  # noqa: S110 - a closed file: nothing to rewind
            pass
