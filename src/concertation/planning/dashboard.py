"""The dashboard of a plan: progress per priority, indicators against their targets, overdue
activities, measurements due, and recent revisions with their decisions.

Everything is read in a fixed number of queries, and only what is shown, whatever the size of the
plan (followup.py): the skeleton with the activities counted by priority and status (one query),
the first overdue activities with their total (one), the indicators with their first and latest
measurements (one) and the recent revisions (one). A priority shows its status summary and, as
cards with a chart, its indicators, or its ``cards`` most behind when it has more, with a link to
them all; overdue activities and due measurements show their first ``rows`` with a link to the
whole list (``dashboard_list``: 50 a page). Without limits (the PDF), everything is shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from urllib.parse import urlencode

from django.core.paginator import Page
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import charts
from .followup import (
    CROSS_CUTTING,
    Skeleton,
    first_rows,
    indicator_rows,
    list_page,
    page_rows,
    skeleton,
    status_points,
)
from .indicators import (
    NO_DATA,
    STATUS_LABELS,
    STATUS_ORDER,
    IndicatorStatus,
    Point,
    approx,
    indicator_status,
    next_measurement_due,
    show,
    status_sentence,
)
from .models import Activity, Indicator, Plan
from .overdue import OverdueActivity, overdue_first, overdue_queryset, overdue_rows
from .revision_first import revision_first
from .revisions import action_sentence, describe_diff
from .selectors import recent_revisions

RECENT_REVISIONS = 5
CARDS = 2          # indicator cards (with a chart) per priority on the page
ROWS = 10          # overdue activities and due measurements listed on the page
PER_PAGE = 50      # rows of a whole list (dashboard_list)


# Indicators, as shown ----------------------------------------------------------------------------

@dataclass
class IndicatorView:
    indicator: Indicator
    points: list[Point]
    status: IndicatorStatus
    outline: Skeleton = field(repr=False)
    priority_id: object  # a priority id, or CROSS_CUTTING
    due: bool = False
    next_due: date | None = None
    sentence: str = ""
    bar: str = ""
    line: str = ""
    can_record: bool = False
    url: str = ""  # its page (set by ``decorate`` for those shown)
    record_url: str = ""  # where to record a measurement (when the person may)

    @cached_property
    def owner_label(self) -> str:
        """« Objectif 1.1 · … », « Action 1.1.1.2 · … », « Tout le plan » (for those shown only)."""
        return owner_label(self.indicator, self.outline)

    @property
    def id(self) -> int:
        return self.indicator.pk

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def responsible(self) -> str:
        return getattr(self.indicator, "responsible_name", None) or ""

    @property
    def baseline(self) -> str:
        return show(self.indicator.baseline_value)

    @property
    def target(self) -> str:
        return show(self.indicator.target_value)

    @property
    def latest(self) -> Point | None:
        return self.status.latest

    @property
    def latest_value(self) -> str:
        return show(self.status.latest.value) if self.status.latest else "—"

    @property
    def expected(self) -> str:
        return approx(self.status.expected) if self.status.expected is not None and not self.status.reached else "—"

    @property
    def direction_label(self) -> str:
        return self.indicator.get_direction_display()

    @property
    def attention(self) -> tuple:
        """Sort key: the indicators most behind first (off track, at risk, on track, no data)."""
        return (STATUS_ORDER.index(self.status.key), self.indicator.position, self.indicator.pk)


def owner_label(indicator: Indicator, outline: Skeleton) -> str:
    """« Action 1.1.1.2 · … », « Objectif 1.1 · … » or « Tout le plan » (no query: the skeleton
    and the indicator's annotations, followup.indicator_rows)."""
    if indicator.activity_id:
        number = outline.activity_number(indicator.activity_strategy, indicator.activity_rank)
        return _("Action %(number)s · %(title)s") % {"number": number, "title": indicator.activity_title} \
            if number else ""
    if indicator.objective_id:
        node = outline.node("objective", indicator.objective_id)
        return _("Objectif %(number)s · %(title)s") % {"number": node.number, "title": node.title} if node else ""
    return _("Tout le plan")


def priority_of_indicator(indicator: Indicator, outline: Skeleton):
    if indicator.activity_id:
        return outline.priority_of("strategy", indicator.activity_strategy)
    if indicator.objective_id:
        return outline.priority_of("objective", indicator.objective_id)
    return CROSS_CUTTING


def indicator_views(plan: Plan, outline: Skeleton, indicators, *, today: date,
                    as_of: date | None = None) -> list[IndicatorView]:
    """Each indicator (annotated, followup.indicator_rows) with its status (at ``as_of`` when
    given) and when its next measurement is due. Charts and sentences come with ``decorate``."""
    views = []
    archived = plan.status == Plan.Status.ARCHIVED
    for indicator in indicators:
        points = status_points(indicator)
        status = indicator_status(indicator, points, plan_start=plan.starts_on, as_of=as_of)
        latest_day = status.latest.date if status.latest else None
        next_due = next_measurement_due(indicator, latest_day, plan_start=plan.starts_on)
        views.append(IndicatorView(
            indicator=indicator, points=points, status=status, outline=outline,
            priority_id=priority_of_indicator(indicator, outline), next_due=next_due,
            due=not archived and next_due < today,  # indicators.measurement_due, without computing it twice
        ))
    return views


SENTINEL = 987654321


def indicator_links(plan: Plan):
    """{"url": f(id), "record_url": f(id)}: the addresses of an indicator's page and of its
    measurement form, reversed once for the plan (with a sentinel id) rather than once per row."""
    kwargs = {"territory": plan.space.territory.slug, "space": plan.space.slug, "plan": plan.pk,
              "indicator": SENTINEL}
    patterns = {key: reverse(name, kwargs=kwargs).split(str(SENTINEL))
                for key, name in (("url", "planning:indicator"), ("record_url", "planning:measurement_add"))}
    return {key: (lambda pk, parts=parts: str(pk).join(parts)) for key, parts in patterns.items()}


def record_checker(plan: Plan, user):
    """f(indicator) → whether ``user`` may record a measurement of it, the permission checked once
    per responsible organization: within a plan it depends on nothing else (rules.py:
    ``change_plan`` of the plan's space, or viewing it and representing the organization)."""
    writable = plan.status != Plan.Status.ARCHIVED
    known: dict = {}

    def may_record(indicator: Indicator) -> bool:
        if not writable or user is None:
            return False
        key = indicator.responsible_id
        if key not in known:
            known[key] = user.has_perm("planning.record_measurement", indicator)
        return known[key]

    return may_record


def decorate(views: Iterable[IndicatorView], plan: Plan, *, user=None, charts_for: str = "",
             id_prefix: str = "chart", points: dict | None = None, as_of: date | None = None,
             sentence: bool = True, may_record=None) -> None:
    """What only the indicators shown need: the sentence, whether the person may record a
    measurement, and charts ("bar", "line": ``points`` gives each indicator's measurements).
    ``may_record``: a ``record_checker`` shared by the calls of one page."""
    links = None
    if user is not None and may_record is None:
        may_record = record_checker(plan, user)
    for view in views:
        indicator, status = view.indicator, view.status
        if not view.url:
            links = links or indicator_links(plan)
            view.url = links["url"](indicator.pk)
        if sentence and not view.sentence:
            view.sentence = status_sentence(indicator, status)
        if user is not None:
            view.can_record = may_record(indicator)
            view.record_url = links["record_url"](indicator.pk) if view.can_record and links else view.record_url
        if "bar" in charts_for and not view.bar:
            view.bar = charts.bar_chart(
                chart_id=f"{id_prefix}-bar-{indicator.pk}", name=indicator.name, unit=indicator.unit,
                baseline=indicator.baseline_value, latest=status.latest.value if status.latest else None,
                target=indicator.target_value, target_date=indicator.target_date, status_label=status.label)
        if "line" in charts_for and not view.line:
            shown = [(p.date, p.value) for p in (points or {}).get(indicator.pk, [])
                     if as_of is None or p.date <= as_of]
            view.line = line_for(indicator, shown, plan, chart_id=f"{id_prefix}-line-{indicator.pk}")


def line_for(indicator: Indicator, points, plan: Plan, *, chart_id: str) -> str:
    baseline = None
    if indicator.baseline_value is not None:
        baseline = (indicator.baseline_date or plan.starts_on, indicator.baseline_value)
    return charts.line_chart(chart_id=chart_id, name=indicator.name, unit=indicator.unit, points=points,
                             baseline=baseline, target=indicator.target_value, target_date=indicator.target_date)


def most_behind(views: list[IndicatorView], limit: int | None) -> list[IndicatorView]:
    """Every view in the plan's order, or, past ``limit``, the ``limit`` most behind."""
    if limit is None or len(views) <= limit:
        return list(views)
    return sorted(views, key=lambda view: view.attention)[:limit]


# The dashboard -----------------------------------------------------------------------------------

@dataclass
class StatusCount:
    status: str
    label: str
    count: int


@dataclass
class PriorityBlock:
    id: object
    number: str
    title: str
    counts: dict = field(default_factory=dict)  # activity status → count
    indicators: list[IndicatorView] = field(default_factory=list)  # every indicator, in the plan's order
    cards: list[IndicatorView] = field(default_factory=list)  # those shown with a chart

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts.get(Activity.Status.DONE, 0)

    @property
    def more(self) -> int:
        """How many of its indicators are not shown as cards."""
        return len(self.indicators) - len(self.cards)

    @property
    def key(self) -> str:
        return str(self.id)

    def status_counts(self) -> list[StatusCount]:
        return [StatusCount(value, label, self.counts.get(value, 0)) for value, label in Activity.Status.choices]

    @property
    def indicator_summary(self) -> list[StatusCount]:
        counts = defaultdict(int)
        for view in self.indicators:
            counts[view.status.key] += 1
        return [StatusCount(key, str(STATUS_LABELS[key]), counts[key]) for key in STATUS_ORDER if counts[key]]


@dataclass
class Dashboard:
    plan: Plan
    today: date
    blocks: list[PriorityBlock]
    cross_cutting: PriorityBlock
    overdue: list[OverdueActivity]
    due: list[IndicatorView]
    revisions: list[dict]
    indicator_count: int = 0
    overdue_total: int = 0
    due_total: int = 0
    can_import: bool = False  # the person may record a measurement of at least one indicator

    @property
    def all_blocks(self) -> list[PriorityBlock]:
        blocks = list(self.blocks)
        if self.cross_cutting.total or self.cross_cutting.indicators:
            blocks.append(self.cross_cutting)
        return blocks

    @property
    def count_blocks(self) -> list[PriorityBlock]:
        """The rows of the activities table: every priority, and « transversal » when it has some."""
        return self.blocks + ([self.cross_cutting] if self.cross_cutting.total else [])

    @property
    def totals(self) -> PriorityBlock:
        total = PriorityBlock(id="total", number="", title=_("Ensemble du plan"))
        for block in self.all_blocks:
            for status, count in block.counts.items():
                total.counts[status] = total.counts.get(status, 0) + count
        return total

    @property
    def status_choices(self):
        return Activity.Status.choices


# What a revision's card reads (board_rows.revision_card, bilan_revision_cards), its decision's and
# author's rows joined: not the snapshots before and after the change, nor the decision's other 38
# columns, which cost more to read and build than the rest of the card.
REVISION_FIELDS = ("plan_id", "item_type", "item_id", "item_label", "action", "diff", "reason", "made_at", "author",
                   "decision__title", "decision__decided_at", "decision__space__slug",
                   "decision__space__territory__slug")


def revision_rows(revisions) -> list[dict]:
    return [{"revision": revision, "sentence": action_sentence(revision), "changes": describe_diff(revision)}
            for revision in revisions]


def _blocks(outline: Skeleton) -> tuple[dict, PriorityBlock]:
    blocks = {priority.id: PriorityBlock(id=priority.id, number=priority.number, title=priority.title)
              for priority in outline.tree.priorities}
    cross = PriorityBlock(id=CROSS_CUTTING, number="", title=_("Transversal"))
    for strategy_id, by_status in outline.counts.items():
        block = blocks.get(outline.priority_of("strategy", strategy_id), cross)
        for status, count in by_status.items():
            block.counts[status] = block.counts.get(status, 0) + count
    return blocks, cross


def _may_record_some(plan: Plan, views: list[IndicatorView], user, may_record=None) -> bool:
    """Whether the person may record a measurement of at least one indicator (no query: one
    permission check per organization responsible for an indicator)."""
    if user is None or plan.status == Plan.Status.ARCHIVED:
        return False
    may_record = may_record or record_checker(plan, user)
    return any(may_record(view.indicator) for view in views)


def due_views(views: list[IndicatorView]) -> list[IndicatorView]:
    return sorted((view for view in views if view.due), key=lambda view: (view.next_due, view.name))


def build_dashboard(plan: Plan, *, user=None, today: date | None = None, revisions_limit: int = RECENT_REVISIONS,
                    cards: int | None = None, rows: int | None = None) -> Dashboard:
    """The dashboard; ``cards``: indicators shown with a chart per priority, ``rows``: overdue
    activities and due measurements listed (None: all of them, as in the PDF)."""
    today = today or timezone.localdate()
    outline = skeleton(plan)
    blocks, cross = _blocks(outline)
    overdue, overdue_total = overdue_first(plan, today, rows) if rows is not None \
        else first_rows(overdue_queryset(plan, today), None)
    views = indicator_views(plan, outline, indicator_rows(plan), today=today)
    for view in views:
        blocks.get(view.priority_id, cross).indicators.append(view)
    shown = []
    for block in [*blocks.values(), cross]:
        block.cards = most_behind(block.indicators, cards)
        shown += block.cards
    due = due_views(views)
    due_total = len(due)
    due = due[:rows] if rows is not None else due
    may_record = record_checker(plan, user) if user is not None else None
    decorate(shown, plan, user=user, charts_for="bar", id_prefix="tableau", may_record=may_record)
    decorate(due, plan, user=user, sentence=False, may_record=may_record)  # the list shows no sentence
    revisions = []
    if plan.status != Plan.Status.DRAFT:
        if revisions_limit:  # the first ones, in one written statement (revision_first.py)
            revisions = revision_rows(revision_first(plan, limit=revisions_limit, newest_first=True)[0])
        else:
            revisions = revision_rows(recent_revisions(plan).only(*REVISION_FIELDS))
    return Dashboard(plan=plan, today=today, blocks=list(blocks.values()), cross_cutting=cross,
                     overdue=overdue_rows(overdue, outline, today), due=due, revisions=revisions,
                     indicator_count=len(views), overdue_total=overdue_total, due_total=due_total,
                     can_import=_may_record_some(plan, views, user, may_record))


# Whole lists, a page at a time -------------------------------------------------------------------

@dataclass
class DashboardList:
    """One list of the dashboard in full, a page at a time: the indicators of a priority (or the
    cross-cutting ones), those whose measurement is due, or the overdue activities."""

    kind: str  # "indicators", "due", "overdue"
    title: str
    page: Page  # of IndicatorView, or of OverdueActivity
    param: str  # the list's GET parameter (name, value), kept by the pager
    value: str

    @property
    def query(self) -> str:
        return urlencode({self.param: self.value})


def dashboard_list(plan: Plan, *, indicators: str = "", activities: str = "", number=1, user=None,
                   today: date | None = None) -> DashboardList | None:
    """A whole list, 50 a page: ``indicators`` is a priority's id or « transversal » (its indicators)
    or « attendues » (those whose measurement is due), ``activities`` « en-retard » (the overdue
    ones). None when there is no such list."""
    today = today or timezone.localdate()
    outline = skeleton(plan)
    if activities == "en-retard":
        page = page_rows(overdue_queryset(plan, today), number, PER_PAGE)
        page.object_list = overdue_rows(page.object_list, outline, today)
        return DashboardList("overdue", _("Actions en retard"), page, "actions", activities)
    if not indicators:
        return None
    priorities = {str(priority.id): priority for priority in outline.tree.priorities}
    if indicators not in priorities and indicators not in (CROSS_CUTTING, "attendues"):
        return None
    views = indicator_views(plan, outline, indicator_rows(plan), today=today)
    if indicators == "attendues":
        chosen, title, kind = due_views(views), _("Mesures attendues"), "due"
    else:
        chosen = [view for view in views if str(view.priority_id) == indicators]
        priority = priorities.get(indicators)
        title = (_("Priorité %(number)s · %(title)s") % {"number": priority.number, "title": priority.title}
                 if priority else _("Indicateurs et actions transversaux"))
        kind = "indicators"
    page = list_page(chosen, number, PER_PAGE)
    decorate(page.object_list, plan, user=user)
    return DashboardList(kind, title, page, "indicateurs", indicators)


def no_data(view: IndicatorView) -> bool:
    return view.status.key == NO_DATA
