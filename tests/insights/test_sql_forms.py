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


@pytest.mark.parametrize("seed", [4, 5])
def test_staff_sql_names_the_people_the_querysets_name(seed):
    """``STAFF_SQL`` (written) against ``MetricsContext._staff_ids`` (the ORM form): the same
    coordinators and coordination role holders, for windows around the terms' bounds, in two
    territories (a term elsewhere does not count)."""
    from django.db import connection

    from concertation.directory.models import Territory as TerritoryModel
    from concertation.insights.metrics import Period, Scope, Window
    from concertation.insights.metrics.context import MetricsContext
    from concertation.spaces.models import Role, RoleAssignment

    rng = random.Random(seed)
    territories = [generated_territory(seed)[0], generated_territory(seed + 100)[0]]
    people = [UserFactory(display_name=f"Rôle {n}") for n in range(10)]
    for territory in territories:
        territory.coordinators.add(*rng.sample(people, 2))
        for space in Space.objects.filter(territory=territory):
            for kind in (Role.Kind.COORDINATION, Role.Kind.FACILITATION):
                role = Role.objects.create(space=space, name=f"{kind}", kind=kind)
                for person in rng.sample([*people, None], 4):
                    begins = TODAY - timedelta(days=rng.randrange(0, 700))
                    ended_on = rng.choice([None, None, begins + timedelta(days=rng.randrange(1, 300))])
                    RoleAssignment.objects.create(
                        role=role, person=person, organization=None if person else Organization.objects.filter(
                            territory=territory).first(),
                        start=begins, end=rng.choice([None, begins + timedelta(days=rng.randrange(0, 400))]),
                        ended_on=ended_on, end_reason=RoleAssignment.EndReason.RESIGNED if ended_on else "")
    seen = set()
    for territory in TerritoryModel.objects.filter(pk__in=[t.pk for t in territories]):
        for back in (0, 150, 300, 500):
            end = TODAY - timedelta(days=back)
            window = Window.of(Period(end - timedelta(days=120), end))
            ctx = MetricsContext(Scope(territory_id=territory.pk, space_ids=()), window)
            by_orm = [set(queryset.values_list(queryset.query.values_select[0], flat=True))
                      for queryset in ctx._staff_ids]
            parts, params = ctx._staff_subqueries
            by_sql, offset = [], 0
            with connection.cursor() as cursor:
                for part in parts:
                    count = part.count("%s")
                    cursor.execute(part, params[offset:offset + count])
                    offset += count
                    by_sql.append({row[0] for row in cursor.fetchall()})
            assert by_sql == by_orm, (territory.slug, back)
            seen.add(len(by_orm[1]))
    assert len(seen) > 1  # windows with different holders
