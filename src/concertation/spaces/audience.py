"""Who hears about what happens in a space: the recipients of notifications (issue 16).

Every selector here stays within what each person may see (``access.Access.can_view``): the people
who sit in a space (citizens, delegates and alternates of member organizations) see it whatever its
visibility; holders of its roles see it unless it is members-only (then only its coordination does);
a territory's coordinators see all of its spaces. Active accounts only; each person once.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from concertation.directory.models import Territory

from .models import Delegation, Membership, RoleAssignment, Space
from .selectors import assignment_current_q, current_q


def _sitting(on, **space_filter) -> Q:
    """People who sit (citizen, delegate, alternate) in the spaces selected by ``space_filter``."""
    citizens = Membership.objects.filter(current_q(on=on), person__isnull=False, **space_filter).values("person_id")
    delegations = Delegation.objects.filter(
        current_q(on=on), current_q("membership__", on=on),
        **{f"membership__{name}": value for name, value in space_filter.items()},
    ).values("person_id")
    return Q(pk__in=citizens) | Q(pk__in=delegations)


def space_audience(space: Space, *, on=None):
    """The members of a space (who sits there) and the holders of its roles — the people its news
    is for. In a members-only space, only the holders of its coordination role beyond its members."""
    on = on or timezone.localdate()
    roles = RoleAssignment.objects.filter(assignment_current_q(on=on), role__space_id=space.pk, person__isnull=False)
    if space.visibility == Space.Visibility.MEMBERS:
        roles = roles.filter(role__kind="coordination")
    who = _sitting(on, space_id=space.pk) | Q(pk__in=roles.values("person_id"))
    return get_user_model().objects.filter(who, is_active=True).order_by("display_name", "email", "pk")


def territory_audience(territory: Territory | int, *, on=None):
    """Everyone who sits in a space of the territory or holds one of its roles, and its
    coordinators: each of them sees the territory's spaces open to the territory."""
    on = on or timezone.localdate()
    territory_id = territory.pk if isinstance(territory, Territory) else territory
    roles = RoleAssignment.objects.filter(
        assignment_current_q(on=on), role__space__territory_id=territory_id, person__isnull=False,
    ).values("person_id")
    coordinators = Territory.coordinators.through.objects.filter(territory_id=territory_id).values("user_id")
    who = _sitting(on, space__territory_id=territory_id) | Q(pk__in=roles) | Q(pk__in=coordinators)
    return get_user_model().objects.filter(who, is_active=True).order_by("display_name", "email", "pk")


def space_coordinators(space: Space, *, on=None):
    """Who coordinates a space: the holders of a coordination role in it or in a space above it,
    and the territory's coordinators."""
    on = on or timezone.localdate()
    ancestors, node = [], space
    while node is not None:
        ancestors.append(node.pk)
        node = node.parent
    roles = RoleAssignment.objects.filter(
        assignment_current_q(on=on), role__space_id__in=ancestors, role__kind="coordination", person__isnull=False,
    ).values("person_id")
    coordinators = Territory.coordinators.through.objects.filter(territory_id=space.territory_id).values("user_id")
    return get_user_model().objects.filter(
        Q(pk__in=roles) | Q(pk__in=coordinators), is_active=True).order_by("display_name", "email", "pk")
