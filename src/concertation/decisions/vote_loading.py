"""What casting a ballot reads of the proposal, in one statement written out; and what the
proposal's page reads of it, in two (``proposal_for_page``).

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
from concertation.directory.models import Organization, Territory
from concertation.spaces.models import Space

from .models import Option, Participation, Proposal, Recusal

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


# The proposal's page -------------------------------------------------------------------------------
# The same proposal of the same space (PROPOSAL_FOR_VOTE_SQL's joins and WHERE), with what the page
# shows besides: the parent space (the breadcrumbs), the author, the proposal it follows, how many
# took part in the round, and the recusals with the person or organization recused; its options in a
# second statement. Issue 20: the ORM spent ~5 ms of the page composing the query and its prefetches.
PROPOSAL_FOR_PAGE_SQL = """
SELECT {columns},
       (SELECT COUNT(*) FROM {participation} participation
         WHERE participation.proposal_id = proposal.id AND participation.round = proposal.round),
       {recusal_columns}
  FROM {proposal} proposal
  JOIN {space} space ON space.id = proposal.space_id
  JOIN {territory} territory ON territory.id = space.territory_id
  LEFT JOIN {space} parent ON parent.id = space.parent_id
  LEFT JOIN {user} author ON author.id = proposal.author_id
  LEFT JOIN {proposal} follows ON follows.id = proposal.follows_id
  LEFT JOIN {recusal} recusal ON recusal.proposal_id = proposal.id
  LEFT JOIN {user} recused_person ON recused_person.id = recusal.person_id
  LEFT JOIN {organization} recused_organization ON recused_organization.id = recusal.organization_id
 WHERE proposal.id = %(pk)s AND space.slug = %(space)s AND territory.slug = %(territory)s
 ORDER BY recusal.created_at, recusal.id
"""
OPTIONS_SQL = "SELECT {columns} FROM {option} option_ WHERE option_.proposal_id = %(pk)s ORDER BY option_.position, option_.id"


def _page_models():
    from django.contrib.auth import get_user_model

    user = get_user_model()
    proposal = ((Proposal, "proposal"), (Space, "space"), (Territory, "territory"), (Space, "parent"),
                (user, "author"), (Proposal, "follows"))
    recusal = ((Recusal, "recusal"), (user, "recused_person"), (Organization, "recused_organization"))
    return proposal, recusal


def _page_statement(conn) -> dict:
    from django.contrib.auth import get_user_model

    quote = conn.ops.quote_name
    proposal_models, recusal_models = _page_models()

    def columns(models) -> str:
        return ", ".join(f"{alias}.{quote(field.column)}" for model, alias in models for field in _fields(model))

    fields = [field for model, _alias in proposal_models for field in _fields(model)]
    recusal_fields = [field for model, _alias in recusal_models for field in _fields(model)]
    sql = PROPOSAL_FOR_PAGE_SQL.format(
        columns=columns(proposal_models), recusal_columns=columns(recusal_models),
        proposal=quote(Proposal._meta.db_table), space=quote(Space._meta.db_table),
        territory=quote(Territory._meta.db_table), recusal=quote(Recusal._meta.db_table),
        user=quote(get_user_model()._meta.db_table), organization=quote(Organization._meta.db_table),
        participation=quote(Participation._meta.db_table))
    option_fields = _fields(Option)
    options = OPTIONS_SQL.format(option=quote(Option._meta.db_table),
                                 columns=", ".join(f"option_.{quote(field.column)}" for field in option_fields))
    return {"sql": sql, "options_sql": options, "size": len(fields), "converters": converters_of(conn, fields),
            "recusal_converters": converters_of(conn, recusal_fields), "option_fields": option_fields,
            "option_converters": converters_of(conn, option_fields)}


def _instances(conn, models, values: list, start: int) -> tuple[list, int]:
    """The instances of ``models`` read from ``values`` at ``start`` (None for an outer join that found none)."""
    found = []
    for model, _alias in models:
        fields = _fields(model)
        chunk = values[start:start + len(fields)]
        found.append(model.from_db(conn.alias, [field.attname for field in fields], chunk)
                     if chunk[0] is not None else None)  # the primary key comes first
        start += len(fields)
    return found, start


def proposal_for_page(territory: str, space: str, pk: int) -> Proposal | None:
    """The proposal ``pk`` of the space ``territory``/``space`` as the page reads it: with its space (and
    the space's territory and parent), its author, the proposal it follows, ``participation_count``
    (the participations of its round) and, as ``prefetch_related`` leaves them, its options (by
    position) and recusals (each with its person and organization, oldest first); None when there is none."""
    conn = connections[DEFAULT_DB_ALIAS]
    statement = plan(conn, "decisions.proposal_for_page", _page_statement)
    with conn.cursor() as cursor:
        cursor.execute(statement["sql"], {"pk": pk, "space": space, "territory": territory})
        rows = cursor.fetchall()
        if not rows:
            return None
        cursor.execute(statement["options_sql"], {"pk": pk})
        option_rows = cursor.fetchall()
    proposal_models, recusal_models = _page_models()
    size = statement["size"]
    first = convert(rows[0][:size], statement["converters"], conn)
    (proposal, space_obj, territory_obj, parent, author, follows), _end = _instances(conn, proposal_models, first, 0)
    space_obj.territory = territory_obj
    space_obj.parent = parent
    proposal.space, proposal.author, proposal.follows = space_obj, author, follows
    proposal.participation_count = rows[0][size]
    recusals = []
    for row in rows:
        values = convert(row[size + 1:], statement["recusal_converters"], conn)
        (recusal, person, organization), _end = _instances(conn, recusal_models, values, 0)
        if recusal is not None:
            recusal.proposal, recusal.person, recusal.organization = proposal, person, organization
            recusals.append(recusal)
    _prefetched(proposal, "recusals", recusals)
    option_fields = statement["option_fields"]
    names = [field.attname for field in option_fields]
    options = [Option.from_db(conn.alias, names, convert(row, statement["option_converters"], conn))
               for row in option_rows]
    for option in options:
        option.proposal = proposal
    _prefetched(proposal, "options", options)
    return proposal


#: the proposal's first agenda item with its meeting (``proposal.agenda_items.select_related("meeting")
#: .order_by("pk").first()``), written out from the models meetings registers: the ORM spent ~1 ms of
#: a decided proposal's page composing it (issue 20). tests/decisions/test_vote_loading.py compares them.
#: ``model``: meetings' agenda item (register.AGENDA_RELATION), which decisions never imports.
FIRST_ITEM_SQL = """
SELECT {columns} FROM {item} item LEFT JOIN {meeting} meeting ON meeting.id = item.{item_meeting}
 WHERE item.{item_proposal} = %(proposal)s ORDER BY item.id LIMIT 1
"""


def _first_item_statement(conn, model) -> dict:
    quote = conn.ops.quote_name
    meeting_model = model._meta.get_field("meeting").related_model
    models = ((model, "item"), (meeting_model, "meeting"))
    fields = {alias: [f for f in m._meta.concrete_fields if not f.generated] for m, alias in models}
    sql = FIRST_ITEM_SQL.format(
        columns=", ".join(f"{alias}.{quote(f.column)}" for _m, alias in models for f in fields[alias]),
        item=quote(model._meta.db_table), meeting=quote(meeting_model._meta.db_table),
        item_meeting=quote(model._meta.get_field("meeting").column),
        item_proposal=quote(model._meta.get_field("proposal").column))
    every = [*fields["item"], *fields["meeting"]]
    return {"sql": sql, "models": models, "fields": fields, "converters": converters_of(conn, every)}


def first_agenda_item(proposal: Proposal, model):
    """The proposal's first agenda item (by id), its meeting with it; None without one."""
    conn = connections[DEFAULT_DB_ALIAS]
    statement = plan(conn, "decisions.first_agenda_item", lambda conn: _first_item_statement(conn, model))
    with conn.cursor() as cursor:
        cursor.execute(statement["sql"], {"proposal": proposal.pk})
        row = cursor.fetchone()
    if row is None:
        return None
    values = convert(row, statement["converters"], conn)
    (item_model, _item), (meeting_model, _meeting) = statement["models"]
    size = len(statement["fields"]["item"])
    item = item_model.from_db(conn.alias, [f.attname for f in statement["fields"]["item"]], values[:size])
    meeting_values = values[size:]
    item.meeting = (meeting_model.from_db(conn.alias, [f.attname for f in statement["fields"]["meeting"]],
                                          meeting_values) if meeting_values[0] is not None else None)
    return item
