"""The charter in force of a space, in its two forms: the ORM's (``charter_in_force``) and written out
(``charter_in_force_read``), for a page that asks for it on every request (a meeting's page: may this
member propose an item?), where composing the ORM's query cost about fifteen times running it
(0.6 ms against 0.04 at scale M). A space has at most one charter in force (the constraint
``spaces_charter_one_in_force``). tests/spaces/test_charters_read.py checks both forms agree."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

from concertation.core.written_sql import convert, converters_of, plan

from .models import Charter


def charter_in_force(space) -> Charter | None:
    return Charter.objects.filter(space=space, in_force=True).first()


CHARTER_IN_FORCE_SQL = """
SELECT {columns}
  FROM {charter} charter
 WHERE charter.space_id = %(space)s AND charter.in_force = %(in_force)s
 ORDER BY charter.version DESC, charter.id
 LIMIT 1
"""


def _statement(conn):
    fields = [field for field in Charter._meta.concrete_fields if not getattr(field, "generated", False)]
    quote = conn.ops.quote_name
    sql = CHARTER_IN_FORCE_SQL.format(columns=", ".join(f"charter.{quote(field.column)}" for field in fields),
                                      charter=quote(Charter._meta.db_table))
    return sql, [field.attname for field in fields], converters_of(conn, fields)


def charter_in_force_read(space_id: int) -> Charter | None:
    """``charter_in_force`` of the space ``space_id``: the same charter, complete (every field), in
    one statement written out."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, names, converters = plan(conn, "spaces.charter_in_force", _statement)
    with conn.cursor() as cursor:
        cursor.execute(sql, {"space": space_id, "in_force": True})
        row = cursor.fetchone()
    return None if row is None else Charter.from_db(conn.alias, names, convert(row, converters, conn))
