"""Cursor pagination for every list: rows in the order of their id, an opaque cursor that names the
last row returned. A page costs the same whatever page it is (no OFFSET), and rows added while a
client pages through are neither skipped nor repeated."""

from __future__ import annotations

import base64
import binascii
from functools import cache
from itertools import islice

from django.utils.translation import gettext as _
from ninja import Schema

from .errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _sep, pk = text.partition(":")
        if version != "v1" or not pk.isdigit() or len(pk) > 18:
            raise ValueError
        return int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(422, "invalid_cursor", _("Curseur invalide : reprenez-le tel que l'API l'a donné."),
                       field="cursor") from None


@cache
def page_of(schema):
    """The schema of a page of ``schema`` items."""
    return type(f"{schema.__name__}Page", (Schema,), {
        "__annotations__": {"items": list[schema], "next_cursor": str | None},
        "next_cursor": None,
        "__doc__": f"A page of {schema.__name__}; pass next_cursor as ?cursor= for the next one.",
    })


def _chunks(rows, after: int, size: int):
    """The rows after ``after`` in the order of ids, fetched ``size`` at a time (a chunk more only
    when the permission predicate skipped rows of the previous one)."""
    while True:
        chunk = list(rows.filter(pk__gt=after).order_by("pk")[:size])
        yield from chunk
        if len(chunk) < size:
            return
        after = chunk[-1].pk


def paginate(rows, cursor: str | None, limit: int, *, keep=None) -> dict:
    """One page of ``rows`` (a queryset or a list of objects with ``pk``); ``keep(row)``: a
    permission predicate applied to each row (rows it refuses are skipped, never counted)."""
    after = decode_cursor(cursor)
    limit = max(1, min(limit, MAX_LIMIT))
    if isinstance(rows, list):
        ordered = iter(sorted((row for row in rows if row.pk > after), key=lambda row: row.pk))
    else:
        ordered = _chunks(rows, after, limit + 1)
    if keep is not None:
        ordered = (row for row in ordered if keep(row))
    items = list(islice(ordered, limit + 1))
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": encode_cursor(items[-1].pk) if more and items else None}
