"""``Model.objects.get(**lookups)`` for the rows read on every request (the session, its person),
with the statement the ORM compiles for that ``get`` worked out once per connection.

The ORM builds and compiles the same statement again on each call (≈ 0.2 ms each, two on every
page a member opens); here the ORM compiles it once (core/written_sql.py keeps it with the
connection) and each call only adapts the values, runs it and converts the row as the ORM would.
The statement stays the ORM's own: no rule is written twice. Nothing read is kept.

Only simple lookups on the model's own fields (``pk=``, ``session_key=``, ``expire_date__gt=``…),
each taking one value; the keys must be unique (a primary key), as for any ``get``.
"""

from __future__ import annotations

from django.db import connections
from django.db.models.query import MAX_GET_RESULTS

from .written_sql import plan


def _build(model, using: str, names: tuple[str, ...], sample: dict):
    def build(conn):
        # The same queryset as Manager.get(): no ordering, at most MAX_GET_RESULTS rows.
        query = model._base_manager.using(using).filter(**sample).order_by()[:MAX_GET_RESULTS].query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        lookups = list(query.where.children)
        if len(lookups) != len(names) or len(params) != len(names) or query.where.connector != "AND":
            raise ValueError(f"one_row: unsupported lookups {names!r}")
        # filter(**kwargs) orders its conditions by name (Q sorts them): the parameters follow.
        fields = [lookup.lhs.output_field for lookup in lookups]
        columns = [column for column, _sql, _alias in compiler.select]
        if any(getattr(column, "target", None) is None for column in columns):
            raise ValueError("one_row: only a model's own columns")
        converters = compiler.get_converters(columns)
        attnames = [column.target.attname for column in columns]
        return sql, fields, converters, attnames

    return build


def get_one(model, using: str, **lookups):
    """The instance ``model._base_manager.using(using).get(**lookups)`` returns, or None."""
    conn = connections[using]
    names = tuple(sorted(lookups))
    sql, fields, converters, attnames = plan(
        conn, f"one_row:{model._meta.label}:{','.join(names)}", _build(model, using, names, lookups)
    )
    params = [
        field.get_db_prep_value(field.get_prep_value(lookups[name]), conn, prepared=True)
        for field, name in zip(fields, names, strict=True)
    ]
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchmany(2)
    if not rows:
        return None
    if len(rows) > 1:
        raise model.MultipleObjectsReturned(f"get() returned more than one {model._meta.object_name}")
    values = list(rows[0])
    for index, (functions, expression) in converters.items():
        for function in functions:
            values[index] = function(values[index], expression, conn)
    return model.from_db(using, attnames, values)
