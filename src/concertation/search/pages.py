"""What the search page shows: the query's filters read from GET, the results grouped by kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from . import results_html, selectors
from .labels import KINDS


@dataclass
class Group:
    kind: str
    label: str
    hits: list


def _date(value: str):
    try:
        return date.fromisoformat(value.strip()) if value and value.strip() else None
    except ValueError:
        return None


def _page(value: str) -> int:
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


def search_context(user, territory, params, *, limited: bool = False) -> dict:
    """``limited``: the person is over the search's rate limit: the page and the words, no search."""
    q = (params.get("q") or "")[:200]
    reach_spaces = selectors.visible_space_choices(user, territory)
    space = next((s for s in reach_spaces if s.slug == params.get("espace")), None)
    kind = params.get("type") if params.get("type") in KINDS else ""
    filters = selectors.Filters(kind=kind, space_id=space.pk if space else None, start=_date(params.get("du", "")),
                                end=_date(params.get("au", "")), page=_page(params.get("page")))
    results = selectors.search(user, territory, "" if limited else q, filters, spaces=reach_spaces)
    groups: dict[str, Group] = {}
    for hit in results.hits:
        groups.setdefault(hit.kind, Group(hit.kind, KINDS.get(hit.kind, hit.kind), [])).hits.append(hit)
    ordered = [groups[k] for k in KINDS if k in groups]
    base = {"q": q, **({"espace": space.slug} if space else {}),
            **({"du": filters.start.isoformat()} if filters.start else {}),
            **({"au": filters.end.isoformat()} if filters.end else {})}
    kinds = [{"kind": k, "label": label, "count": results.counts[k], "current": k == kind,
              "query": urlencode({**base, "type": k})} for k, label in KINDS.items() if results.counts.get(k)]
    return {
        "territory": territory, "q": q, "space": space, "spaces": reach_spaces, "filters": filters,
        "results": results, "groups": ordered, "kinds": kinds, "kind": kind,
        "groups_html": results_html.groups_html(ordered), "space_options": results_html.space_options(reach_spaces, space),
        "all_query": urlencode(base), "widen_query": urlencode({k: v for k, v in base.items() if k != "espace"}),
        "page_query": urlencode({**base, **({"type": kind} if kind else {})}),
        "total_all": sum(results.counts.values()), "limited": limited,
    }
