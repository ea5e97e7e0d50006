"""A person's own data (Québec's Law 25, right of access and portability; issue 19): the registry of
what each app holds about a person, and the archive built from it.

The accounts app knows no higher app: each app registers its kinds of rows from its
``AppConfig.ready()`` (``register("meetings.rsvps", label=…, rows=…)``), as it registers its audit
actions in core. ``rows(user)`` answers the person's rows as dicts (usually a ``.values()``
queryset: one query per kind); it must answer only what is the person's own — never another
person's address, name or private choices, never a secret ballot's content (the app knows what is
secret; its ``note`` says what is left out and why).

``archive(user)`` is one ZIP: ``donnees.json`` (everything, with each kind's label and note) and
one CSV a kind. It is built on request: each kind is capped at ``MAX_ROWS`` rows (the JSON says when
a kind was cut), which keeps it small enough to build within a request.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone, translation

from concertation.core.tabular import safe_cell

MAX_ROWS = 20_000
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Kind:
    key: str  # "app.what": also the CSV's name
    label: Any  # lazy text: what these rows are
    rows: Callable[[Any], Iterable[Mapping[str, Any]]]
    note: Any = ""  # lazy text: what is left out, and why


_kinds: dict[str, Kind] = {}


def register(key: str, *, label, rows, note="") -> None:
    """Add a kind of rows an app holds about a person. Registering a key again replaces it."""
    if not key or "/" in key or key.startswith("."):
        raise ValueError(f"invalid personal data key {key!r}")
    _kinds[key] = Kind(key=key, label=label, rows=rows, note=note)


def kinds() -> list[Kind]:
    return list(_kinds.values())


def _value(value):
    """A cell as JSON knows it: dates in ISO 8601 (a data file, not a page), decimals as text."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _value(item) for key, item in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def gather(user) -> list[dict]:
    """Every kind with the person's rows: [{key, label, note, rows, truncated}]."""
    sections = []
    for kind in kinds():
        rows = []
        truncated = False
        for number, row in enumerate(kind.rows(user)):
            if number >= MAX_ROWS:
                truncated = True
                break
            rows.append({str(key): _value(value) for key, value in row.items()})
        sections.append({"key": kind.key, "label": str(kind.label), "note": str(kind.note or ""),
                         "rows": rows, "truncated": truncated})
    return sections


def _csv(rows: list[dict]) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        # Text others wrote (a meeting's title, a follow-up) must not run as a formula (CSV injection).
        writer.writerow({key: safe_cell(json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict)
                                        else value) if isinstance(value, str | list | dict) else value
                         for key, value in row.items()})
    return out.getvalue()


def archive(user) -> bytes:
    """The ZIP of the person's data, in their language for the labels."""
    language = getattr(user, "preferred_language", "") or translation.get_language()
    with translation.override(language):
        sections = gather(user)
        document = {"format": FORMAT_VERSION, "person": user.pk, "generated_at": _value(timezone.now()),
                    "sections": sections}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("donnees.json", json.dumps(document, ensure_ascii=False, indent=2))
        for section in sections:
            # UTF-8 with its mark, so a spreadsheet opens the accents right.
            zipped.writestr(f"{section['key']}.csv", "\ufeff" + _csv(section["rows"]))
    return out.getvalue()
