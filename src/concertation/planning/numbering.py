"""How the items of a plan are numbered. Numbers are computed from the order, never stored.

- priorities: 1, 2, 3…
- objectives: 1.1, 1.2… (priority number, then the objective's rank within its priority)
- strategies: 1.1.1, 1.1.2… (objective number, then the rank within the objective)
- activities: 1.1.1.1, 1.1.1.2… (strategy number, then the rank within the strategy)
- cross-cutting strategies (serving the whole plan, no objective): T1, T2…; their activities T1.1,
  T1.2…

A rank is the 1-based place of an item among its siblings ordered by (position, id): positions may
have gaps (an item removed) or ties (items created at the same position), the numbers never do.
The glossary numbers the three upper levels « 1, 1.1, 1.1.1 »; activities simply add a fourth level
so that every action has a unique, stable-looking reference in minutes and reports.
"""

from __future__ import annotations

from collections.abc import Iterable

CROSS_CUTTING_PREFIX = "T"


def order_key(item) -> tuple[int, int]:
    """Sort key of a sibling: a model instance or a tree node (both have position and id)."""
    position = item.position if hasattr(item, "position") else item["position"]
    pk = item.id if hasattr(item, "id") else item["id"]
    return (position or 0, pk or 0)


def in_order(items: Iterable) -> list:
    return sorted(items, key=order_key)


def child_number(parent_number: str, rank: int) -> str:
    return f"{parent_number}.{rank}"


def cross_cutting_number(rank: int) -> str:
    return f"{CROSS_CUTTING_PREFIX}{rank}"


def number_tree(priorities: list, cross_cutting: list) -> None:
    """Set ``number`` on every node of a plan tree (see selectors.PlanTree), in order.

    Each node has ``children``: priorities → objectives → strategies → activities; cross-cutting
    strategies → activities. Children lists are sorted in place.
    """
    priorities.sort(key=order_key)
    for rank, priority in enumerate(priorities, start=1):
        priority.number = str(rank)
        _number_children(priority)
    cross_cutting.sort(key=order_key)
    for rank, strategy in enumerate(cross_cutting, start=1):
        strategy.number = cross_cutting_number(rank)
        _number_children(strategy)


def _number_children(node) -> None:
    node.children.sort(key=order_key)
    for rank, child in enumerate(node.children, start=1):
        child.number = child_number(node.number, rank)
        _number_children(child)
