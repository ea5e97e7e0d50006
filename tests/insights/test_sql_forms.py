"""The governance health's statements rewritten for speed say what the forms they replace say, on
generated data (a seeded random territory: several spaces, organizations with and without a sector,
a college or a seat, citizens with and without a seat, presences of every status at meetings of
every status, in both periods and outside them)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from concertation.directory.models import College, Organization, Sector, Territory
from concertation.meetings.models import Attendance, Meeting
from concertation.spaces.models import Membership, Space
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _moment(days_ago: int, hour: int = 18):
    return timezone.make_aware(datetime.combine(TODAY - timedelta(days=days_ago), time(hour, 0)))


def generated_territory(seed: int):
    """A random territory: its spaces, its people and what they did, the same for a seed."""
    rng = random.Random(seed)
    territory = Territory.objects.create(name=f"Généré {seed}", slug=f"genere-{seed}")
    sectors = [Sector.objects.create(territory=territory, name=f"Secteur {n}") for n in range(3)]
    colleges = [College.objects.create(territory=territory, name=f"Collège {n}", slug=f"college-{seed}-{n}")
                for n in range(3)]
    organizations = [Organization.objects.create(territory=territory, name=f"Organisme {n}",
                                                 sector=rng.choice([*sectors, None]),
                                                 college=rng.choice([*colleges, None]))
                     for n in range(8)]
    spaces = [Space.objects.create(territory=territory, name=f"Espace {n}", slug=f"espace-{n}") for n in range(3)]
    people = [UserFactory(display_name=f"Personne {n}") for n in range(12)]
    start = TODAY - timedelta(days=800)
    for space in spaces:
        for organization in rng.sample(organizations, 5):
            Membership.objects.create(space=space, organization=organization, start=start,
                                      college=rng.choice([*colleges, None]))
        for person in rng.sample(people, 5):
            Membership.objects.create(space=space, person=person, start=start, college=rng.choice([*colleges, None]))
    statuses = list(Meeting.Status)
    attendance_statuses = list(Attendance.Status)
    rows = []
    for n in range(36):
        day = rng.randrange(-20, 260)
        meeting = Meeting.objects.create(space=rng.choice(spaces), title=f"Rencontre {n}", starts_at=_moment(day),
                                         ends_at=_moment(day, 20), status=rng.choice(statuses))
        for person in rng.sample(people, rng.randrange(2, 10)):
            rows.append(Attendance(meeting=meeting, person=person, status=rng.choice(attendance_statuses),
                                   organization=rng.choice([*organizations, None, None])))
    Attendance.objects.bulk_create(rows)
    return territory, spaces


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_presences_by_organization_counts_what_every_presence_grouped_counts(seed):
    """``PRESENCES_SQL`` (the presences without organization nor citizen seat only counted) against
    ``PRESENCES_GROUPED_SQL`` (every presence grouped): the same presences in every category, for
    every split of the window, whichever spaces."""
    from concertation.planning.attendance import PRESENCES_GROUPED_SQL, presences_by_organization

    _territory, spaces = generated_territory(seed)

    def totals(rows):
        counted = Counter()
        for row in rows:
            key = (bool(row["in_current"]), row["organization_id"], row["organization_name"], row["sector_name"],
                   row["college_name"], row["citizen"])
            counted[key] += row["n"]
        return +counted

    start, end = _moment(200, 0), _moment(0, 23)
    checked = 0
    for space_ids in ([space.pk for space in spaces], [spaces[0].pk], [spaces[1].pk, spaces[2].pk]):
        for split in (_moment(100, 0), start, end, _moment(300), _moment(-30)):
            fast = presences_by_organization(space_ids, start, split, end)
            grouped = presences_by_organization(space_ids, start, split, end, statement=PRESENCES_GROUPED_SQL)
            assert totals(fast) == totals(grouped)
            assert all(row["n"] > 0 for row in fast)
            checked += sum(row["n"] for row in grouped)
    assert checked
