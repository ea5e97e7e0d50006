"""A large plan's page as an outline (issue 20).

Past ``OUTLINE_THRESHOLD`` activities, the plan page (its reading view, its edit mode and the plan
as it was on a past date) shows the priorities, objectives and strategies, each strategy with its
number of activities and how many there are of each status; a strategy's activities are shown when
the reader opens it: the same page with ``?strategie=<id>`` (``STRATEGY_PARAM``), which keeps the
page's other parameters (the date, the edit mode, the decision carried) and answers 404 for a
strategy that is not in the plan. Under the threshold the page shows the whole plan, as before.

The whole plan stays where it is needed whole: the dashboard, the bilan (and their PDF) and the
API read it by themselves.

Reads: the strategies' query counts their activities by status (tree.upper_items), so the page
knows whether it is an outline before it reads any activity; then it reads the activities (their
organizations, indicators and practice sheets) of the opened strategy only.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from django.http import Http404
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from concertation.core import formatting

from .models import Activity, Plan
from .revisions import plan_as_of
from .tree import STATUSES, PlanTree, activity_items, build_plan_tree, indicator_items, upper_items

# Past this many activities, the plan page is an outline (tests lower it).
OUTLINE_THRESHOLD = 100
# The query parameter that opens one strategy of the outline.
STRATEGY_PARAM = "strategie"


def activity_anchor(strategy_id: int, activity_id: int) -> str:
    """What follows the plan page's URL in a link to one of its activities: its strategy opened (an
    outline shows it; under the threshold the whole plan is shown anyway) and the activity's anchor."""
    return f"?{STRATEGY_PARAM}={int(strategy_id)}#activity-{int(activity_id)}"


def opened_strategy(raw: str | None) -> int | None:
    """The strategy named by ``?strategie=`` (None without one; 404 for what is not an id)."""
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise Http404
    return int(raw)


def current_tree(plan: Plan, *, with_indicators: bool, opened: int | None) -> PlanTree:
    """The current plan: whole under the threshold; past it, an outline with the activities of the
    ``opened`` strategy only (404 for a strategy of another plan)."""
    items: dict = {}
    extras: dict = {}
    counts = upper_items(plan, items, counted=True)
    if opened is not None and ("strategy", opened) not in items:
        raise Http404
    total = sum(sum(by_status.values()) for by_status in counts.values())
    outline = total > OUTLINE_THRESHOLD
    strategies = ([opened] if opened is not None else []) if outline else None
    if strategies != []:
        activity_items(plan, items, extras, strategies=strategies)
    if with_indicators:
        indicator_items(plan, items, strategies=strategies)
    tree = build_plan_tree(plan, items, extras=extras)
    _mark(tree, outline=outline, opened=opened, total=total, counts=counts)
    return tree


def past_tree(plan: Plan, moment, *, opened: int | None) -> PlanTree:
    """The plan as it was at ``moment``: read whole (its activities are known only once the later
    revisions are undone), shown as an outline past the threshold (no statuses then: they are not
    part of the revisions)."""
    tree = plan_as_of(plan, moment, with_indicators=True)
    if opened is not None and tree.find("strategy", opened) is None:
        raise Http404
    strategies = [node for node in tree.nodes() if node.kind == "strategy"]
    counts = {strategy.id: {"": len(strategy.children)} for strategy in strategies}
    total = sum(len(strategy.children) for strategy in strategies)
    outline = total > OUTLINE_THRESHOLD
    if outline:
        for strategy in strategies:
            if strategy.id != opened:
                strategy.children = []
    _mark(tree, outline=outline, opened=opened, total=total, counts=counts)
    return tree


def _mark(tree: PlanTree, *, outline: bool, opened, total: int, counts: dict) -> None:
    tree.outline, tree.opened, tree.activity_total = outline, opened, total
    if not outline:
        return
    labels = {value: str(label) for value, label in Activity.Status.choices}
    colon = formatting.colon()
    by_count: dict = {}  # {count: (« 25 actions », « Voir les 25 actions »)}, once per count of the page
    for node in tree.nodes():
        if node.kind != "strategy":
            continue
        by_status = counts.get(node.id, {})
        node.activity_count = count = sum(by_status.values())
        words = by_count.get(count)
        if words is None:
            words = by_count[count] = (
                ngettext("%(counter)s action", "%(counter)s actions", count) % {"counter": count}, open_label(node))
        parts = [words[0]]
        parts += [f"{labels[status]}{colon} {by_status[status]}" for status in STATUSES if by_status.get(status)]
        node.outline_summary = " · ".join(parts)
        node.open_label = words[1]


def attach_outline_urls(tree: PlanTree, base: str, kept: dict) -> None:
    """Each strategy's ``open_url`` and ``close_url`` (``base``: the plan page's path; ``kept``: the
    page's parameters that every link keeps, in order)."""
    if not tree.outline:
        return
    opening = f"{base}?{urlencode({**kept, STRATEGY_PARAM: ''})}"
    closing = f"{base}?{urlencode(kept)}" if kept else base
    for node in tree.nodes():
        if node.kind == "strategy":
            node.open_url = f"{opening}{node.id}#strategy-{node.id}"
            node.close_url = f"{closing}#strategy-{node.id}"


def notice(tree: PlanTree) -> str:
    """The sentence at the top of an outline: why, and how to open a strategy."""
    if not tree.outline:
        return ""
    count = tree.activity_total
    return ngettext(
        "Ce plan compte %(count)s action. Pour que la page reste légère, surtout sur un téléphone, elle "
        "montre les priorités, les objectifs et les stratégies, avec le nombre d'actions de chaque stratégie "
        "par statut. Pour afficher les actions d'une stratégie, choisissez le lien « Voir » qui la suit.",
        "Ce plan compte %(count)s actions. Pour que la page reste légère, surtout sur un téléphone, elle "
        "montre les priorités, les objectifs et les stratégies, avec le nombre d'actions de chaque stratégie "
        "par statut. Pour afficher les actions d'une stratégie, choisissez le lien « Voir » qui la suit.",
        count) % {"count": formatting.number(count)}


def open_label(strategy) -> str:
    """« Voir les 25 actions » (a strategy without any: « Voir la stratégie »)."""
    count = getattr(strategy, "activity_count", 0)
    if not count:
        return _("Voir la stratégie")
    return ngettext("Voir l'action", "Voir les %(counter)s actions", count) % {"counter": formatting.number(count)}


def strategy_line(strategy, heading: str, strategy_label: str) -> str:
    """A closed strategy of the reading outline: its title, its summary, the link that opens it
    (``strategy_label``: « Stratégie %(number)s · %(title)s », translated)."""
    tag = "h3" if heading == "h3" else "h4"
    title = strategy_label % {"number": escape(strategy.number), "title": escape(strategy.title)}
    return mark_safe(
        f'\n<li id="strategy-{strategy.id}" class="plan-outline-line">\n'
        f'  <{tag} id="strategy-{strategy.id}-title">{title}</{tag}>\n'
        f'  <span class="plan-meta">{escape(strategy.outline_summary)}</span>\n'
        f'  <a class="plan-open" href="{escape(strategy.open_url)}">{escape(strategy.open_label)}'
        f'<span class="visually-hidden"> — {title}</span></a>\n'
        "</li>\n")


def close_link(strategy) -> str:
    """The link under an opened strategy of the outline that closes it again."""
    label = escape(_("Refermer la stratégie"))
    return (f'      <p><a href="{escape(strategy.close_url)}">{label}'
            f'<span class="visually-hidden"> {escape(strategy.number)}</span></a></p>\n')
