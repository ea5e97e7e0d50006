"""Practice sheets published in the period: those of the territory (the territory's page) or that
come from the space (a space's page), published (``published_at``) in the period. Counted in the
database by period (a part of ``MetricsContext.summaries``)."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from concertation.knowledge.models import PracticeSheet

from .base import FamilyResult, Measure
from .context import MetricsContext, summary_row

KEY = "practices"


def summary(ctx: MetricsContext):
    sheets = PracticeSheet.objects.filter(status=PracticeSheet.Status.PUBLISHED,
                                          published_at__gte=ctx.window.start_moment,
                                          published_at__lt=ctx.window.end_moment)
    if ctx.scope.space_id is not None:
        sheets = sheets.filter(space_id=ctx.scope.space_id)
    else:
        sheets = sheets.filter(territory_id=ctx.scope.territory_id)
    return summary_row(sheets, KEY, ctx.period_case("published_at"), published=Count("id"))


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    return {name: FamilyResult(KEY, measures=[
        Measure("published", _("Fiches d'expérience publiées"), ctx.summary(KEY, name)[0], unit="count")])
        for name in ("current", "previous")}
