"""Where each decision of a register page was taken and the plan revisions citing it: the agenda items
(with their meeting) and the revisions (with their plan) of a page's proposals.

Both relations are added to ``Proposal`` by later apps (meetings' ``AgendaItem.proposal``, planning's
``Revision.decision``): they are found by name, and the statements below are written from their
models' metadata (tables, columns, default ordering), so this module imports neither app and works
without them. Written out: the two ORM queries (``select_related`` and ``only``) cost more to compose
than to run (issue 20); tests/decisions/test_register_sql.py compares them with the ORM's.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections

from concertation.core.written_sql import convert, converters_of, loader, plan

from .models import Proposal

AGENDA_RELATION = "agenda_items"  # meetings.AgendaItem.proposal
REVISIONS_RELATION = "plan_revisions"  # planning.Revision.decision

#: what ``Where`` and ``revision_label`` read of an agenda item and its meeting, of a plan revision
#: and its plan (a name missing from the model is left out): {relation: (fields, joined, its fields)}
RELATION_FIELDS = {
    AGENDA_RELATION: (("title", "position"), "meeting", ("title", "starts_at")),
    REVISIONS_RELATION: (("item_label", "action"), "plan", ("title",)),
}

RELATION_SQL = """
SELECT {columns}
  FROM {table} related
  {join}
 WHERE related.{key} IN ({pks})
 ORDER BY {order}
"""


def reverse_relation(name: str):
    """The model behind a reverse relation that a later app adds to Proposal, or None."""
    try:
        return Proposal._meta.get_field(name).related_model
    except FieldDoesNotExist:
        return None


def has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _loaded(model, names) -> list:
    """The concrete fields of ``model`` among ``names`` (and its primary key), in the model's order:
    the order ``from_db`` takes values in."""
    wanted = {model._meta.pk.name, *names}
    return [field for field in model._meta.concrete_fields if field.name in wanted]


def _order(model, quote, joined: str | None, joined_model) -> str:
    """``model``'s default ordering as the ORM writes it: a term naming the joined relation orders
    by that model's own ordering (the ORM's rule for a relation in ``ordering``)."""
    terms = []
    for term in model._meta.ordering or ["pk"]:  # no default ordering: the ORM's order is the table's
        descending = term.startswith("-")
        name = term.lstrip("-")
        if name == joined and joined_model is not None:
            for inner in joined_model._meta.ordering or ["pk"]:
                inner_descending = inner.startswith("-") != descending
                field = joined_model._meta.pk if inner.lstrip("-") == "pk" else \
                    joined_model._meta.get_field(inner.lstrip("-"))
                terms.append(f"joined.{quote(field.column)}{' DESC' if inner_descending else ' ASC'}")
            continue
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        terms.append(f"related.{quote(field.column)}{' DESC' if descending else ' ASC'}")
    return ", ".join(terms)


def _statement(conn, name: str):
    """For the relation ``name``: its statement (``{pks}`` left to fill), and how to read its rows."""
    model = reverse_relation(name)
    if model is None:
        return None
    fields, relation, relation_fields = RELATION_FIELDS[name]
    quote = conn.ops.quote_name
    key = Proposal._meta.get_field(name).field
    own = _loaded(model, [key.name, *(field for field in fields if has_field(model, field))])
    joined = joined_model = None
    inner: list = []
    if has_field(model, relation):
        joined, joined_model = relation, model._meta.get_field(relation).related_model
        own = _loaded(model, [key.name, relation, *(field for field in fields if has_field(model, field))])
        inner = _loaded(joined_model, [field for field in relation_fields if has_field(joined_model, field)])
    columns = [f"related.{quote(field.column)}" for field in own]
    columns += [f"joined.{quote(field.column)}" for field in inner]
    join = ""
    if joined_model is not None:
        join = (f"LEFT JOIN {quote(joined_model._meta.db_table)} joined "
                f"ON joined.{quote(joined_model._meta.pk.column)} = related.{quote(model._meta.get_field(relation).column)}")
    sql = RELATION_SQL.format(columns=", ".join(columns), table=quote(model._meta.db_table), join=join,
                              key=quote(key.column), pks="{pks}", order=_order(model, quote, joined, joined_model))
    return (sql, model, key.attname, own, joined, joined_model, inner,
            converters_of(conn, own), converters_of(conn, inner) if inner else {})


def attach_relations(proposals: list[Proposal]) -> None:
    """The agenda items (with their meeting) and the plan revisions of these proposals, one query
    each, kept on each proposal for ``register._related``: the instances hold the fields of
    ``RELATION_FIELDS`` (and their keys), the others deferred, as ``only()`` leaves them."""
    pks = [proposal.pk for proposal in proposals]
    conn = connections[DEFAULT_DB_ALIAS]
    found: dict[str, dict[int, list]] = {}
    for name in RELATION_FIELDS:
        how = plan(conn, f"decisions.register_relation.{name}", lambda conn, name=name: _statement(conn, name))
        if how is None:
            continue
        sql, model, key, own, joined, joined_model, inner, own_converters, inner_converters = how
        by_proposal = found[name] = {}
        if not pks:
            continue
        with conn.cursor() as cursor:
            cursor.execute(sql.format(pks=", ".join(["%s"] * len(pks))), pks)
            rows = cursor.fetchall()
        names = [field.attname for field in own]
        inner_names = [field.attname for field in inner]
        width = len(own)
        load = loader(model, conn.alias)
        load_joined = loader(joined_model, conn.alias) if joined_model is not None else None
        for row in rows:
            related = load(names, convert(row[:width], own_converters, conn))
            if joined_model is not None:
                joined_row = row[width:]
                instance = (load_joined(inner_names, convert(joined_row, inner_converters, conn))
                            if joined_row[0] is not None else None)
                setattr(related, joined, instance)
            by_proposal.setdefault(getattr(related, key), []).append(related)
    for proposal in proposals:
        proposal.register_relations = {name: by_proposal.get(proposal.pk, [])
                                       for name, by_proposal in found.items()}
