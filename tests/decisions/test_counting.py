"""Counting has one home, decisions/counting.py: a meeting asks decisions for its result."""

import ast
from pathlib import Path

import pytest
from django.utils import timezone

from concertation.decisions import ballots
from concertation.decisions.counting import Room, count_hands
from concertation.decisions.models import Option, Proposal
from concertation.decisions.services import proposal_create
from concertation.meetings.services import votes as live
from tests.meetings.test_live import Room as MeetingRoom

SRC = Path(__file__).resolve().parents[2] / "src" / "concertation"


def test_meetings_never_tally_a_vote_themselves():
    """meetings/services/votes.py calls decisions for a result: it neither imports the methods nor tallies."""
    tree = ast.parse((SRC / "meetings" / "services" / "votes.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "concertation.decisions.methods" not in imported
    called = {node.func.attr for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert "tally" not in called and "compute_result" not in called


class Rules:
    threshold, threshold_numerator, threshold_denominator, base = "two_thirds", None, None, "present"
    method, round, method_settings, tie_seed = "consensus", 1, {}, ""


def test_a_show_of_hands_counts_under_the_threshold_and_base_with_the_rooms_quorum():
    quorum = {"met": True, "present": 6, "eligible": 8, "required": 5, "kind": "majority", "missing_colleges": [],
              "unit": "organization"}
    data = count_hands(Rules(), yes=4, no=1, abstain=1, room=Room(quorum=quorum, present=6, eligible=8, excluded=1))
    # two thirds of the 6 present is 4: reached (not strictly)
    assert data["adopted"] is True and data["counts"] == {"yes": 4, "no": 1, "abstain": 1}
    assert (data["participants"], data["eligible"], data["recusals"], data["quorum"]) == (6, 8, 1, quorum)
    assert data["explanation"]["base_count"] == 6 and data["method"] == "majority"
    refused = count_hands(Rules(), yes=3, no=1, abstain=2, room=Room(quorum=quorum, present=6, eligible=8))
    assert refused["adopted"] is False


@pytest.mark.django_db
def test_a_consensus_on_one_named_option_falls_back_in_the_room_to_a_majority_without_options():
    """The meeting's copy of the fallback passed the option's label to a method that decides on the
    proposal itself, which refuses options: the vote could not close. One fallback rule now. (Such an
    option comes from before options were refused for these methods.)"""
    room = MeetingRoom(method="consensus", fallback_method="majority")
    room.open()
    room.reach_quorum()
    room.item.proposal = proposal_create(space=room.space, author=room.facilitator, title="Appui")
    Option.objects.create(proposal=room.item.proposal, label="Appui au projet", position=0)
    room.item.save()
    first = live.vote_open(item=room.item, by=room.facilitator)
    ballots.ballot_cast(proposal=first, person=room.delegates[0], value="block", reason="Trop tôt.")
    live.vote_close(item=room.item, by=room.facilitator, now=timezone.now())
    room.item.refresh_from_db()
    fallback = room.item.proposal
    assert fallback.follows_id == first.pk and fallback.status == Proposal.Status.OPEN
    assert fallback.method == "majority" and not fallback.options.exists()
    assert fallback.closes_at >= room.meeting.ends_at  # it goes on until the meeting ends
