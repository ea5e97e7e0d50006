"""The daily upkeep of what time alone changes in the index (issue 17).

A person's entry lists the territories where she sits *now* (indexers.build_person). A membership,
a delegation or a role whose dates begin or end changes that without any write, so once a day the
people whose ties began or ended in the last week are indexed again (a week: a missed day or two of
the scheduler is caught up; indexing a person twice changes nothing).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from concertation.notifications.api import register_daily

from .index import reindex

CATCH_UP_DAYS = 7


def people_whose_ties_changed(today) -> set[int]:
    from concertation.spaces.models import Delegation, Membership, RoleAssignment

    since = today - timedelta(days=CATCH_UP_DAYS)
    began_or_ended = (Q(start__gt=since, start__lte=today) | Q(end__gte=since, end__lt=today))
    people = set(Membership.objects.filter(began_or_ended).values_list("person_id", flat=True))
    people |= set(Delegation.objects.filter(began_or_ended).values_list("person_id", flat=True))
    people |= set(RoleAssignment.objects.filter(began_or_ended).values_list("person_id", flat=True))
    people.discard(None)
    return people


def people_sweep(now) -> int:
    """Index again the people whose ties began or ended lately; returns how many."""
    today = timezone.localtime(now).date()
    people = get_user_model().objects.filter(pk__in=people_whose_ties_changed(today))
    count = 0
    for person in people.iterator():
        reindex(person)
        count += 1
    return count


def register() -> None:
    register_daily("search.people", people_sweep)
