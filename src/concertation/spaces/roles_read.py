"""A space's roles with the holders of their current terms, as a person may see them (accounts.privacy):
the ORM form (the API) and the statement written out for the pages, tested to agree
(tests/spaces/test_selectors_sql.py)."""

from __future__ import annotations

from django.db.models import F, Prefetch, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.dateparse import parse_date

from concertation.accounts import privacy

from .models import Role, RoleAssignment
from .periods import assignment_current_q, assignment_current_sql


def holder_label(viewer):
    """SQL for ``RoleAssignment.holder_name``: « Person (ACRONYM) », the person, or the organization,
    as ``viewer`` may see them (accounts.privacy)."""
    short = Coalesce(NullIf(F("organization__acronym"), Value("")), F("organization__name"))
    return privacy.label_sql("person__", viewer, organization="organization__", short=short)


def roles_with_holders(space_ids, on=None, *, viewer):
    """Roles of the spaces with their ``current_assignments``, each with ``holder_label`` (no person or
    organization objects)."""
    on = on or timezone.localdate()
    return (
        Role.objects.filter(space_id__in=space_ids)
        .only("id", "space_id", "name", "kind", "position")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=RoleAssignment.objects.filter(assignment_current_q(on=on))
                .only("id", "role_id", "person_id", "organization_id", "start", "end", "ended_on")
                .annotate(holder_label=holder_label(viewer))
                .order_by("start", "pk"),
                to_attr="current_assignments",
            )
        )
        .order_by("space_id", "position", "name")
    )


# ``roles_with_holders`` written out for the pages (composing ``holder_label``'s expression cost the
# ORM more than the statements take to run): the spaces' roles in their order, each with its current
# terms (``assignment_current_sql``) by start, one row a term (or one for a vacant role).
# tests/spaces/test_selectors_sql.py checks it against the ORM form.
ROLE_TERMS_SQL = """
SELECT r.space_id, r.id, r.name, a.id, {holder_label}, a."end"
  FROM spaces_role r
  LEFT JOIN spaces_roleassignment a ON a.role_id = r.id AND {current_a}
  LEFT JOIN accounts_user p ON p.id = a.person_id
  LEFT JOIN directory_organization o ON o.id = a.organization_id
 WHERE r.space_id IN ({spaces})
 ORDER BY r.space_id, r.position, r.name, r.id, a.start, a.id
"""


def _role_terms(space_ids, on, viewer) -> list[tuple]:
    """``ROLE_TERMS_SQL``'s rows: (space id, role id, role name, term id or None, holder label, end)."""
    from django.db import connection

    space_ids = list(space_ids)
    if not space_ids:
        return []
    sql = ROLE_TERMS_SQL.format(holder_label=privacy.label_sql_text("p", viewer, organization="o"),
                                current_a=assignment_current_sql("a", on="%(on)s"),
                                spaces=", ".join(f"%(space{n})s" for n in range(len(space_ids))))
    params = {f"space{n}": space_id for n, space_id in enumerate(space_ids)}
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "neutral_name": privacy.neutral_name(),
                             "on": connection.ops.adapt_datefield_value(on or timezone.localdate())})
        return cursor.fetchall()


def role_rows(space_id: int, on=None, *, viewer) -> list[dict]:
    """``roles_with_holders([space_id])`` as plain values for a page, in one statement
    (``ROLE_TERMS_SQL``): [{"name", "current_assignments": [{"holder_label", "end"}…]}…]."""
    roles: dict[int, dict] = {}
    for _space_id, role_id, name, assignment_id, label, end in _role_terms([space_id], on, viewer):
        role = roles.setdefault(role_id, {"name": name, "current_assignments": []})
        if assignment_id is not None:
            role["current_assignments"].append(
                {"holder_label": label, "end": parse_date(end) if isinstance(end, str) else end})  # SQLite: text
    return list(roles.values())


def role_holders_by_space(space_ids, on=None, *, viewer) -> dict[int, list[tuple[str, str]]]:
    """{space id: [(role name, « holder, holder » or "" when vacant)…]} in one statement
    (``ROLE_TERMS_SQL``) and no model objects (the overview of a territory lists every role of every
    space)."""
    roles: dict[int, list[tuple[str, str]]] = {space_id: [] for space_id in space_ids}
    holders: dict[int, list[str]] = {}
    for space_id, role_id, name, assignment_id, label, _end in _role_terms(space_ids, on, viewer):
        if role_id not in holders:
            holders[role_id] = []
            roles[space_id].append((name, holders[role_id]))
        if assignment_id is not None:
            holders[role_id].append(label)
    return {space_id: [(name, ", ".join(labels)) for name, labels in rows] for space_id, rows in roles.items()}
