"""CSV text into numbered records, refusing what an unclosed quotation mark would swallow.

A quotation mark that opens a cell and is never closed (or closed much later) turns the following
lines of the file into one cell: the rows below silently become part of a name. Spreadsheets do
write legitimate multi-line cells (an address, a note), so the rule is explicit:

A record that spans several lines of the file is accepted only when
1. every quotation mark opened in it is closed before the end of the file;
2. no line inside one of its cells, after the cell's first line, looks like a row of its own: it
   holds the file's delimiter at least half as many times as the header line does (and at least
   once);
3. it has no more cells than the header line.

Otherwise the whole file is refused, naming the line of the file where the quotation mark opened.
(``TabularImport`` adds a fourth check per row: only the columns declared ``multiline`` may hold a
line break.)
"""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DELIMITERS = (",", ";", "\t")
LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Refused(Exception):
    """The file cannot be read; the message (in the active language) says how to fix it."""


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # "Unicode text" from Excel: UTF-16 with a BOM
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(_("Le fichier n'est pas encodé en UTF-8 : les lettres accentuées seraient mal lues. "
                        "Dans Excel, choisissez « Enregistrer sous », puis le type « CSV UTF-8 (délimité par "
                        "des virgules) »; dans LibreOffice, cochez « Éditer les paramètres du filtre » et "
                        "choisissez le jeu de caractères « Unicode (UTF-8) ». Vous pouvez aussi importer "
                        "le classeur Excel (.xlsx) tel quel.")) from None
    if "\x00" in text:
        raise Refused(_("Ce fichier ne contient pas du texte : importez un fichier CSV ou un classeur Excel (.xlsx)."))
    return text


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of the header line: comma, semicolon (French-language Excel) or tab."""
    counts = {delimiter: 0 for delimiter in DELIMITERS}
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def csv_rows(data: bytes):
    """Yield ``(number, cells)``, ``number`` counting records as a spreadsheet shows them (the
    header is 1); raise ``Refused`` for a malformed file, before yielding the record at fault."""
    text = decode(data)
    first_line, _newline, rest = text.partition("\n")
    delimiter, offset = None, 0
    if first_line.strip().lower().startswith("sep=") and len(first_line.strip()) == 5:
        delimiter, text, offset = first_line.strip()[4], rest, 1  # Excel's "sep=;" hint line
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = delimiter or sniff_delimiter(header_line)
    width = None
    held = None  # each record is checked once the next one is read: only the last may be unclosed
    for record in _records(text, delimiter, offset):
        if held is not None:
            yield _checked(held, delimiter, width, last=False)
        if width is None and any(cell.strip() for cell in record[3]):
            width = _width(record[3])
        held = record
    if held is not None:
        yield _checked(held, delimiter, width, last=True)


def _checked(record, delimiter: str, width: int | None, *, last: bool):
    number, line, raw, cells = record
    opened = _unclosed_quote(raw, delimiter) if last else None
    if opened is not None:
        raise Refused(_("Ligne %(line)s du fichier : un guillemet ouvert n'est jamais refermé, si bien que "
                        "toute la suite du fichier serait lue comme une seule cellule. Refermez ce guillemet "
                        "ou retirez-le, puis téléversez le fichier de nouveau.") % {"line": line + opened})
    if width is not None and len(raw) > 1:
        _check_multiline(line, cells, delimiter, width)
    return number, cells


def _records(text: str, delimiter: str, offset: int):
    """Yield ``(number, line, raw_lines, cells)``: ``line`` is the line of the file where the
    record starts (counting a "sep=" hint line), ``raw_lines`` the lines it was read from."""
    consumed: list[str] = []

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    number, line = offset, offset + 1
    try:
        for number, cells in enumerate(reader, start=offset + 1):  # noqa: B007
            raw = consumed[:]
            consumed.clear()
            yield number, line, raw, cells
            line += len(raw)
    except csv.Error:
        raise Refused(_("Ligne %(line)s : le fichier CSV est mal formé. Vérifiez qu'aucun guillemet n'est "
                        "resté ouvert et qu'aucune cellule ne dépasse 100 000 caractères.")
                      % {"line": number + 1}) from None


def _width(cells: list[str]) -> int:
    """The number of cells, without the empty ones at the end of the line."""
    width = len(cells)
    while width and not cells[width - 1].strip():
        width -= 1
    return width


def _check_multiline(line: int, cells: list[str], delimiter: str, width: int) -> None:
    """Rules 2 and 3 of the module's docstring for a record read from several lines."""
    threshold = max(1, width // 2)
    opened = line
    for cell in cells:
        parts = LINE_BREAK.split(cell)
        if len(parts) > 1 and any(part.count(delimiter) >= threshold for part in parts[1:]):
            count = len(parts) - 1
            raise Refused(ngettext(
                "Ligne %(line)s du fichier : un guillemet ouvert dans cette ligne n'est refermé qu'à la ligne "
                "suivante, qui serait lue comme une partie de cette cellule. Refermez ce guillemet à la fin "
                "de sa cellule ou retirez-le, puis téléversez le fichier de nouveau.",
                "Ligne %(line)s du fichier : un guillemet ouvert dans cette ligne n'est refermé que "
                "%(count)s lignes plus loin, si bien que les lignes entre les deux seraient lues comme "
                "une seule cellule. Refermez ce guillemet à la fin de sa cellule ou retirez-le, puis "
                "téléversez le fichier de nouveau.", count) % {"line": opened, "count": count})
        opened += len(parts) - 1
    if _width(cells) > width:
        raise Refused(_("Ligne %(line)s du fichier : cette ligne et les suivantes forment une seule ligne du "
                        "tableau, qui compte plus de cellules que la ligne d'en-têtes. Vérifiez qu'aucun "
                        "guillemet n'y est resté ouvert.") % {"line": line})


def _unclosed_quote(raw_lines: list[str], delimiter: str) -> int | None:
    """The index of the line where a quoted cell opened and never closed, or None.

    Follows the reading of Python's csv module (double quotes escape a quote; a quote opens a cell
    only as its first character; what follows a closing quote is kept, as a lenient reader does)."""
    start, quoted, quote_seen, opened_at = True, False, False, 0
    for index, raw in enumerate(raw_lines):
        for char in raw:
            if quoted:
                if char == '"':
                    quoted, quote_seen = False, True
                continue
            if quote_seen and char == '"':
                quoted, quote_seen = True, False
                continue
            quote_seen = False
            if char == delimiter or char in "\r\n":
                start = True
            elif start and char == '"':
                start, quoted, opened_at = False, True, index
            else:
                start = False
    return opened_at if quoted else None
