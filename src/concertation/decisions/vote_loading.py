"""What casting a ballot reads of the proposal, in one statement written out.

A vote must cost little (issue 20: ≤ 4 ms of server CPU): the ORM spent ten times longer compiling
the proposal's query (its space and territory joined, its recusals prefetched) than the database
spent running it. The statement below reads the same rows; the instances it gives are complete
(every column of the proposal, its space and territory), so nothing downstream reads a default in
place of a stored value. Who may see or vote is not decided here: the view checks access and
permission on what this returns, and eligibility.py decides who votes.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

from concertation.core.written_sql import convert, converters_of, plan
from concertation.directory.models import Territory
from concertation.spaces.models import Space

from .models import Proposal, Recusal

PROPOSAL_FOR_VOTE_SQL = """
SELECT {columns}, recusal.id, recusal.person_id, recusal.organization_id
  FROM {proposal} proposal
  JOIN {space} space ON space.id = proposal.space_id
  JOIN {territory} territory ON territory.id = space.territory_id
  LEFT JOIN {recusal} recusal ON recusal.proposal_id = proposal.id
 WHERE proposal.id = %(pk)s AND space.slug = %(space)s AND territory.slug = %(territory)s
 ORDER BY recusal.id
"""

#: the models read, with their table's alias in the statement
_MODELS = ((Proposal, "proposal"), (Space, "space"), (Territory, "territory"))
_RECUSAL_FIELDS = ("id", "proposal_id", "person_id", "organization_id")


def _fields(model) -> list:
    return [field for field in model._meta.concrete_fields if not field.generated]


def _statement(conn) -> tuple[str, list, dict]:
    quote = conn.ops.quote_name
    fields = [field for model, _alias in _MODELS for field in _fields(model)]
    columns = ", ".join(f"{alias}.{quote(field.column)}" for model, alias in _MODELS for field in _fields(model))
    sql = PROPOSAL_FOR_VOTE_SQL.format(
        columns=columns, proposal=quote(Proposal._meta.db_table), space=quote(Space._meta.db_table),
        territory=quote(Territory._meta.db_table), recusal=quote(Recusal._meta.db_table))
    return sql, fields, converters_of(conn, fields)


def proposal_for_vote(territory: str, space: str, pk: int) -> Proposal | None:
    """The proposal ``pk`` of the space ``territory``/``space`` with its space, its territory and its
    recusals (as ``prefetch_related("recusals")`` leaves them), in one query; None when there is none."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, fields, converters = plan(conn, "decisions.proposal_for_vote", _statement)
    with conn.cursor() as cursor:
        cursor.execute(sql, {"pk": pk, "space": space, "territory": territory})
        rows = cursor.fetchall()
    if not rows:
        return None
    first = convert(rows[0][:len(fields)], converters, conn)
    instances, start = [], 0
    for model, _alias in _MODELS:
        names = [field.attname for field in _fields(model)]
        instances.append(model.from_db(conn.alias, names, first[start:start + len(names)]))
        start += len(names)
    proposal, space_obj, territory_obj = instances
    space_obj.territory = territory_obj
    proposal.space = space_obj
    recusals = [Recusal.from_db(conn.alias, _RECUSAL_FIELDS, (row[start], proposal.pk, *row[start + 1:]))
                for row in rows if row[start] is not None]
    for recusal in recusals:
        recusal.proposal = proposal
    _prefetched(proposal, "recusals", recusals)
    return proposal


def _prefetched(instance, name: str, objects: list) -> None:
    """Leave ``objects`` as the prefetched content of ``instance.<name>.all()`` (what
    prefetch_related does): readers of the relation then run no query."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}), name: queryset}
