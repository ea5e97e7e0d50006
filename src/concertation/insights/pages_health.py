"""What the governance-health page shows (issue 18): every family of metrics for the chosen period
and the previous one of the same length, with the change, one sentence on what each shows and what
to watch, its charts and tables; and the same figures as a CSV file.

The period: ``?du=AAAA-MM-JJ&au=AAAA-MM-JJ`` (planning.bilan's rule: by default the last twelve
months), or a preset ``?periode=3|6|12|24`` (months up to today).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concertation.core import formatting
from concertation.core.dates import add_months
from concertation.core.tabular import write_csv
from concertation.planning.bilan import Period, parse_period
from concertation.spaces.models import Space
from concertation.spaces.selectors import visible_spaces

from . import charts_health, health_html
from .metrics import Family, Scope, Window, compute_all

PRESETS = (3, 6, 12, 24)
SHOWN = 15  # categories of a breakdown shown one by one on the page

# Per family: its title, what it shows, what to watch (plain words, for the group itself).
TEXTS = {
    "leadership": (
        gettext_lazy("Rôles et mandats"),
        gettext_lazy("La part des organismes membres qui tiennent au moins un rôle (animation, secrétariat, "
                     "porte-parole…) et la répartition des mandats par secteur et par collège."),
        gettext_lazy("À surveiller : des rôles concentrés dans quelques organismes ou un seul collège; une part "
                     "qui baisse d'une période à l'autre."),
    ),
    "rotation": (
        gettext_lazy("Rotation de l'animation et de la prise de notes"),
        gettext_lazy("Combien de personnes et d'organismes différents ont animé les rencontres tenues ou en ont "
                     "pris les notes, et la part des rencontres où ce n'était pas la coordination."),
        gettext_lazy("À surveiller : la même personne à chaque rencontre, ou la coordination qui tient seule "
                     "l'animation et les notes."),
    ),
    "activities": (
        gettext_lazy("Actions portées ensemble"),
        gettext_lazy("La part des actions du plan menées par deux secteurs ou plus (organisme responsable, "
                     "coresponsables et partenaires), et les organismes responsables par secteur et par collège."),
        gettext_lazy("À surveiller : des actions portées par un seul secteur, ou toujours par les mêmes "
                     "organismes."),
    ),
    "agenda": (
        gettext_lazy("Ordre du jour"),
        gettext_lazy("La part des points à l'ordre du jour des rencontres tenues qui ont été proposés par des "
                     "membres plutôt qu'ajoutés par la coordination."),
        gettext_lazy("À surveiller : un ordre du jour fait presque uniquement par la coordination."),
    ),
    "attendance": (
        gettext_lazy("Présences"),
        gettext_lazy("Les présences aux rencontres tenues, par organisme, par collège et par secteur, et la part "
                     "des présences citoyennes."),
        gettext_lazy("À surveiller : un collège ou un secteur qui s'absente, une part citoyenne qui baisse."),
    ),
    "participation": (
        gettext_lazy("Participation aux décisions"),
        gettext_lazy("Pour les décisions comptées dans la période, les voix exprimées rapportées aux personnes ou "
                     "organismes appelés à voter, telles que le décompte les a enregistrées."),
        gettext_lazy("À surveiller : des décisions prises par une petite part des membres."),
    ),
    "followups": (
        gettext_lazy("Suivis"),
        gettext_lazy("La part des suivis arrivés à échéance dans la période qui ont été faits à temps, ceux faits "
                     "en retard et ceux encore à faire."),
        gettext_lazy("À surveiller : des suivis qui s'accumulent après leur échéance."),
    ),
    "evaluations": (
        gettext_lazy("Évaluation des rencontres"),
        gettext_lazy("La moyenne des évaluations anonymes remplies à la fin de chaque rencontre (sur 5), "
                     "rencontre par rencontre."),
        gettext_lazy("À surveiller : une tendance à la baisse, surtout à la question « chaque personne a pu "
                     "s'exprimer »."),
    ),
    "practices": (
        gettext_lazy("Fiches d'expérience"),
        gettext_lazy("Le nombre de fiches d'expérience publiées dans la période."),
        gettext_lazy("À surveiller : des expériences vécues qui ne sont pas partagées."),
    ),
}


def parse_health_period(params, today=None) -> tuple[Period, list[str], int | None]:
    """The period of the request: a preset (months), or ``du``/``au`` as the bilan reads them."""
    today = today or timezone.localdate()
    preset = params.get("periode", "")
    if preset.isdigit() and int(preset) in PRESETS and not (params.get("du") or params.get("au")):
        months = int(preset)
        return Period(add_months(today, -months) + timedelta(days=1), today), [], months
    period, errors = parse_period(params, today)
    default = not (params.get("du") or params.get("au")) or errors
    return period, errors, 12 if default else None


def show(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "share":
        return formatting.percent(value)
    if unit == "rating":
        return formatting.number(value, 2)
    return formatting.number(value)


def change(current, previous, unit: str) -> str:
    """The change from the previous period, signed: « +5,0 pts », « −1 », « +0,25 »."""
    if current is None or previous is None:
        return "—"
    difference = Decimal(current) - Decimal(previous)
    sign = "+" if difference > 0 else ("−" if difference < 0 else "")
    if unit == "share":
        return sign + formatting.with_unit(abs(difference), _("pts"), 1)
    if unit == "rating":
        return sign + formatting.number(abs(difference), 2)
    return sign + formatting.number(abs(difference))


def fraction(measure) -> str:
    if measure.unit != "share" or measure.denominator is None:
        return ""
    return _("%(numerator)s sur %(denominator)s") % {"numerator": formatting.number(measure.numerator or 0),
                                                     "denominator": formatting.number(measure.denominator)}


@dataclass
class MeasureRow:
    key: str
    label: str
    current: str
    previous: str
    change: str
    current_detail: str = ""
    previous_detail: str = ""


@dataclass
class BreakdownView:
    key: str
    title: str
    chart: object
    rows: list[tuple[str, str, str]]  # label, current, previous

    @property
    def rows_html(self) -> SafeString:
        """The ``<tr>`` of the table (``_families.html``), written here: the template engine spent a
        lookup a cell. The markup is the one the template wrote, cell for cell, every value escaped."""
        category, current, previous = escape(_("Catégorie")), escape(_("Cette période")), escape(_("Période précédente"))
        return mark_safe("".join(
            f'<tr><th scope="row" data-label="{category}">{escape(label)}</th>'
            f'<td data-label="{current}" class="numeric">{escape(now)}</td>'
            f'<td data-label="{previous}" class="numeric">{escape(before)}</td></tr>'
            for label, now, before in self.rows))


@dataclass
class FamilyView:
    key: str
    title: str
    shows: str
    watch: str
    measures: list[MeasureRow]
    chart: object = None
    breakdowns: list[BreakdownView] = field(default_factory=list)
    trend_chart: object = None
    trend_rows: list[tuple] = field(default_factory=list)

    @property
    def measures_html(self) -> SafeString:
        """The rows of the measures' table (``_families.html``), as ``BreakdownView.rows_html``: the
        markup the template's loop wrote, its line breaks included, every value escaped."""
        measure, current, previous = escape(_("Mesure")), escape(_("Cette période")), escape(_("Période précédente"))
        change_label = escape(_("Écart"))

        def detail(text: str) -> str:
            return f' <span class="muted">({escape(text)})</span>' if text else ""

        return mark_safe("".join(
            f'\n      <tr>\n        <th scope="row" data-label="{measure}">{escape(row.label)}</th>\n'
            f'        <td data-label="{current}" class="numeric">{escape(row.current)}{detail(row.current_detail)}</td>\n'
            f'        <td data-label="{previous}" class="numeric">{escape(row.previous)}{detail(row.previous_detail)}</td>\n'
            f'        <td data-label="{change_label}" class="numeric">{escape(row.change)}</td>\n      </tr>\n    '
            for row in self.measures))

    @property
    def trend_html(self) -> SafeString:
        """The ``<tr>`` of the trend's table (a meeting a row), as ``BreakdownView.rows_html``."""
        meeting, day_label = escape(_("Rencontre")), escape(_("Date"))
        mean_label, answers_label = escape(_("Moyenne (sur 5)")), escape(_("Évaluations"))
        return mark_safe("".join(
            f'<tr><th scope="row" data-label="{meeting}">{escape(title)}</th>'
            f'<td data-label="{day_label}">{escape(day)}</td>'
            f'<td data-label="{mean_label}" class="numeric">{escape(mean)}</td>'
            f'<td data-label="{answers_label}" class="numeric">{escape(str(localize(answers)))}</td></tr>'
            for day, title, mean, answers in self.trend_rows))


def _family_view(family: Family, number=formatting.number) -> FamilyView:
    """``number``: how a count is written (``health_page`` gives ``formatting.counts()``)."""
    title, shows, watch = TEXTS[family.key]
    rows, shares = [], []
    for measure in family.current.measures:
        before = family.previous.measure(measure.key)
        rows.append(MeasureRow(measure.key, str(measure.label), show(measure.value, measure.unit),
                               show(before.value, measure.unit), change(measure.value, before.value, measure.unit),
                               fraction(measure), fraction(before)))
        if measure.unit == "share":
            shares.append({"label": str(measure.label), "current": measure.value, "previous": before.value})
    view = FamilyView(family.key, str(title), str(shows), str(watch), rows,
                      chart=charts_health.compare_chart(f"sante-{family.key}", str(title), shares))
    for breakdown in family.current.breakdowns:
        before = dict(family.previous.breakdown(breakdown.key).rows)
        current = dict(breakdown.rows)
        labels = [label for label, _count in breakdown.rows] + sorted(set(before) - set(current))
        shown, rest = labels[:SHOWN], labels[SHOWN:]
        rows = [(label, number(current.get(label, 0)), number(before.get(label, 0))) for label in shown]
        bars = [(label, current[label]) for label in shown if label in current]
        if rest:  # the largest categories one by one, the others together (the CSV has each)
            other = _("Les %(count)s autres") % {"count": len(rest)}
            rows.append((other, number(sum(current.get(label, 0) for label in rest)),
                         number(sum(before.get(label, 0) for label in rest))))
            if any(label in current for label in rest):
                bars.append((other, sum(current.get(label, 0) for label in rest)))
        view.breakdowns.append(BreakdownView(
            breakdown.key, str(breakdown.label),
            charts_health.count_chart(f"sante-{breakdown.key}", str(breakdown.label), bars, number), rows))
    if family.key == "evaluations":
        view.trend_chart = charts_health.trend_chart("sante-tendance", _("Appréciation moyenne, rencontre par "
                                                                         "rencontre (sur 5)"),
                                                     family.current.series)
        view.trend_rows = [(formatting.day(moment), title, show(mean, "rating"), answers)
                           for moment, title, mean, answers in family.current.series]
    return view


@dataclass
class HealthPage:
    window: Window
    families: list[FamilyView]
    errors: list[str]
    preset: int | None
    presets: list[dict]
    query: str  # the period's parameters, for the CSV link

    @property
    def families_html(self) -> SafeString:
        """Every family's section (``health_html``: the markup ``_families.html`` wrote)."""
        return health_html.families_html(self.families)


def space_links(territory, spaces) -> list[tuple[str, str]]:
    """(name, address of its health page) for each space: the address reversed once and each slug put
    in its place (a slug needs no quoting), not one ``{% url %}`` a space."""
    marker = "espace-0"
    before, after = reverse("health:space", kwargs={"territory": territory.slug, "space": marker}).rsplit(marker, 1)
    return [(space.name, f"{before}{space.slug}{after}") for space in spaces]


def _presets(preset: int | None) -> list[dict]:
    return [{"months": months, "label": _("%(months)s derniers mois") % {"months": months},
             "query": urlencode({"periode": months}), "current": months == preset} for months in PRESETS]


def _query(period: Period) -> str:
    return urlencode({"du": period.start.isoformat(), "au": period.end.isoformat()})


def territory_scope(user, territory) -> tuple[Scope, list[Space]]:
    """The territory's spaces the person may see (a members-only space counts only for its members)."""
    spaces = list(visible_spaces(user, territory))
    return Scope(territory_id=territory.pk, space_ids=tuple(space.pk for space in spaces)), spaces


def space_scope(space, user=None) -> Scope:
    """One space; with ``user``, the actions it follows for other spaces' plans count only when she
    may see those plans."""
    # Only what ``can_view`` reads: the full rows of every space cost more than deciding.
    readable = None if user is None else tuple(
        s.pk for s in visible_spaces(user, space.territory, only=("id", "visibility", "territory_id")))
    return Scope(territory_id=space.territory_id, space_ids=(space.pk,), space_id=space.pk, readable_ids=readable)


def health_page(scope: Scope, params) -> HealthPage:
    period, errors, preset = parse_health_period(params)
    window, families = compute_all(scope, period)
    number = formatting.counts()
    return HealthPage(window=window, families=[_family_view(family, number) for family in families], errors=errors,
                      preset=preset, presets=_presets(preset), query=_query(period))


def health_csv(scope: Scope, params) -> tuple[bytes, str]:
    """Every figure of the period and of the previous one, one row a measure or a category."""
    period, _errors, _preset = parse_health_period(params)
    window, families = compute_all(scope, period)
    current, previous = window.current, window.previous
    header = [_("Famille"), _("Mesure"), _("Catégorie"),
              _("Période du %(start)s au %(end)s") % {"start": current.start.isoformat(), "end": current.end.isoformat()},
              _("Période du %(start)s au %(end)s") % {"start": previous.start.isoformat(),
                                                      "end": previous.end.isoformat()},
              _("Écart"), _("Numérateur"), _("Dénominateur")]
    rows = []
    for family in families:
        title = str(TEXTS[family.key][0])
        for measure in family.current.measures:
            before = family.previous.measure(measure.key)
            rows.append([title, str(measure.label), "", _plain(measure.value), _plain(before.value),
                         _plain(_difference(measure.value, before.value)),
                         _plain(measure.numerator), _plain(measure.denominator)])
        for breakdown in family.current.breakdowns:
            before = dict(family.previous.breakdown(breakdown.key).rows)
            now = dict(breakdown.rows)
            for label in list(now) + sorted(set(before) - set(now)):
                rows.append([title, str(breakdown.label), label, now.get(label, 0), before.get(label, 0),
                             now.get(label, 0) - before.get(label, 0), "", ""])
    return write_csv(header, rows), f"{period.start.isoformat()}-{period.end.isoformat()}"


def _difference(current, previous):
    if current is None or previous is None:
        return None
    return Decimal(current) - Decimal(previous)


def _plain(value) -> str:
    """A number as a spreadsheet of the page's language reads it (« 12,5 » in French)."""
    if value is None:
        return ""
    return formatting.number(value).replace("\u00a0", "")
