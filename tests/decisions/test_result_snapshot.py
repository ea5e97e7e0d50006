"""The stored results of decisions do not change when counting code moves.

The fixture tests/decisions/snapshots/results.json was taken on main before vote counting moved to
one home in decisions (issue 14). It holds, without ids nor timestamps:
- the stored result and outcome fields of every proposal of the demo territory;
- the results of ~300 generated counts (every method and rule, seeded): most counted from data in
  memory through ``count_result``; some through the database, online (``proposal_close``) and in a
  meeting (``vote_close``, ``record_show_of_hands``).

To take the snapshot again (only when a change of result is intended and explained):
    SNAPSHOT_UPDATE=1 PYTHONPATH=src pytest tests/decisions/test_result_snapshot.py -n 0
"""

from __future__ import annotations

import json
import os
import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from concertation.core.errors import DomainError
from concertation.decisions import services
from concertation.decisions.ballots import ballot_cast
from concertation.decisions.eligibility import Electorate, Voter
from concertation.decisions.models import Option, Proposal
from concertation.demo.loader import TERRITORY_SLUG, load_demo
from concertation.directory.models import College
from concertation.meetings.models import AgendaItem, Meeting
from concertation.meetings.services import meeting as meeting_svc
from concertation.meetings.services import votes as live
from concertation.meetings.services.attendance import attendance_set
from concertation.spaces.models import Delegation
from tests.factories import (
    CharterFactory,
    CollegeFactory,
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    SpaceFactory,
    TerritoryFactory,
    UserFactory,
)

SNAPSHOT = Path(__file__).parent / "snapshots" / "results.json"
UPDATE = bool(os.environ.get("SNAPSHOT_UPDATE"))

#: result fields that are ids or random: their presence is kept, not their value
ID_FIELDS = ("fallback_proposal", "meeting", "item")


# -- normalising a stored result -------------------------------------------------------------------

def _rename(value, names: dict[str, str]):
    """Option ids (as strings, alone or in « a>b » keys) replaced by their labels, recursively."""
    if isinstance(value, str):
        if value in names:
            return names[value]
        if ">" in value and all(part in names for part in value.split(">")):
            return ">".join(names[part] for part in value.split(">"))
        return value
    if isinstance(value, dict):
        return {_rename(key, names): _rename(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_rename(item, names) for item in value]
    return value


def normalised(result: dict | None, names: dict[str, str], *, keep_seed: bool = True) -> dict | None:
    if result is None:
        return None
    data = json.loads(json.dumps(result))
    for name in ID_FIELDS:
        if name in data:
            data[name] = data[name] is not None
    if not keep_seed:
        data.pop("seed", None)
    return _rename(data, {key: f"«{label}»" for key, label in names.items()})


def option_names(proposal: Proposal) -> dict[str, str]:
    return {str(option.pk): option.label for option in proposal.options.all()}


def stored(proposal: Proposal, *, keep_seed: bool = True) -> dict:
    return {
        "method": proposal.method, "status": proposal.status, "round": proposal.round,
        "has_outcome": bool(proposal.outcome), "follows": proposal.follows.title if proposal.follows_id else None,
        "result": normalised(proposal.result, option_names(proposal), keep_seed=keep_seed),
    }


# -- the demo --------------------------------------------------------------------------------------

def demo_results() -> dict:
    load_demo()
    out: dict[str, dict] = {}
    proposals = (Proposal.objects.filter(space__territory__slug=TERRITORY_SLUG)
                 .select_related("space", "follows").prefetch_related("options"))
    rows = sorted(((f"{p.space.slug}|{p.title}|{p.method}|{p.follows_id is not None}", p) for p in proposals),
                  key=lambda row: (row[0], json.dumps(stored(row[1], keep_seed=False), sort_keys=True)))
    for key, proposal in rows:
        n = 1
        while f"{key}#{n}" in out:
            n += 1
        # The demo draws its tie seeds at random: the seed itself is left out.
        out[f"{key}#{n}"] = stored(proposal, keep_seed=False)
    return out


# -- counts from data in memory --------------------------------------------------------------------

PROPOSAL_METHODS = ("consent", "consensus", "gradients", "majority", "advice")
CHOICE_METHODS = ("approval", "score", "dot", "irv", "schulze", "borda", "stv", "time_poll")
COLLEGES = ("communautaire", "citoyen", "institutionnel", "")


def _value(method: str, rng: random.Random, options: list[str]):
    if method == "consent":
        return rng.choice(["consent", "consent", "stand_aside", "objection"])
    if method == "consensus":
        return rng.choice(["agree", "agree", "agree", "stand_aside", "disagree", "block"])
    if method == "gradients":
        return rng.choice([1, 1, 2, 2, 3, 4, 5, 6, 7, 8])
    if method == "majority":
        return rng.choice(["yes", "yes", "no", "abstain"])
    if method == "advice":
        return "Un avis."
    if method == "approval":
        return sorted(rng.sample(options, rng.randint(1, len(options))))
    if method == "score":
        return {option: rng.randint(0, 5) for option in rng.sample(options, rng.randint(1, len(options)))}
    if method == "dot":
        dots = rng.randint(0, 3)
        value: dict = {}
        for _ in range(dots):
            option = rng.choice(options)
            value[option] = value.get(option, 0) + 1
        return value
    if method == "time_poll":
        return {option: rng.choice(["yes", "if_need_be", "no"]) for option in options}
    ranking = rng.sample(options, rng.randint(1, len(options)))  # ranked methods
    return ranking


def _reason(method: str, value) -> str | None:
    if isinstance(value, str) and (method, value) in {("consent", "objection"), ("consensus", "block")}:
        return "Une raison."
    return None


def generated_case(n: int) -> tuple[str, dict]:
    rng = random.Random(n)
    method = (PROPOSAL_METHODS + CHOICE_METHODS)[n % 13]
    proposal = Proposal(
        method=method, round=1 + (n % 7 == 0), tie_seed=f"seed-{n}" if n % 5 else "",
        voting_unit=rng.choice(["organization", "person"]),
        threshold=rng.choice(["simple", "absolute", "two_thirds", "custom"]),
        threshold_numerator=3, threshold_denominator=5, base=rng.choice(["cast", "present", "eligible"]),
        quorum_kind=rng.choice(["none", "none", "majority", "count", "share"]),
        quorum_count=rng.randint(1, 8), quorum_share_percent=rng.choice([25, 40, 60]),
        college_minimums=rng.choice([{}, {}, {"citoyen": 1}, {"communautaire": 2, "citoyen": 1}]),
        double_majority=method == "majority" and rng.random() < 0.4,
        consensus_tolerance=rng.choice([0, 0, 1, 2]), method_settings={},
    )
    if method == "gradients" and rng.random() < 0.5:
        proposal.method_settings = {"tolerance": rng.choice(["1/4", "1/2", 0])}
    if method == "stv":
        proposal.method_settings = {"seats": rng.randint(1, 2)}
    if method == "dot":
        proposal.method_settings = {"dots": 3}
    if method == "approval" and rng.random() < 0.3:
        proposal.method_settings = {"max_choices": 5}
    if method in CHOICE_METHODS:
        labels = [f"Option {chr(65 + k)}" for k in range(rng.randint(2, 4))]
    else:
        labels = rng.choice([[], [], ["La proposition"]])
    options = [Option(pk=100 + k, label=label, position=k) for k, label in enumerate(labels)]
    keys = [str(option.pk) for option in options]
    size = rng.randint(0, 14)
    voters = {}
    for k in range(size):
        kind = "o" if proposal.voting_unit == "organization" and k % 4 else "u"
        key = f"{kind}:{k + 1}"
        voters[key] = Voter(key=key, person_id=k + 1 if kind == "u" else None,
                            organization_id=k + 1 if kind == "o" else None,
                            college_slug=rng.choice(COLLEGES), label=f"Votant {k}", casters=frozenset({k + 1}))
    recused = {key for key in voters if rng.random() < 0.1}
    for key in recused:
        del voters[key]
    ballots = []
    for key in [*voters, *recused, "u:999"]:  # the recused and a stranger are never counted
        if rng.random() < 0.8:
            value = _value(method, rng, keys)
            college = voters[key].college_slug if key in voters else ""
            ballots.append({"voter_key": key, "value": value, "weight": 1, "reason": _reason(method, value),
                            "college_slug": college})
    by_electorate = n % 6 == 0
    if by_electorate:
        electorate = Electorate.of(voters)
        counted = [ballot for ballot in ballots if ballot["voter_key"] in voters]
        data = services.count_result(proposal, voters=electorate, ballots=counted, options=options,
                                     recused=recused, tie_seed=proposal.tie_seed or None)
    else:
        data = services.count_result(proposal, voters=voters, ballots=ballots, options=options, recused=recused,
                                     tie_seed=proposal.tie_seed or f"fixed-{n}")
    return f"gen-{n:03d}-{method}", normalised(services.to_json(data), {k: o.label for k, o in zip(keys, options,
                                                                                                   strict=True)})


def generated_results(count: int = 260) -> dict:
    return dict(generated_case(n) for n in range(count))


# -- counts through the database: online and in a meeting ------------------------------------------

class Table:
    """Organizations (delegate and alternate) in two colleges and citizens, one charter."""

    def __init__(self, rng: random.Random, **charter):
        self.territory = TerritoryFactory()
        community = CollegeFactory(territory=self.territory, name="Communautaire", slug="communautaire")
        citizen = CollegeFactory(territory=self.territory, name="Citoyen", slug="citoyen", kind=College.Kind.CITIZEN)
        self.space = SpaceFactory(territory=self.territory)
        self.delegates, self.alternates, self.citizens = [], [], []
        for n in range(rng.randint(3, 6)):
            organization = OrganizationFactory(territory=self.territory, name=f"Organisme {n:02d}", college=community)
            membership = MembershipFactory(space=self.space, organization=organization)
            self.delegates.append(DelegationFactory(membership=membership, person=UserFactory()).person)
            self.alternates.append(DelegationFactory(membership=membership, kind=Delegation.Kind.ALTERNATE,
                                                     person=UserFactory()).person)
        for _n in range(rng.randint(1, 3)):
            person = UserFactory()
            MembershipFactory(space=self.space, organization=None, person=person, college=citizen)
            self.citizens.append(person)
        self.charter = CharterFactory(space=self.space, **charter)

    @property
    def people(self):
        return self.delegates + self.citizens


def _charter(rng: random.Random, method: str, **extra) -> dict:
    rules = {
        "method": method, "fallback_method": "", "voting_unit": rng.choice(["organization", "person"]),
        "threshold": rng.choice(["simple", "absolute", "two_thirds"]), "base": rng.choice(["cast", "present"]),
        "quorum_kind": rng.choice(["none", "majority"]), "college_minimums": {}, "double_majority": False,
        "consensus_tolerance": 0,
    }
    rules.update(extra)
    return rules


def _cast(proposal: Proposal, people, rng: random.Random, now) -> None:
    keys = [str(option.pk) for option in proposal.options.all()]
    for person in people:
        if rng.random() < 0.85:
            value = _value(proposal.method, rng, keys)
            try:
                ballot_cast(proposal=proposal, person=person, value=value,
                            reason=_reason(proposal.method, value) or "", now=now)
            except DomainError as error:  # who stepped out of the vote
                assert error.code == "recused"


def online_case(n: int) -> dict:
    rng = random.Random(1000 + n)
    method = ["majority", "consensus", "consent", "schulze", "approval"][n % 5]
    fallback = {"consensus": "majority", "consent": "majority", "schulze": "", "approval": "",
                "majority": ""}[method]
    table = Table(rng, **_charter(rng, method, fallback_method=fallback,
                                  double_majority=method == "majority" and n % 2 == 1))
    now = timezone.now()
    options = ["Option A", "Option B", "Option C"] if method in CHOICE_METHODS else []
    proposal = services.proposal_create(space=table.space, author=table.delegates[0], title=f"Proposition {n}",
                                        options=options)
    proposal.tie_seed = f"online-{n}"
    proposal.save(update_fields=["tie_seed"])
    proposal = services.proposal_open(proposal=proposal, now=now - timedelta(hours=1))
    _cast(proposal, table.people, rng, now - timedelta(minutes=30))
    if table.citizens and rng.random() < 0.3:
        services.recusal_declare(proposal=proposal, by=table.delegates[0], person=table.citizens[0])
    proposal = services.proposal_close(proposal=proposal, now=now)
    out = {"first": stored(proposal)}
    if proposal.result.get("fallback_proposal"):
        follow = Proposal.objects.get(pk=proposal.result["fallback_proposal"])
        out["fallback"] = stored(follow)
    return out


def _meeting(table: Table) -> tuple[Meeting, AgendaItem]:
    starts = timezone.now().replace(microsecond=0)
    meeting = Meeting.objects.create(space=table.space, title="Rencontre", starts_at=starts,
                                     ends_at=starts + timedelta(hours=2), status=Meeting.Status.CONVENED)
    item = AgendaItem.objects.create(meeting=meeting, title="Décision", kind=AgendaItem.Kind.DECISION, position=1)
    meeting_svc.meeting_open(meeting=meeting, by=table.delegates[0])
    return meeting, item


def meeting_case(n: int) -> dict:
    rng = random.Random(2000 + n)
    method = ["majority", "majority", "consensus", "schulze"][n % 4]
    fallback = "majority" if method == "consensus" else ("approval" if method == "schulze" and n % 8 == 3 else "")
    table = Table(rng, **_charter(rng, method, fallback_method=fallback, quorum_kind="majority",
                                  double_majority=method == "majority" and n % 3 == 1,
                                  voting_unit="organization"))
    meeting, item = _meeting(table)
    present = table.delegates[: len(table.delegates) // 2 + 1 + rng.randint(0, 1)] + table.citizens
    for person in present:
        attendance_set(meeting=meeting, person=person, status="present")
    if method in CHOICE_METHODS:
        item.proposal = services.proposal_create(space=table.space, author=table.delegates[0], title="Décision",
                                                 options=["Option A", "Option B", "Option C"])
        item.save()
    if n % 5 == 4 and method == "majority" and not table.charter.double_majority:
        yes = rng.randint(0, 2)
        no = rng.randint(0, 1)
        proposal = live.record_show_of_hands(item=item, by=table.delegates[0], yes=yes, no=no, abstain=1,
                                             outcome="Adopté.")
        return {"show_of_hands": stored(proposal)}
    if table.citizens and rng.random() < 0.3:
        meeting_svc.conflict_declare(item=item, by=table.delegates[0], person=table.citizens[0])
    proposal = live.vote_open(item=item, by=table.delegates[0])
    proposal.tie_seed = f"meeting-{n}"
    proposal.save(update_fields=["tie_seed"])
    _cast(proposal, present, rng, timezone.now())
    proposal = live.vote_close(item=item, by=table.delegates[0])
    out = {"electronic": stored(proposal)}
    if proposal.result.get("fallback_proposal"):
        out["fallback"] = stored(Proposal.objects.get(pk=proposal.result["fallback_proposal"]))
    return out


def database_results() -> dict:
    out = {}
    for n in range(15):
        out[f"online-{n:02d}"] = online_case(n)
    for n in range(24):
        out[f"meeting-{n:02d}"] = meeting_case(n)
    return out


def _all_results() -> dict:
    return {"demo": demo_results(), "generated": generated_results(), "database": database_results()}


@pytest.mark.django_db
def test_stored_results_are_those_of_the_snapshot():
    results = json.loads(json.dumps(_all_results(), sort_keys=True))
    if UPDATE:
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    assert set(results) == set(expected)
    for part in expected:
        assert set(results[part]) == set(expected[part]), part
        for key in expected[part]:
            assert results[part][key] == expected[part][key], f"{part} / {key}"


def test_the_snapshot_covers_every_method_and_rule():
    expected = json.loads(SNAPSHOT.read_text())
    methods_seen = {case["method"] for case in expected["generated"].values()}
    assert methods_seen == set(PROPOSAL_METHODS + CHOICE_METHODS)
    assert len(expected["generated"]) + len(expected["database"]) + len(expected["demo"]) >= 300
    assert any("colleges" in case for case in expected["generated"].values())
    assert any(case.get("no_decision") for case in expected["generated"].values())
    assert any(case.get("tie_broken") for case in expected["generated"].values())
    assert any("fallback" in case for case in expected["database"].values())
    assert any("show_of_hands" in case for case in expected["database"].values())
    assert any(case["quorum"]["kind"] == "share" for case in expected["generated"].values())
