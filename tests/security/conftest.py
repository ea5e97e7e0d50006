"""A richer world for the permission matrix, built once per test module.

On top of the `world` fixture of tests/conftest.py (one person of each kind, a public assembly, a
members-only committee, a territory-wide working group, another territory), every kind of object
the URLs name is created three times — in the public assembly, in the members-only committee and in
the other territory's space — through the services of each app:

- decisions: a draft, an open (with a comment, a hidden comment and a ballot), a closed and a decided proposal; an
  open poll with options;
- meetings: a meeting in preparation, a convened meeting (standard agenda, a document file, a
  proposed item, RSVP tokens), a meeting in progress (attendance, a decision item), a held meeting (attendance,
  circulated minutes, follow-ups, an evaluation);
- planning: an adopted plan (priority, objective, strategy, activity, indicator with a measurement,
  progress) and a draft plan;
- spaces: a pending invitation, a role with a current assignment, a membership;
- a personal calendar token.

The titles carry marks (PRIVATE_MARK, OTHER_MARK, the drafts' marks) so that a page showing an
object to somebody who may not see it is caught.

The world is built inside a transaction opened for the module and rolled back at its end; each test
runs in a savepoint of its own (pytest-django's `db`), so what a test changes is undone before the
next one.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from concertation.decisions import ballots
from concertation.decisions import services as decisions
from concertation.decisions.models import ProposalVersion
from concertation.insights.assessments import services as assessments
from concertation.knowledge.discussions_registry import target as discussion_target
from concertation.knowledge.services import practices
from concertation.knowledge.services.discussions import comment_hide, comment_post
from concertation.knowledge.services.references import reference_add
from concertation.meetings import minutes as minutes_services
from concertation.meetings.models import (
    AgendaItem,
    Attendance,
    CalendarToken,
    FollowUp,
    Meeting,
    Rsvp,
)
from concertation.meetings.services import evaluation as evaluation_svc
from concertation.meetings.services import followups as followups_svc
from concertation.meetings.services import meeting as meeting_svc
from concertation.meetings.services import minutes as minutes_svc
from concertation.meetings.services.agenda import (
    item_document_add,
    item_propose,
    meeting_convene,
    meeting_create,
)
from concertation.planning import services as planning
from concertation.planning.models import Activity
from concertation.spaces import invitations
from concertation.spaces.models import Role
from tests.conftest import world as world_fixture
from tests.factories import (
    CharterFactory,
    OrganizationFactory,
    ProposalFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Words in the titles of the members-only committee's objects and of the other territory's: a page
# that shows one to somebody who may not see them leaks it.
PRIVATE_MARK = "huis-clos"
OTHER_MARK = "lointain"
DRAFT_PROPOSAL_MARK = "ébauche"
DRAFT_MEETING_MARK = "préparatifs"
# A document of the public assembly's library that only its members see (visibility « space »),
# joined to its agenda item, its open proposal and its plan's action: every page that lists what is
# joined there (the notice and its PDF included) must leave it out for everyone else.
MEMBERS_ONLY_MARK = "entre-membres"
MISSING_ID = 987654321
MISSING_SLUG = "nexiste-pas"
MISSING_TOKEN = "jeton-qui-nexiste-pas-0123456789abcdefghij"


def _decided(space, author, title, when):
    """A carried decision in the register (as the decisions tests build one)."""
    return ProposalFactory(space=space, author=author, title=title, outcome=f"{title} : adoptée.", method="consensus",
                           decided=True, decided_at=when, opens_at=when - timedelta(days=7), decided_by=author)


def _poll(space, author, title, now):
    """An open vote between options. The charters here fix the method (consensus), so the poll is
    written directly, as a proposal whose charter allowed another method would be."""
    poll = ProposalFactory(space=space, author=author, title=title, body="Choisissez.", method="approval",
                           opened=True, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=6),
                           options=["Samedi matin", "Mardi soir"])
    ProposalVersion.objects.create(proposal=poll, number=1, title=title, body=poll.body, created_by=author)
    return poll


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def members_only(w) -> None:
    """The public assembly's members-only document, joined to its item, proposal and action."""
    from concertation.knowledge.services.documents import document_add

    o = w.public
    o.members_only_document = document_add(
        space=w.assembly, by=w.coordinator, title=f"Annexe {MEMBERS_ONLY_MARK}", visibility="space",
        url=f"https://exemple.org/{MEMBERS_ONLY_MARK}")
    for documents in (o.agenda_item.documents, o.open_proposal.documents, o.activity.documents):
        documents.add(o.members_only_document)


def populate(w, space, *, member, organization, runner, attendees, voter_key, tag: str) -> SimpleNamespace:
    """Every kind of object of one space. ``member`` sits in the space (author of the draft, attendee,
    holder of the RSVP token and of a follow-up); ``organization`` leads the activity and answers for
    the indicator; ``runner`` is who runs the space (a coordinator, or an admin elsewhere);
    ``attendees`` (person, organization) are present at the meeting in progress (its quorum);
    ``voter_key`` is a voter of the space's proposals."""
    o = SimpleNamespace(space=space, territory=space.territory, member=member, organization=organization,
                        runner=runner, voter_key=voter_key, world=w)
    now = timezone.now()
    today = timezone.localdate()
    if not space.charters.exists():
        CharterFactory(space=space)

    # Decisions ----------------------------------------------------------------------------------
    o.draft_proposal = decisions.proposal_create(space=space, author=member, title=f"{DRAFT_PROPOSAL_MARK} {tag}",
                                                 body="À relire.")
    o.open_proposal = decisions.proposal_create(space=space, author=runner, title=f"Ouverte {tag}", body="Votons.")
    decisions.proposal_open(proposal=o.open_proposal, by=runner)
    o.open_proposal.refresh_from_db()
    o.option = _poll(space, runner, f"Sondage {tag}", now).options.first()
    o.comment = comment_post(entry=discussion_target("proposal"), obj=o.open_proposal, author=member,
                             body="Un commentaire.")
    o.hidden_comment = comment_hide(
        comment=comment_post(entry=discussion_target("proposal"), obj=o.open_proposal, author=member,
                             body="Un commentaire à masquer."),
        entry=discussion_target("proposal"), obj=o.open_proposal, by=runner, reason="Hors sujet.")
    o.closed_proposal = decisions.proposal_create(space=space, author=runner, title=f"Fermée {tag}", body="Compté.")
    decisions.proposal_open(proposal=o.closed_proposal, by=runner)
    o.closed_proposal = decisions.proposal_close(proposal=o.closed_proposal, by=runner)
    o.decided_proposal = _decided(space, runner, f"Décidée {tag}", now - timedelta(days=30))

    # Meetings -----------------------------------------------------------------------------------
    soon = _at(today + timedelta(days=14), 18)
    o.draft_meeting = meeting_create(space=space, by=runner, title=f"Rencontre en {DRAFT_MEETING_MARK} {tag}",
                                     starts_at=soon + timedelta(days=7), ends_at=soon + timedelta(days=7, hours=2))
    o.convened_meeting = meeting_create(space=space, by=runner, title=f"Rencontre convoquée {tag}",
                                        starts_at=soon, ends_at=soon + timedelta(hours=2))
    meeting_convene(meeting=o.convened_meeting, by=runner, base_url="https://concertation.test")
    o.convened_meeting.refresh_from_db()
    o.agenda_item = AgendaItem.objects.filter(meeting=o.convened_meeting, status=AgendaItem.Status.ACCEPTED).order_by(
        "position").last()
    o.proposed_item = item_propose(meeting=o.convened_meeting, by=runner, title=f"Point proposé {tag}")
    # A file on the agenda: its bytes carry the space's mark, so a download to the wrong person leaks it.
    o.document = item_document_add(item=o.agenda_item, by=runner, title=f"Budget {tag}",
                                   file=ContentFile(f"Budget {tag}".encode(), name=f"budget-{space.slug}.pdf"))
    o.rsvp, _created = Rsvp.objects.get_or_create(meeting=o.convened_meeting, person=member)
    Rsvp.objects.filter(pk=o.rsvp.pk).update(answer=Rsvp.Answer.YES, answered_at=now)  # for « mark present »

    started = now - timedelta(minutes=30)
    o.live_meeting = meeting_create(space=space, by=runner, title=f"Rencontre en cours {tag}",
                                    starts_at=started, ends_at=started + timedelta(hours=3))
    Meeting.objects.filter(pk=o.live_meeting.pk).update(status=Meeting.Status.CONVENED, convened_at=started)
    o.live_meeting.refresh_from_db()
    meeting_svc.meeting_open(meeting=o.live_meeting, by=runner)
    for person, represented in attendees:
        Attendance.objects.create(meeting=o.live_meeting, person=person, organization=represented)
    o.live_item = AgendaItem.objects.create(meeting=o.live_meeting, position=50, kind=AgendaItem.Kind.DECISION,
                                            title=f"Point à décider {tag}")

    before = _at(today - timedelta(days=7), 18)
    o.held_meeting = meeting_create(space=space, by=runner, title=f"Rencontre tenue {tag}",
                                    starts_at=before, ends_at=before + timedelta(hours=2))
    Meeting.objects.filter(pk=o.held_meeting.pk).update(status=Meeting.Status.HELD, convened_at=before - timedelta(days=10),
                                                        opened_at=before, closed_at=before + timedelta(hours=2))
    o.held_meeting.refresh_from_db()
    o.held_item = AgendaItem.objects.filter(meeting=o.held_meeting, status=AgendaItem.Status.ACCEPTED).order_by(
        "position").first()
    Attendance.objects.create(meeting=o.held_meeting, person=member,
                              organization=organization if member == w.delegate else None)
    Attendance.objects.create(meeting=o.held_meeting, person=runner)  # present, has not evaluated yet
    o.follow_up = followups_svc.follow_up_add(item=o.held_item, by=runner, what=f"Écrire le compte rendu {tag}",
                                              person=member, organization=None, due_on=None)
    o.org_follow_up = FollowUp.objects.create(space=space, meeting=o.held_meeting, item=o.held_item,
                                              what=f"Appeler les bailleurs {tag}", organization=organization)
    minutes_svc.minutes_regenerate(meeting=o.held_meeting, by=runner)
    o.minutes = minutes_svc.minutes_circulate(minutes=minutes_services.minutes_of(o.held_meeting), by=runner)
    evaluation_svc.evaluation_submit(meeting=o.held_meeting, person=member,
                                     answers={"objectives_met": 4, "everyone_could_speak": 5,
                                           "useful_to_my_organization": 4, "plus": "Bien animé."})

    # Planning -----------------------------------------------------------------------------------
    o.plan = planning.plan_create(space=space, title=f"Plan {tag}", starts_on=date(2025, 1, 1),
                                  ends_on=date(2030, 12, 31), vision="Un quartier vivant.")
    o.priority = planning.priority_add(plan=o.plan, title=f"Habiter dignement {tag}")
    o.objective = planning.objective_add(priority=o.priority, title=f"Prévenir les évictions {tag}")
    o.strategy = planning.strategy_add(plan=o.plan, objective=o.objective, title=f"Informer les locataires {tag}")
    o.first_activity = planning.activity_add(strategy=o.strategy, title=f"Porte-à-porte {tag}", lead=organization)
    o.activity = planning.activity_add(strategy=o.strategy, title=f"Clinique locataires {tag}", lead=organization)
    o.indicator = planning.indicator_add(
        plan=o.plan, objective=o.objective, name=f"Ménages accompagnés {tag}", unit="ménages",
        baseline_value=Decimal(240), baseline_date=date(2024, 1, 1), target_value=Decimal(300),
        target_date=date(2030, 1, 1), frequency="yearly", responsible=organization)
    o.measurement = planning.measurement_add(indicator=o.indicator, date=date(2025, 6, 30), value=250, by=runner)
    o.plan = planning.plan_adopt(plan=o.plan, decision=o.decided_proposal, by=runner)
    o.progress = planning.progress_add(activity=o.activity, date=date(2025, 6, 1), text="Bien partie.", percent=20,
                                       status=Activity.Status.IN_PROGRESS, by=runner)
    o.draft_plan = planning.plan_create(space=space, title=f"Plan en préparation {tag}", starts_on=date(2031, 1, 1),
                                        ends_on=date(2035, 12, 31))
    planning.priority_add(plan=o.draft_plan, title=f"Se nourrir ensemble {tag}")

    # Knowledge: practice sheets of the space's territory, written by the member ----------------
    # The public assembly's: published to the public (``practice_sheet``), and a draft; the
    # committee's: two drafts (read by their author and the coordinators: the committee's readers);
    # the other territory's: published to that territory.
    if tag == "public":
        state, audience = "published", "public"
    elif tag == PRIVATE_MARK:
        state, audience = "draft", "territory"
    else:
        state, audience = "published", "territory"
    o.practice_sheet = practices.sheet_create(territory=o.territory, by=member, tags=f"logement, {tag}",
                                              activity_id=o.activity.pk,
                                              data={"title": f"Fiche {tag}", "space": space, "audience": audience,
                                                    "context": "Un contexte.", "steps": "1. Commencer"})
    if state == "published":
        practices.sheet_publish(sheet=o.practice_sheet, by=member)
    o.practice_draft = practices.sheet_create(territory=o.territory, by=member, data={
        "title": f"Fiche à relire {tag}", "space": space, "audience": "territory"})
    # Knowledge: a figure of the territory's portrait (seen by whoever sees the territory, so its
    # label carries no mark of the members-only committee) ---------------------------------------
    from concertation.knowledge.models import Figure

    o.figure = Figure.objects.create(territory=space.territory, theme="Logement", value=Decimal(72), unit="%",
                                     year=2021, label=f"Ménages locataires {tag if tag != PRIVATE_MARK else space.slug}")

    # Structure ----------------------------------------------------------------------------------
    o.invitation = invitations.invitation_create(space=space, email=f"invitee-{space.slug}@example.org", by=runner)
    o.role = RoleFactory(space=space, name=f"Trésorerie {tag}", kind=Role.Kind.OTHER, seats=3)
    o.assignment = RoleAssignmentFactory(role=o.role, person=member)
    o.membership = space.memberships.order_by("pk").first()
    o.charter_version = space.charters.order_by("version").values_list("version", flat=True).first()
    o.assessment_round = assessments.round_open(space=space, title=f"Autoévaluation {tag}", by=runner,
                                                closes_on=timezone.localdate() + timedelta(days=14))
    return o


def missing_objects(w, space) -> SimpleNamespace:
    """Stand-ins for objects that do not exist, in ``space``: every id and token unknown."""
    ghost = SimpleNamespace(pk=MISSING_ID, token=MISSING_TOKEN, version=MISSING_ID)
    o = SimpleNamespace(space=space, territory=space.territory, member=ghost, organization=ghost, runner=ghost,
                        charter_version=MISSING_ID, voter_key=f"u:{MISSING_ID}", world=w)
    for name in ("draft_proposal", "open_proposal", "option", "comment", "hidden_comment", "closed_proposal", "decided_proposal",
                 "draft_meeting", "convened_meeting", "agenda_item", "proposed_item", "document", "rsvp", "live_meeting", "live_item",
                 "held_meeting", "held_item", "follow_up", "org_follow_up", "minutes", "plan", "priority",
                 "objective", "strategy", "first_activity", "activity", "indicator", "measurement", "progress", "draft_plan",
                 "invitation", "role", "assignment", "membership", "practice_sheet", "practice_draft",
                 "reference", "figure", "assessment_round"):
        setattr(o, name, ghost)
    return o


def crossed_objects(space, objects) -> SimpleNamespace:
    """The objects of one space named under another space's address (an id guessed across spaces)."""
    o = SimpleNamespace(**vars(objects))
    o.space, o.territory = space, space.territory
    return o


def references(w) -> None:
    """Two references of the first territory (the second lets a move change something), one of the
    other's (its title carries the mark: the first territory's list must never show it)."""
    w.public.reference = reference_add(territory=w.territory, by=None, title="Repère public")
    reference_add(territory=w.territory, by=None, title="Repère public suivant")
    w.other.reference = reference_add(territory=w.other_territory, by=None, title=f"Repère {OTHER_MARK}")


def build_matrix_world():
    # The `world` fixture's own function (it only asks for `db`), called once for the module.
    w = world_fixture.__wrapped__(None)
    # Names that say where they belong, so that a page leaking them is caught (slugs stay).
    for obj, name in ((w.committee, f"Comité {PRIVATE_MARK}"), (w.other_space, f"Table {OTHER_MARK}"),
                      (w.other_territory, f"Territoire {OTHER_MARK}")):
        obj.name = name
        obj.save(update_fields=["name"])
    w.other_organization = OrganizationFactory(territory=w.other_territory, name=f"Organisme {OTHER_MARK}")
    w.territory.public_pages = True  # its public window (issue 18) is open; the other territory's is not
    w.territory.save(update_fields=["public_pages"])
    w.public = populate(w, w.assembly, member=w.citizen, organization=w.org, runner=w.coordinator,
                        attendees=[(w.citizen, None), (w.delegate, w.org), (w.observer, w.observer_org)],
                        voter_key=f"o:{w.org.pk}", tag="public")
    w.private = populate(w, w.committee, member=w.delegate, organization=w.org, runner=w.coordinator,
                         attendees=[(w.delegate, w.org)], voter_key=f"o:{w.org.pk}", tag=PRIVATE_MARK)
    w.other = populate(w, w.other_space, member=w.foreigner, organization=w.other_organization, runner=w.admin,
                       attendees=[(w.foreigner, None)], voter_key=f"u:{w.foreigner.pk}", tag=OTHER_MARK)
    # A territory and a space that do not exist; objects that do not exist in existing spaces.
    ghost_territory = SimpleNamespace(pk=MISSING_ID, slug=MISSING_SLUG)
    w.missing = missing_objects(w, SimpleNamespace(pk=MISSING_ID, slug=MISSING_SLUG, territory=ghost_territory))
    w.missing_in_public = missing_objects(w, w.assembly)
    w.missing_in_group = missing_objects(w, w.group)
    members_only(w)
    references(w)
    # Ids guessed across spaces, which must look missing too: the committee's objects under the
    # address of the working group (which the facilitator runs), the other territory's objects
    # under the address of the public assembly.
    w.crossed = crossed_objects(w.group, w.private)
    w.crossed_territory = crossed_objects(w.assembly, w.other)
    w.calendar_token = CalendarToken.objects.create(person=w.delegate)
    w.ballot = ballots.ballot_cast(proposal=w.public.open_proposal, person=w.delegate, value="agree",
                                   organization=w.org)
    w.stranger = UserFactory(email="inconnu@example.org")  # no role anywhere: the person a forged form adds
    return w


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The rich world, built once per module in a transaction rolled back at the module's end."""
    # The agenda's files live in memory for the module (the world outlives each test's MEDIA_ROOT).
    storages = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, STORAGES=storages):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_matrix_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def matrix_sessions(matrix_world, django_db_blocker):
    """A signed-in session per kind of user (created once), as the session cookie's value."""
    from django.test import Client

    keys = {}
    with django_db_blocker.unblock():
        for kind, user in matrix_world.users.items():
            if user is None:
                continue
            client = Client()
            client.force_login(user)
            keys[kind] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


@pytest.fixture
def client_as(db, matrix_world, matrix_sessions):
    """client_as(kind) → a test client signed in as that kind of user (anonymous: not signed in)."""
    from django.test import Client

    def make(kind):
        client = Client()
        if kind != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = matrix_sessions[kind]
        return client

    return make
