"""The structure's statements written out by hand agree with the ORM forms of their rules."""

import random
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from concertation.accounts import privacy
from concertation.accounts.models import User
from concertation.spaces import roles_read, selectors
from concertation.spaces.models import Delegation, Membership, Role, RoleAssignment
from tests.factories import CollegeFactory, OrganizationFactory, SectorFactory, UserFactory


def populate(world, seed: int) -> None:
    """Members of the assembly drawn at random: organizations with or without a college and a sector,
    citizens with or without a college, some ended or not begun, names alike or empty, people who
    agreed to be named or not, delegates and alternates current, ended, or starting later."""
    rng = random.Random(seed)
    today = timezone.localdate()
    colleges = [world.community, world.citizen_college, CollegeFactory(territory=world.territory), None]
    sectors = [SectorFactory(territory=world.territory, name=name) for name in ("Santé", "Logement", "Emploi")]
    sectors.append(None)
    names = ["Aube", "aube", "Érable", "Zinc", "Caisse", "CLSC", "Maison", "Maison"]
    days = [today - timedelta(days=400), today - timedelta(days=1), today, today + timedelta(days=3)]
    ends = [None, None, None, today, today - timedelta(days=1), today + timedelta(days=10)]
    for n in range(60):
        person = None
        if rng.random() < 0.25:
            person = UserFactory(display_name=rng.choice(names + [""]), shown_publicly=rng.random() < 0.5)
            organization = None
        else:
            organization = OrganizationFactory(territory=world.territory, name=f"{rng.choice(names)} {n:02d}",
                                               acronym=rng.choice(["", "AB", f"{rng.choice(names)} {n % 7}"]),
                                               college=rng.choice(colleges), sector=rng.choice(sectors))
        start = rng.choice(days)
        end = rng.choice(ends)
        membership = Membership.objects.create(
            space=world.assembly, organization=organization, person=person,
            college=rng.choice(colleges) if rng.random() < 0.4 else None,
            category=rng.choice(["voting", "voting", "observer", "guest"]),
            start=start, end=end if end is None or end >= start else None)
        if organization is None:
            continue
        for kind in (Delegation.Kind.DELEGATE, Delegation.Kind.ALTERNATE):
            if rng.random() < 0.7:
                begun = rng.choice(days[:3])
                Delegation.objects.create(
                    membership=membership, kind=kind, start=begun,
                    end=rng.choice([None, None, begun + timedelta(days=1)]),
                    person=UserFactory(display_name=rng.choice(names + [""]), shown_publicly=rng.random() < 0.5))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_members_preview_sql_agrees_with_the_orm(world, seed):
    populate(world, seed)
    today = timezone.localdate()
    for viewer in (world.coordinator, AnonymousUser(), None):
        for per_college in (1, 3, 30):
            for on in (today, today + timedelta(days=5)):
                orm = selectors.members_preview_orm(world.assembly, per_college, on, viewer=viewer)
                written = selectors.members_preview_sql(world.assembly, per_college, on, viewer=viewer)
                assert written == orm, (viewer, per_college, on)
                assert orm


def test_name_sql_text_agrees_with_name_sql(world):
    populate(world, 4)
    for viewer in (world.coordinator, AnonymousUser()):
        orm = dict(Delegation.objects.annotate(
            name=privacy.name_sql("person__", viewer, fallback=privacy.F("membership__organization__name")))
            .values_list("pk", "name"))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, {privacy.name_sql_text('p', viewer, fallback='o.name')} "
                f"FROM spaces_delegation d JOIN accounts_user p ON p.id = d.person_id "
                f"JOIN spaces_membership m ON m.id = d.membership_id "
                f"LEFT JOIN directory_organization o ON o.id = m.organization_id",
                {"neutral_name": privacy.neutral_name()})
            assert dict(cursor.fetchall()) == orm
        plain = dict(User.objects.annotate(name=privacy.name_sql("", viewer)).values_list("pk", "name"))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT u.id, {privacy.name_sql_text('u', viewer)} FROM accounts_user u",
                           {"neutral_name": privacy.neutral_name()})
            assert dict(cursor.fetchall()) == plain


def roles_orm(space, on, viewer) -> list[dict]:
    """``roles_with_holders`` (the ORM form) in ``role_rows``' shape."""
    return [{"name": role.name, "current_assignments": [{"holder_label": a.holder_label, "end": a.end}
                                                        for a in role.current_assignments]}
            for role in roles_read.roles_with_holders([space.pk], on=on, viewer=viewer)]


def add_roles(world, seed: int) -> None:
    """Roles in the assembly and the committee, vacant or with terms current, ended, ending or ended
    early, held by people (named publicly or not), organizations (with an acronym or not) or both."""
    rng = random.Random(seed)
    today = timezone.localdate()
    organizations = [OrganizationFactory(territory=world.territory, acronym=acronym) for acronym in ("", "ABC", "")]
    for n in range(12):
        space = rng.choice([world.assembly, world.assembly, world.committee])
        role = Role.objects.create(space=space, name=f"{rng.choice(['Animation', 'Zèle'])} {n:02d}",
                                   kind="other", position=rng.choice([0, 1, 2]), seats=3)
        for _term in range(rng.choice([0, 1, 2, 3])):
            start = today - timedelta(days=rng.choice([0, 10, 400]))
            person = rng.choice([None, UserFactory(display_name=rng.choice(["", "Zoé"]),
                                                   shown_publicly=rng.random() < 0.5)])
            organization = rng.choice(organizations + [None]) if person is not None else rng.choice(organizations)
            end = rng.choice([None, today, today + timedelta(days=30), start + timedelta(days=1)])
            ended_on = rng.choice([None, None, today, today + timedelta(days=2)])
            RoleAssignment.objects.create(role=role, person=person, organization=organization, start=start,
                                          end=end if end is None or end >= start else None,
                                          ended_on=ended_on if ended_on is None or ended_on >= start else None,
                                          end_reason="" if ended_on is None or ended_on < start else "resigned")


def test_role_rows_agree_with_roles_with_holders(world):
    add_roles(world, 5)
    today = timezone.localdate()
    spaces = [world.assembly, world.committee, world.group]
    for viewer in (world.coordinator, AnonymousUser(), None):
        for on in (today, today + timedelta(days=3)):
            for space in spaces:
                assert roles_read.role_rows(space.pk, on, viewer=viewer) == roles_orm(space, on, viewer)
            assert roles_read.role_holders_by_space([space.pk for space in spaces], on, viewer=viewer) == {
                space.pk: [(role["name"], ", ".join(term["holder_label"] for term in role["current_assignments"]))
                           for role in roles_orm(space, on, viewer)]
                for space in spaces}


def test_current_sql_agrees_with_current_q(world):
    """periods.py: « current on that day » in SQL selects what the ORM form selects, on each day around
    the starts, ends and early ends of memberships and roles' terms."""
    populate(world, 6)
    add_roles(world, 7)
    today = timezone.localdate()
    for offset in range(-3, 12):
        on = today + timedelta(days=offset)
        day = connection.ops.adapt_datefield_value(on)
        for model, q, sql in ((Membership, selectors.current_q, selectors.current_sql),
                              (Delegation, selectors.current_q, selectors.current_sql),
                              (RoleAssignment, selectors.assignment_current_q, selectors.assignment_current_sql)):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT x.id FROM {model._meta.db_table} x WHERE {sql('x')}", {"on": day})
                written = {row[0] for row in cursor.fetchall()}
            assert written == set(model.objects.filter(q(on=on)).values_list("pk", flat=True)), (model, on)
