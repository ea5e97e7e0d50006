"""The plan page's reading view (the outline of priorities, objectives, strategies and activities),
written here rather than in templates.

A large plan shows every activity of every strategy (1 200 at scale L), each a ``<details>`` with
its lead, status, particulars, indicators, practice sheets and links: the template engine spent
about 0.6 ms per activity on lookups, filters, ``{% translate %}``, ``{% url %}`` and three
includes, then copied the page's 2 MB once per level it nested. Here every label is translated
once per page (a translated literal of the templates is not escaped: the catalog is ours), every
value escaped as it is written (the names, statuses and months that repeat, once per page), and
the markup is the one ``_plan_reading.html``, ``_strategy_reading.html``, ``_indicator_list.html``,
``_indicator_count.html`` and ``_activity_sheets.html`` wrote, byte for byte (tests/planning keep
their output for trees with every case). ``plan.html`` calls this through ``{% plan_reading %}``
(planning/templatetags/planning_tables.py)."""

from __future__ import annotations

import re
from html import escape as _escape  # for plain text: Django's escape, less its checks

from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from concertation.core import formatting

from . import plan_outline

_NEWLINES = re.compile(r"\r\n|\r")


def _plain(value) -> str:
    """« {{ value }} » of a str that is not marked safe."""
    return str(value) if isinstance(value, SafeString) else _escape(str(value))


def _linebreaksbr(value) -> str:
    """« {{ value|linebreaksbr }} » of plain text."""
    return _plain(_NEWLINES.sub("\n", str(value))).replace("\n", "<br>")


def _month_year(value) -> str:
    """« {{ value|month_year|default:"…" }} »."""
    try:
        text = formatting.month_year(value)
    except (TypeError, ValueError, AttributeError, ArithmeticError):
        text = ""
    return _plain(text) if text else "…"


def target_label() -> str:
    return _("cible : %(target)s %(unit)s en %(year)s")  # a no-break space, as in the msgid


class Labels:
    """What every strategy of a page writes the same way: the translated labels (once per page) and
    the addresses built from one reversed URL."""

    def __init__(self, territory_slug: str):
        self.to_confirm = _("Porteur à confirmer")
        self.co_leads = _("Coporteurs")
        self.partners = _("Partenaires")
        self.period = _("Période")
        self.budget_label = _("Budget")
        self.working_group = _("Comité qui suit")
        self.history = _("Historique")
        self.discussion = _("Discussion")
        self.report = _("Donner des nouvelles")
        self.sheets = _("Fiches d'expérience") + formatting.colon()
        self.draft = _("Brouillon")
        self.write_sheet = _("Rédiger une fiche d'expérience")
        self.target = target_label()
        self.no_activity = _("Aucune action pour cette stratégie.")
        self.strategy = _("Stratégie %(number)s · %(title)s")
        self.priority = _("Priorité %(number)s · %(title)s")
        self.objective = _("Objectif %(number)s · %(title)s")
        self.no_objective = _("Aucun objectif pour cette priorité.")
        self.no_strategy = _("Aucune stratégie pour cet objectif.")
        self.empty_plan = _("Ce plan n'a pas encore de priorités. Les priorités (ou axes) sont les grands choix du "
                            "plan; chacune se décline en objectifs, stratégies et actions.")
        self.cross_cutting = _("Stratégies transversales")
        self.cross_cutting_help = _("Elles servent l'ensemble du plan plutôt qu'un objectif.")
        # {% url 'discussions:thread' territory=… kind='activity' object_id=… %}, its id swapped.
        one = reverse("discussions:thread", kwargs={"territory": territory_slug, "kind": "activity", "object_id": 1})
        self.discussion_base = one[: -len("1/")]
        self._seen: dict = {}
        self._months: dict = {}
        self._budgets: dict = {}
        self._percents: dict = {}
        self._targets: dict = {}

    def discussion_url(self, pk: int) -> str:
        return f"{self.discussion_base}{pk}/"

    def plain(self, value) -> str:
        """« {{ value }} » of a text that comes back often on the page (names, statuses, months):
        escaped once per page. Only plain ``str`` are remembered (a text marked safe is not escaped:
        it must never answer for an equal plain one)."""
        if type(value) is not str:
            return _plain(value)
        text = self._seen.get(value)
        if text is None:
            text = self._seen[value] = _plain(value)
        return text

    def month_year(self, node, key: str) -> str:
        """« {{ node.starts_on|month_year|default:"…" }} » (``key``: starts_on or ends_on), once per
        month of the page."""
        raw = node.data.get(key)
        month = raw[:7] if isinstance(raw, str) and len(raw) == 10 else raw  # "2025-03" of "2025-03-14"
        text = self._months.get(month)
        if text is None:
            text = self._months[month] = _month_year(getattr(node, key))
        return text

    def budget(self, node) -> str:
        """« {{ node.budget }} », once per amount of the page."""
        raw = node.data.get("budget_amount")
        text = self._budgets.get(raw)
        if text is None:
            text = self._budgets[raw] = _plain(node.budget)
        return text

    def target_value(self, node) -> str:
        """« {{ indicator.target }} », once per value of the page."""
        raw = node.data.get("target_value")
        text = self._targets.get(raw)
        if text is None:
            text = self._targets[raw] = node.target
        return text

    def percent(self, value) -> str:
        """« {{ value|percent }} »."""
        text = self._percents.get(value)
        if text is None:
            text = self._percents[value] = _plain(formatting.percent(value))
        return text


def indicator_count(node) -> str:
    """``_indicator_count.html``."""
    count = len(node.indicators)
    return ngettext("%(counter)s indicateur", "%(counter)s indicateurs", count) % {"counter": count} + "\n"


def indicator_list(node, labels: Labels | None = None) -> str:
    """The indicators of one item (``node``): name and target."""
    if not node.indicators:
        return "\n\n"
    target_text = labels.target if labels else target_label()
    items = []
    for indicator in node.indicators:
        target = ""
        value = labels.target_value(indicator) if labels else indicator.target
        if value:
            day = indicator.target_date
            target = " — " + target_text % {
                "target": _plain(value), "unit": _plain(indicator.unit),
                "year": f"{day.year:04d}" if day else ""}
        items.append(f"\n    <li>{_plain(indicator.title)}{target}</li>\n  ")
    return f'\n\n<ul class="plan-indicators">\n  {"".join(items)}\n</ul>\n\n'


def activity_sheets(activity, labels: Labels) -> str:
    """``_activity_sheets.html`` (the sheets and address set by practice_sheets.attach_practice_sheets)."""
    out = "\n"
    sheets = getattr(activity, "sheets", None)
    if sheets:
        links = "".join(
            f'<li><a href="{_plain(sheet["url"])}">{_plain(sheet["title"])}</a>'
            + (f' <span class="badge badge-warn">{labels.draft}</span>' if sheet["draft"] else "") + "</li>"
            for sheet in sheets)
        out += f'\n  <p class="muted">{labels.sheets}</p>\n  <ul>{links}</ul>\n'
    out += "\n"
    url = getattr(activity, "write_sheet_url", "")
    if url:
        out += (f'<p><a href="{_plain(url)}">{labels.write_sheet}<span class="visually-hidden"> — '
                f"{_plain(activity.number)} {_plain(activity.title)}</span></a></p>")
    return out + "\n"


def activity_item(activity, labels: Labels, *, as_of: bool) -> str:
    """One ``<li>`` of a strategy's activities."""
    plain = labels.plain
    number, title = _plain(activity.number), _plain(activity.title)
    hidden = f'<span class="visually-hidden"> — {number} {title}</span>'
    lead = activity.lead
    meta = plain(lead) if lead else labels.to_confirm
    if activity.status_label:
        meta += f' · <span class="badge {plain(activity.status_badge)}">{plain(activity.status_label)}</span>'
        if activity.percent is not None:
            meta += f' <span class="nowrap">{labels.percent(activity.percent)}</span>'
    if activity.indicators:
        meta += " · " + indicator_count(activity)
    description = activity.description
    description = f"<p>{_linebreaksbr(description)}</p>" if description else ""
    particulars = []
    co_leads, partners = activity.co_leads, activity.partners
    particulars.append(f"<dt>{labels.co_leads}</dt><dd>{', '.join(plain(n) for n in co_leads)}</dd>"
                       if co_leads else "")
    particulars.append(f"<dt>{labels.partners}</dt><dd>{', '.join(plain(n) for n in partners)}</dd>"
                       if partners else "")
    particulars.append(f"<dt>{labels.period}</dt><dd>{labels.month_year(activity, 'starts_on')} – "
                       f"{labels.month_year(activity, 'ends_on')}</dd>"
                       if activity.starts_on or activity.ends_on else "")
    budget = labels.budget(activity)
    if budget:
        funder = activity.funder
        particulars.append(f'<dt>{labels.budget_label}</dt><dd><span class="nowrap">{budget}</span>'
                           + (f" ({plain(funder)})" if funder else "") + "</dd>")
    else:
        particulars.append("")
    working_group = activity.working_group
    particulars.append(f"<dt>{labels.working_group}</dt><dd>{plain(working_group)}</dd>" if working_group else "")
    discussion = ("" if as_of else
                  f'<a href="{labels.discussion_url(activity.id)}">{labels.discussion}{hidden}</a>')
    report = (f'<a href="{_plain(activity.urls["progress"])}">{labels.report}{hidden}</a>'
              if activity.can_report else "")
    return (
        f'\n        <li id="activity-{activity.id}">\n'
        "          <details>\n"
        f'            <summary><span class="plan-line"><span class="plan-number">{number}</span> '
        f"<strong>{title}</strong></span>\n"
        f'              <span class="plan-meta">{meta}</span></summary>\n'
        '            <div class="plan-body">\n'
        f"              {description}\n"
        '              <dl class="definition-list">\n'
        f"                {particulars[0]}\n"
        f"                {particulars[1]}\n"
        f"                {particulars[2]}\n"
        f"                {particulars[3]}\n"
        f"                {particulars[4]}\n"
        "              </dl>\n"
        f"              {indicator_list(activity, labels)}\n"
        f"              {activity_sheets(activity, labels)}\n"
        '              <p class="actions">\n'
        f'                <a href="{_plain(activity.urls["history"])}">{labels.history}{hidden}</a>\n'
        f"                {discussion}\n"
        f"                {report}\n"
        "              </p>\n"
        "            </div>\n"
        "          </details>\n"
        "        </li>\n"
        "      ")


def strategy_reading(strategy, heading: str, labels: Labels, *, as_of: bool, after: str = "") -> str:
    """``_strategy_reading.html``: one strategy of the reading view (``heading``: « h3 » or « h4 »)
    and its activities (``after``: what follows them, the outline's link that closes it)."""
    tag = "h3" if heading == "h3" else "h4"
    title = labels.strategy % {"number": _plain(strategy.number), "title": _plain(strategy.title)}
    count = len(strategy.children)
    actions = ngettext("%(counter)s action", "%(counter)s actions", count) % {"counter": count}
    description = strategy.description
    description = f"<p>{_linebreaksbr(description)}</p>" if description else ""
    if strategy.children:
        items = "".join(activity_item(activity, labels, as_of=as_of) for activity in strategy.children)
        body = (f'\n      <ol class="plan-outline plan-activities">\n      {items}\n      </ol>\n      ')
    else:
        body = f'\n        <p class="muted">{labels.no_activity}</p>\n      '
    return mark_safe(
        f'\n<li id="strategy-{strategy.id}">\n'
        "  <details open>\n"
        f'    <summary><{tag} id="strategy-{strategy.id}-title">{title}</{tag}>\n'
        f'      <span class="plan-meta">{actions}</span></summary>\n'
        '    <div class="plan-body">\n'
        f"      {description}\n"
        f"      {body}\n"
        f"{after}"
        "    </div>\n"
        "  </details>\n"
        "</li>\n")


def _strategy(strategy, heading: str, labels: Labels, tree, *, as_of: bool) -> str:
    """A strategy of the page: whole, or in an outline (plan_outline.py) a line that opens it."""
    if not tree.outline:
        return strategy_reading(strategy, heading, labels, as_of=as_of)
    if strategy.id == tree.opened:
        return strategy_reading(strategy, heading, labels, as_of=as_of, after=plan_outline.close_link(strategy))
    return plan_outline.strategy_line(strategy, heading, labels.strategy)


def plan_reading(tree, labels: Labels, *, territory) -> str:
    """The plan as it reads (the default view; ``tree``: pages.plan_page_tree): a numbered outline,
    each level a ``<details>`` that opens and closes without JavaScript; each line sums up its item
    (lead, status, indicators). No editing controls here, whoever reads. Written in one piece: the
    template engine copied the page's 2 MB once per level it nests (ten levels at L). The figures an
    objective cites come from ``_cited_figures.html``, shared with the other pages that show them."""
    as_of = bool(tree.as_of)
    cited_template = get_template("planning/_cited_figures.html")
    out = ["\n"]
    if tree.is_empty:
        out.append(f"\n  <p>{labels.empty_plan}</p>\n")
    else:
        out.append('\n<ol class="plan-outline">\n')
        for priority in tree.priorities:
            title = labels.priority % {"number": _plain(priority.number), "title": _plain(priority.title)}
            count = len(priority.children)
            objectives = ngettext("%(counter)s objectif", "%(counter)s objectifs", count) % {"counter": count}
            description = priority.description
            description = f"<p>{_linebreaksbr(description)}</p>" if description else ""
            out.append(
                f'\n  <li id="priority-{priority.id}">\n'
                "    <details open>\n"
                f'      <summary><h2 id="priority-{priority.id}-title">{title}</h2>\n'
                f'        <span class="plan-meta">{objectives}</span></summary>\n'
                '      <div class="plan-body">\n'
                f"        {description}\n"
                '        <ol class="plan-outline">\n'
                "        ")
            for objective in priority.children:
                out.append(_objective_reading(objective, labels, cited_template, tree, territory=territory,
                                              as_of=as_of))
            if not priority.children:
                out.append(f'\n          <li class="muted">{labels.no_objective}</li>\n        ')
            out.append("\n        </ol>\n      </div>\n    </details>\n  </li>\n")
        out.append("\n</ol>\n")
    out.append("\n\n")
    if tree.cross_cutting:
        out.append(
            '\n<section aria-labelledby="cross-cutting" class="plan-cross-cutting">\n'
            f'  <h2 id="cross-cutting">{labels.cross_cutting}</h2>\n'
            f'  <p class="muted">{labels.cross_cutting_help}</p>\n'
            '  <ol class="plan-outline">\n'
            "  ")
        for strategy in tree.cross_cutting:
            out.append(f"\n    {_strategy(strategy, 'h3', labels, tree, as_of=as_of)}\n  ")
        out.append("\n  </ol>\n</section>\n")
    out.append("\n")
    return mark_safe("".join(out))


def _objective_reading(objective, labels: Labels, cited_template, tree, *, territory, as_of: bool) -> str:
    title = labels.objective % {"number": _plain(objective.number), "title": _plain(objective.title)}
    count = f'<span class="plan-meta">{indicator_count(objective)}</span>' if objective.indicators else ""
    description = objective.description
    description = f"<p>{_linebreaksbr(description)}</p>" if description else ""
    cited = cited_template.render({"territory": territory, "figures": getattr(objective, "cited_figures", []),
                                   "can_change": False})
    if objective.children:
        strategies = "".join(f"\n                  {_strategy(strategy, 'h4', labels, tree, as_of=as_of)}"
                             "\n                " for strategy in objective.children)
    else:
        strategies = f'\n                  <li class="muted">{labels.no_strategy}</li>\n                '
    return (
        f'\n          <li id="objective-{objective.id}">\n'
        "            <details open>\n"
        f'              <summary><h3 id="objective-{objective.id}-title">{title}</h3>\n'
        f"                {count}</summary>\n"
        '              <div class="plan-body">\n'
        f"                {description}\n"
        f"                {indicator_list(objective, labels)}\n"
        f"                {cited}\n"
        '                <ol class="plan-outline">\n'
        f"                {strategies}\n"
        "                </ol>\n"
        "              </div>\n"
        "            </details>\n"
        "          </li>\n"
        "        ")
