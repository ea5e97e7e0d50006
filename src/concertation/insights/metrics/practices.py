"""Practice sheets published in the period: those of the territory (the territory's page) or that
come from the space (a space's page), published (``published_at``) in the period. Counted in the
database by period (a part of ``MetricsContext.summaries``)."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext_lazy as _

from concertation.knowledge.models import PracticeSheet

from .base import FamilyResult, Measure
from .context import MetricsContext, summary_sql

KEY = "practices"


def summary(ctx: MetricsContext) -> tuple[str, list]:
    owner, owner_id = (("space_id", ctx.scope.space_id) if ctx.scope.space_id is not None
                       else ("territory_id", ctx.scope.territory_id))
    source = f"""FROM {connection.ops.quote_name(PracticeSheet._meta.db_table)} sheet
 WHERE sheet.status = %s AND sheet.published_at >= %s AND sheet.published_at < %s AND sheet.{owner} = %s"""
    return summary_sql(KEY, ctx.period_sql("sheet.published_at"), [("COUNT(*)", [])], source, [
        PracticeSheet.Status.PUBLISHED.value, connection.ops.adapt_datetimefield_value(ctx.window.start_moment),
        connection.ops.adapt_datetimefield_value(ctx.window.end_moment), owner_id])


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    return {name: FamilyResult(KEY, measures=[
        Measure("published", _("Fiches d'expérience publiées"), ctx.summary(KEY, name)[0], unit="count")])
        for name in ("current", "previous")}
