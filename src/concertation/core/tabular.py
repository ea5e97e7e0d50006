"""Tables from the files people already have (CSV or XLSX), checked row by row, applied all or nothing.

The engine is generic: an import declares its ``Column`` list (French and English header names,
matched without regard to case, accents or punctuation) and subclasses ``TabularImport`` with a
per-row check and a per-row write. ``read_table`` turns an uploaded file into numbered rows of
plain strings (tabular_csv.py says when a quotation mark left open makes a CSV file unreadable);
``TabularImport.preview`` checks every row without writing; ``TabularImport.apply``
checks again inside one transaction and writes only when no row has an error.

Writers (``write_csv``, ``write_xlsx``, ``template_csv``, ``template_xlsx``) neutralize
spreadsheet formulas (CSV injection) in every cell they emit.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.core.files import download_response
from concertation.core.tabular_csv import Refused as _Refused
from concertation.core.tabular_csv import csv_rows as _csv_rows
from concertation.core.tabular_csv import sniff_delimiter  # noqa: F401  (part of this module's API)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)


# Columns and headers ----------------------------------------------------------------------------

def normalize(text: Any) -> str:
    """Lower case, no accents, punctuation folded to single spaces: « Courriel (déléguée) » → "courriel deleguee"."""
    text = unicodedata.normalize("NFKD", str(text or "")).casefold()
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def english() -> bool:
    return (get_language() or "fr").lower().startswith("en")


def quote(text: Any) -> str:
    """Quotation marks of the active language: « texte » in French, “text” in English."""
    return f"“{text}”" if english() else f"« {text} »"


@dataclass(frozen=True)
class Column:
    """One column of an import. ``headers[0]`` is its French header, ``headers[1]`` its English one;
    any further headers are accepted aliases. All are compared with ``normalize``."""

    key: str
    headers: tuple[str, ...]
    required: bool = False
    multiline: bool = False  # may hold a line break (an address, a note); elsewhere one is a row error

    def header(self, language: str | None = None) -> str:
        language = language or get_language() or "fr"
        return self.headers[1] if language.lower().startswith("en") and len(self.headers) > 1 else self.headers[0]

    @property
    def aliases(self) -> set[str]:
        return {normalize(header) for header in self.headers}


@dataclass
class Row:
    number: int  # the line number as a spreadsheet shows it: the header is line 1
    values: dict[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems with the file as a whole
    ignored_headers: list[str] = field(default_factory=list)
    format: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


# Reading ----------------------------------------------------------------------------------------

def read_table(source, *, columns: list[Column], filename: str | None = None,
               max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Table:
    """Read a CSV or XLSX file (bytes or a file object) into rows keyed by ``Column.key``.

    Never raises for bad input: problems with the file are in ``Table.errors``, in the active
    language, each saying how to fix it.
    """
    table = Table()
    try:
        data = _read_bytes(source, max_bytes)
        filename = filename or getattr(source, "name", "") or ""
        if data.startswith(ZIP_MAGIC):
            table.format = "xlsx"
            cells = _xlsx_rows(data)
        elif data.startswith(OLE_MAGIC):
            raise _Refused(_("Ce fichier est un ancien classeur Excel (.xls). Dans Excel, choisissez "
                             "« Enregistrer sous » puis « Classeur Excel (.xlsx) » ou « CSV UTF-8 »."))
        elif filename.lower().endswith((".xlsx", ".xlsm")):
            raise _Refused(_("Ce fichier porte l'extension .xlsx, mais ce n'est pas un classeur Excel valide. "
                             "Enregistrez-le de nouveau depuis Excel, ou en « CSV UTF-8 »."))
        else:
            table.format = "csv"
            cells = _csv_rows(data)
        _fill(table, cells, columns, max_rows)
    except _Refused as refused:
        table.errors.append(str(refused))
        table.rows = []
    return table


def _read_bytes(source, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _Refused(_("Le fichier dépasse %(size)s Mo : divisez-le en plusieurs fichiers.")
                       % {"size": max_bytes // (1024 * 1024)})
    if not data.strip():
        raise _Refused(_("Le fichier est vide : ajoutez une ligne d'en-têtes et au moins une ligne de données."))
    return data


def _xlsx_rows(data: bytes):
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "xl/workbook.xml" not in names:
                raise _Refused(_("Ce fichier compressé n'est pas un classeur Excel (.xlsx). Les fichiers "
                                 "OpenDocument (.ods) et Numbers ne sont pas acceptés : enregistrez-le en "
                                 ".xlsx ou en « CSV UTF-8 »."))
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise _Refused(_("Ce classeur est trop volumineux une fois décompressé : "
                                 "gardez seulement la feuille à importer."))
    except zipfile.BadZipFile:
        raise _Refused(_("Ce classeur Excel est endommagé ou incomplet : enregistrez-le de nouveau, "
                         "ou en « CSV UTF-8 ».")) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        raise _Refused(_("Ce classeur Excel est illisible : enregistrez-le de nouveau, ou en « CSV UTF-8 »."))  # noqa: B904
    try:
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some writers record a wrong size; read what is there
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(value) for value in values]
    except _Refused:
        raise
    except Exception:
        raise _Refused(_("Ce classeur Excel est illisible : enregistrez-le de nouveau, ou en « CSV UTF-8 »."))  # noqa: B904
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """A spreadsheet value as the text a person typed: dates in ISO form, 12.0 as "12"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean(value: str) -> str:
    value = (value or "").replace("\u00a0", " ").strip()
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        value = value[1:]  # written by safe_cell: give back what the person meant
    return value


def _fill(table: Table, cells, columns: list[Column], max_rows: int) -> None:
    by_alias = {}
    for column in columns:
        for alias in column.aliases:
            by_alias.setdefault(alias, column)
    mapping: dict[int, str] | None = None
    for number, values in cells:
        values = [_clean(value) for value in values]
        if not any(values):
            continue
        if mapping is None:
            mapping = _map_headers(table, values, by_alias, columns)
            continue
        row = {column.key: "" for column in columns}  # absent columns read as empty cells
        for index, key in mapping.items():
            if index < len(values):
                row[key] = values[index]
        if not any(row.values()):
            continue  # nothing in the recognized columns: a blank or a notes-only line
        if len(table.rows) >= max_rows:
            raise _Refused(
                ngettext("Le fichier compte plus de %(max)s ligne : divisez-le en plusieurs fichiers.",
                         "Le fichier compte plus de %(max)s lignes : divisez-le en plusieurs fichiers.", max_rows)
                % {"max": formats.number_format(max_rows, force_grouping=True)}
            )
        table.rows.append(Row(number=number, values=row))
    if mapping is None:
        raise _Refused(_("Le fichier est vide : ajoutez une ligne d'en-têtes et au moins une ligne de données."))
    if not table.rows:
        raise _Refused(_("Le fichier contient les en-têtes, mais aucune ligne de données."))


def _map_headers(table: Table, headers: list[str], by_alias: dict[str, Column], columns: list[Column]):
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        column = by_alias.get(normalize(header))
        if column is None:
            table.ignored_headers.append(header)
            continue
        if column.key in seen:
            raise _Refused(_("Les colonnes « %(first)s » et « %(second)s » désignent la même information : "
                             "gardez-en une seule.") % {"first": seen[column.key], "second": header})
        seen[column.key] = header
        mapping[index] = column.key
    missing = [column.header() for column in columns if column.required and column.key not in seen]
    if missing:
        names = ", ".join(quote(name) for name in missing)
        raise _Refused(
            ngettext("Il manque la colonne obligatoire %(names)s. Ajoutez-la à la première ligne du fichier, "
                     "ou partez du modèle à télécharger.",
                     "Il manque les colonnes obligatoires %(names)s. Ajoutez-les à la première ligne du fichier, "
                     "ou partez du modèle à télécharger.", len(missing)) % {"names": names}
        )
    return mapping


# Values -----------------------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def parse_date(value: str) -> date:
    """A date written AAAA-MM-JJ (as Québec and ISO write it); raises ValueError otherwise."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


# Writing ----------------------------------------------------------------------------------------

def safe_cell(value: Any) -> str:
    """A cell that a spreadsheet will not run as a formula (CSV injection): ``=1+1`` → ``'=1+1``."""
    text = cell_text(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_csv(header: list[str], rows: list[list[Any]], *, delimiter: str | None = None) -> bytes:
    """UTF-8 with a BOM (Excel then reads accents right); semicolons for French-language Excel."""
    delimiter = delimiter or ("," if english() else ";")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(header: list[str], rows: list[list[Any]], *, title: str = "") -> bytes:
    """One sheet, a bold header row; every cell is stored as text so nothing runs as a formula."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Import")[:31])
    for index, text in enumerate(header):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = max(12, min(40, len(text) + 4))

    def text_cell(value, bold=False):
        cell = WriteOnlyCell(sheet, value=cell_text(value))
        cell.data_type = "s"  # never a formula, even when the text starts with "="
        if bold:
            cell.font = Font(bold=True)
        return cell

    sheet.append([text_cell(text, bold=True) for text in header])
    for row in rows:
        sheet.append([text_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_rows(columns: list[Column], examples: list[dict[str, str]], language: str | None = None):
    header = [column.header(language) for column in columns]
    rows = [[example.get(column.key, "") for column in columns] for example in examples]
    return header, rows


def template_csv(columns: list[Column], examples: list[dict[str, str]] = (), *, language: str | None = None) -> bytes:
    header, rows = template_rows(columns, list(examples), language)
    language = language or get_language() or "fr"
    return write_csv(header, rows, delimiter="," if language.startswith("en") else ";")


def template_xlsx(columns: list[Column], examples: list[dict[str, str]] = (), *, language: str | None = None,
                  title: str = "") -> bytes:
    header, rows = template_rows(columns, list(examples), language)
    return write_xlsx(header, rows, title=title)


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_response(columns: list[Column], examples: list[dict[str, str]], *, name: str, extension: str,
                      title: str = ""):
    """The import template as a download, ``name`` + ``extension`` (".csv" or ".xlsx", whose sheet is
    named ``title``)."""
    if extension == ".xlsx":
        return download_response(template_xlsx(columns, examples, title=title), name + extension, XLSX_TYPE)
    if extension == ".csv":
        return download_response(template_csv(columns, examples), name + extension, CSV_TYPE)
    raise ValueError(f"no import template in {extension!r}")


# Checking and applying, all or nothing -----------------------------------------------------------

@dataclass
class RowResult:
    row: Row
    errors: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # what importing this row will do, in plain words
    data: dict[str, Any] = field(default_factory=dict)  # cleaned values for apply_row

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Preview:
    table: Table
    results: list[RowResult] = field(default_factory=list)
    applied: bool = False

    @property
    def error_rows(self) -> list[RowResult]:
        return [result for result in self.results if result.errors]

    @property
    def error_count(self) -> int:
        return len(self.error_rows)

    @property
    def ok(self) -> bool:
        return self.table.ok and bool(self.results) and not self.error_rows


class ImportRefused(Exception):
    """Nothing was written: the preview says why, file-wide or row by row."""

    def __init__(self, preview: Preview):
        super().__init__(preview)
        self.preview = preview


class TabularImport:
    """Subclass with ``columns``, ``prepare`` (load what rows refer to, in a few queries, whatever
    the number of rows), ``check_row`` (fill ``result.errors``, ``actions`` and ``data``) and
    ``apply_row`` (write one checked row)."""

    columns: list[Column] = []

    def prepare(self, rows: list[Row]) -> None:
        """Load what the rows refer to, in a bounded number of queries."""

    def check_row(self, result: RowResult) -> None:
        raise NotImplementedError

    def check_line_breaks(self, result: RowResult) -> None:
        """A line break in a one-line column: a quotation mark left open swallowed the next lines."""
        for column in self.columns:
            if not column.multiline and ("\n" in result.row.get(column.key) or "\r" in result.row.get(column.key)):
                result.errors.append(_("La colonne %(column)s contient un saut de ligne, ce qu'elle n'accepte pas. "
                                       "Dans un fichier CSV, c'est souvent le signe d'un guillemet resté ouvert dans "
                                       "cette ligne : refermez-le ou retirez le saut de ligne.")
                                     % {"column": quote(column.header())})

    def apply_row(self, result: RowResult, *, by) -> None:
        raise NotImplementedError

    def read(self, source, *, filename: str | None = None) -> Table:
        return read_table(source, columns=self.columns, filename=filename)

    def preview(self, table: Table) -> Preview:
        preview = Preview(table=table)
        if not table.ok:
            return preview
        self.prepare(table.rows)
        for row in table.rows:
            result = RowResult(row=row)
            self.check_line_breaks(result)
            self.check_row(result)
            preview.results.append(result)
        return preview

    def apply(self, table: Table, *, by=None) -> Preview:
        """Check every row again and write them all, or write nothing and raise ``ImportRefused``."""
        try:
            with transaction.atomic():
                preview = self.preview(table)
                if not preview.ok:
                    raise ImportRefused(preview)
                for result in preview.results:
                    try:
                        self.apply_row(result, by=by)
                    except DomainError as error:
                        result.errors.append(str(error.message))
                        raise ImportRefused(preview) from error
                preview.applied = True
                return preview
        except IntegrityError:
            table.errors.append(_("Les données ont changé pendant l'importation, et rien n'a été importé. "
                                  "Relancez l'aperçu pour voir leur état actuel."))
            raise ImportRefused(Preview(table=table)) from None
