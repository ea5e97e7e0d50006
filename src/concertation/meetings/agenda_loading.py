"""What the meeting's page reads, in statements written out: its agenda items with what hangs below
them (two statements), the answers to its notice with their people, its minutes' status and the
number of follow-ups decided there.

The meeting's page reads every item with its presenter, the presenter's organization, its proposal,
who proposed it, and its documents with their space and territory. Through the ORM (four
``select_related`` and a ``prefetch_related`` with its own joins) composing the two queries cost
about ten times what SQLite needed to run them (issue 20: ~4 ms of the page's 27 at L). The
statements below read the same rows; the instances they give are complete (every column of each
model), as ``select_related`` and ``prefetch_related`` leave them, so nothing downstream reads a
default in place of a stored value or runs a query of its own. tests/meetings/test_agenda_loading.py
compares them with the ORM's.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

from concertation.core.written_sql import convert, converters_of, plan
from concertation.decisions.models import Proposal
from concertation.directory.models import Organization, Territory
from concertation.knowledge.models import Document
from concertation.spaces.models import Space

from .models import AgendaItem, FollowUp, Minutes, Rsvp

ITEMS_SQL = """
SELECT {columns}
  FROM {item} item
  LEFT JOIN {user} presenter ON presenter.id = item.presenter_id
  LEFT JOIN {organization} presenter_organization ON presenter_organization.id = item.presenter_organization_id
  LEFT JOIN {proposal} proposal ON proposal.id = item.proposal_id
  LEFT JOIN {user} proposed_by ON proposed_by.id = item.proposed_by_id
 WHERE item.meeting_id = %(meeting)s
 ORDER BY item.position, item.id
"""

DOCUMENTS_SQL = """
SELECT link.{item_column}, {columns}
  FROM {link} link
  JOIN {document} document ON document.id = link.{document_column}
  JOIN {space} space ON space.id = document.space_id
  JOIN {territory} territory ON territory.id = space.territory_id
 WHERE link.{item_column} IN (SELECT id FROM {item} WHERE meeting_id = %(meeting)s)
 ORDER BY document.id
"""

#: the item's relations read with it: (its field, the model, the statement's alias)
_ITEM_RELATIONS = (("presenter", get_user_model(), "presenter"),
                   ("presenter_organization", Organization, "presenter_organization"),
                   ("proposal", Proposal, "proposal"), ("proposed_by", get_user_model(), "proposed_by"))
_DOCUMENT_MODELS = ((Document, "document"), (Space, "space"), (Territory, "territory"))


def _fields(model) -> list:
    return [field for field in model._meta.concrete_fields if not getattr(field, "generated", False)]


def _parts(models_aliases) -> tuple[list, list[tuple[type, list[str], int, int]]]:
    """Every column of each model in order, and for each model its attnames and slice of the row."""
    fields, slices, start = [], [], 0
    for model, _alias in models_aliases:
        own = _fields(model)
        fields += own
        slices.append((model, [field.attname for field in own], start, start + len(own)))
        start += len(own)
    return fields, slices


def _items_statement(conn):
    quote = conn.ops.quote_name
    models = [(AgendaItem, "item"), *((model, alias) for _name, model, alias in _ITEM_RELATIONS)]
    _all, slices = _parts(models)
    columns = ", ".join(f"{alias}.{quote(field.column)}" for model, alias in models for field in _fields(model))
    sql = ITEMS_SQL.format(columns=columns, item=quote(AgendaItem._meta.db_table),
                           user=quote(get_user_model()._meta.db_table),
                           organization=quote(Organization._meta.db_table), proposal=quote(Proposal._meta.db_table))
    return sql, slices, _converters(conn, models)


def _converters(conn, models) -> list[dict]:
    """Each model's converters, by position within its own slice."""
    return [converters_of(conn, _fields(model)) for model, _alias in models]


def _documents_statement(conn):
    quote = conn.ops.quote_name
    through = AgendaItem.documents.through
    item_column = through._meta.get_field("agendaitem").column
    document_column = through._meta.get_field("document").column
    _all, slices = _parts(_DOCUMENT_MODELS)
    columns = ", ".join(f"{alias}.{quote(field.column)}" for model, alias in _DOCUMENT_MODELS
                        for field in _fields(model))
    sql = DOCUMENTS_SQL.format(
        columns=columns, link=quote(through._meta.db_table), item_column=quote(item_column),
        document_column=quote(document_column), document=quote(Document._meta.db_table),
        space=quote(Space._meta.db_table), territory=quote(Territory._meta.db_table),
        item=quote(AgendaItem._meta.db_table))
    return sql, slices, _converters(conn, _DOCUMENT_MODELS)


def _instances(conn, row, slices, converters) -> list:
    return [model.from_db(conn.alias, names, convert(row[start:end], converter, conn))
            for (model, names, start, end), converter in zip(slices, converters, strict=True)]


def _prefetched(instance, name: str, objects: list, model) -> None:
    """Leave ``objects`` as what ``instance.<name>.all()`` gives, as ``prefetch_related`` does (the
    related manager answers with the cached queryset as it is; building the manager here to get one
    cost 30 µs an item)."""
    queryset = QuerySet(model=model)
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}), name: queryset}


def agenda_items_read(meeting_id: int) -> list[AgendaItem]:
    """Every item of the meeting in order (position, then id), each with its presenter, presenter's
    organization, proposal and proposer (None where there is none), and its documents (by id) with
    their space and the space's territory: two queries."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, slices, converters = plan(conn, "meetings.agenda_items", _items_statement)
    with conn.cursor() as cursor:
        cursor.execute(sql, {"meeting": meeting_id})
        rows = cursor.fetchall()
    items, by_pk = [], {}
    for row in rows:
        item, *related = _instances(conn, row, slices, converters)
        for (name, _model, _alias), instance in zip(_ITEM_RELATIONS, related, strict=True):
            # A relation without a row (LEFT JOIN) is None, as select_related leaves it.
            setattr(item, name, instance if getattr(item, f"{name}_id") is not None else None)
        items.append(item)
        by_pk[item.pk] = item
    sql, slices, converters = plan(conn, "meetings.agenda_documents", _documents_statement)
    with conn.cursor() as cursor:
        cursor.execute(sql, {"meeting": meeting_id})
        rows = cursor.fetchall()
    documents: dict[int, list[Document]] = {pk: [] for pk in by_pk}
    for row in rows:
        document, space, territory = _instances(conn, row[1:], slices, converters)
        space.territory = territory
        document.space = space
        if row[0] in documents:
            documents[row[0]].append(document)
    for pk, item in by_pk.items():
        _prefetched(item, "documents", documents[pk], Document)
    return items


# The answers and what came after ------------------------------------------------------------------

RSVPS_SQL = """
SELECT {columns}
  FROM {rsvp} rsvp
  JOIN {user} person ON person.id = rsvp.person_id
 WHERE rsvp.meeting_id = %(meeting)s
 ORDER BY person.display_name, person.email
"""

AFTER_MEETING_SQL = """
SELECT (SELECT status FROM {minutes} WHERE meeting_id = %(meeting)s),
       (SELECT COUNT(*) FROM {follow_up} WHERE meeting_id = %(meeting)s)
"""


def _rsvps_statement(conn):
    quote = conn.ops.quote_name
    models = [(Rsvp, "rsvp"), (get_user_model(), "person")]
    _all, slices = _parts(models)
    columns = ", ".join(f"{alias}.{quote(field.column)}" for model, alias in models for field in _fields(model))
    sql = RSVPS_SQL.format(columns=columns, rsvp=quote(Rsvp._meta.db_table),
                           user=quote(get_user_model()._meta.db_table))
    return sql, slices, _converters(conn, models)


def rsvps_read(meeting_id: int) -> list[Rsvp]:
    """The meeting's answers with their person, by the person's name then e-mail: one query."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, slices, converters = plan(conn, "meetings.rsvps", _rsvps_statement)
    with conn.cursor() as cursor:
        cursor.execute(sql, {"meeting": meeting_id})
        rows = cursor.fetchall()
    answers = []
    for row in rows:
        rsvp, person = _instances(conn, row, slices, converters)
        rsvp.person = person
        answers.append(rsvp)
    return answers


OWN_RSVP_SQL = """
SELECT {columns}
  FROM {rsvp} rsvp
 WHERE rsvp.meeting_id = %(meeting)s AND rsvp.person_id = %(person)s
 ORDER BY rsvp.id
 LIMIT 1
"""


def own_rsvp_read(meeting_id: int, person_id: int) -> Rsvp | None:
    """The person's answer to the meeting's notice (at most one: ``meetings_rsvp_once``), complete,
    or None: what ``selectors.rsvp_of`` reads through the ORM (composing its query cost 0.3 ms, eight
    times running it); tests/meetings/test_agenda_loading.py compares them."""
    conn = connections[DEFAULT_DB_ALIAS]

    def statement(conn):
        quote = conn.ops.quote_name
        columns = ", ".join(f"rsvp.{quote(field.column)}" for field in _fields(Rsvp))
        sql = OWN_RSVP_SQL.format(columns=columns, rsvp=quote(Rsvp._meta.db_table))
        return sql, _parts([(Rsvp, "rsvp")])[1], _converters(conn, [(Rsvp, "rsvp")])

    sql, slices, converters = plan(conn, "meetings.own_rsvp", statement)
    with conn.cursor() as cursor:
        cursor.execute(sql, {"meeting": meeting_id, "person": person_id})
        row = cursor.fetchone()
    return None if row is None else _instances(conn, row, slices, converters)[0]


def after_meeting_read(meeting_id: int) -> tuple[str | None, int]:
    """The meeting's minutes' status (None without minutes) and the number of follow-ups decided at
    the meeting: one query."""
    conn = connections[DEFAULT_DB_ALIAS]
    quote = conn.ops.quote_name
    sql = AFTER_MEETING_SQL.format(minutes=quote(Minutes._meta.db_table), follow_up=quote(FollowUp._meta.db_table))
    with conn.cursor() as cursor:
        cursor.execute(sql, {"meeting": meeting_id})
        status, count = cursor.fetchone()
    return status, count


# The live page's items ------------------------------------------------------------------------------

LIVE_ITEMS_SQL = """
SELECT {columns}
  FROM {item} item
  LEFT JOIN {proposal} proposal ON proposal.id = item.proposal_id
  LEFT JOIN {user} presenter ON presenter.id = item.presenter_id
  LEFT JOIN {organization} presenter_organization ON presenter_organization.id = item.presenter_organization_id
 WHERE item.meeting_id = %(meeting)s AND item.status = %(accepted)s
 ORDER BY item.position, item.id
"""

CONFLICTS_SQL = """
SELECT {columns}
  FROM {conflict} conflict
  LEFT JOIN {user} person ON person.id = conflict.person_id
  LEFT JOIN {organization} organization ON organization.id = conflict.organization_id
 WHERE conflict.item_id IN (SELECT id FROM {item} WHERE meeting_id = %(meeting)s AND status = %(accepted)s)
 ORDER BY conflict.created_at, conflict.id
"""

RECUSALS_SQL = """
SELECT {columns}
  FROM {recusal} recusal
 WHERE recusal.proposal_id IN (SELECT proposal_id FROM {item}
                                WHERE meeting_id = %(meeting)s AND status = %(accepted)s)
 ORDER BY recusal.created_at, recusal.id
"""


def _live_statements(conn):
    from concertation.decisions.models import Recusal

    from .models import ConflictDeclaration

    quote = conn.ops.quote_name
    user, organization = get_user_model(), Organization
    tables = {"item": AgendaItem, "proposal": Proposal, "user": user, "organization": organization,
              "conflict": ConflictDeclaration, "recusal": Recusal}
    names = {key: quote(model._meta.db_table) for key, model in tables.items()}
    statements = []
    for sql, models in (
            (LIVE_ITEMS_SQL, [(AgendaItem, "item"), (Proposal, "proposal"), (user, "presenter"),
                              (organization, "presenter_organization")]),
            (CONFLICTS_SQL, [(ConflictDeclaration, "conflict"), (user, "person"), (organization, "organization")]),
            (RECUSALS_SQL, [(Recusal, "recusal")])):
        _all, slices = _parts(models)
        columns = ", ".join(f"{alias}.{quote(field.column)}" for model, alias in models for field in _fields(model))
        statements.append((sql.format(columns=columns, **names), slices, _converters(conn, models)))
    return statements


def live_items_read(meeting_id: int) -> list[AgendaItem]:
    """The meeting's accepted items in order, each with its proposal (and the proposal's recusals, by
    date), presenter, presenter's organization and conflicts of interest (by date, with their person
    and organization): three queries, what the ORM read with select_related and two prefetches."""
    from concertation.decisions.models import Recusal

    from .models import ConflictDeclaration

    conn = connections[DEFAULT_DB_ALIAS]
    statements = plan(conn, "meetings.live_items", _live_statements)
    params = {"meeting": meeting_id, "accepted": AgendaItem.Status.ACCEPTED}
    (items_sql, item_slices, item_converters), (conflicts_sql, conflict_slices, conflict_converters), \
        (recusals_sql, recusal_slices, recusal_converters) = statements
    with conn.cursor() as cursor:
        cursor.execute(items_sql, params)
        found = [cursor.fetchall()]
        cursor.execute(conflicts_sql, params)
        found.append(cursor.fetchall())
        # No proposal on the agenda: no recusal to read (nor a query, as prefetch_related).
        proposal_index = [field.attname for field in _fields(AgendaItem)].index("proposal_id")
        if any(row[proposal_index] is not None for row in found[0]):
            cursor.execute(recusals_sql, params)
            found.append(cursor.fetchall())
        else:
            found.append([])
    items, proposals = [], {}
    for row in found[0]:
        item, proposal, presenter, presenter_organization = _instances(conn, row, item_slices, item_converters)
        item.proposal = proposal if item.proposal_id is not None else None
        item.presenter = presenter if item.presenter_id is not None else None
        item.presenter_organization = presenter_organization if item.presenter_organization_id is not None else None
        if item.proposal is not None:
            proposals.setdefault(item.proposal_id, []).append(item.proposal)
        items.append(item)
    conflicts: dict[int, list] = {item.pk: [] for item in items}
    for row in found[1]:
        conflict, person, organization = _instances(conn, row, conflict_slices, conflict_converters)
        conflict.person = person if conflict.person_id is not None else None
        conflict.organization = organization if conflict.organization_id is not None else None
        conflicts.setdefault(conflict.item_id, []).append(conflict)
    recusals: dict[int, list] = {pk: [] for pk in proposals}
    for row in found[2]:
        (recusal,) = _instances(conn, row, recusal_slices, recusal_converters)
        recusals.setdefault(recusal.proposal_id, []).append(recusal)
    for item in items:
        _prefetched(item, "conflicts", conflicts[item.pk], ConflictDeclaration)
    for pk, instances in proposals.items():
        for proposal in instances:
            _prefetched(proposal, "recusals", recusals[pk], Recusal)
    return items


# The meeting of the live page and its actions ---------------------------------------------------

MEETING_SQL = """
SELECT {columns}
  FROM {meeting} meeting
  JOIN {space} space ON space.id = meeting.space_id
  JOIN {territory} territory ON territory.id = space.territory_id
  LEFT JOIN {user} facilitator ON facilitator.id = meeting.facilitator_id
  LEFT JOIN {user} secretary ON secretary.id = meeting.secretary_id
 WHERE meeting.id = %(pk)s AND space.slug = %(space)s AND territory.slug = %(territory)s
"""


def _meeting_statement(conn):
    from .models import Meeting

    quote = conn.ops.quote_name
    user = get_user_model()
    models = [(Meeting, "meeting"), (Space, "space"), (Territory, "territory"), (user, "facilitator"),
              (user, "secretary")]
    _all, slices = _parts(models)
    columns = ", ".join(f"{alias}.{quote(field.column)}" for model, alias in models for field in _fields(model))
    sql = MEETING_SQL.format(columns=columns, meeting=quote(Meeting._meta.db_table),
                             space=quote(Space._meta.db_table), territory=quote(Territory._meta.db_table),
                             user=quote(user._meta.db_table))
    return sql, slices, _converters(conn, models)


def meeting_read(territory: str, space: str, pk: int):
    """The meeting ``pk`` of the space ``territory``/``space`` with its space, territory, facilitator
    and secretary (None where there is none), as ``select_related`` leaves them; None when there is
    no such meeting. One query."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, slices, converters = plan(conn, "meetings.meeting", _meeting_statement)
    with conn.cursor() as cursor:
        cursor.execute(sql, {"pk": pk, "space": space, "territory": territory})
        row = cursor.fetchone()
    if row is None:
        return None
    meeting, space_obj, territory_obj, facilitator, secretary = _instances(conn, row, slices, converters)
    space_obj.territory = territory_obj
    meeting.space = space_obj
    meeting.facilitator = facilitator if meeting.facilitator_id is not None else None
    meeting.secretary = secretary if meeting.secretary_id is not None else None
    return meeting


MEETING_OF_SPACE_SQL = """
SELECT {columns}
  FROM {meeting} meeting
  LEFT JOIN {user} facilitator ON facilitator.id = meeting.facilitator_id
  LEFT JOIN {user} secretary ON secretary.id = meeting.secretary_id
 WHERE meeting.id = %(pk)s AND meeting.space_id = %(space)s
"""

FOLLOW_UPS_SQL = """
SELECT {columns}
  FROM {follow_up} follow_up
  LEFT JOIN {user} person ON person.id = follow_up.person_id
  LEFT JOIN {organization} organization ON organization.id = follow_up.organization_id
 WHERE follow_up.meeting_id = %(meeting)s
 ORDER BY follow_up.id
"""


def _statement(conn, template: str, models) -> tuple[str, list, list[dict]]:
    """``template`` with every column of ``models`` ([(model, alias)]) and the tables they name."""
    from .models import Meeting

    quote = conn.ops.quote_name
    _all, slices = _parts(models)
    columns = ", ".join(f"{alias}.{quote(field.column)}" for model, alias in models for field in _fields(model))
    tables = {"meeting": Meeting, "user": get_user_model(), "organization": Organization, "follow_up": FollowUp}
    sql = template.format(columns=columns, **{key: quote(model._meta.db_table) for key, model in tables.items()})
    return sql, slices, _converters(conn, models)


def meeting_of_space_read(space_id: int, pk: int):
    """The meeting ``pk`` of the space ``space_id`` with its facilitator and secretary (None where
    there is none), or None: one query, what ``select_related("facilitator", "secretary")`` read."""
    from .models import Meeting

    user = get_user_model()
    conn = connections[DEFAULT_DB_ALIAS]
    sql, slices, converters = plan(conn, "meetings.meeting_of_space", lambda conn: _statement(
        conn, MEETING_OF_SPACE_SQL, [(Meeting, "meeting"), (user, "facilitator"), (user, "secretary")]))
    with conn.cursor() as cursor:
        cursor.execute(sql, {"pk": pk, "space": space_id})
        row = cursor.fetchone()
    if row is None:
        return None
    meeting, facilitator, secretary = _instances(conn, row, slices, converters)
    meeting.facilitator = facilitator if meeting.facilitator_id is not None else None
    meeting.secretary = secretary if meeting.secretary_id is not None else None
    return meeting


def meeting_follow_ups_read(meeting_id: int) -> list[FollowUp]:
    """The follow-ups decided at the meeting, by id, with their person and organization: one query."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, slices, converters = plan(conn, "meetings.meeting_follow_ups", lambda conn: _statement(
        conn, FOLLOW_UPS_SQL, [(FollowUp, "follow_up"), (get_user_model(), "person"), (Organization, "organization")]))
    with conn.cursor() as cursor:
        cursor.execute(sql, {"meeting": meeting_id})
        rows = cursor.fetchall()
    follow_ups = []
    for row in rows:
        follow_up, person, organization = _instances(conn, row, slices, converters)
        follow_up.person = person if follow_up.person_id is not None else None
        follow_up.organization = organization if follow_up.organization_id is not None else None
        follow_ups.append(follow_up)
    return follow_ups
