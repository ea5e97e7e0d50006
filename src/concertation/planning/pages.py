"""What the plan's pages show beyond the dashboard and the bilan (dashboard.py, bilan.py): the plan's
tree as a page reads it (with the links of its items), an item's history, an indicator's page, the
side panels of the forms, the measurement import's help. Plain functions the views call; each
returns what a template needs (reads only)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.tabular import english
from concertation.spaces.access import access_for

from . import charts
from .citations import cited_by, cited_by_objective
from .dashboard import line_for
from .indicators import (
    Point,
    indicator_status,
    measurement_due,
    next_measurement_due,
    show,
    status_sentence,
)
from .measurements_import import COLUMNS
from .models import Indicator, Measurement, Plan
from .plan_outline import current_tree, past_tree
from .revisions import action_sentence, describe_diff, history_of
from .selectors import item_in_plan, item_number

# The plan's structure ---------------------------------------------------------------------------

# The item URLs of a big plan page are built from the plan's URL (reversed once) rather than
# reversed one by one: they follow urls_structure.py (tests check both agree).
ITEM_URL_SUFFIXES = {"edit": "modifier/", "move": "deplacer/", "remove": "retirer/", "history": "historique/"}
CHILD_KIND = {"priority": "objective", "objective": "strategy", "strategy": "activity"}


def attach_urls(tree, base: str, carried: str = "", *, reading: bool = False) -> None:
    """``carried``: a query string that every change link keeps (the preselected decision);
    ``reading``: only what the reading view links to (an activity's history and news)."""
    then = f"&{carried}" if carried else ""
    alone = f"?{carried}" if carried else ""
    if reading:
        history = ITEM_URL_SUFFIXES["history"]
        for node in tree.nodes():
            if node.kind == "activity":
                node.urls = {"history": f"{base}activity/{node.id}/{history}",
                             "progress": f"{base}actions/{node.id}/avancement/{alone}"}
        return
    for node in tree.nodes():
        prefix = f"{base}{node.kind}/{node.id}/"
        node.urls = {name: prefix + suffix for name, suffix in ITEM_URL_SUFFIXES.items()}
        for name in ("edit", "remove"):
            node.urls[name] += alone
        node.urls["move_up"] = f"{node.urls['move']}?direction=up{then}"
        node.urls["move_down"] = f"{node.urls['move']}?direction=down{then}"
        if node.kind in CHILD_KIND:
            node.urls["add_child"] = f"{base}{CHILD_KIND[node.kind]}/ajouter/?parent={node.id}{then}"
        if node.kind == "activity":
            node.urls["progress"] = f"{base}actions/{node.id}/avancement/{alone}"


def plan_page_tree(plan: Plan, *, user, moment=None, can_change: bool = False, opened: int | None = None):
    """The plan's tree as the plan page shows it: as it was at ``moment`` (None: now); with each
    line's indicators when reading; each activity's ``can_report`` (news of its progress). Past
    plan_outline.OUTLINE_THRESHOLD activities, an outline with the ``opened`` strategy's activities
    only (404 for a strategy that is not in the plan)."""
    # The reading view summarises each line's indicators; the edit mode does without them.
    tree = (past_tree(plan, moment, opened=opened) if moment
            else current_tree(plan, with_indicators=not can_change, opened=opened))
    cited = cited_by_objective(plan)
    # Delegates of a lead or co-lead organization give news of their activities (reading the
    # current plan); in edit mode, the coordination.
    reading = moment is None and not can_change
    represented = set().union(*access_for(user).space_organizations.values()) if reading else set()
    open_plan = plan.status != Plan.Status.ARCHIVED
    for node in tree.nodes():
        kind = node.kind
        if reading:
            node.can_report = bool(kind == "activity" and open_plan and represented & node.organization_ids)
        else:
            node.can_report = can_change and kind == "activity"
        if kind == "objective":
            node.cited_figures = cited.get(node.id, [])
    return tree


def contained(node) -> dict:
    """How many objectives, strategies and activities an item holds (what its removal takes along)."""
    counts = {"objective": 0, "strategy": 0, "activity": 0}
    stack = list(node.children) if node else []
    while stack:
        child = stack.pop()
        counts[child.kind] = counts.get(child.kind, 0) + 1
        stack.extend(child.children)
    return counts


def revision_row(revision) -> dict:
    return {"revision": revision, "sentence": action_sentence(revision), "changes": describe_diff(revision)}


def item_history_page(plan: Plan, kind: str, item: int) -> dict:
    """The history of an item, of an indicator or of the plan itself, also once the item is removed
    (its title then comes from its last revision); 404 for what never was in this plan."""
    if kind == "plan":
        if item != plan.pk:
            raise Http404
        title, number, exists = plan.title, "", True
    elif kind == "indicator":
        indicator = plan.indicators.filter(pk=item).first()
        exists = indicator is not None
        title, number = (indicator.name if indicator else ""), ""
    else:
        try:
            obj = item_in_plan(plan, kind, item)
        except Http404:
            obj = None
        exists = obj is not None
        title = obj.title if obj else ""
        number = item_number(plan, kind, item) if obj else ""
    revisions_list = list(history_of(kind, item, plan=plan))
    if not exists and not revisions_list:
        raise Http404
    if not exists:
        title = revisions_list[0].shown_label
    return {"title": title, "number": number, "exists": exists,
            "rows": [revision_row(revision) for revision in revisions_list]}


def recent_updates(activity, count: int = 20) -> list:
    """The latest news of an activity (the progress form's side panel)."""
    return list(activity.updates.select_related("author")[:count])


# Indicators and measurements --------------------------------------------------------------------

def day_text(day) -> str:
    return formatting.day(day)


def value_on(indicator: Indicator, value, day) -> str:
    """« 1 200 ménages, le 31 mars 2025 » (« — » without a value)."""
    if value is None:
        return "—"
    text = show(value) + (f" {indicator.unit}" if indicator.unit else "")
    return _("%(value)s, le %(date)s") % {"value": text, "date": day_text(day)} if day else text


def level_label(plan: Plan, indicator: Indicator) -> str:
    if indicator.activity_id:
        return _("Action %(number)s · %(title)s") % {
            "number": item_number(plan, "activity", indicator.activity_id), "title": indicator.activity.title}
    if indicator.objective_id:
        return _("Objectif %(number)s · %(title)s") % {
            "number": item_number(plan, "objective", indicator.objective_id), "title": indicator.objective.title}
    return _("Tout le plan")


def indicator_page(plan: Plan, indicator: Indicator, *, user) -> dict:
    """The indicator's page: its measurements (newest first), status, charts, what is due, and what
    ``user`` may do there."""
    measurements = list(Measurement.objects.filter(indicator=indicator).select_related("recorded_by")
                        .order_by("-date"))
    points = [Point(m.date, m.value) for m in measurements]
    status = indicator_status(indicator, points, plan_start=plan.starts_on)
    latest = status.latest.date if status.latest else None
    bar = charts.bar_chart(chart_id=f"indicateur-bar-{indicator.pk}", name=indicator.name, unit=indicator.unit,
                           baseline=indicator.baseline_value, latest=status.latest.value if status.latest else None,
                           target=indicator.target_value, target_date=indicator.target_date,
                           status_label=status.label)
    line = line_for(indicator, sorted((p.date, p.value) for p in points), plan,
                    chart_id=f"indicateur-line-{indicator.pk}")
    writable = plan.status != Plan.Status.ARCHIVED
    rows = [{"pk": m.pk, "date": m.date, "value": show(m.value), "note": m.note, "by": m.recorded_by}
            for m in measurements]
    return {
        "indicator": indicator, "measurements": measurements, "rows": rows, "status": status,
        "baseline_text": value_on(indicator, indicator.baseline_value, indicator.baseline_date or None),
        "target_text": value_on(indicator, indicator.target_value, indicator.target_date),
        "sentence": status_sentence(indicator, status), "bar": bar, "line": line,
        "level": level_label(plan, indicator),
        "cited_figures": cited_by(indicator),
        "due": writable and measurement_due(indicator, latest, plan_start=plan.starts_on),
        "next_due": next_measurement_due(indicator, latest, plan_start=plan.starts_on),
        "can_change": writable and user.has_perm("planning.change_plan", plan),
        "can_record": writable and user.has_perm("planning.record_measurement", indicator),
        "revision_count": (history_of("indicator", indicator.pk, plan=plan).count()
                           if plan.status != Plan.Status.DRAFT else 0),
    }


def recent_measurements(indicator: Indicator, count: int = 5) -> list[Measurement]:
    """The last measurements of the indicator, each with its ``display`` text (the form's side panel)."""
    recent = list(Measurement.objects.filter(indicator=indicator).order_by("-date")[:count])
    for measurement in recent:
        measurement.display = value_on(indicator, measurement.value, None)
    return recent


def may_import_measurements(user, plan: Plan) -> bool:
    """The coordination, or a person who records at least one indicator of the plan."""
    if user.has_perm("planning.change_plan", plan):
        return True
    for obj in Indicator.objects.filter(plan=plan).only("id", "plan_id", "responsible_id"):
        obj.plan = plan
        if user.has_perm("planning.record_measurement", obj):
            return True
    return False


def column_help() -> list[dict]:
    accepted = {
        "indicator": _("Le nom de l'indicateur, comme le plan l'écrit (majuscules et accents ignorés), ou son "
                       "identifiant."),
        "date": _("La date de la mesure, écrite AAAA-MM-JJ (par exemple 2025-03-31); pas dans le futur."),
        "value": _("Un nombre : la virgule décimale (18,5) et les espaces entre les milliers (1 200) sont "
                   "acceptés."),
        "note": _("Facultatif, 300 caractères au plus."),
    }
    return [{"header": column.header(), "other": column.header("fr" if english() else "en"),
             "required": column.required, "help": accepted.get(column.key, "")} for column in COLUMNS]


def import_page(plan: Plan) -> dict:
    """What the upload and preview pages of the measurement import show beside the file."""
    indicators = list(Indicator.objects.filter(plan=plan).order_by("position", "id").values("id", "name", "unit"))
    return {"columns": column_help(), "indicators": indicators}
