"""Helpers for statements written out by hand where the ORM's compiling costs more than running them
(spaces/access.py, decisions/vote_loading.py, decisions/ballots.py).

A statement's text and its columns' converters depend only on the code and the database backend:
they are worked out once per connection object (a thread keeps its connection) and kept with it.
Nothing read from the database is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db.models.sql import Query


def plan(conn, key: str, build: Callable):
    """``build(conn)`` (a statement, its converters…), worked out once for this connection.

    Kept on the connection object itself: the converters hold the connection (bound methods of its
    ``ops``), so a table keyed by connection would keep every thread's connection alive."""
    plans = conn.__dict__.setdefault("_written_sql_plans", {})
    found = plans.get(key)
    if found is None:
        found = plans[key] = build(conn)
    return found


def converters_of(conn, fields: Sequence) -> dict:
    """The converters the ORM applies to these model fields' columns read back (dates on SQLite,
    JSON, booleans…), by position: for ``convert``."""
    model = fields[0].model if fields else None
    columns = [field.get_col(field.model._meta.db_table) for field in fields]
    return Query(model).get_compiler(connection=conn).get_converters(columns)


def convert(row: Sequence, converters: dict, conn) -> list:
    """The row's values as the ORM gives them."""
    values = list(row)
    for index, (functions, expression) in converters.items():
        for function in functions:
            values[index] = function(values[index], expression, conn)
    return values


def loader(model, alias: str):
    """f(names, values) → an instance of ``model`` as read from the database (``alias``): the fields
    not named deferred, names that are not fields (annotations) set as attributes. What
    ``Model.from_db`` does, without ``__init__``'s pass over every field and descriptor (~20 µs an
    instance: a register page builds 130, a large plan's dashboard 200 indicators). Through
    ``from_db`` when something listens to the model's init signals, which the direct way skips."""
    from django.db.models.base import DEFERRED, ModelState
    from django.db.models.signals import post_init, pre_init

    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        attnames = [field.attname for field in model._meta.concrete_fields]
        fields = set(attnames)

        def through_init(names, values):
            given = dict(zip(names, values, strict=True))
            instance = model.from_db(alias, attnames, [given.get(name, DEFERRED) for name in attnames])
            for name in given.keys() - fields:
                setattr(instance, name, given[name])
            return instance

        return through_init

    def direct(names, values):
        instance = model.__new__(model)
        state = instance._state = ModelState()
        state.adding, state.db = False, alias
        instance.__dict__.update(zip(names, values, strict=True))
        return instance

    return direct
