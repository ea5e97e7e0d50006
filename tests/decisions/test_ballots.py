"""Casting ballots (issue 4, item 3): one ballot per voter, the last one counts, and every bad input
of the acceptance list is refused with a clear message and nothing stored."""

import inspect
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from concertation.core.errors import DomainError
from concertation.decisions import ballots, secrecy, services
from concertation.decisions.models import Ballot, Option, Participation, Proposal
from concertation.spaces.models import Delegation, MembershipCategory
from tests.factories import DelegationFactory, MembershipFactory, OrganizationFactory, UserFactory


def make_proposal(world, *, method="majority", options=None, voting_unit="organization", space=None,
                  open_it=True, method_settings=None, reason_required=False, opens_at=None, **fields):
    """A proposal of the assembly with the rules given (set directly: the charter's own rules are
    not what these tests are about; the options too, since the charter's method takes none)."""
    proposal = services.proposal_create(
        space=space or world.assembly, author=world.coordinator, title=f"Proposition {method}",
        method_settings=method_settings, reason_required=reason_required, opens_at=opens_at,
    )
    Proposal.objects.filter(pk=proposal.pk).update(method=method, voting_unit=voting_unit, **fields)
    Option.objects.bulk_create([Option(proposal=proposal, label=label, position=n)
                                for n, label in enumerate(options or [])])
    proposal.refresh_from_db()
    if open_it:
        proposal = services.proposal_open(proposal=proposal, by=world.coordinator)
    return proposal


def option_keys(proposal):
    return [str(pk) for pk in proposal.options.values_list("id", flat=True)]


def stored(proposal=None):
    """What is stored, to compare before and after a refusal."""
    qs = Ballot.objects.all() if proposal is None else Ballot.objects.filter(proposal=proposal)
    parts = Participation.objects.all() if proposal is None else Participation.objects.filter(proposal=proposal)
    return sorted(map(repr, qs.values_list("pk", "voter_key", "value", "reason", "weight", "cast_by", "updated_at"))), \
        parts.count()


# -- casting and changing -------------------------------------------------------------------------

def test_member_votes_then_changes_the_vote(world):
    proposal = make_proposal(world)
    first = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="yes")
    assert (first.voter_key, first.value, first.weight) == (f"u:{world.citizen.pk}", "yes", 1)
    assert first.person == world.citizen and first.cast_by == world.citizen and first.organization is None
    assert first.college_slug == "citoyen" and first.round == 1
    assert len(first.receipt) == 12

    second = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="no", reason="  Trop cher.  ")
    assert second.pk == first.pk
    assert Ballot.objects.filter(proposal=proposal).count() == 1
    assert (second.value, second.reason, second.receipt) == ("no", "Trop cher.", first.receipt)
    assert Participation.objects.filter(proposal=proposal).count() == 1
    assert ballots.ballot_for(proposal, world.citizen).value == "no"


def test_delegate_and_alternate_cast_one_ballot_for_their_organization(world):
    alternate = UserFactory()
    DelegationFactory(membership=world.org_in_assembly, person=alternate, kind=Delegation.Kind.ALTERNATE)
    proposal = make_proposal(world)

    first = ballots.ballot_cast(proposal=proposal, person=world.delegate, value="yes")
    last = ballots.ballot_cast(proposal=proposal, person=alternate, value="no")

    organization_ballots = Ballot.objects.filter(proposal=proposal, voter_key=f"o:{world.org.pk}")
    assert organization_ballots.count() == 1
    ballot = organization_ballots.get()
    assert (ballot.value, ballot.cast_by, ballot.organization, ballot.person) == ("no", alternate, world.org, None)
    assert ballot.college_slug == "communautaire"
    assert last.receipt == first.receipt
    assert Participation.objects.filter(proposal=proposal, voter_key=f"o:{world.org.pk}").count() == 1
    # both see their organization's current ballot
    assert ballots.ballot_for(proposal, world.delegate).pk == ballot.pk
    assert ballots.ballot_for(proposal, alternate, world.org).pk == ballot.pk


def test_person_unit_gives_the_delegate_and_the_alternate_a_ballot_each(world):
    alternate = UserFactory()
    DelegationFactory(membership=world.org_in_assembly, person=alternate, kind=Delegation.Kind.ALTERNATE)
    proposal = make_proposal(world, voting_unit="person")

    ballots.ballot_cast(proposal=proposal, person=world.delegate, value="yes")
    ballots.ballot_cast(proposal=proposal, person=alternate, value="no")
    ballots.ballot_cast(proposal=proposal, person=world.citizen, value="abstain")

    keys = dict(Ballot.objects.filter(proposal=proposal).values_list("voter_key", "value"))
    assert keys == {f"u:{world.delegate.pk}": "yes", f"u:{alternate.pk}": "no", f"u:{world.citizen.pk}": "abstain"}
    assert not Ballot.objects.filter(proposal=proposal, organization__isnull=False).exists()


def test_a_citizen_who_is_also_a_delegate_chooses_for_whom_they_vote(world):
    MembershipFactory(space=world.assembly, organization=None, person=world.delegate, college=world.citizen_college)
    proposal = make_proposal(world)

    own = ballots.ballot_cast(proposal=proposal, person=world.delegate, value="yes")
    for_org = ballots.ballot_cast(proposal=proposal, person=world.delegate, value="no", organization=world.org)

    assert own.voter_key == f"u:{world.delegate.pk}" and own.value == "yes"
    assert for_org.voter_key == f"o:{world.org.pk}" and for_org.value == "no"
    assert own.receipt != for_org.receipt
    assert ballots.ballot_for(proposal, world.delegate).pk == own.pk
    assert ballots.ballot_for(proposal, world.delegate, world.org).pk == for_org.pk


def test_a_delegate_of_two_organizations_must_say_which_one_votes(world):
    other = OrganizationFactory(territory=world.territory, name="Maison des jeunes", college=world.community)
    DelegationFactory(membership=MembershipFactory(space=world.assembly, organization=other), person=world.delegate)
    proposal = make_proposal(world)

    before = stored()
    with pytest.raises(DomainError) as refused:
        ballots.ballot_cast(proposal=proposal, person=world.delegate, value="yes")
    assert refused.value.field == "organization"
    assert "Comité logement" in str(refused.value) and "Maison des jeunes" in str(refused.value)
    assert stored() == before
    assert ballots.ballot_for(proposal, world.delegate) is None

    ballots.ballot_cast(proposal=proposal, person=world.delegate, value="yes", organization=other)
    ballots.ballot_cast(proposal=proposal, person=world.delegate, value="no", organization=world.org)
    assert dict(Ballot.objects.filter(proposal=proposal).values_list("voter_key", "value")) == {
        f"o:{other.pk}": "yes", f"o:{world.org.pk}": "no",
    }


@pytest.mark.parametrize(("method", "make_value", "expected"), [
    ("approval", lambda keys: [int(keys[1]), keys[0]], lambda keys: [keys[0], keys[1]]),
    ("score", lambda keys: {int(keys[0]): 5, keys[1]: 0}, lambda keys: {keys[0]: 5, keys[1]: 0}),
    ("dot", lambda keys: {keys[0]: 3, keys[2]: 5}, lambda keys: {keys[0]: 3, keys[2]: 5}),
    ("irv", lambda keys: (keys[2], int(keys[0])), lambda keys: [keys[2], keys[0]]),
    ("schulze", lambda keys: {keys[1]: 1, keys[0]: 4}, lambda keys: [keys[1], keys[0]]),
    ("time_poll", lambda keys: {keys[0]: "yes", keys[1]: "if_need_be"},
     lambda keys: {keys[0]: "yes", keys[1]: "if_need_be"}),
])
def test_the_stored_value_is_normalised_json_with_string_option_keys(world, method, make_value, expected):
    proposal = make_proposal(world, method=method, options=["Parc", "Bibliothèque", "Piscine"])
    keys = option_keys(proposal)
    ballot = ballots.ballot_cast(proposal=proposal, person=world.citizen, value=make_value(keys))
    ballot.refresh_from_db()
    assert ballot.value == expected(keys)


def test_a_consent_objection_keeps_its_reason(world):
    proposal = make_proposal(world, method="consent")
    ballot = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="objection",
                                 reason=" Le budget n'est pas prévu. ")
    assert (ballot.value, ballot.reason) == ("objection", "Le budget n'est pas prévu.")


def test_a_new_round_takes_new_ballots(world):
    proposal = make_proposal(world, method="consent")
    first = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="objection", reason="Trop vite.")
    proposal = services.proposal_amend(proposal=proposal, by=world.coordinator, title=proposal.title,
                                       body="Plus lentement.", reason="Répondre à l'objection.")
    assert ballots.ballot_for(proposal, world.citizen) is None
    second = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="consent")
    assert (second.round, second.value) == (2, "consent")
    assert second.receipt != first.receipt
    assert Ballot.objects.filter(proposal=proposal).count() == 2
    assert ballots.ballot_for(proposal, world.citizen).pk == second.pk


def test_a_receipt_finds_its_ballot_even_typed_loosely(world):
    proposal = make_proposal(world)
    other = make_proposal(world)
    ballot = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="yes")
    code = ballot.receipt
    loose = f" {code[:4].lower()}-{code[4:8]} {code[8:]} "
    assert secrecy.receipt_check(proposal, loose).status == "pending"
    assert secrecy.receipt_check(other, code).status == "unknown"
    assert secrecy.receipt_check(proposal, "").status == "unknown"
    assert secrecy.receipt_check(proposal, "0" * 40).status == "unknown"


def test_anonymous_ballots_keep_their_receipt_after_closing(world):
    proposal = make_proposal(world, anonymous=True)
    ballot = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="yes")
    services.proposal_close(proposal=proposal, by=world.coordinator)
    found = Ballot.objects.get(proposal=proposal, receipt=ballot.receipt)
    assert found.value == "yes" and found.person is None and found.cast_by is None
    closed = Proposal.objects.get(pk=proposal.pk)
    assert secrecy.receipt_check(closed, ballot.receipt).status == "counted"
    assert ballots.ballot_for(closed, world.citizen) is None
    assert Participation.objects.filter(proposal=proposal, voter_key=f"u:{world.citizen.pk}").exists()


# -- bad input: refused with a clear message, nothing stored --------------------------------------

def refused(proposal, person, value, *, reason="", organization=None, now=None, field=None, says=()):
    """Cast; expect a refusal with a message (and field) and nothing changed in the database."""
    before = stored()
    with pytest.raises(DomainError) as error:
        ballots.ballot_cast(proposal=proposal, person=person, value=value, reason=reason,
                            organization=organization, now=now)
    message = str(error.value)
    assert len(message) > 20 and (message[0].isupper() or message[0] == "«") and message.rstrip().endswith((".", ")")), message
    assert error.value.field == field, message
    for words in says:
        assert words in message, message
    assert stored() == before
    return error.value


@pytest.fixture
def choices(world):
    """Open proposals of every option method, each with a ballot already stored that must survive."""
    made = {}
    for method, settings, value in [
        ("approval", {"max_choices": 2}, lambda k: [k[0]]),
        ("score", {}, lambda k: {k[0]: 4}),
        ("dot", {"dots": 5}, lambda k: {k[0]: 5}),
        ("irv", {}, lambda k: [k[0], k[1]]),
        ("stv", {"seats": 2}, lambda k: [k[1]]),
    ]:
        proposal = make_proposal(world, method=method, options=["Parc", "Bibliothèque", "Piscine"],
                                 method_settings=settings)
        ballots.ballot_cast(proposal=proposal, person=world.citizen, value=value(option_keys(proposal)))
        made[method] = proposal
    return made


def test_unknown_option_is_refused(world, choices):
    for proposal in choices.values():
        keys = option_keys(proposal)
        value = {"approval": ["999999"], "score": {"999999": 3}, "dot": {"999999": 1},
                 "irv": ["999999", keys[0]], "stv": ["Parc"]}[proposal.method]
        refused(proposal, world.citizen, value, field="value", says=["options de cette proposition"])


def test_option_of_another_proposal_is_refused(world, choices):
    foreign = option_keys(choices["score"])[0]
    refused(choices["approval"], world.citizen, [foreign], field="value", says=["options de cette proposition"])
    refused(choices["irv"], world.citizen, [foreign], field="value")
    refused(choices["dot"], world.citizen, {foreign: 1}, field="value")
    refused(choices["approval"], world.citizen, [int(foreign)], field="value")


def test_duplicate_rank_is_refused(world, choices):
    keys = option_keys(choices["irv"])
    refused(choices["irv"], world.citizen, [keys[0], keys[1], keys[0]], field="value", says=["rang"])
    refused(choices["irv"], world.citizen, {keys[0]: 1, keys[1]: 1}, field="value", says=["rang"])
    stv = option_keys(choices["stv"])
    refused(choices["stv"], world.citizen, [stv[2], stv[0], stv[2]], field="value", says=["rang"])


def test_score_out_of_range_or_not_an_integer_is_refused(world, choices):
    proposal = choices["score"]
    a, b, _c = option_keys(proposal)
    refused(proposal, world.citizen, {a: 6}, field="value", says=["de 0 à 5"])
    refused(proposal, world.citizen, {a: -1, b: 2}, field="value", says=["de 0 à 5"])
    refused(proposal, world.citizen, {a: 2.5}, field="value", says=["nombre entier"])
    refused(proposal, world.citizen, {a: "3"}, field="value", says=["nombre entier"])
    refused(proposal, world.citizen, {a: True}, field="value", says=["nombre entier"])


def test_dots_over_budget_or_negative_are_refused(world, choices):
    proposal = choices["dot"]
    a, b, c = option_keys(proposal)
    refused(proposal, world.citizen, {a: 3, b: 2, c: 1}, field="value", says=["6 gommettes", "que 5"])
    refused(proposal, world.citizen, {a: 9}, field="value", says=["gommettes"])
    refused(proposal, world.citizen, {a: -1, b: 6}, field="value", says=["négatif"])
    refused(proposal, world.citizen, {a: 1.5}, field="value", says=["entier"])


def test_too_many_choices_and_unknown_positions_are_refused(world, choices):
    keys = option_keys(choices["approval"])
    refused(choices["approval"], world.citizen, keys, field="value", says=["au plus 2 options"])
    refused(choices["approval"], world.citizen, "tout", field="value", says=["forme attendue"])
    majority = make_proposal(world)
    refused(majority, world.citizen, "peut-être", field="value", says=["réponses proposées"])
    refused(majority, world.citizen, None, field="value")
    gradients = make_proposal(world, method="gradients")
    refused(gradients, world.citizen, 9, field="value")
    refused(gradients, world.citizen, 2.0, field="value", says=["de 1 à 8"])
    advice = make_proposal(world, method="advice")
    refused(advice, world.citizen, "   ", field="value", says=["avis est vide"])


def test_a_reason_is_required_where_the_rules_ask_for_one(world):
    consent = make_proposal(world, method="consent")
    refused(consent, world.citizen, "objection", reason="  ", field="reason", says=["objection doit être motivée"])
    consensus = make_proposal(world, method="consensus")
    refused(consensus, world.citizen, "block", field="reason", says=["blocage doit être motivé"])
    motivated = make_proposal(world, reason_required=True)
    refused(motivated, world.citizen, "yes", field="reason", says=["motiver chaque vote"])
    ballots.ballot_cast(proposal=motivated, person=world.citizen, value="yes", reason="Bon projet.")
    refused(motivated, world.citizen, "yes", reason="x" * 5001, field="reason", says=["raccourcissez"])


def test_ballot_before_opening_is_refused(world):
    now = timezone.now()
    draft = make_proposal(world, open_it=False)
    refused(draft, world.citizen, "yes", says=["brouillon"])
    later = make_proposal(world, opens_at=now + timedelta(days=2))
    assert later.status == Proposal.Status.OPEN
    refused(later, world.citizen, "yes", says=["pas encore ouvert", "il ouvre le"])
    # the same proposal takes ballots once its time has come
    ballots.ballot_cast(proposal=later, person=world.citizen, value="yes", now=now + timedelta(days=2, hours=1))


def test_ballot_after_closing_is_refused(world):
    proposal = make_proposal(world)
    ballots.ballot_cast(proposal=proposal, person=world.citizen, value="yes")
    refused(proposal, world.citizen, "no", now=proposal.closes_at, says=["fermé"])
    refused(proposal, world.citizen, "no", now=proposal.closes_at + timedelta(minutes=1), says=["fermé"])
    closed = services.proposal_close(proposal=proposal, by=world.coordinator)
    refused(closed, world.citizen, "no", says=["fermé", "plus possible"])
    # a stale copy of the proposal, still "open" in memory, is refused too: the database decides
    stale = Proposal.objects.get(pk=proposal.pk)
    stale.status = Proposal.Status.OPEN
    stale.closes_at = None
    refused(stale, world.citizen, "no", says=["fermé"])
    withdrawn = make_proposal(world)
    services.proposal_withdraw(proposal=withdrawn, by=world.coordinator)
    refused(Proposal.objects.get(pk=withdrawn.pk), world.citizen, "yes", says=["retirée"])


def test_ineligible_people_are_refused(world):
    proposal = make_proposal(world)
    refused(proposal, world.outsider, "yes", says=["pas partie des membres votants"])
    refused(proposal, world.foreigner, "yes", says=["pas partie des membres votants"])
    refused(proposal, world.facilitator, "yes", says=["pas partie des membres votants"])
    person_unit = make_proposal(world, voting_unit="person")
    refused(person_unit, world.outsider, "yes", says=["pas partie des membres votants"])
    with pytest.raises(DomainError):
        ballots.ballot_cast(proposal=proposal, person=None, value="yes")


def test_observer_is_refused(world):
    proposal = make_proposal(world)
    refused(proposal, world.observer, "yes", says=["observatrice ou observateur", "Membre votant"])
    # a citizen observer too
    watcher = UserFactory()
    MembershipFactory(space=world.assembly, organization=None, person=watcher, category=MembershipCategory.GUEST)
    refused(proposal, watcher, "yes", says=["invitée ou invité"])
    # unless the charter lets observers vote
    open_to_observers = make_proposal(world, eligible_categories=["voting", "observer"])
    ballot = ballots.ballot_cast(proposal=open_to_observers, person=world.observer, value="yes")
    assert ballot.voter_key == f"o:{world.observer_org.pk}"


def test_recused_member_is_refused(world):
    proposal = make_proposal(world)
    ballots.ballot_cast(proposal=proposal, person=world.citizen, value="yes")
    services.recusal_declare(proposal=proposal, by=world.coordinator, person=world.citizen, reason="Employée")
    assert not Ballot.objects.filter(proposal=proposal).exists()
    refused(proposal, world.citizen, "no", says=["conflit d'intérêts"])

    services.recusal_declare(proposal=proposal, by=world.coordinator, organization=world.org)
    refused(proposal, world.delegate, "no", says=["conflit d'intérêts"])
    refused(proposal, world.delegate, "no", organization=world.org, field="organization",
            says=["Comité logement", "conflit d'intérêts"])


def test_organization_ballot_from_someone_who_is_not_its_delegate_or_alternate_is_refused(world):
    proposal = make_proposal(world)
    ballots.ballot_cast(proposal=proposal, person=world.delegate, value="yes")
    for person in (world.citizen, world.outsider, world.observer, world.coordinator):
        refused(proposal, person, "no", organization=world.org, field="organization",
                says=["Comité logement", "personne déléguée"])
    # a former delegate no longer votes for it
    former = UserFactory()
    DelegationFactory(membership=world.org_in_assembly, person=former, kind=Delegation.Kind.ALTERNATE,
                      end=timezone.localdate() - timedelta(days=1))
    refused(proposal, former, "no", organization=world.org, field="organization", says=["personne déléguée"])
    # an organization that does not vote here
    refused(proposal, world.observer, "no", organization=world.observer_org, field="organization",
            says=["Centraide", "ne vote pas"])
    assert Ballot.objects.get(proposal=proposal).value == "yes"


def test_no_weight_can_be_sent(world):
    assert "weight" not in inspect.signature(ballots.ballot_cast).parameters
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD
                   for p in inspect.signature(ballots.ballot_cast).parameters.values())
    proposal = make_proposal(world)
    with pytest.raises(TypeError):
        ballots.ballot_cast(proposal=proposal, person=world.citizen, value="yes", weight=5)
    assert not Ballot.objects.exists()
    # a weighted value is refused, not unwrapped
    refused(proposal, world.citizen, {"value": "yes", "weight": 5}, field="value")
    ballot = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="yes")
    assert Ballot.objects.get(pk=ballot.pk).weight == 1


def vote_url(world, proposal):
    try:
        return reverse("decisions:vote", kwargs={"territory": world.territory.slug, "space": proposal.space.slug,
                                                 "pk": proposal.pk})
    except NoReverseMatch:
        return None


def _vote_view_exists():
    try:
        reverse("decisions:vote", kwargs={"territory": "t", "space": "s", "pk": 1})
    except NoReverseMatch:
        return False
    return True


needs_vote_view = pytest.mark.skipif(not _vote_view_exists(), reason="the vote view (decisions:vote) is not there yet")


def vote_form(voter_key, **fields):
    """What the vote page's form posts for this voter (fields are prefixed per voter)."""
    prefix = "v-" + voter_key.replace(":", "-")
    return {"voter": voter_key, **{f"{prefix}-{name}": value for name, value in fields.items()}}


@needs_vote_view
def test_a_weight_sent_through_the_vote_form_is_ignored(world, client):
    proposal = make_proposal(world)
    key = f"u:{world.citizen.pk}"
    client.force_login(world.citizen)
    response = client.post(vote_url(world, proposal), {**vote_form(key, choice="yes", weight="50"), "weight": "50"})
    assert response.status_code == 302
    ballot = Ballot.objects.get(proposal=proposal)
    assert (ballot.voter_key, ballot.value, ballot.weight) == (key, "yes", 1)


@needs_vote_view
def test_a_forged_vote_form_is_refused(world):
    proposal = make_proposal(world)
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(world.citizen)
    response = forger.post(vote_url(world, proposal), vote_form(f"u:{world.citizen.pk}", choice="yes"))
    assert response.status_code == 403
    assert not Ballot.objects.exists() and not Participation.objects.exists()
    # with a wrong token as well
    forger.cookies["csrftoken"] = "x" * 32
    response = forger.post(vote_url(world, proposal), {**vote_form(f"u:{world.citizen.pk}", choice="yes"),
                                                         "csrfmiddlewaretoken": "y" * 32})
    assert response.status_code == 403
    assert not Ballot.objects.exists()
