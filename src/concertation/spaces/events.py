"""What spaces tell people, through the notifications layer (issue 16): invitations (an e-mail to
the invited address, account or not), role terms ending (a daily sweep) and announcements (see
announcements.py). ``register()`` runs from apps.py."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.notifications.api import Group, notify, register_daily, register_event

INVITATION_TEMPLATE = "spaces/notifications/invitation"
# A term ending within this is announced to its holder and coordinators, the same window as the lists
# of terms ending soon (selectors.TERM_NOTICE_DAYS). Once per end date: widening it from 30 days did
# not announce again the terms already announced (the once_key names the end date, not the window).
TERM_NOTICE = timedelta(days=60)


def register() -> None:
    register_event("spaces.invitation", category="invitations", label=_("Invitation à rejoindre un espace"),
                   template=INVITATION_TEMPLATE)
    register_event("spaces.term_ending", category="roles", label=_("Fin de mandat"),
                   template="spaces/notifications/term_ending", visible=space_visible)
    register_event("spaces.announcement", category="announcements", label=_("Annonce"),
                   template="spaces/notifications/announcement", visible=space_visible)
    register_daily("spaces.terms_ending", terms_ending_sweep)


def space_visible(person, context) -> bool:
    """The events' ``visible`` hook: the person still sees the notification's space (removed from
    it, or the space made members-only, since: its news is no longer shown nor sent to them).
    No query once the person's access summary is computed (once per person)."""
    from .access import access_for
    from .models import Space

    space = context.get("space")
    return not isinstance(space, Space) or access_for(person).can_view(space)


def space_group(space) -> Group:
    """How notifications about a space are grouped in the centre and in digests (every app uses this one)."""
    return Group(key=f"space:{space.pk}", label=space.name,
                 link=reverse("spaces:space", kwargs={"territory": space.territory.slug, "space": space.slug}))


def terms_ending_sweep(now) -> int:
    """Once a day: each current term that ends within 60 days, to its holder and to the space's
    coordinators — once per end date (a term extended and ending again is announced again)."""
    from .access import access_for
    from .audience import space_coordinators
    from .models import RoleAssignment, Space
    from .selectors import assignment_current_q

    today = timezone.localdate(now)
    told = 0
    ending = (RoleAssignment.objects.filter(assignment_current_q(on=today), end__isnull=False,
                                            end__lte=today + TERM_NOTICE)
              .exclude(role__space__status=Space.Status.CLOSED)
              .select_related("role__space__territory", "person", "organization").order_by("end", "pk"))
    coordinators_of: dict[int, list] = {}
    for assignment in ending:
        space = assignment.role.space
        if space.pk not in coordinators_of:
            coordinators_of[space.pk] = list(space_coordinators(space, on=today))
        people = [assignment.person, *coordinators_of[space.pk]]
        people = [person for person in people if person is not None and access_for(person).can_view(space)]
        told += notify("spaces.term_ending", recipients=people,
                       once_key=f"term:{assignment.pk}:{assignment.end.isoformat()}",
                       link=reverse("spaces:roles", kwargs={"territory": space.territory.slug, "space": space.slug}),
                       group=space_group(space),
                       # The holder is named at render from the assignment (an erased person's
                       # name is not kept as text in the coordinators' notifications).
                       context={"assignment": assignment, "space": space, "role_name": assignment.role.name})
    return told
