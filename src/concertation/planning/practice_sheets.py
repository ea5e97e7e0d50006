"""The practice sheets (knowledge) of the plan's activities: the provider planning registers with
``knowledge.practice_activities`` (the sheet's « Action liée »), and the sheets an activity shows on
the plan's page (with « Rédiger une fiche d'expérience »)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.knowledge.models import PracticeSheet
from concertation.knowledge.practice_activities import LinkedActivity
from concertation.knowledge.rules_practices import may_view
from concertation.spaces.access import access_for

from .models import Activity, ActivityPracticeSheet, Plan
from .plan_outline import activity_anchor


def _label(activity) -> str:
    return f"{activity.title} ({activity.strategy.plan.title})"


def _plan_url(plan) -> str:
    return reverse("planning:plan", kwargs={"territory": plan.space.territory.slug, "space": plan.space.slug,
                                            "plan": plan.pk})


class PlanActivities:
    """What knowledge asks of planning about a sheet's activity."""

    def choices(self, *, territory, user) -> list[tuple[int, str]]:
        access = access_for(user)
        activities = (Activity.objects.filter(strategy__plan__space__territory=territory)
                      .exclude(strategy__plan__status=Plan.Status.ARCHIVED)
                      .select_related("strategy__plan__space")
                      .only("id", "title", "strategy__plan__title", "strategy__plan__space__id",
                            "strategy__plan__space__territory_id", "strategy__plan__space__visibility")
                      .order_by("strategy__plan__title", "title", "id"))
        return [(activity.pk, _label(activity)) for activity in activities
                if access.can_view(activity.strategy.plan.space)]

    def for_sheets(self, *, sheet_ids, user) -> dict[int, LinkedActivity]:
        access = access_for(user)
        links = (ActivityPracticeSheet.objects.filter(sheet_id__in=sheet_ids)
                 .select_related("activity__strategy__plan__space__territory"))
        found = {}
        for link in links:
            activity = link.activity
            plan = activity.strategy.plan
            if access.can_view(plan.space):
                found[link.sheet_id] = LinkedActivity(id=activity.pk, label=_label(activity),
                                                      url=_plan_url(plan) + activity_anchor(activity.strategy_id, activity.pk))
            else:
                found[link.sheet_id] = LinkedActivity(id=activity.pk, label="", visible=False)
        return found

    def link(self, *, sheet, activity_id: int | None) -> None:
        if activity_id is None:
            ActivityPracticeSheet.objects.filter(sheet=sheet).delete()
            return
        if not Activity.objects.filter(pk=activity_id, strategy__plan__space__territory_id=sheet.territory_id).exists():
            raise DomainError(_("Choisissez une action d'un plan de ce territoire."), field="activity")
        ActivityPracticeSheet.objects.update_or_create(sheet=sheet, defaults={"activity_id": activity_id})


def attach_practice_sheets(tree, plan, user) -> None:
    """Give each activity of the plan's page its ``sheets`` (those the person may read: title and
    address) and, for who sits in the territory, the address to write one: one query for the page.
    ``tree``: the plan as it is now."""
    activities = [node for node in tree.nodes() if node.kind == "activity"]
    if not activities:
        return
    access = access_for(user)
    territory = plan.space.territory
    # The activities of the plan rather than a list of their ids (1 200 parameters at L): the tree
    # of the current plan holds them all.
    links = ActivityPracticeSheet.objects.filter(activity__strategy__plan=plan)
    if tree.outline:  # only the opened strategy's activities are on the page
        links = links.filter(activity__strategy_id=tree.opened)
    links = (links
             .select_related("sheet").only("activity_id", "sheet__id", "sheet__title", "sheet__territory_id",
                                           "sheet__status", "sheet__audience", "sheet__author_id")
             .order_by("sheet__title"))
    by_activity: dict[int, list] = {}
    for link in links:
        if may_view(access, link.sheet):
            by_activity.setdefault(link.activity_id, []).append(link.sheet)
    base = reverse("practices:list", kwargs={"territory": territory.slug})
    may_write = access.in_territory(territory.pk)
    for node in activities:
        node.sheets = [{"title": sheet.title, "url": f"{base}{sheet.pk}/",
                        "draft": sheet.status == PracticeSheet.Status.DRAFT}
                       for sheet in by_activity.get(node.id, [])]
        node.write_sheet_url = f"{base}nouvelle/?action={node.id}" if may_write else ""
