"""The follow-ups a meeting reviews, written out (``followups.REVIEW_ROWS_SQL``), agree with the ORM
form of the rule (``follow_ups_for_meeting``) over generated follow-ups, and the meeting page's rows
(``agenda_review_rows``) are those the ORM form gave with the names' rule in SQL (``label_sql``),
for a signed-in and an anonymous viewer."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from concertation.accounts.privacy import label_sql
from concertation.meetings import followups
from concertation.meetings.models import FollowUp, FollowUpReview
from tests.factories import MeetingFactory, OrganizationFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
Status, Outcome = FollowUp.Status, FollowUpReview.Outcome


def orm_agenda_review_rows(meeting, viewer) -> list[tuple]:
    """The ORM form the written statement replaced (the names by ``label_sql``)."""
    short = Coalesce(NullIf(F("organization__acronym"), Value("")), F("organization__name"))
    outcome = (FollowUpReview.objects.filter(follow_up_id=OuterRef("pk"), meeting_id=meeting.pk)
               .order_by("id").values("outcome")[:1])
    rows = (
        followups.follow_ups_for_meeting(meeting).select_related(None)
        .annotate(who=label_sql("person__", viewer, organization="organization__", short=short),
                  outcome_here=Subquery(outcome))
        .values_list("what", "who", "due_on", "status", "outcome_here")
    )
    today = timezone.localdate(meeting.starts_at)
    return [(what, who, due_on, status == Status.OPEN and due_on is not None and due_on < today, outcome or "")
            for what, who, due_on, status, outcome in rows]


def generated(seed: int):
    rng = random.Random(seed)
    space = SpaceFactory()
    start = timezone.now().replace(microsecond=0) - timedelta(days=200)
    meetings = [MeetingFactory(space=space, starts_at=start + timedelta(days=30 * n),
                               ends_at=start + timedelta(days=30 * n, hours=2)) for n in range(6)]
    elsewhere = MeetingFactory(starts_at=start + timedelta(days=45))  # another space's meeting
    people = [UserFactory(display_name=rng.choice(["Alice Roy", "", "Bob Côté"]), shown_publicly=rng.random() < 0.5)
              for _ in range(5)]
    organizations = [OrganizationFactory(acronym=rng.choice(["", "CDC"])) for _ in range(3)]
    for n in range(40):
        meeting = rng.choice([*meetings, None, None, elsewhere])
        who = rng.choice(["person", "organization", "both", "nobody"])
        follow_up = FollowUp.objects.create(
            space=meeting.space if meeting else space, meeting=meeting, what=f"Suivi {n}",
            person=rng.choice(people) if who in ("person", "both") else None,
            organization=rng.choice(organizations) if who in ("organization", "both") else None,
            due_on=rng.choice([None, (start + timedelta(days=rng.randint(0, 200))).date()]),
            status=rng.choice([Status.OPEN, Status.OPEN, Status.DONE, Status.DROPPED]))
        FollowUp.objects.filter(pk=follow_up.pk).update(created_at=start + timedelta(days=rng.randint(-10, 200)))
        for reviewer in rng.sample(meetings, rng.randint(0, 2)):
            FollowUpReview.objects.create(follow_up=follow_up, meeting=reviewer, outcome=rng.choice(Outcome.values))
    return meetings, people


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_written_rule_selects_what_the_orm_form_selects(seed):
    meetings, people = generated(seed)
    selected = 0
    for meeting in meetings:
        written = [row[0] for row in followups.follow_ups_for_meeting_rows(meeting)]
        assert written == [follow_up.pk for follow_up in followups.follow_ups_for_meeting(meeting)]
        selected += len(written)
        for viewer in (people[0], AnonymousUser()):
            assert followups.agenda_review_rows(meeting, viewer) == orm_agenda_review_rows(meeting, viewer)
    assert selected, "the generated follow-ups give rows to compare"
