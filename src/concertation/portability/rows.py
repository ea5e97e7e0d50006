"""Rows as JSON and back, and the translation of every reference a row holds.

A row in an archive is ``{"pk": id, "fields": {field name: value}}``: a foreign key is the id of
its target in the exporting instance, a date or a time is ISO 8601 (microseconds kept), a decimal a
string, a file its storage name. ``translate`` rewrites every reference — foreign keys, (kind, id)
pairs and the ids inside JSON columns and voter keys — through a ``resolve(label, id)`` function:
the import gives the new primary keys, the canonical dump stable natural keys.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext as _

from .graph import GENERIC_REFERENCES, Node
from .structured import STRUCTURED

MISSING = object()


class ArchiveError(Exception):
    """The archive cannot be imported; the message says why, in the operator's language."""


def encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot export a {type(value).__name__}")


def is_json(f) -> bool:
    return isinstance(f, models.JSONField)


def is_file(f) -> bool:
    return isinstance(f, models.FileField)


def read_rows(node: Node, queryset) -> list[dict]:
    """The rows of ``queryset`` (a model of ``node``), in primary key order, as JSON values."""
    concrete = [f for f in node.model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in concrete]
    pk = node.model._meta.pk.attname
    rows = []
    for values in queryset.order_by("pk").values_list(pk, *names):
        fields = {}
        for f, value in zip(concrete, values[1:], strict=True):
            fields[f.name] = value if is_json(f) else encode(value)
        rows.append({"pk": encode(values[0]), "fields": fields})
    return rows


def decode(f, value: Any) -> Any:
    if value is None or is_json(f) or f.is_relation or is_file(f):
        return value
    return f.to_python(value)


@dataclass
class Context:
    """What a translation needs: the resolver, the options of each proposal (their ids appear in
    JSON values), and where a missing reference is allowed to become None."""

    resolve: Callable[[str, Any], Any]
    options_of: dict[Any, set[str]] = field(default_factory=dict)
    # What a required (kind, id) column becomes when its object is not in the archive: None keeps
    # the number it had (the canonical dump); the import gives 0, an id no row has — the old number
    # would name an unrelated row of this instance, perhaps of another territory.
    orphan: int | None = None

    def option(self, proposal, key: str) -> str | None:
        if key in self.options_of.get(proposal, ()):
            found = self.resolve("decisions.Option", int(key))
            return None if found is MISSING else str(found)
        return None


def translate(node: Node, row: dict, ctx: Context, *, late: bool | None = None) -> dict:
    """``row``'s fields with every reference resolved. ``late``: only the structured fields
    written after every row exists (True), every field with those left as they are (False), or
    everything translated (None)."""
    fields = dict(row["fields"])
    for name, target in node.foreign_keys.items():
        if name not in fields or fields[name] is None:
            continue
        found = ctx.resolve(target, fields[name])
        if found is MISSING:
            if not node.model._meta.get_field(name).null:
                raise ArchiveError(_("Cette archive est incomplète ou a été modifiée (%(detail)s) : rien n'a "
                                     "été importé.") % {"detail": f"{node.label} {row['pk']}: {name} → {target}"})
            found = None
        fields[name] = found
    for ref in GENERIC_REFERENCES.get(node.label, ()):
        value = row["fields"].get(ref.column)
        if value is None:
            continue
        target = ref.target(row["fields"])
        found = ctx.resolve(target, value) if target else MISSING
        if found is MISSING:
            # The object is gone (a removed plan item, a deleted proposal): a nullable column
            # forgets it, a required one keeps the number it had (``ctx.orphan`` on import).
            if node.model._meta.get_field(ref.column).null:
                found = None
            else:
                found = value if ctx.orphan is None else ctx.orphan
        fields[ref.column] = found
    for (label, name), (translator, is_late) in STRUCTURED.items():
        if label == node.label and name in fields and (late is None or late == is_late):
            fields[name] = translator(fields[name], row, ctx)
    if late:
        wanted = {name for (label, name), (_t, is_late) in STRUCTURED.items()
                  if label == node.label and is_late}
        fields = {k: v for k, v in fields.items() if k in wanted}
    return fields
