"""The search, filtered by what the person may see inside the one SQL statement (issue 17).

The index keeps only facts of each object (its space, an audience level, a draft's author); the
person's side comes from ``spaces.access.access_for(user)`` and the territory's spaces (one query):
which spaces she may see, run, sit in, whether she belongs to the territory. ``visibility_sql``
turns both into a WHERE clause, so that nothing the person may not see is fetched, counted, or
excerpted. Three queries make a page: the spaces, the counts by kind, one page of hits (on SQLite
the counts and the newest page come from one statement; a ranked page, for few hits, is a second).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from concertation.spaces.access import access_for
from concertation.spaces.models import Space

from . import text
from .engines import engine
from .models import Audience

PAGE_SIZE = 20
RANK_LIMIT = 300
# PostgreSQL, past RANK_LIMIT: with this many hits or more, the newest entries are read from the
# date index (migration 0003) and each is checked against the query until a page is full: about
# PAGE_SIZE × entries ÷ hits rows. With fewer, that walk would check many rows that do not match
# (each check reads the row's vectors), so the hits are gathered first and only they are sorted.
DENSE_HITS = 4000


@dataclass
class Reach:
    """What the person may see of one territory, as sets of space ids."""

    user_id: int | None
    signed_in: bool
    in_territory: bool
    coordinates_territory: bool
    visible: list[int]
    run: list[int]      # visible and run (facilitation, coordination)
    member: list[int]   # visible and a member (or run)


def reach_for(user, territory, spaces=None) -> Reach:
    """``spaces``: the territory's spaces already loaded (at least those the person may see, with
    their visibility), as ``visible_space_choices`` gives them; else they are read (one query)."""
    access = access_for(user)
    visible, run, member = [], [], []
    if spaces is None:
        spaces = Space.objects.filter(territory_id=territory.pk).only("id", "territory_id", "visibility")
    for space in spaces:
        if not access.can_view(space):
            continue
        visible.append(space.pk)
        facilitates = access.facilitates(space)
        if facilitates:
            run.append(space.pk)
        if facilitates or access.is_member(space):
            member.append(space.pk)
    return Reach(access.user_id, access.is_authenticated, access.in_territory(territory.pk),
                 access.coordinates_territory(territory.pk), visible, run, member)


def visible_space_choices(user, territory) -> list[Space]:
    """The territory's spaces the person may see (the space filter), in one query."""
    access = access_for(user)
    spaces = Space.objects.filter(territory_id=territory.pk).only("id", "territory_id", "visibility", "name", "slug")
    return [space for space in spaces.order_by("position", "name") if access.can_view(space)]


RANGES = 4


def _space_in(ids) -> str:
    """``e.space_id`` among ``ids`` (integers, inlined). Runs of consecutive ids, when there are at
    most RANGES of them, are written as ranges: an IN list costs a lookup per hit (~1 ms for a
    common word at L), a range two comparisons; a territory's spaces are often one run."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return "e.space_id IN (NULL)"
    runs, start = [], ids[0]
    for previous, current in zip(ids, ids[1:], strict=False):
        if current != previous + 1:
            runs.append((start, previous))
            start = current
    runs.append((start, ids[-1]))
    if len(runs) > RANGES:
        return "e.space_id IN (" + ", ".join(map(str, ids)) + ")"
    tests = [f"e.space_id BETWEEN {low} AND {high}" if high > low else f"e.space_id = {low}" for low, high in runs]
    return tests[0] if len(tests) == 1 else "(" + " OR ".join(tests) + ")"


def visibility_sql(reach: Reach) -> tuple[str, list]:
    """The entries the person may see, as SQL on ``search_entry e`` (ids are integers, inlined)."""
    visible, run, member = _space_in(reach.visible), _space_in(reach.run), _space_in(reach.member)
    uid = reach.user_id
    parts, params = [f"e.audience = '{Audience.ALL}'"], []
    if reach.in_territory:
        parts.append(f"e.audience = '{Audience.TERRITORY}'")
    if reach.coordinates_territory:
        parts.append(f"e.audience = '{Audience.SHEET_DRAFT}'")
    elif uid is not None and reach.in_territory:
        parts.append(f"(e.audience = '{Audience.SHEET_DRAFT}' AND e.author_id = %s)")
        params.append(uid)
    parts.append(f"(e.audience = '{Audience.SPACE}' AND {visible})")
    if reach.signed_in:
        parts.append(f"(e.audience = '{Audience.SPACE_SIGNED_IN}' AND {visible})")
    parts.append(f"(e.audience = '{Audience.SPACE_RUN}' AND {run})")
    if uid is not None:
        parts.append(f"(e.audience = '{Audience.SPACE_DRAFT}' AND ({run} OR "
                     f"(e.author_id = %s AND {visible})))")
        params.append(uid)
    else:
        parts.append(f"(e.audience = '{Audience.SPACE_DRAFT}' AND {run})")
    parts.append(f"(e.audience = '{Audience.DOC_TERRITORY}' AND "
                 f"{visible if reach.in_territory else run})")
    parts.append(f"(e.audience = '{Audience.DOC_SPACE}' AND {member})")
    return "(" + " OR ".join(parts) + ")", params


@dataclass
class Filters:
    kind: str = ""
    space_id: int | None = None
    start: date | None = None
    end: date | None = None
    page: int = 1


@dataclass
class Hit:
    kind: str
    object_id: int
    title: str
    excerpt: str
    url: str
    date: date | None
    space_name: str


@dataclass
class Results:
    query: text.Query
    counts: dict[str, int] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    total: int = 0      # of the kind asked (all kinds without one)
    page: int = 1
    pages: int = 0
    ranked: bool = True  # by relevance (else by date, for very many hits)


def _as_date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def search(user, territory, raw: str, filters: Filters | None = None, *, page_size: int = PAGE_SIZE,
           spaces=None) -> Results:
    """``spaces``: see ``reach_for`` (the page has read them for its space filter)."""
    filters = filters or Filters()
    query = text.parse(raw)
    results = Results(query=query, page=max(1, filters.page))
    if not query:
        return results
    match = engine().match(query)
    visible, visible_params = visibility_sql(reach_for(user, territory, spaces))
    where = [match.where, "(e.territory_id = %s OR e.territory_id IS NULL)", visible]
    params = [*match.params, territory.pk, *visible_params]
    start, end = filters.start, filters.end
    if query.year and not (start or end):
        start, end = date(query.year, 1, 1), date(query.year, 12, 31)
    if filters.space_id:
        where.append("e.space_id = %s")
        params.append(filters.space_id)
    if start:
        where.append("e.date >= %s")
        params.append(connection.ops.adapt_datefield_value(start))
    if end:
        where.append("e.date <= %s")
        params.append(connection.ops.adapt_datefield_value(end))
    base = f"FROM search_entry e {match.join} WHERE " + " AND ".join(where)
    kind_sql, kind_params = ("AND e.kind = %s", [filters.kind]) if filters.kind else ("", [])
    columns = "e.kind, e.object_id, e.title, e.body, e.url, e.date, s.name"
    with connection.cursor() as cursor:
        rows = None
        if connection.vendor == "sqlite":
            # One pass over the matches gives the counts and the newest page: each match costs a row
            # lookup and the visibility test, which a second statement would pay again (a common
            # word at L: 10 800 matches, ~10 ms a pass); the same statement ranks a page only when
            # the hits are few. PostgreSQL reads a dense newest page from its date index instead
            # (below), which needs the count first.
            counts, newest, ranked = _sqlite_counts_and_pages(
                cursor, match, base, params, kind_sql, kind_params, columns, page_size,
                (results.page - 1) * page_size)
        else:
            cursor.execute(f"SELECT e.kind, COUNT(*) {base} GROUP BY e.kind", params)
            counts, newest, ranked = dict(cursor.fetchall()), None, None
        results.counts = counts
        results.total = counts.get(filters.kind, 0) if filters.kind else sum(counts.values())
        results.pages = max(1, -(-results.total // page_size))
        asked_page, results.page = results.page, min(results.page, results.pages)
        # Relevance for a few hundred hits; past that (a very common word), the most recent first:
        # ranking every match costs more than a page may, and recency is what a table looks for.
        results.ranked = results.total <= RANK_LIMIT
        window = [page_size, (results.page - 1) * page_size]
        if newest is not None and results.page == asked_page:
            rows = ranked if results.ranked else newest
        elif not results.ranked and connection.vendor == "postgresql" and results.total < DENSE_HITS:
            cursor.execute(
                f"WITH hits AS MATERIALIZED (SELECT e.id, e.date {base} {kind_sql}) "
                f"SELECT {columns} FROM hits h JOIN search_entry e ON e.id = h.id "
                f"LEFT JOIN spaces_space s ON s.id = e.space_id "
                f"ORDER BY h.date DESC NULLS LAST, h.id DESC LIMIT %s OFFSET %s",
                [*params, *kind_params, *window],
            )
        else:
            order, order_params = ((match.order, match.order_params) if results.ranked
                                   else ("e.date DESC NULLS LAST", []))
            cursor.execute(
                f"SELECT {columns} "
                f"{base.replace('WHERE', 'LEFT JOIN spaces_space s ON s.id = e.space_id WHERE', 1)} {kind_sql} "
                f"ORDER BY {order}, e.id DESC LIMIT %s OFFSET %s",
                [*params, *kind_params, *order_params, *window],
            )
        if rows is None:
            rows = cursor.fetchall()
    for kind, object_id, title, body, url, day, space_name in rows:
        results.hits.append(Hit(kind, object_id, text.highlight(title, query), text.excerpt(body, query),
                                url.replace("{territory}", territory.slug), _as_date(day), space_name or ""))
    return results


def _sqlite_counts_and_pages(cursor, match, base, params, kind_sql, kind_params, columns, limit, offset):
    """In one statement over the matches gathered once: the counts by kind, the page of the newest
    matches, and — only when there are no more than RANK_LIMIT of the kind asked (a condition on no
    row, which SQLite tests once before matching again) — the page by relevance.
    ({kind: count}, newest rows, ranked rows), each page in its order."""
    # The ranked part starts from a one-row count of the hits (``gate``, the outer loop): past
    # RANK_LIMIT its condition fails before FTS5 is asked to match again (a condition in the WHERE
    # clause alone came after the match had been gathered: ~1.2 ms for a common word at L).
    joined = base.replace("WHERE", "LEFT JOIN spaces_space s ON s.id = e.space_id WHERE gate.n <= %s AND", 1) \
        .replace("FROM search_entry e", f"FROM (SELECT COUNT(*) AS n FROM hits e WHERE 1 = 1 {kind_sql}) gate "
                 "CROSS JOIN search_entry e", 1)
    # Each match's facts are read from their narrow index (migration 0004), not from the table.
    facts = base.replace("FROM search_entry e", "FROM search_entry e INDEXED BY search_entry_facts", 1)
    cursor.execute(
        f"WITH hits AS MATERIALIZED (SELECT e.id, e.kind, e.date {facts}) "
        f"SELECT NULL, NULL, kind, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL FROM hits GROUP BY kind "
        f"UNION ALL SELECT 1, h.id, {columns}, NULL FROM ("
        f"SELECT e.id, e.date FROM hits e WHERE 1 = 1 {kind_sql} "
        f"ORDER BY e.date DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s) h "
        f"JOIN search_entry e ON e.id = h.id LEFT JOIN spaces_space s ON s.id = e.space_id "
        f"UNION ALL SELECT * FROM (SELECT 2, e.id, {columns}, {match.order} {joined} {kind_sql} "
        f"ORDER BY {match.order}, e.id DESC LIMIT %s OFFSET %s)",
        [*params, *kind_params, limit, offset,
         *match.order_params, *kind_params, RANK_LIMIT, *params, *kind_params, *match.order_params, limit, offset],
    )
    counts, newest, ranked = {}, [], []
    for row in cursor.fetchall():
        if row[0] is None:
            counts[row[2]] = row[3]
        else:
            (newest if row[0] == 1 else ranked).append(row)
    # A compound statement keeps no order of its parts: each page is put back in its order here.
    newest.sort(key=lambda row: (row[7] is not None, str(row[7] or ""), row[1]), reverse=True)
    ranked.sort(key=lambda row: (row[9], -row[1]))
    return counts, [row[2:9] for row in newest], [row[2:9] for row in ranked]


def visible_entry_keys(user, territory, raw: str) -> set[tuple[str, int]]:
    """(kind, object id) of every hit, all pages (for tests and the benchmark)."""
    found = search(user, territory, raw, page_size=100_000)
    return {(hit.kind, hit.object_id) for hit in found.hits}
