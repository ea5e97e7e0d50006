"""The first revisions of a plan for the dashboard and the bilan, in one hand-written statement.

The ORM forms are ``selectors.recent_revisions(plan).only(*dashboard.REVISION_FIELDS)`` (the
dashboard's recent revisions, the newest first) and ``bilan.revisions_queryset`` with
``followup.first_rows`` (the bilan's, the oldest of the period first, with their total): each
revision with its decision, the decision's space and territory, and its author. Building that
statement (four joins, deferred columns, a window count) cost the ORM more than running it and
making its rows (about 0.6 ms of 1.3 at scale L); this one is written once and gives the same
instances, the same columns loaded and the others deferred, with the same relations cached.
tests/planning/test_dashboard.py checks that both forms agree.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from concertation.decisions.models import Proposal
from concertation.spaces.models import Space, Territory

from .models import Revision

# The columns each model loads (as ``only(*REVISION_FIELDS)`` with its select_related): the author's
# whole row, a few of the others'.
LOADED = (
    ("revision", Revision, ("id", "plan_id", "item_type", "item_id", "item_label", "action", "diff", "reason",
                            "decision_id", "author_id", "made_at")),
    ("decision", Proposal, ("id", "space_id", "title", "decided_at")),
    ("space", Space, ("id", "territory_id", "slug")),
    ("territory", Territory, ("id", "slug")),
    ("author", None, None),  # the user model, every column
)

REVISION_SQL = """
SELECT {columns}{total}
  FROM {revision} revision
  LEFT JOIN {proposal} decision ON decision.id = revision.decision_id
  LEFT JOIN {space} space ON space.id = decision.space_id
  LEFT JOIN {territory} territory ON territory.id = space.territory_id
  LEFT JOIN {user} author ON author.id = revision.author_id
 WHERE revision.plan_id = %(plan)s{period}
 ORDER BY revision.made_at {order}, revision.id {order}
 LIMIT %(limit)s
"""


def _groups(connection):
    """[(alias, model, [fields in the model's order], [converters of each field])]."""
    groups = []
    ops = connection.ops
    for alias, model, names in LOADED:
        model = model or get_user_model()
        fields = [field for field in model._meta.concrete_fields if names is None or field.attname in names]
        converters = []
        for field in fields:
            column = field.get_col(alias)
            converters.append((column, [*ops.get_db_converters(column),
                                        *column.get_db_converters(connection)]))
        groups.append((alias, model, fields, converters))
    return groups


def revision_first(plan, *, limit: int, period=None, newest_first: bool = False) -> tuple[list[Revision], int]:
    """(the first ``limit`` revisions of ``plan``, their total): the newest first (``newest_first``,
    the dashboard's), or those made in ``period`` (bilan.Period) the oldest first (the bilan's)."""
    from django.db import connection as proxy
    from django.db import connections

    connection = connections[proxy.alias]  # the connection itself: the proxy looks it up at each use
    table = connection.ops.quote_name
    groups = _groups(connection)
    columns = ", ".join(f"{alias}.{table(field.column)}" for alias, _model, fields, _conv in groups for field in fields)
    params = {"plan": plan.pk, "limit": int(limit)}
    period_sql = ""
    if period is not None:
        period_sql = " AND revision.made_at >= %(start)s AND revision.made_at < %(end)s"
        params["start"] = connection.ops.adapt_datetimefield_value(period.start_moment)
        params["end"] = connection.ops.adapt_datetimefield_value(period.end_moment)
    sql = REVISION_SQL.format(
        columns=columns, total=", COUNT(*) OVER ()", period=period_sql, order="DESC" if newest_first else "ASC",
        revision=table(Revision._meta.db_table), proposal=table(Proposal._meta.db_table),
        space=table(Space._meta.db_table), territory=table(Territory._meta.db_table),
        user=table(get_user_model()._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    revisions, db = [], connection.alias
    for row in rows:
        made, start = {}, 0
        for alias, model, fields, converters in groups:
            values = list(row[start:start + len(fields)])
            start += len(fields)
            if values[0] is None:  # no decision, no author
                made[alias] = None
                continue
            for n, (column, functions) in enumerate(converters):
                for function in functions:
                    values[n] = function(values[n], column, connection)
            made[alias] = model.from_db(db, [field.attname for field in fields], values)
        revision, decision, space = made["revision"], made["decision"], made["space"]
        if space is not None:
            space._state.fields_cache["territory"] = made["territory"]
        if decision is not None:
            decision._state.fields_cache["space"] = space
        revision._state.fields_cache["decision"] = decision
        revision._state.fields_cache["author"] = made["author"]
        revisions.append(revision)
    return revisions, (rows[0][-1] if rows else 0)
