"""What planning tells people, through the notifications layer (issue 16): an adopted plan was
revised. ``register()`` runs from apps.py; ``revisions.record_revision`` calls ``notify_revised``
inside the service's transaction. One notification a person per plan and day (the first revision
of the day; the plan's revisions page lists them all), to the members of the plan's space."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.notifications.api import Group, notify, register_event
from concertation.spaces.audience import space_audience
from concertation.spaces.events import space_visible


def register() -> None:
    register_event("planning.plan_revised", category="plan", label=_("Plan d'action ajusté"),
                   template="planning/notifications/plan_revised", visible=space_visible)


def notify_revised(plan, revision, *, by=None) -> int:
    space = plan.space
    kwargs = {"territory": space.territory.slug, "space": space.slug}
    return notify("planning.plan_revised", recipients=space_audience(space), actor=by,
                  once_key=f"plan:{plan.pk}:{timezone.localdate(revision.made_at).isoformat()}",
                  link=reverse("planning:revisions", kwargs={**kwargs, "plan": plan.pk}),
                  group=Group(key=f"space:{space.pk}", label=space.name, link=reverse("spaces:space", kwargs=kwargs)),
                  context={"plan": plan, "revision": revision, "space": space})
