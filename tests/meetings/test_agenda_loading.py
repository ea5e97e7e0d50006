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
    meeting = MeetingFactory()
    with CaptureQueriesContext(connection) as queries:
        assert agenda_items_read(meeting.pk) == []
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
