"""How many items of the plan cite each figure of the portrait, for the person reading it.

Knowledge sits below planning and never names it: planning registers a counter from its
``AppConfig.ready()`` (``register_citation_counter``), a function ``(figure_ids, user) → {figure id:
count}`` that counts only what that person may see (a plan of a members-only space stays unseen).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Counter = Callable[[list[int], object], dict[int, int]]
_counters: list[Counter] = []


def register_citation_counter(counter: Counter) -> None:
    if counter not in _counters:
        _counters.append(counter)


def citation_counts(figure_ids: Iterable[int], user) -> dict[int, int]:
    ids = list(figure_ids)
    counts: dict[int, int] = {}
    if not ids:
        return counts
    for counter in _counters:
        for figure_id, count in counter(ids, user).items():
            counts[figure_id] = counts.get(figure_id, 0) + count
    return counts
