"""Rows that must not tell who wrote them: secret ballots once closed, meeting evaluations.

A row's id, its place in the table (SQLite's rowid, PostgreSQL's physical order) and its time
stamps all tell *when* it was written. Matched against a list of who took part (with its own ids
and times), they tell *who*. ``rewrite_unordered`` deletes the rows and writes them again sorted by
their content alone (identical rows in a random order), with fresh ids and one time stamp for all:
what is left carries nothing but the content itself.

Deleted content must not linger either: SQLite runs with ``secure_delete`` (config.py) so freed
pages are zeroed; ``scrub_after_commit`` asks the database to drop the dead versions (VACUUM on
PostgreSQL, a truncating checkpoint of SQLite's write-ahead log) once the transaction is over.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import DatabaseError, connection, transaction

_random = secrets.SystemRandom()


def rewrite_unordered(queryset, objects: Iterable, *, content_key: Callable, stamp: datetime) -> list:
    """Replace the rows of ``queryset`` by ``objects`` (unsaved instances of the same model, without
    primary keys unless random), in an order that depends on their content only.

    ``queryset`` must select the new rows as it selected the old (rows of one proposal, of one
    meeting). Call it inside a transaction that holds a lock on what the rows belong to, so that
    two rewrites of the same rows never run at once.
    """
    objects = list(objects)
    _random.shuffle(objects)  # identical contents: a random order, since the sort below is stable
    objects.sort(key=content_key)
    model = queryset.model
    meta = model._meta
    # auto_now_add and auto_now would stamp each row as it is written: one stamp for all instead.
    for obj in objects:
        for field in meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                setattr(obj, field.attname, stamp)
    fields = [field for field in meta.concrete_fields if not (field.primary_key and field.db_returning)]
    queryset.delete()
    # A raw insert writes the values as given (no pre_save: the stamps stay), one statement per
    # batch, rows in the list's order: no later UPDATE moves them about in the table.
    batch = max(1, connection.ops.bulk_batch_size(fields, objects) or len(objects))
    for start in range(0, len(objects), batch):
        model._base_manager._insert(objects[start:start + batch], fields=fields, raw=True,
                                    using=queryset.db)
    transaction.on_commit(lambda: scrub(model._meta.db_table))
    return objects


def scrub(table: str) -> None:
    """Drop the dead versions of ``table``'s rows (best effort: outside a transaction only)."""
    if connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f'VACUUM "{table}"')
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DatabaseError:
        # Another transaction holds the table or the log: autovacuum or the next checkpoint will do.
        pass
