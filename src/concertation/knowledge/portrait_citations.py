"""How many items of the plan cite each figure of the portrait, for the person reading it.

Knowledge sits below planning and never names it: planning registers, from its ``AppConfig.ready()``,
either

- a **source** (``register_citation_source``): a function ``(figure_ids) → [(figure id, space id of
  the citing item)…]``, one row a citation. The portrait counts the rows whose space the reader may
  open (``spaces.access``: a plan of a members-only space stays unseen), with the territory's spaces
  the page has already read: the count costs the source's own queries, whether or not a figure shown
  is cited (issue 20: the same queries at every size); or
- a **counter** (``register_citation_counter``): a function ``(figure_ids, user) → {figure id:
  count}`` that counts only what that person may see itself (its queries may depend on whether any
  figure is cited).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Counter = Callable[[list[int], object], dict[int, int]]
Source = Callable[[list[int]], Iterable[tuple[int, int]]]
_counters: list[Counter] = []
_sources: list[Source] = []


def register_citation_counter(counter: Counter) -> None:
    if counter not in _counters:
        _counters.append(counter)


def register_citation_source(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def citation_counts(figure_ids: Iterable[int], user, *, spaces=None) -> dict[int, int]:
    """Figure id → how many items the person may see cite it. ``spaces``: the spaces of the figures'
    territory (with ``territory_id`` and ``visibility``), when the caller has read them already;
    the citing items of a figure are in its territory (a plan cites the figures of its own)."""
    ids = list(figure_ids)
    counts: dict[int, int] = {}
    if not ids:
        return counts
    if _sources:
        rows = [row for source in _sources for row in source(ids)]
        visible = _visible_spaces(user, spaces, {space_id for _figure, space_id in rows})
        for figure_id, space_id in rows:
            if space_id in visible:
                counts[figure_id] = counts.get(figure_id, 0) + 1
    for counter in _counters:
        for figure_id, count in counter(ids, user).items():
            counts[figure_id] = counts.get(figure_id, 0) + count
    return counts


def _visible_spaces(user, spaces, wanted: set[int]) -> set[int]:
    from concertation.spaces.access import access_for
    from concertation.spaces.models import Space

    if spaces is None:  # not read by the caller: the citing spaces only (no query without citations)
        spaces = Space.objects.filter(pk__in=wanted).only("id", "territory_id", "visibility", "parent_id") \
            if wanted else []
    access = access_for(user)
    return {space.pk for space in spaces if space.pk in wanted and access.can_view(space)}
