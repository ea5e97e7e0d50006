"""What the home shows a person (``home_for``) and « Mes espaces » (``my_territories``): one function
per block (everyone.py: the blocks everyone sees; coordination.py: « À faire pour vos espaces »),
each taking the person and returning plain rows in one query — whatever the size of the territory
(a page of ≤ 15 queries at S and L).

The rules stay in their apps: who sits where comes from the person's access summary
(``spaces.access``, computed once per request), who may vote from ``decisions.eligibility``, what
is overdue from ``meetings.followups``, what measurement is due from ``planning.indicators``,
which invitations still work from ``spaces.invitations``, which terms end soon from
``spaces.selectors``. Each block keeps only a few lines (``LIMIT``) and links to the full list.

Each block reads its rows through one statement written out (``…_SQL``, run by ``…_rows``): the
home is the most visited page, and composing its eleven ORM queries cost several times what SQLite
needed to run them. Beside each statement stays its ORM form (``…_queryset``), the rule as the ORM
says it; tests/home/test_home_sql.py checks over generated data that both read the same rows. The
fragments of rules kept by other apps come from there (``current_sql``, ``assignment_current_sql``,
``ending_soon_sql``, ``overdue_sql``, ``pending_sql``). « Mes espaces » reads the person's spaces the
same way (``spaces_of_user`` and ``SPACES_OF_USER_SQL``, below).
"""
from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from concertation.directory.models import Territory
from concertation.spaces.access import access_for
from concertation.spaces.models import Space

from .coordination import (
    measurements_due,
    meetings_to_prepare,
    overdue_in_my_spaces,
    pending_invitations,
    terms_ending,
)
from .everyone import (
    minutes_to_read,
    my_follow_ups,
    my_roles,
    next_meetings,
    open_votes,
    recent_decisions,
)
from .written import (
    coordinated_q,
    facilitated_q,
)


def runs_something(person) -> bool:
    """Whether the person coordinates or facilitates anything (the « À faire » part of the home)."""
    return facilitated_q(person) is not None or coordinated_q(person) is not None


def home_for(person) -> dict:
    """Every block of the person's home."""
    now = timezone.now()
    today = timezone.localdate()
    data = {
        "meetings": next_meetings(person, now=now),
        "votes": open_votes(person, now=now),
        "follow_ups": my_follow_ups(person, today=today),
        "roles": my_roles(person, today=today),
        "decisions": recent_decisions(person, now=now),
        "minutes": minutes_to_read(person, now=now),
        "runs": runs_something(person),
    }
    if data["runs"]:
        prepare = meetings_to_prepare(person, now=now)
        data["todo"] = {
            "convene": prepare["convene"], "minutes": prepare["minutes"],
            "overdue": overdue_in_my_spaces(person, today=today),
            "measurements": measurements_due(person, today=today),
            "terms": terms_ending(person, today=today),
            "invitations": pending_invitations(person, now=now),
        }
        data["todo"]["empty"] = not any(data["todo"].values())
    return data


def spaces_of_user(user):
    """The person's spaces across territories (« Mes espaces »), in the ORM. The page reads the same
    rows through ``SPACES_OF_USER_SQL`` (``spaces_of_user_rows``); tests/home/test_home_sql.py checks
    that both agree."""
    access = access_for(user)
    ids = set(access.space_categories) | access.coordinated_spaces | set(access.role_kinds)
    spaces = Space.objects.filter(Q(id__in=ids) | Q(territory_id__in=access.coordinated_territories))
    return list(spaces.select_related("territory").order_by("territory__name", "position", "name"))


SPACES_OF_USER_SQL = """
SELECT t.id, t.name, t.slug, s.id, s.name, s.slug, s.kind
  FROM spaces_space s
  JOIN directory_territory t ON t.id = s.territory_id
 WHERE {where}
 ORDER BY t.name, s.position, s.name
"""


def spaces_of_user_rows(user) -> list[tuple]:
    """``spaces_of_user`` written out, as plain rows: (territory id, name, slug, space id, name, slug,
    kind); composing the ORM query cost more than running it."""
    access = access_for(user)
    ids = sorted(set(access.space_categories) | access.coordinated_spaces | set(access.role_kinds))
    territories = sorted(access.coordinated_territories)
    where = [f"s.id IN ({', '.join(['%s'] * len(ids))})"] if ids else []
    if territories:
        where.append(f"s.territory_id IN ({', '.join(['%s'] * len(territories))})")
    if not where:
        return []
    with connection.cursor() as cursor:
        cursor.execute(SPACES_OF_USER_SQL.format(where=" OR ".join(where)), [*ids, *territories])
        return cursor.fetchall()


def my_territories(user) -> list[tuple]:
    """« Mes espaces »: (territory, its spaces) for each territory of the person's spaces, then each
    territory they coordinate without any space yet (it offers to create the first one). The spaces
    come as the list's lines written once in Python, every value escaped (empty: none yet)."""
    kinds = dict(Space._meta.get_field("kind").flatchoices)
    territories: dict = {}
    rows = spaces_of_user_rows(user)
    for territory_id, territory_name, territory_slug, _pk, name, slug, kind in rows:
        spaces = territories.get(territory_id)
        if spaces is None:
            spaces = territories[territory_id] = ({"pk": territory_id, "name": territory_name, "slug": territory_slug},
                                                  [])
        # The line as home/my_spaces.html wrote it in its loop, with the loop's whitespace.
        spaces[1].append(format_html(
            '\n            <li><a href="{}">{}</a> <span class="muted">— {}</span></li>\n          ',
            reverse("spaces:space", kwargs={"territory": territory_slug, "space": slug}), name, kinds.get(kind, kind)))
    # A territory the person coordinates has no line above only when it has no space yet.
    missing = access_for(user).coordinated_territories - set(territories)
    if missing:
        for territory in Territory.objects.filter(pk__in=missing).order_by("pk"):
            territories[territory.pk] = (territory, [])
    return [(territory, mark_safe("".join(lines))) for territory, lines in territories.values()]

