"""Proposals: rules from the charter, lifecycle, quorum, results explained, anonymity, fallback."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from concertation.core.errors import DomainError
from concertation.decisions import services
from concertation.decisions.eligibility import eligible_voters
from concertation.decisions.explain import explain
from concertation.decisions.models import Ballot, Participation, Proposal
from concertation.decisions.quorum import compute_quorum, required_count
from concertation.directory.models import College
from concertation.spaces.models import Charter
from tests.factories import (
    CollegeFactory,
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def plain(text):
    return text.replace("\u00a0", " ")


@pytest.fixture
def table():
    """A table deciding by consensus, else 2/3 of members present, one vote per organization;
    quorum 50 % + 1 with at least one citizen. 20 organizations and one citizen."""
    space = SpaceFactory()
    community = CollegeFactory(territory=space.territory, slug="communautaire", name="Communautaire")
    citizens = CollegeFactory(territory=space.territory, slug="citoyen", name="Citoyen", kind=College.Kind.CITIZEN)
    Charter.objects.create(
        space=space, version=1, in_force=True, method="consensus", fallback_method="majority",
        threshold="two_thirds", base="present", voting_unit="organization", quorum_kind="majority",
        college_minimums={"citoyen": 1},
    )
    organizations = []
    for _n in range(20):
        organization = OrganizationFactory(territory=space.territory, college=community)
        membership = MembershipFactory(space=space, organization=organization)
        DelegationFactory(membership=membership)
        organizations.append(organization)
    citizen = UserFactory()
    MembershipFactory(space=space, organization=None, person=citizen, college=citizens)
    return space, organizations, citizen


def cast(proposal, key, value, college="communautaire"):
    Ballot.objects.create(proposal=proposal, round=proposal.round, voter_key=key, value=value, college_slug=college)
    Participation.objects.create(proposal=proposal, round=proposal.round, voter_key=key, college_slug=college)


def test_proposal_takes_its_rules_from_the_charter(table):
    space, _orgs, _citizen = table
    proposal = services.proposal_create(space=space, author=UserFactory(), title="Plan d'action")
    assert (proposal.method, proposal.fallback_method, proposal.threshold, proposal.base, proposal.voting_unit,
            proposal.quorum_kind, proposal.college_minimums) == (
        "consensus", "majority", "two_thirds", "present", "organization", "majority", {"citoyen": 1})
    assert proposal.versions.count() == 1


def test_rules_cannot_be_changed_where_the_charter_forbids_it(table):
    space, _orgs, _citizen = table
    with pytest.raises(DomainError, match="charte"):
        services.proposal_create(space=space, author=UserFactory(), title="X", method="majority")
    assert not Proposal.objects.exists()
    Charter.objects.filter(space=space).update(proposals_may_override=True)
    proposal = services.proposal_create(space=space, author=UserFactory(), title="X", method="majority",
                                        threshold="simple", base="cast")
    assert proposal.method == "majority"


def test_eligibility_is_one_voter_per_organization_plus_citizens(table):
    space, organizations, citizen = table
    proposal = services.proposal_create(space=space, author=UserFactory(), title="X")
    voters = eligible_voters(proposal)
    assert len(voters) == 21
    assert f"u:{citizen.pk}" in voters and f"o:{organizations[0].pk}" in voters


def test_lifecycle_and_state_rules(table):
    space, _orgs, _citizen = table
    author = UserFactory()
    proposal = services.proposal_create(space=space, author=author, title="X")
    with pytest.raises(DomainError):
        services.proposal_close(proposal=proposal)
    proposal = services.proposal_open(proposal=proposal, by=author)
    assert proposal.status == "open" and proposal.closes_at - proposal.opens_at == timedelta(days=7)
    with pytest.raises(DomainError):
        services.proposal_open(proposal=proposal, by=author)
    proposal = services.proposal_close(proposal=proposal)
    assert proposal.status == "closed" and proposal.result["quorum"]["met"] is False
    proposal = services.proposal_decide(proposal=proposal, by=author, outcome="Aucune décision : pas de quorum.")
    assert proposal.status == "decided" and proposal.decided_at is not None
    with pytest.raises(DomainError):
        services.proposal_withdraw(proposal=proposal, by=author)


def test_majority_result_is_explained_in_both_languages(table):
    space, organizations, citizen = table
    Charter.objects.filter(space=space).update(method="majority", fallback_method="")
    proposal = services.proposal_open(proposal=services.proposal_create(space=space, author=citizen, title="X"))
    for organization in organizations[:12]:
        cast(proposal, f"o:{organization.pk}", "yes")
    for organization in organizations[12:15]:
        cast(proposal, f"o:{organization.pk}", "no")
    cast(proposal, f"o:{organizations[15].pk}", "abstain")
    cast(proposal, f"u:{citizen.pk}", "abstain", college="citoyen")
    proposal = services.proposal_close(proposal=proposal)
    assert proposal.result["adopted"] is True
    with translation.override("fr-ca"):
        text = plain(explain(proposal))
    # 17 present: two thirds of 17 is 11.33…, so 12 yes are needed and reached.
    assert text.startswith("Adoptée : 12 pour, 3 contre, 2 abstentions; majorité des deux tiers des membres "
                           "votants présents atteinte (12 ≥ 12)")
    assert "quorum atteint : 17 membres votants sur 21" in text
    with translation.override("en"):
        text = plain(explain(proposal))
    assert text.startswith("Adopted: 12 for, 3 against, 2 abstentions; two-thirds majority of voting members "
                           "present reached (12 ≥ 12)")


def test_no_decision_without_quorum_and_the_reason_is_given(table):
    space, organizations, _citizen = table
    Charter.objects.filter(space=space).update(method="majority", fallback_method="")
    proposal = services.proposal_open(proposal=services.proposal_create(space=space, author=UserFactory(),
                                                                        title="X"))
    for organization in organizations[:15]:  # enough people, but no citizen
        cast(proposal, f"o:{organization.pk}", "yes")
    proposal = services.proposal_close(proposal=proposal)
    assert proposal.result["no_decision"] is True and proposal.result["adopted"] is False
    with translation.override("fr-ca"):
        text = plain(explain(proposal))
    assert text.startswith("Aucune décision : quorum non atteint : 15 membres votants sur 21")
    assert "aucune citoyenne ni aucun citoyen présent" in text


def test_a_failed_consensus_opens_the_fallback_vote(table):
    space, organizations, citizen = table
    proposal = services.proposal_open(proposal=services.proposal_create(space=space, author=citizen, title="X"))
    for organization in organizations[:14]:
        cast(proposal, f"o:{organization.pk}", "agree")
    Ballot.objects.create(proposal=proposal, voter_key=f"o:{organizations[14].pk}", value="block",
                          reason="Pas assez de consultation", college_slug="communautaire")
    cast(proposal, f"u:{citizen.pk}", "agree", college="citoyen")
    proposal = services.proposal_close(proposal=proposal)
    assert proposal.result["adopted"] is False and proposal.result["fallback_required"] is True
    fallback = Proposal.objects.get(follows=proposal)
    assert (fallback.method, fallback.status, fallback.threshold, fallback.base) == (
        "majority", "open", "two_thirds", "present")


def test_amending_a_consent_proposal_opens_a_new_round_and_keeps_the_old_one(table):
    space, organizations, citizen = table
    Charter.objects.filter(space=space).update(method="consent", fallback_method="")
    proposal = services.proposal_open(proposal=services.proposal_create(space=space, author=citizen, title="V1"))
    cast(proposal, f"o:{organizations[0].pk}", "consent")
    proposal = services.proposal_amend(proposal=proposal, by=citizen, title="V2", body="Texte revu",
                                       reason="Répondre à l'objection")
    assert (proposal.version, proposal.round) == (2, 2)
    assert proposal.rounds.get(number=1).result["participants"] == 1
    assert list(proposal.versions.values_list("title", flat=True)) == ["V1", "V2"]
    with pytest.raises(DomainError):
        services.proposal_amend(proposal=proposal, by=citizen, title="V3", body="", reason=" ")


def test_anonymous_ballots_lose_their_link_to_the_voter_once_closed(table):
    space, organizations, citizen = table
    Charter.objects.filter(space=space).update(method="majority", fallback_method="")
    proposal = services.proposal_create(space=space, author=citizen, title="X", anonymous=True)
    services.proposal_open(proposal=proposal)
    person = UserFactory()
    Ballot.objects.create(proposal=proposal, voter_key=f"o:{organizations[0].pk}", organization=organizations[0],
                          person=person, cast_by=person, value="yes", college_slug="communautaire")
    Participation.objects.create(proposal=proposal, voter_key=f"o:{organizations[0].pk}",
                                 organization=organizations[0], person=person)
    services.proposal_close(proposal=proposal)
    ballot = Ballot.objects.get(proposal=proposal)
    assert (ballot.person, ballot.organization, ballot.cast_by) == (None, None, None)
    assert ballot.voter_key.startswith("anon:") and ballot.value == "yes"
    assert Participation.objects.get(proposal=proposal).organization == organizations[0]


def test_recused_members_are_left_out_of_the_count(table):
    space, organizations, citizen = table
    Charter.objects.filter(space=space).update(method="majority", fallback_method="", quorum_kind="none")
    proposal = services.proposal_open(proposal=services.proposal_create(space=space, author=citizen, title="X"))
    cast(proposal, f"o:{organizations[0].pk}", "yes")
    services.recusal_declare(proposal=proposal, by=citizen, organization=organizations[0], reason="Bénéficiaire")
    assert not Ballot.objects.filter(proposal=proposal).exists()
    assert f"o:{organizations[0].pk}" not in eligible_voters(proposal)
    proposal = services.proposal_close(proposal=proposal)
    assert proposal.result["recusals"] == 1 and proposal.result["eligible"] == 20


def test_closing_keeps_the_turnout_of_the_result_in_its_columns(table):
    """The governance health sums ``result_participants`` and ``result_eligible``: they follow the
    result wherever it is saved (here a closing that saves only some fields)."""
    space, organizations, citizen = table
    Charter.objects.filter(space=space).update(method="majority", fallback_method="", quorum_kind="none")
    proposal = services.proposal_open(proposal=services.proposal_create(space=space, author=citizen, title="X"))
    assert (proposal.result_participants, proposal.result_eligible) == (None, None)
    for organization in organizations[:3]:
        cast(proposal, f"o:{organization.pk}", "yes")
    services.proposal_close(proposal=proposal)
    stored = Proposal.objects.get(pk=proposal.pk)
    assert (stored.result["participants"], stored.result["eligible"]) == (3, 21)
    assert (stored.result_participants, stored.result_eligible) == (3, 21)
    stored.result = {"participants": "3"}  # not a count: no figure
    stored.save(update_fields=["result"])
    assert Proposal.objects.values_list("result_participants", "result_eligible").get(pk=proposal.pk) == (None, None)


def test_double_majority_needs_a_majority_in_every_college(table):
    space, organizations, citizen = table
    Charter.objects.filter(space=space).update(method="majority", fallback_method="", threshold="simple",
                                               base="cast", double_majority=True, quorum_kind="none")
    proposal = services.proposal_open(proposal=services.proposal_create(space=space, author=citizen, title="X"))
    for organization in organizations[:10]:
        cast(proposal, f"o:{organization.pk}", "yes")
    cast(proposal, f"u:{citizen.pk}", "no", college="citoyen")
    proposal = services.proposal_close(proposal=proposal)
    assert proposal.result["colleges"]["citoyen"]["adopted"] is False
    assert proposal.result["adopted"] is False


def test_proposals_close_themselves_when_due(table):
    space, _orgs, citizen = table
    proposal = services.proposal_create(space=space, author=citizen, title="X")
    now = timezone.now()
    services.proposal_open(proposal=proposal, now=now - timedelta(days=2), closes_at=now - timedelta(minutes=1))
    assert services.close_due_proposals(now=now) == 1
    proposal.refresh_from_db()
    assert proposal.status == "closed" and proposal.result


@pytest.mark.parametrize("kind,eligible,expected", [
    ("majority", 21, 11), ("majority", 20, 11), ("share", 21, 7), ("count", 21, 5), ("none", 21, 0),
])
def test_quorum_requirements(kind, eligible, expected):
    assert required_count(kind, eligible, count=5, share_percent=33) == expected


def test_quorum_college_minimum_gives_the_reason():
    from collections import Counter

    result = compute_quorum(kind="majority", count=None, share_percent=None, college_minimums={"citoyen": 1},
                            eligible=21, present_by_college=Counter({"communautaire": 15}))
    assert not result.met and result.missing_colleges == [("citoyen", 0, 1)]
