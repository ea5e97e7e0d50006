"""The demo territory's portrait (data/knowledge_portrait.toml): its figures, added through the
portrait's service, and the plan's objectives and indicator that cite some of them."""

from __future__ import annotations

from concertation.demo.context import ACCOUNT_EMAILS, DemoContext, data, fr


def build_portrait(ctx: DemoContext) -> None:
    from concertation.knowledge.models import Figure
    from concertation.knowledge.services.portrait import check_figure, figure_import, record_import

    if ctx.territory is None or Figure.objects.filter(territory=ctx.territory).exists():
        return
    portrait = data("knowledge_portrait")
    coordinator = ctx.person(ACCOUNT_EMAILS["coordinator"])
    figures = {}
    # As the coordination would: one import of the table (one line in the journal).
    for position, (theme, label, value, unit, year, geography, source) in enumerate(portrait["figures"], start=1):
        name, url = portrait["sources"][source]
        checked = check_figure(theme=theme, label=fr(label), value=value, unit=unit, year=year, geography=geography,
                               source=name, source_url=url)
        figures[(label, year, geography)] = figure_import(territory=ctx.territory, data=checked, existing=None,
                                                          position=position)
    record_import(territory=ctx.territory, by=coordinator, added=len(figures), replaced=0,
                  filename="portrait-pointe-aux-herons.xlsx")
    _cite(ctx, portrait["cites"], figures, coordinator)
    ctx.say(f"Portrait : {len(figures)} chiffres / figures")


def _cite(ctx: DemoContext, cites, figures, coordinator) -> None:
    from concertation.planning.citations import figures_cite
    from concertation.planning.models import Indicator, Objective, Plan

    plan = Plan.objects.filter(space__territory=ctx.territory).select_related("space").order_by("pk").first()
    if plan is None:
        return
    chosen: dict = {}
    for target, label, year in cites:
        item = (Objective.objects.filter(priority__plan=plan, title=fr(target)).first()
                or Indicator.objects.filter(plan=plan, name=fr(target)).first())
        figure = figures.get((label, year, "Pointe-aux-Hérons"))
        if item is not None and figure is not None:
            chosen.setdefault(item, []).append(figure.pk)
    for item, ids in chosen.items():
        figures_cite(item=item, plan=plan, figure_ids=ids, by=coordinator)
