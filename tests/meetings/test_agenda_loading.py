"""The agenda items read by the written statements (meetings/agenda_loading.py) are those the ORM
reads with select_related and prefetch_related: the same items in the same order, every field of
each item, of its relations and of its documents with their space and territory; no query after."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from concertation.knowledge.models import Document
from concertation.meetings.agenda_loading import agenda_items_read
from concertation.meetings.models import AgendaItem
from concertation.meetings.selectors import agenda_items
from tests.factories import (
    MeetingFactory,
    OrganizationFactory,
    ProposalFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def orm_items(meeting) -> list[AgendaItem]:
    """The ORM form the statements replace."""
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presenter", "presenter_organization", "proposal", "proposed_by")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.select_related("space__territory")
                                   .order_by("pk")))
        .order_by("position", "pk")
    )


def values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


@pytest.fixture
def agenda():
    meeting = MeetingFactory()
    space = meeting.space
    other_space = SpaceFactory(territory=space.territory)
    presenter, proposer = UserFactory(display_name="Présentatrice"), UserFactory(display_name="")
    organization = OrganizationFactory(territory=space.territory)
    proposal = ProposalFactory(space=space, decided=True)
    documents = [Document.objects.create(space=space if n % 2 else other_space, title=f"Document {n}",
                                         url=f"https://exemple.org/{n}") for n in range(5)]
    items = [
        AgendaItem.objects.create(meeting=meeting, title="Mot de bienvenue", position=1),
        AgendaItem.objects.create(meeting=meeting, title="Présentation", position=2, presenter=presenter,
                                  presenter_organization=organization, minutes_allotted=20),
        AgendaItem.objects.create(meeting=meeting, title="Décision", position=2, proposal=proposal,
                                  kind=AgendaItem.Kind.DECISION),
        AgendaItem.objects.create(meeting=meeting, title="Point proposé", position=4, proposed_by=proposer,
                                  status=AgendaItem.Status.PROPOSED, presenter_organization=organization),
    ]
    items[1].documents.set([documents[3], documents[0]])
    items[2].documents.set([documents[0], documents[4], documents[2]])
    other = AgendaItem.objects.create(meeting=MeetingFactory(space=space), title="Ailleurs", position=1)
    other.documents.set([documents[1]])
    return meeting


def test_the_written_statements_read_what_the_orm_reads(agenda):
    with CaptureQueriesContext(connection) as queries:
        written = agenda_items(agenda)
        seen = [(item.presenter, item.presenter_organization, item.proposal, item.proposed_by,
                 [(document, document.space, document.space.territory) for document in item.documents.all()])
                for item in written]
    assert len(queries) == 2
    expected = orm_items(agenda)
    assert [item.pk for item in written] == [item.pk for item in expected] and len(expected) == 4
    for got, want, (presenter, organization, proposal, proposed_by, documents) in zip(
            written, expected, seen, strict=True):
        assert values(got) == values(want)
        for got_related, want_related in ((presenter, want.presenter), (organization, want.presenter_organization),
                                          (proposal, want.proposal), (proposed_by, want.proposed_by)):
            assert (got_related is None) == (want_related is None)
            if got_related is not None:
                assert values(got_related) == values(want_related)
        wanted = list(want.documents.all())
        assert [document.pk for document, _space, _territory in documents] == [document.pk for document in wanted]
        for (document, space, territory), want_document in zip(documents, wanted, strict=True):
            assert values(document) == values(want_document)
            assert values(space) == values(want_document.space)
            assert values(territory) == values(want_document.space.territory)
    assert [item.title for item in written if item.documents.all()] == ["Présentation", "Décision"]


def test_a_meeting_without_items_gives_none_in_two_queries():
    from concertation.meetings.agenda_loading import live_items_read

    meeting = MeetingFactory()
    with CaptureQueriesContext(connection) as queries:
        assert agenda_items_read(meeting.pk) == []
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:  # no proposal: no recusal to read, as the ORM
        assert live_items_read(meeting.pk) == []
    assert len(queries) == 2


def test_the_answers_and_what_came_after_are_those_the_orm_reads():
    from django.db.models import Count, F

    from concertation.meetings.agenda_loading import after_meeting_read, rsvps_read
    from concertation.meetings.models import FollowUp, Meeting, Minutes, Rsvp

    meeting, other = MeetingFactory(), MeetingFactory()
    people = [UserFactory(display_name=name) for name in ("Zoé", "", "Alain", "Alain")]
    for person, answer in zip(people, ["yes", "", "no", "maybe"], strict=True):
        Rsvp.objects.create(meeting=meeting, person=person, answer=answer, diet="Végé" if answer == "yes" else "")
    Rsvp.objects.create(meeting=other, person=people[0], answer="yes")

    def orm_after(meeting):
        row = (Meeting.objects.filter(pk=meeting.pk)
               .annotate(minutes_status=F("minutes__status"), follow_up_count=Count("follow_ups"))
               .values("minutes_status", "follow_up_count").get())
        return row["minutes_status"], row["follow_up_count"]

    written = rsvps_read(meeting.pk)
    expected = list(Rsvp.objects.filter(meeting=meeting).select_related("person")
                    .order_by("person__display_name", "person__email"))
    assert [rsvp.pk for rsvp in written] == [rsvp.pk for rsvp in expected] and len(written) == 4
    for got, want in zip(written, expected, strict=True):
        assert values(got) == values(want) and values(got.person) == values(want.person)
    assert after_meeting_read(meeting.pk) == orm_after(meeting) == (None, 0)
    Minutes.objects.create(meeting=meeting)
    for n in range(3):
        FollowUp.objects.create(space=meeting.space, meeting=meeting, what=f"Suivi {n}")
    FollowUp.objects.create(space=meeting.space, meeting=other, what="Ailleurs")
    assert after_meeting_read(meeting.pk) == orm_after(meeting)
    assert after_meeting_read(meeting.pk)[1] == 3 and after_meeting_read(other.pk) == orm_after(other) == (None, 1)


def test_a_persons_own_answer_is_the_one_the_orm_reads():
    from django.utils import timezone

    from concertation.meetings.agenda_loading import own_rsvp_read
    from concertation.meetings.models import Rsvp
    from concertation.meetings.selectors import rsvp_of

    meeting, other = MeetingFactory(), MeetingFactory()
    answered, silent, elsewhere, none = (UserFactory() for _ in range(4))
    Rsvp.objects.create(meeting=meeting, person=answered, answer="yes", childcare=2, diet="Végé",
                        answered_at=timezone.now())
    Rsvp.objects.create(meeting=meeting, person=silent)
    Rsvp.objects.create(meeting=other, person=elsewhere, answer="no")
    for person in (answered, silent, elsewhere, none):
        written, expected = own_rsvp_read(meeting.pk, person.pk), rsvp_of(meeting, person)
        assert (written is None) is (expected is None) is (person in (elsewhere, none))
        if written is not None:
            assert values(written) == values(expected)


def test_the_live_items_are_those_the_orm_reads(agenda):
    from concertation.decisions.models import Recusal
    from concertation.meetings.agenda_loading import live_items_read
    from concertation.meetings.models import ConflictDeclaration

    items = list(AgendaItem.objects.filter(meeting=agenda).order_by("position", "pk"))
    decision = next(item for item in items if item.proposal_id)
    presented = next(item for item in items if item.presenter_id)
    second = ProposalFactory(space=agenda.space)
    presented.proposal = second
    presented.save()
    people = [UserFactory() for _ in range(3)]
    organization = OrganizationFactory(territory=agenda.space.territory)
    ConflictDeclaration.objects.create(item=decision, person=people[0], reason="Employée")
    ConflictDeclaration.objects.create(item=decision, organization=organization)
    ConflictDeclaration.objects.create(item=presented, person=people[1], organization=organization)
    Recusal.objects.create(proposal=decision.proposal, person=people[0])
    Recusal.objects.create(proposal=decision.proposal, organization=organization)
    Recusal.objects.create(proposal=ProposalFactory(space=agenda.space), person=people[2])  # another proposal's

    expected = list(
        AgendaItem.objects.filter(meeting=agenda, status=AgendaItem.Status.ACCEPTED)
        .select_related("proposal", "presenter", "presenter_organization")
        .prefetch_related(
            Prefetch("conflicts", queryset=ConflictDeclaration.objects.select_related("person", "organization")
                     .order_by("created_at")),
            Prefetch("proposal__recusals", queryset=Recusal.objects.order_by("created_at")),
        )
    )
    with CaptureQueriesContext(connection) as queries:
        written = live_items_read(agenda.pk)
        seen = [(item.proposal, item.presenter, item.presenter_organization,
                 [(c, c.person, c.organization) for c in item.conflicts.all()],
                 list(item.proposal.recusals.all()) if item.proposal else None) for item in written]
    assert len(queries) == 3
    assert [item.pk for item in written] == [item.pk for item in expected] and len(written) == 3
    for got, want, (proposal, presenter, organization, conflicts, recusals) in zip(written, expected, seen,
                                                                                  strict=True):
        assert values(got) == values(want)
        for got_related, want_related in ((proposal, want.proposal), (presenter, want.presenter),
                                          (organization, want.presenter_organization)):
            assert (got_related is None) == (want_related is None)
            if got_related is not None:
                assert values(got_related) == values(want_related)
        wanted = list(want.conflicts.all())
        assert [values(c) for c, _p, _o in conflicts] == [values(c) for c in wanted]
        assert [(p and p.pk, o and o.pk) for _c, p, o in conflicts] == [
            (c.person and c.person.pk, c.organization and c.organization.pk) for c in wanted]
        if want.proposal is not None:
            assert [values(r) for r in recusals] == [values(r) for r in want.proposal.recusals.all()]
    assert sum(len(conflicts) for *_rest, conflicts, _r in seen) == 3
    assert [len(recusals) for *_rest, recusals in seen if recusals is not None] == [0, 2]


def test_the_live_pages_meeting_is_the_one_the_orm_reads():
    from concertation.meetings.agenda_loading import meeting_read
    from concertation.meetings.models import Meeting

    with_people = MeetingFactory(facilitator=UserFactory(), secretary=UserFactory(display_name="Secrétariat"))
    without = MeetingFactory(space=with_people.space)
    for meeting in (with_people, without):
        space = meeting.space
        with CaptureQueriesContext(connection) as queries:
            got = meeting_read(space.territory.slug, space.slug, meeting.pk)
            related = (got.space, got.space.territory, got.facilitator, got.secretary)
        assert len(queries) == 1
        want = (Meeting.objects.select_related("space__territory", "facilitator", "secretary")
                .get(pk=meeting.pk, space__slug=space.slug, space__territory__slug=space.territory.slug))
        assert values(got) == values(want)
        for got_related, want_related in zip(related, (want.space, want.space.territory, want.facilitator,
                                                       want.secretary), strict=True):
            assert (got_related is None) == (want_related is None)
            if got_related is not None:
                assert values(got_related) == values(want_related)
    assert with_people.facilitator is not None and meeting_read(
        with_people.space.territory.slug, with_people.space.slug, with_people.pk).facilitator.pk == \
        with_people.facilitator.pk
    other = SpaceFactory(territory=with_people.space.territory)
    assert meeting_read(with_people.space.territory.slug, other.slug, with_people.pk) is None
    assert meeting_read("ailleurs", with_people.space.slug, with_people.pk) is None
    assert meeting_read(with_people.space.territory.slug, with_people.space.slug, 0) is None


def test_the_meeting_of_a_space_and_its_follow_ups_are_those_the_orm_reads():
    from concertation.meetings.agenda_loading import meeting_follow_ups_read, meeting_of_space_read
    from concertation.meetings.models import FollowUp, Meeting

    meeting = MeetingFactory(facilitator=UserFactory(), secretary=None)
    other = MeetingFactory(space=meeting.space)
    got = meeting_of_space_read(meeting.space_id, meeting.pk)
    want = Meeting.objects.select_related("facilitator", "secretary").get(space=meeting.space, pk=meeting.pk)
    assert values(got) == values(want) and values(got.facilitator) == values(want.facilitator)
    assert got.secretary is None and want.secretary is None
    assert meeting_of_space_read(SpaceFactory().pk, meeting.pk) is None
    assert meeting_of_space_read(meeting.space_id, 0) is None

    person, organization = UserFactory(), OrganizationFactory()
    for n, (who, org) in enumerate([(person, None), (None, organization), (person, organization), (None, None)]):
        FollowUp.objects.create(space=meeting.space, meeting=meeting, what=f"Suivi {n}", person=who,
                                organization=org)
    FollowUp.objects.create(space=meeting.space, meeting=other, what="Ailleurs", person=person)
    written = meeting_follow_ups_read(meeting.pk)
    expected = list(FollowUp.objects.filter(meeting=meeting).select_related("person", "organization").order_by("id"))
    assert [values(f) for f in written] == [values(f) for f in expected] and len(written) == 4
    for got_follow_up, want_follow_up in zip(written, expected, strict=True):
        for name in ("person", "organization"):
            got_related, want_related = getattr(got_follow_up, name), getattr(want_follow_up, name)
            assert (got_related is None) == (want_related is None)
            if got_related is not None:
                assert values(got_related) == values(want_related)
