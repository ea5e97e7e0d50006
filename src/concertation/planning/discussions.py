"""Activities of a plan are discussed in knowledge's discussions (registered from
PlanningConfig.ready()). An activity has no page of its own: its discussion's page is where people
read and write it, linked from the activity's line in the plan."""

from django.urls import reverse

from concertation.spaces.access import access_for

from .plan_outline import activity_anchor


def _space(activity):
    return activity.strategy.plan.space


def _url(activity) -> str:
    space = _space(activity)
    url = reverse("planning:plan", kwargs={"territory": space.territory.slug, "space": space.slug,
                                           "plan": activity.strategy.plan_id})
    return url + activity_anchor(activity.strategy_id, activity.pk)


def _can_comment(user, activity) -> bool:
    access = access_for(user)
    space = _space(activity)
    return activity.strategy.plan.status != "archived" and (access.is_member(space) or access.facilitates(space))


def register() -> None:
    from concertation.knowledge.discussions_registry import register_discussion_target

    from .models import Activity

    register_discussion_target(
        "activity", Activity,
        space_of=_space,
        can_view=lambda user, activity: user.has_perm("planning.view_plan", activity),
        can_comment=_can_comment,
        can_moderate=lambda user, activity: user.has_perm("planning.change_plan", activity),
        url_of=_url,
        label_of=lambda activity: activity.title,
        related=("strategy__plan__space__territory",),
        shown_on_page=False,
    )
