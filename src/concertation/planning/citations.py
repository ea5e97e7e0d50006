"""The portrait's figures an objective or an indicator cites (« chiffres cités »).

A citation is not a change of the plan (no revision, no decision needed, like a document attached):
the plan's coordination picks, among the figures of the plan's territory, those the objective or
the indicator answers. The figures live in knowledge (below planning); the link is planning's.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concertation.core import audit
from concertation.core.errors import DomainError
from concertation.knowledge.models import Figure
from concertation.knowledge.portrait_import import show

from .models import Indicator, Objective, Plan


def territory_figures(territory) -> list[Figure]:
    return list(Figure.objects.filter(territory=territory).order_by("position", "theme", "label", "year", "id"))


def figure_text(figure: Figure) -> str:
    """« Ménages locataires — Quartier (2021) : 72 % »."""
    where = f" — {figure.geography}" if figure.geography else ""
    return _("%(label)s%(where)s (%(year)s) : %(value)s") % {
        "label": figure.label, "where": where, "year": figure.year, "value": show(figure.value, figure.unit)}


def grouped_choices(figures: list[Figure]) -> list:
    """Choices grouped by theme, in the portrait's order."""
    groups: dict[str, list] = {}
    for figure in figures:
        groups.setdefault(figure.theme, []).append((figure.pk, figure_text(figure)))
    return list(groups.items())


class CitationForm(forms.Form):
    figures = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Chiffres cités"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Les chiffres du portrait du territoire auxquels cet élément répond."))

    def __init__(self, *args, figures: list[Figure], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figures"].choices = grouped_choices(figures)


@transaction.atomic
def figures_cite(*, item: Objective | Indicator, plan: Plan, figure_ids, by=None) -> list[Figure]:
    """Set the figures the item cites: figures of the plan's territory only."""
    if plan.status == Plan.Status.ARCHIVED:
        raise DomainError(_("Ce plan est archivé : il ne change plus."))
    ids = set(figure_ids or [])
    figures = list(Figure.objects.filter(territory_id=plan.space.territory_id, pk__in=ids))
    if len(figures) != len(ids):
        raise DomainError(_("Choisissez des chiffres du portrait de ce territoire."), field="figures")
    before = set(item.figures.values_list("pk", flat=True))
    if before != ids:
        item.figures.set(figures)
        audit.record(action="plan.figures_cited", actor=by, target=item, territory_id=plan.space.territory_id,
                     plan=plan.pk, count=len(figures))
    return figures


def cited_by_objective(plan: Plan) -> dict[int, list[Figure]]:
    """Objective id → the figures it cites, for the whole plan in one query."""
    through = Objective.figures.through
    cited: dict[int, list[Figure]] = {}
    for row in (through.objects.filter(objective__priority__plan=plan).select_related("figure")
                .order_by("figure__position", "figure__label", "figure__year")):
        cited.setdefault(row.objective_id, []).append(with_text(row.figure))
    return cited


def cited_by(item: Objective | Indicator) -> list[Figure]:
    return [with_text(figure) for figure in item.figures.order_by("position", "label", "year")]


def with_text(figure: Figure) -> Figure:
    figure.text = figure_text(figure)
    return figure


def citing_spaces(figure_ids: list[int]) -> list[tuple[int, int]]:
    """(figure id, space id) for each objective and indicator citing one of the figures: registered
    with knowledge's portrait, which counts those in spaces its reader may open (two queries, whatever
    the number of figures and whether any is cited)."""
    rows = list(Objective.figures.through.objects.filter(figure_id__in=figure_ids)
                .values_list("figure_id", "objective__priority__plan__space_id"))
    rows += list(Indicator.figures.through.objects.filter(figure_id__in=figure_ids)
                 .values_list("figure_id", "indicator__plan__space_id"))
    return rows
