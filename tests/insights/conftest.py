"""A crafted world for the governance-health metrics, built once per module (a transaction rolled
back at the module's end). Every figure the tests expect is computed by hand from this world in the
tests' comments. Days are counted back from today (T): the period of the tests is the 100 days up
to today, [T-99, T]; the previous period is [T-199, T-100]."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from concertation.decisions.models import Proposal
from concertation.directory.models import College, Organization, Sector, Territory
from concertation.knowledge.models import PracticeSheet
from concertation.meetings.models import AgendaItem, Attendance, Evaluation, FollowUp, Meeting
from concertation.planning.bilan import Period
from concertation.planning.models import Activity, Plan, Priority, Strategy
from concertation.spaces.models import Delegation, Membership, Role, RoleAssignment, Space
from tests.factories import MembershipFactory, UserFactory

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def moment(n: int, hour: int = 18):
    return timezone.make_aware(datetime.combine(days_ago(n), time(hour, 0)))


def period() -> Period:
    return Period(start=days_ago(99), end=days_ago(0))


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    T = Territory.objects.create(name="Quartier test", slug="quartier-test")
    w.territory = T
    famille, logement, emploi = (Sector.objects.create(territory=T, name=n) for n in ("Famille", "Logement", "Emploi"))
    comm = College.objects.create(territory=T, name="Communautaire", slug="communautaire")
    inst = College.objects.create(territory=T, name="Institutionnel", slug="institutionnel")
    cit = College.objects.create(territory=T, name="Citoyen", slug="citoyen", kind=College.Kind.CITIZEN)
    w.A = Organization.objects.create(territory=T, name="Org A", sector=famille, college=comm)
    w.B = Organization.objects.create(territory=T, name="Org B", sector=logement, college=comm)
    w.C = Organization.objects.create(territory=T, name="Org C", sector=emploi, college=inst)
    w.D = Organization.objects.create(territory=T, name="Org D", sector=famille, college=inst)
    w.X = Space.objects.create(territory=T, name="La table", slug="table", visibility=Space.Visibility.MEMBERS)
    w.Y = Space.objects.create(territory=T, name="Comité privé", slug="prive", visibility=Space.Visibility.MEMBERS)
    w.a, w.b, w.c, w.d = (UserFactory(display_name=f"Personne {n}") for n in "abcd")
    w.Z = UserFactory(display_name="Citoyenne Z")
    w.K = UserFactory(display_name="Coordination K")
    w.M = UserFactory(display_name="Coordination M")
    w.outsider = UserFactory(display_name="Hors territoire")
    T.coordinators.add(w.K)
    start = days_ago(400)
    for org, person in ((w.A, w.a), (w.B, w.b), (w.C, w.c), (w.D, w.d)):
        membership = Membership.objects.create(space=w.X, organization=org, start=start)
        Delegation.objects.create(membership=membership, person=person, kind=Delegation.Kind.DELEGATE, start=start)
    Membership.objects.create(space=w.X, person=w.Z, college=cit, start=start)
    # M: staff through a coordination role in another space of the territory (Y), where she sits.
    coordination_y = Role.objects.create(space=w.Y, name="Coordination", kind=Role.Kind.COORDINATION)
    RoleAssignment.objects.create(role=coordination_y, person=w.M, start=start)

    # Roles of X.
    facilitation = Role.objects.create(space=w.X, name="Animation", kind=Role.Kind.FACILITATION)
    spokesperson = Role.objects.create(space=w.X, name="Porte-parole", kind=Role.Kind.SPOKESPERSON)
    treasurer = Role.objects.create(space=w.X, name="Trésorerie", kind=Role.Kind.TREASURER)
    coordination = Role.objects.create(space=w.X, name="Coordination", kind=Role.Kind.COORDINATION)
    RoleAssignment.objects.create(role=facilitation, person=w.a, organization=w.A, start=start)          # r1
    RoleAssignment.objects.create(role=spokesperson, organization=w.B, person=None, start=days_ago(50))  # r2
    RoleAssignment.objects.create(role=treasurer, person=w.Z, start=start, ended_on=days_ago(120),        # r3
                                  end_reason=RoleAssignment.EndReason.RESIGNED)
    RoleAssignment.objects.create(role=coordination, person=w.K, start=start)                           # r4

    # Meetings of X.
    def meeting(n, facilitator, secretary, status=Meeting.Status.HELD, space=None):
        return Meeting.objects.create(space=space or w.X, title=f"Rencontre J-{n}", starts_at=moment(n),
                                      ends_at=moment(n, 20), facilitator=facilitator, secretary=secretary,
                                      status=status)

    w.m1 = meeting(10, w.a, w.Z)
    w.m2 = meeting(30, w.K, w.b, status=Meeting.Status.MINUTES_ADOPTED)
    w.m3 = meeting(60, w.c, w.b)
    w.m4 = meeting(150, w.K, w.K)
    w.m5 = meeting(20, w.d, w.d, status=Meeting.Status.CANCELLED)
    P, L, ABS = Attendance.Status.PRESENT, Attendance.Status.LATE, Attendance.Status.ABSENT
    rows = [
        (w.m1, w.a, w.A, P), (w.m1, w.b, w.B, P), (w.m1, w.Z, None, P), (w.m1, w.K, None, P), (w.m1, w.c, w.C, ABS),
        (w.m2, w.a, w.A, L), (w.m2, w.b, w.B, P), (w.m2, w.d, w.D, P), (w.m2, w.K, None, P),
        (w.m3, w.c, w.C, P), (w.m3, w.b, w.B, P), (w.m3, w.Z, None, P),
        (w.m4, w.a, w.A, P), (w.m4, w.K, None, P),
        (w.m5, w.d, w.D, P),
    ]
    Attendance.objects.bulk_create([Attendance(meeting=m, person=p, organization=o, status=s) for m, p, o, s in rows])

    item = AgendaItem.objects.create
    item(meeting=w.m1, title="i1", proposed_by=w.a)
    item(meeting=w.m1, title="i2")
    item(meeting=w.m1, title="i3", standard_role=AgendaItem.Role.ADOPT_AGENDA)
    item(meeting=w.m1, title="i4", proposed_by=w.b, status=AgendaItem.Status.DECLINED)
    item(meeting=w.m2, title="i5", proposed_by=w.K)
    item(meeting=w.m2, title="i6", proposed_by=w.Z)
    item(meeting=w.m4, title="i7")
    item(meeting=w.m5, title="i8", proposed_by=w.d)
    item(meeting=w.m1, title="i9", kind=AgendaItem.Kind.OTHER)  # the standard agenda's « Varia »: left out
    item(meeting=w.m2, title="i10", kind=AgendaItem.Kind.OTHER, proposed_by=w.c)  # proposed: counted

    # The plan of X.
    plan = Plan.objects.create(space=w.X, title="Plan", starts_on=days_ago(400), ends_on=days_ago(-400),
                               status=Plan.Status.ADOPTED, adopted_on=days_ago(400))
    priority = Priority.objects.create(plan=plan, title="Priorité")
    strategy = Strategy.objects.create(plan=plan, title="Stratégie", objective=None)
    activity = Activity.objects.create
    act1 = activity(strategy=strategy, title="act1", lead=w.A)
    act1.co_leads.add(w.B)
    act2 = activity(strategy=strategy, title="act2", lead=w.C, starts_on=days_ago(50))
    act2.partners.add(w.D)
    act3 = activity(strategy=strategy, title="act3", lead=w.A, ends_on=days_ago(120))
    act3.co_leads.add(w.D)
    activity(strategy=strategy, title="act4")
    activity(strategy=strategy, title="act5", lead=w.B, status=Activity.Status.CANCELLED)
    w.plan, w.priority = plan, priority

    # Decisions of X.
    proposal = Proposal.objects.create
    proposal(space=w.X, title="p1", status=Proposal.Status.DECIDED, closed_at=moment(5),
             result={"participants": 3, "eligible": 4})
    proposal(space=w.X, title="p2", status=Proposal.Status.CLOSED, closed_at=moment(40),
             result={"participants": 2, "eligible": 5})
    proposal(space=w.X, title="p3", status=Proposal.Status.DECIDED, closed_at=moment(160),
             result={"participants": 4, "eligible": 4})
    proposal(space=w.X, title="p4", status=Proposal.Status.OPEN, result={"participants": 1, "eligible": 4})

    # Follow-ups of X.
    followup = FollowUp.objects.create
    done, open_, dropped = FollowUp.Status.DONE, FollowUp.Status.OPEN, FollowUp.Status.DROPPED
    followup(space=w.X, what="f1", due_on=days_ago(15), status=done, done_on=days_ago(16))
    followup(space=w.X, what="f2", due_on=days_ago(20), status=done, done_on=days_ago(10))
    followup(space=w.X, what="f3", due_on=days_ago(25), status=open_)
    followup(space=w.X, what="f4", due_on=days_ago(30), status=dropped)
    followup(space=w.X, what="f5", due_on=days_ago(-10), status=open_)
    followup(space=w.X, what="f6", due_on=days_ago(150), status=done, done_on=days_ago(150))

    # Evaluations.
    for m, (o, s, u) in ((w.m1, (4, 4, 4)), (w.m1, (5, 3, 4)), (w.m2, (2, 3, 4)), (w.m4, (5, 5, 5))):
        Evaluation.objects.create(meeting=m, objectives_met=o, everyone_could_speak=s, useful_to_my_organization=u)

    # Practice sheets.
    sheet = PracticeSheet.objects.create
    published = PracticeSheet.Status.PUBLISHED
    sheet(territory=T, space=w.X, title="s1", status=published, published_at=moment(3))
    sheet(territory=T, space=w.X, title="s2", status=published, published_at=moment(170))
    sheet(territory=T, title="s3", status=published, published_at=moment(20))
    sheet(territory=T, space=w.X, title="s4")
    return w


@pytest.fixture(scope="module")
def metrics_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def crowd(world):
    """Six more citizens of the assembly (with the delegate, observer and citizen: nine people)."""
    people = [UserFactory(display_name=f"Membre {n}") for n in range(6)]
    for person in people:
        MembershipFactory(space=world.assembly, organization=None, person=person)
    return people
