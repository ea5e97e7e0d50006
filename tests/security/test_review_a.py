"""Review A (attacker's eye) on search, the public window, open data and the health pages: each
test is a probe kept as a regression test (see the report of branch review-a)."""

from __future__ import annotations

import pytest

from concertation.meetings.models import AgendaItem, Meeting
from concertation.search.selectors import visible_entry_keys
from tests.factories import (
    ActivityFactory,
    AgendaItemFactory,
    MeetingFactory,
    MembershipFactory,
    ObjectiveFactory,
    OrganizationFactory,
    PlanFactory,
    PriorityFactory,
    SectorFactory,
    StrategyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _keys(user, world, q):
    return visible_entry_keys(user, world.territory, q)


def test_proposed_and_declined_agenda_items_only_for_their_proposer_and_who_runs_the_space(world):
    """The meeting page shows a proposed (or declined) item to who runs the meeting and to its proposer
    only (meetings/pages/agenda.py); the index must not show it to every reader of the space."""
    meeting = MeetingFactory(space=world.assembly, status=Meeting.Status.CONVENED, title="Rencontre ouverte")
    proposer = world.citizen
    proposed = AgendaItemFactory(meeting=meeting, title="Zorglub proposé", status=AgendaItem.Status.PROPOSED,
                                 proposed_by=proposer)
    declined = AgendaItemFactory(meeting=meeting, title="Zorglub refusé", status=AgendaItem.Status.DECLINED,
                                 proposed_by=proposer)
    accepted = AgendaItemFactory(meeting=meeting, title="Zorglub retenu")
    key = ("agenda_item", accepted.pk)
    hidden = {("agenda_item", proposed.pk), ("agenda_item", declined.pk)}
    for reader in (None, world.delegate, world.observer, UserFactory()):
        found = _keys(reader, world, "zorglub")
        assert key in found
        assert not found & hidden, reader
    assert hidden <= _keys(proposer, world, "zorglub")
    assert hidden <= _keys(world.coordinator, world, "zorglub")
    # Accepted later: everyone who sees the meeting finds it.
    proposed.status = AgendaItem.Status.ACCEPTED
    proposed.save(update_fields=["status"])
    assert ("agenda_item", proposed.pk) in _keys(None, world, "zorglub")


def _health_csv(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_health_counts_no_action_of_a_plan_the_reader_may_not_see(world, client_for):
    """An action of the members-only committee's plan, followed by the working group (« Comité qui
    suit »): the group's members who do not sit in the committee must not have it counted (nor its
    lead's sector) on the group's health page or CSV, nor on the territory's."""
    sector = SectorFactory(territory=world.territory, name="Secteur Zorglub")
    lead = OrganizationFactory(territory=world.territory, name="Organisme Zorglub", sector=sector)
    plan = PlanFactory(space=world.committee, adopted=True)
    strategy = StrategyFactory(objective=ObjectiveFactory(priority=PriorityFactory(plan=plan)))
    ActivityFactory(strategy=strategy, working_group=world.group, lead=lead)
    reader = world.facilitator  # sits in the working group, not in the committee
    assert not reader.has_perm("spaces.view_space", world.committee)
    client = client_for(reader)
    for url in ("/t/pointe-test/e/chantier/sante.csv", "/t/pointe-test/sante.csv"):
        assert "Secteur Zorglub" not in _health_csv(client, url), url
    # Who sits in the committee (its plan is theirs) still sees it on the group's page.
    committee_member = world.delegate
    MembershipFactory(space=world.group, organization=None, person=committee_member)
    assert "Secteur Zorglub" in _health_csv(client_for(committee_member), "/t/pointe-test/e/chantier/sante.csv")


HOSTILE_QUERIES = [
    '"', '*', '__*', '___', '_ _ "_ _"', 'a* b* "c d"*', 'NEAR(a b)', 'title:abc', '{title body}: x', '^abc',
    "' OR 1=1 --", "abc'); DROP TABLE search_entry; --", "\\", "\x00abc", "logement & !x | y <-> z:*",
    "１２３ ＡＢＣ", "İstanbul ǅemal ß", "ab* " * 40, "x" * 5000, '"' * 301, "2024", "en 2024 2025",
]


def test_hostile_search_queries_neither_fail_nor_leak(world, django_assert_max_num_queries):
    """Whatever is typed (FTS5 or tsquery syntax, quotes, control characters, huge input): no error,
    a bounded number of queries, and only what the reader may see."""
    MeetingFactory(space=world.committee, status=Meeting.Status.CONVENED, title="abc 2024 logement")
    for raw in HOSTILE_QUERIES:
        with django_assert_max_num_queries(6):
            found = _keys(None, world, raw)
        assert not any(kind == "meeting" for kind, _pk in found), raw
