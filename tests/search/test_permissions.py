"""No result — title, excerpt or count — of an object the person may not see.

On the security tests' rich world (every kind of object in a public assembly, a members-only
committee and another territory, drafts, a meeting in preparation, a hidden comment, a
members-only document), for each kind of user: the entries the search may return are exactly those
the apps' own rules (rules.py, rules_*.py, the discussions registry) say are visible — an oracle
computed object by object — and a real query finds the oracle's part of what an admin finds."""

from __future__ import annotations

import pytest
from django.db import connection

from concertation.decisions.models import Proposal
from concertation.directory.models import Organization
from concertation.knowledge.discussions_registry import target as discussion_target
from concertation.knowledge.models import Comment, Document, PracticeSheet
from concertation.meetings.models import AgendaItem, Meeting, Minutes
from concertation.planning.models import Activity, Indicator, Objective, Plan, Priority, Strategy
from concertation.search.index import rebuild
from concertation.search.models import Entry
from concertation.search.selectors import reach_for, search, visibility_sql
from concertation.spaces.access import access_for
from concertation.spaces.models import Space
from tests.security.conftest import (
    DRAFT_MEETING_MARK,
    DRAFT_PROPOSAL_MARK,
    OTHER_MARK,
    PRIVATE_MARK,
    build_matrix_world,
)

from .conftest import module_world

USERS = ["anonymous", "outsider", "foreigner", "observer", "delegate", "citizen", "facilitator", "coordinator", "admin"]


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker):
        w = build_matrix_world()
        rebuild()  # the world writes some states with queryset updates, past the signals
        yield w


def _minutes_visible(user, minutes):
    meeting = minutes.meeting
    if not user.has_perm("meetings.view_meeting", meeting) or not getattr(user, "is_authenticated", False):
        return False
    return minutes.status != Minutes.Status.DRAFT or access_for(user).facilitates(meeting.space)


def oracle(user, entry) -> bool:
    """Whether the app's own rules let ``user`` see the entry's object."""
    from django.contrib.auth.models import AnonymousUser

    user = user or AnonymousUser()
    kind, pk = entry.kind, entry.object_id
    if kind == "space":
        return user.has_perm("spaces.view_space", Space.objects.get(pk=pk))
    if kind == "organization":
        return user.has_perm("directory.view_organizations", Organization.objects.get(pk=pk).territory)
    if kind == "meeting":
        return user.has_perm("meetings.view_meeting", Meeting.objects.get(pk=pk))
    if kind == "agenda_item":
        item = AgendaItem.objects.select_related("meeting__space").get(pk=pk)
        if item.status != AgendaItem.Status.ACCEPTED and not (  # the meeting page's rule (proposed, declined)
                access_for(user).facilitates(item.meeting.space) or item.proposed_by_id == getattr(user, "pk", None)):
            return False
        return user.has_perm("meetings.view_meeting", item.meeting)
    if kind == "minutes":
        return _minutes_visible(user, Minutes.objects.select_related("meeting__space").get(pk=pk))
    if kind in ("proposal", "decision"):
        return user.has_perm("decisions.view_proposal", Proposal.objects.get(pk=pk))
    models = {"plan": Plan, "plan_item": Priority, "objective": Objective, "strategy": Strategy,
              "activity": Activity, "indicator": Indicator}
    if kind in models:
        return user.has_perm("planning.view_plan", models[kind].objects.get(pk=pk))
    if kind == "document":
        return user.has_perm("knowledge.view_document", Document.objects.get(pk=pk))
    if kind == "practice_sheet":
        return user.has_perm("knowledge.view_practicesheet", PracticeSheet.objects.get(pk=pk))
    if kind == "reference":
        return True  # whoever may open the territory (the page asks first)
    if kind == "person":  # names are for the people of the territory where she sits (members' pages)
        return bool(getattr(user, "is_authenticated", False)) and access_for(user).in_territory(entry.territory_id)
    if kind == "comment":
        comment = Comment.objects.get(pk=pk)
        registered = discussion_target(comment.target_kind)
        target = registered.model.objects.get(pk=comment.target_id)
        return comment.hidden_at is None and registered.can_view(user, target)
    raise AssertionError(f"no oracle for {kind}")


def allowed_by_index(user, territory) -> set[tuple[str, int]]:
    where, params = visibility_sql(reach_for(user, territory))
    with connection.cursor() as cursor:
        cursor.execute("SELECT e.kind, e.object_id FROM search_entry e WHERE (e.territory_id = %s OR "
                       f"e.territory_id IS NULL) AND {where}", [territory.pk, *params])
        return set(cursor.fetchall())


@pytest.mark.parametrize("kind", USERS)
def test_index_visibility_is_the_apps_rules(db, matrix, kind):
    user = matrix.users[kind]
    for territory in (matrix.territory, matrix.other_territory):
        entries = Entry.objects.filter(territory_id__in=[territory.pk, None])
        expected = {(e.kind, e.object_id) for e in entries if oracle(user, e)}
        assert allowed_by_index(user, territory) == expected, kind


def test_the_world_covers_every_hidden_case(db, matrix):
    kinds = set(Entry.objects.values_list("kind", flat=True))
    assert {"space", "organization", "meeting", "agenda_item", "minutes", "proposal", "decision", "plan",
            "objective", "strategy", "activity", "indicator", "document", "practice_sheet", "reference",
            "comment", "person"} <= kinds
    hidden = matrix.public.hidden_comment
    assert not Entry.objects.filter(kind="comment", object_id=hidden.pk).exists()


QUERIES = [PRIVATE_MARK, OTHER_MARK, DRAFT_PROPOSAL_MARK, DRAFT_MEETING_MARK, "entre-membres", "commentaire",
           "rencontre", "budget", "fiche"]


@pytest.mark.parametrize("kind", USERS)
def test_no_hidden_title_excerpt_or_count(db, matrix, kind):
    user = matrix.users[kind]
    territory = matrix.territory
    allowed = allowed_by_index(user, territory)
    for q in QUERIES:
        everything = search(matrix.admin, territory, q, page_size=1000)
        mine = search(user, territory, q, page_size=1000)
        found = {(hit.kind, hit.object_id) for hit in mine.hits}
        assert found == {(hit.kind, hit.object_id) for hit in everything.hits} & allowed, q
        assert sum(mine.counts.values()) == len(found)
        if kind in ("anonymous", "outsider", "foreigner", "citizen", "observer"):
            shown = " ".join(hit.title + hit.excerpt for hit in mine.hits)
            assert PRIVATE_MARK not in shown and OTHER_MARK not in shown
