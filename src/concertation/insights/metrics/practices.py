"""Practice sheets published in the period: those of the territory (the territory's page) or that
come from the space (a space's page), published (``published_at``) in the period. One query."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from concertation.knowledge.models import PracticeSheet

from .base import FamilyResult, Measure
from .context import MetricsContext

KEY = "practices"


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    sheets = PracticeSheet.objects.filter(status=PracticeSheet.Status.PUBLISHED,
                                          published_at__gte=ctx.window.start_moment,
                                          published_at__lt=ctx.window.end_moment)
    if ctx.scope.space_id is not None:
        sheets = sheets.filter(space_id=ctx.scope.space_id)
    else:
        sheets = sheets.filter(territory_id=ctx.scope.territory_id)
    moments = list(sheets.values_list("published_at", flat=True).order_by())
    return {name: FamilyResult(KEY, measures=[
        Measure("published", _("Fiches d'expérience publiées"),
                sum(1 for moment in moments if ctx.which(moment) == name), unit="count")])
        for name in ("current", "previous")}
