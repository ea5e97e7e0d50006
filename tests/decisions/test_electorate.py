"""The electorate counted by SQL is the electorate listed voter by voter, and the proposal page and
the vote cost the same number of queries whatever the size of the space (issue 7, causes 6 and 7).

The tangle below puts every rule of eligibility in one space: colleges of the membership and of
the organization, a person who is a delegate for two organizations of different colleges, a
citizen who is also a delegate, ended and future memberships and delegations, an observer
organization and citizen, an organization without delegate, recusals of people and organizations.
"""

import random
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concertation.decisions import ballots, services
from concertation.decisions.eligibility import (
    Electorate,
    count_electorate,
    eligible_voters,
    recused_keys,
    voter_by_key,
    voter_key_q,
    voter_keys_sql,
    voters_for_user,
)
from concertation.decisions.models import Ballot, Option, Participation, Proposal, Recusal
from concertation.decisions.page import colleges_of, counted_ballots, counted_ballots_orm
from concertation.decisions.results import present_results
from concertation.spaces.models import Delegation, MembershipCategory, Space
from tests.factories import (
    CharterFactory,
    CollegeFactory,
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    SpaceFactory,
    UserFactory,
)

TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)
LAST_YEAR = TODAY - timedelta(days=365)


def url(name, proposal, **query):
    path = reverse(f"decisions:{name}", kwargs={
        "territory": proposal.space.territory.slug, "space": proposal.space.slug, "pk": proposal.pk})
    return path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


@pytest.fixture
def tangle(world):
    t = SimpleNamespace(world=world)
    territory = world.territory
    t.space = SpaceFactory(territory=territory, name="Table emmêlée", slug="table-emmelee",
                           visibility=Space.Visibility.PUBLIC)
    CharterFactory(space=t.space, method="majority", fallback_method="", quorum_kind="none",
                   proposals_may_override=True)
    t.college_a = CollegeFactory(territory=territory, name="Collège A", slug="a")
    t.college_b = CollegeFactory(territory=territory, name="Collège B", slug="b")
    citizens = world.citizen_college

    def org(name, college=None, *, category=MembershipCategory.VOTING, membership_college=None, end=None,
            start=LAST_YEAR):
        organization = OrganizationFactory(territory=territory, name=name, college=college)
        membership = MembershipFactory(space=t.space, organization=organization, category=category,
                                       college=membership_college, start=start, end=end)
        return organization, membership

    def delegate(membership, person, kind=Delegation.Kind.DELEGATE, *, start=LAST_YEAR, end=None):
        return DelegationFactory(membership=membership, person=person, kind=kind, start=start, end=end)

    def citizen(name, college=None, *, category=MembershipCategory.VOTING, end=None):
        person = UserFactory(display_name=name)
        MembershipFactory(space=t.space, organization=None, person=person, college=college, category=category,
                          start=LAST_YEAR, end=end)
        return person

    t.multi = UserFactory(display_name="Déléguée de deux organismes")
    t.both = citizen("Citoyenne et déléguée", citizens)
    t.alternate = UserFactory(display_name="Substitut")
    t.gone = UserFactory(display_name="Ancienne substitut")
    t.watcher = UserFactory(display_name="Déléguée observatrice")
    t.soon = UserFactory(display_name="Déléguée à venir")
    t.former = UserFactory(display_name="Déléguée d'un ancien membre")
    t.plain = UserFactory(display_name="Délégué ordinaire")

    t.o1, m1 = org("Organisme A", t.college_a)
    t.o2, m2 = org("Organisme B", t.college_b)
    t.o3, m3 = org("Organisme sans collège", None, membership_college=t.college_b)
    t.o4, m4 = org("Observateur", t.college_a, category=MembershipCategory.OBSERVER)
    t.o5, m5 = org("Ancien membre", t.college_a, end=YESTERDAY)
    t.o6, m6 = org("Sans délégation", t.college_b)
    t.o7, m7 = org("Membre à venir", t.college_a, start=TOMORROW)
    delegate(m1, t.multi)
    delegate(m1, t.gone, Delegation.Kind.ALTERNATE, end=YESTERDAY)
    delegate(m2, t.plain)
    delegate(m2, t.multi, Delegation.Kind.ALTERNATE)
    delegate(m3, t.both)
    delegate(m3, t.alternate, Delegation.Kind.ALTERNATE)
    delegate(m4, t.watcher)
    delegate(m5, t.former)
    delegate(m6, t.soon, start=TOMORROW)
    delegate(m7, UserFactory())
    t.c1 = citizen("Citoyen A", t.college_a)
    t.c2 = citizen("Citoyen sans collège")
    t.c3 = citizen("Citoyenne observatrice", citizens, category=MembershipCategory.OBSERVER)
    t.c4 = citizen("Ancien citoyen", citizens, end=YESTERDAY)
    t.people = [t.multi, t.both, t.alternate, t.gone, t.watcher, t.soon, t.former, t.plain, t.c1, t.c2, t.c3, t.c4]
    t.organizations = [t.o1, t.o2, t.o3, t.o4, t.o5, t.o6, t.o7]
    return t


def proposal_in(t, *, voting_unit="organization", categories=("voting",), recusals=False, method="majority",
                options=(), **rules) -> Proposal:
    proposal = services.proposal_create(space=t.space, author=t.world.coordinator, title="Budget",
                                        results_visibility="always")
    Proposal.objects.filter(pk=proposal.pk).update(method=method, voting_unit=voting_unit,
                                                   eligible_categories=list(categories), **rules)
    Option.objects.bulk_create([Option(proposal=proposal, label=label, position=n) for n, label in enumerate(options)])
    if recusals:
        for who in ({"person": t.multi}, {"person": t.c1}, {"organization": t.o2}, {"organization": t.o4}):
            Recusal.objects.create(proposal=proposal, **who)
    proposal = services.proposal_open(proposal=Proposal.objects.get(pk=proposal.pk), by=t.world.coordinator)
    return Proposal.objects.prefetch_related("recusals").get(pk=proposal.pk)


RULES = [
    pytest.param(unit, categories, recusals, id=f"{unit}-{'+'.join(categories)}-{'recusals' if recusals else 'none'}")
    for unit in ("organization", "person")
    for categories in (("voting",), ("voting", "observer"))
    for recusals in (False, True)
]


@pytest.mark.parametrize("unit,categories,recusals", RULES)
def test_the_electorate_counted_by_sql_is_the_one_listed(tangle, unit, categories, recusals):
    proposal = proposal_in(tangle, voting_unit=unit, categories=categories, recusals=recusals)
    listed = Electorate.of(eligible_voters(proposal))
    assert listed.total > 3
    assert count_electorate(proposal, by_college=True) == listed
    counted = count_electorate(proposal)
    assert (counted.people, counted.organizations, counted.unit) == (listed.people, listed.organizations, listed.unit)


@pytest.mark.parametrize("unit,categories,recusals", RULES)
def test_the_electorates_ballots_are_kept_by_sql(tangle, unit, categories, recusals):
    proposal = proposal_in(tangle, voting_unit=unit, categories=categories, recusals=recusals)
    everyone = [f"u:{person.pk}" for person in tangle.people] + [f"o:{org.pk}" for org in tangle.organizations]
    Ballot.objects.bulk_create([Ballot(proposal=proposal, voter_key=key, value="yes") for key in everyone])
    kept = set(Ballot.objects.filter(voter_key_q(proposal), proposal=proposal).values_list("voter_key", flat=True))
    assert kept == set(eligible_voters(proposal, include_recused=True))


@pytest.mark.parametrize("unit,categories,recusals", RULES)
def test_each_persons_voters_and_each_voter_are_found_alone(tangle, unit, categories, recusals):
    proposal = proposal_in(tangle, voting_unit=unit, categories=categories, recusals=recusals)
    everyone = eligible_voters(proposal, include_recused=True)
    for person in tangle.people:
        alone = eligible_voters(proposal, include_recused=True, for_person=person)
        assert voters_for_user(proposal, person, alone) == voters_for_user(proposal, person, everyone)
        assert voter_by_key(proposal, f"u:{person.pk}") == everyone.get(f"u:{person.pk}")
    for organization in tangle.organizations:
        assert voter_by_key(proposal, f"o:{organization.pk}") == everyone.get(f"o:{organization.pk}")
    assert voter_by_key(proposal, "x:1") is None and voter_by_key(proposal, "u:") is None


def test_a_person_counts_once_in_the_college_of_their_citizen_membership_or_first_organization(tangle):
    proposal = proposal_in(tangle, voting_unit="person")
    voters = eligible_voters(proposal)
    assert voters[f"u:{tangle.both.pk}"].college_slug == "citoyen"      # citizen, and delegate of a college B member
    assert voters[f"u:{tangle.multi.pk}"].college_slug == "a"           # Organisme A's membership comes first
    assert voters[f"u:{tangle.alternate.pk}"].college_slug == "b"       # the membership's college, not the org's
    assert voters[f"u:{tangle.c2.pk}"].college_slug == ""
    assert count_electorate(proposal, by_college=True).by_college == {"a": 2, "b": 2, "citoyen": 1, "": 1}


# -- every form of the rule agrees with the rule, over generated spaces -----------------------------------

def the_rule(space_rows, on, unit, wanted) -> dict:
    """The rule of eligibility.py's docstring, in plain Python over the rows as generated: what the
    SQL listing, the SQL count and the SQL filter of ballots must all give."""
    def current(row):
        return row.start <= on and (row.end is None or row.end >= on)

    voters = {}
    for membership in sorted(space_rows["memberships"], key=lambda m: m.pk):
        if not current(membership) or membership.category not in wanted:
            continue
        organization = space_rows["organizations"].get(membership.organization_id)
        college = (space_rows["colleges"].get(membership.college_id)
                   or (space_rows["colleges"].get(organization.college_id) if organization else None) or "")
        delegations = sorted((d for d in space_rows["delegations"] if d.membership_id == membership.pk and current(d)),
                             key=lambda d: d.pk)
        if membership.person_id:
            voters[f"u:{membership.person_id}"] = (college, frozenset({membership.person_id}))
        elif unit == "organization":
            voters[f"o:{membership.organization_id}"] = (college, frozenset(d.person_id for d in delegations))
        else:
            for delegation in delegations:
                voters.setdefault(f"u:{delegation.person_id}", (college, frozenset({delegation.person_id})))
    return voters


def generated_space(world, seed: int) -> dict:
    """A space of random memberships and delegations (colleges of the membership or of the
    organization or none, observers, citizens who are also delegates, people who represent several
    organizations, memberships and delegations that start and end around today)."""
    rng = random.Random(seed)
    space = SpaceFactory(territory=world.territory, slug=f"generee-{seed}", visibility=Space.Visibility.PUBLIC)
    CharterFactory(space=space, method="majority", fallback_method="", quorum_kind="none",
                   proposals_may_override=True)
    colleges = [CollegeFactory(territory=world.territory, slug=f"g{seed}-{n}") for n in range(3)]
    people = [UserFactory(display_name="" if n % 4 == 0 else f"Personne {n}") for n in range(8)]
    organizations = [OrganizationFactory(territory=world.territory, college=rng.choice([None, *colleges]))
                     for _ in range(6)]

    def dates():
        start = TODAY + timedelta(days=rng.randint(-6, 4))
        return {"start": start, "end": rng.choice([None, None, start + timedelta(days=rng.randint(0, 6))])}

    def category():
        return rng.choice([MembershipCategory.VOTING, MembershipCategory.VOTING, MembershipCategory.OBSERVER])

    memberships = []
    members = [{"organization": organization} for organization in organizations if rng.random() < 0.85]
    members += [{"person": person} for person in people if rng.random() < 0.5]
    rng.shuffle(members)  # citizens and organizations in any order of ids
    for member in members:
        memberships.append(MembershipFactory(space=space, category=category(),
                                             college=rng.choice([None, None, *colleges]),
                                             **{"organization": None, "person": None, **member}, **dates()))
    delegations = []
    for membership in memberships:
        if membership.organization_id is None:
            continue
        for kind in rng.sample([Delegation.Kind.DELEGATE, Delegation.Kind.ALTERNATE, Delegation.Kind.DELEGATE],
                               rng.randint(0, 3)):
            when = dates()
            if any(d.membership_id == membership.pk and d.kind == kind and d.end is None for d in delegations):
                when["end"] = when["start"] + timedelta(days=rng.randint(0, 3))  # one open delegation per kind
            delegations.append(DelegationFactory(membership=membership, person=rng.choice(people), kind=kind,
                                                 **when))
    return {"space": space, "people": people, "organizations": organizations,
            "rows": {"memberships": memberships, "delegations": delegations,
                     "organizations": {o.pk: o for o in organizations},
                     "colleges": {c.pk: c.slug for c in colleges}},
            "recused": ([{"person": person} for person in rng.sample(people, 2)]
                        + [{"organization": organization} for organization in rng.sample(organizations, 1)])}


@pytest.mark.parametrize("seed", range(6))
def test_every_form_of_the_rule_agrees_with_the_rule_over_generated_spaces(world, seed):
    """The SQL listing (eligible_voters, whole or for one person or organization), the ORM count
    (count_electorate) and the ORM filter of ballots (voter_key_q) against the rule written in Python,
    on every day around today, for both voting units, with and without observers and recusals."""
    g = generated_space(world, seed)
    cases = 0
    for unit in ("organization", "person"):
        for wanted in (("voting",), ("voting", "observer")):
            for recusals in (False, True):
                proposal = services.proposal_create(space=g["space"], author=world.coordinator, title="Générée")
                Proposal.objects.filter(pk=proposal.pk).update(voting_unit=unit, eligible_categories=list(wanted))
                if recusals:
                    for who in g["recused"]:
                        Recusal.objects.create(proposal=proposal, **who)
                proposal = Proposal.objects.prefetch_related("recusals").get(pk=proposal.pk)
                recused = recused_keys(proposal)
                keys = [f"u:{p.pk}" for p in g["people"]] + [f"o:{o.pk}" for o in g["organizations"]]
                Ballot.objects.bulk_create([Ballot(proposal=proposal, voter_key=key, value="yes") for key in keys])
                for days in range(-8, 12):
                    on = TODAY + timedelta(days=days)
                    expected = the_rule(g["rows"], on, unit, wanted)
                    everyone = eligible_voters(proposal, on=on, include_recused=True)
                    assert {key: (v.college_slug, v.casters) for key, v in everyone.items()} == expected
                    for key, voter in everyone.items():
                        kind, _sep, number = key.partition(":")
                        assert (voter.person_id, voter.organization_id) == (
                            (int(number), None) if kind == "u" else (None, int(number)))
                    kept = {key: voter for key, voter in everyone.items() if key not in recused}
                    assert eligible_voters(proposal, on=on) == kept
                    assert count_electorate(proposal, on=on, by_college=True) == Electorate.of(kept)
                    assert count_electorate(proposal, on=on).total == len(kept)
                    counted, listed = count_electorate(proposal, on=on), Electorate.of(kept)
                    assert (counted.people, counted.organizations) == (listed.people, listed.organizations)
                    filtered = Ballot.objects.filter(voter_key_q(proposal, on=on), proposal=proposal)
                    assert set(filtered.values_list("voter_key", flat=True)) == set(everyone)
                    written, params = voter_keys_sql(proposal, connection, on=on)
                    with connection.cursor() as cursor:
                        cursor.execute(written, params)
                        assert {key for (key,) in cursor.fetchall()} - {None} == set(everyone)  # NULL: no delegate
                    for person in g["people"]:
                        alone = eligible_voters(proposal, on=on, include_recused=True, for_person=person)
                        assert voters_for_user(proposal, person, alone) == voters_for_user(proposal, person, everyone)
                    for organization in g["organizations"]:
                        key = f"o:{organization.pk}"
                        assert voter_by_key(proposal, key, on=on) == everyone.get(key)
                    cases += 1
    assert cases == 160
    assert any(the_rule(g["rows"], TODAY, "person", ("voting",)).values())  # not an empty space


@pytest.mark.parametrize("seed", range(4))
def test_the_ballots_a_live_count_reads_are_those_of_the_orm_form(world, seed):
    """page.counted_ballots (written around VOTER_KEYS_SQL) and page.counted_ballots_orm (voter_key_q)
    group the same ballots, with the same receipts of the person's own, on generated spaces."""
    rng = random.Random(seed)
    g = generated_space(world, seed)
    keys = [f"u:{p.pk}" for p in g["people"]] + [f"o:{o.pk}" for o in g["organizations"]]
    for unit in ("organization", "person"):
        for recusals in (False, True):
            proposal = services.proposal_create(space=g["space"], author=world.coordinator, title="Générée")
            Proposal.objects.filter(pk=proposal.pk).update(voting_unit=unit, eligible_categories=["voting"])
            if recusals:
                for who in g["recused"]:
                    Recusal.objects.create(proposal=proposal, **who)
            proposal = Proposal.objects.prefetch_related("recusals").get(pk=proposal.pk)
            Ballot.objects.bulk_create([Ballot(
                proposal=proposal, voter_key=key, round=rng.choice([1, 1, 1, 2]), value=rng.choice(["yes", "no", [2, 1]]),
                weight=rng.choice([1, 1, 2]), reason=rng.choice(["", "", "Trop cher.", "Pourquoi pas"]),
                college_slug=rng.choice(["", "a", "b"])) for key in keys])
            for mine in (set(), set(rng.sample(keys, 2)), {keys[0], "u:0"}):
                assert counted_ballots(proposal, mine) == counted_ballots_orm(proposal, mine)


# -- the page shows what the old way computed ---------------------------------------------------------

def old_way(proposal) -> tuple[dict, dict]:
    """The live results and participation as the page computed them before: every voter loaded,
    every ballot of the round loaded, the count filtering both (what the closing still does)."""
    proposal = Proposal.objects.prefetch_related("options", "recusals").get(pk=proposal.pk)
    options = list(proposal.options.all())
    voters = eligible_voters(proposal)
    data = services.count_result(
        proposal, voters=voters, options=options, recused=recused_keys(proposal),
        tie_seed=proposal.tie_seed or f"live-{proposal.pk}",
        ballots=list(Ballot.objects.filter(proposal=proposal, round=proposal.round)
                     .values("voter_key", "value", "weight", "reason", "college_slug")),
    )
    colleges = colleges_of(proposal, proposal.space)
    names = {slug: (college.name, college.kind) for slug, college in colleges.items()}
    participation = {"count": Participation.objects.filter(proposal=proposal, round=proposal.round).count(),
                     "eligible": len(voters)}
    return present_results(proposal, data, options, names, live=True), participation


def cast_everyone(t, proposal, values):
    """A ballot from each voter of the proposal (values taken in turn), then ballots that must not
    count: a recused voter's, a former member's, an observer's."""
    voters = list(eligible_voters(proposal, include_recused=True).values())
    for n, voter in enumerate(voters):
        Ballot.objects.create(proposal=proposal, voter_key=voter.key, person_id=voter.person_id,
                              organization_id=voter.organization_id, college_slug=voter.college_slug,
                              value=values[n % len(values)], reason="Trop cher." if n % 3 == 1 else "")
        Participation.objects.create(proposal=proposal, voter_key=voter.key, person_id=voter.person_id,
                                     organization_id=voter.organization_id, college_slug=voter.college_slug)
    for key in (f"o:{t.o5.pk}", f"u:{t.c4.pk}", f"u:{t.c3.pk}", f"o:{t.o4.pk}", f"u:{t.former.pk}"):
        if not Ballot.objects.filter(proposal=proposal, voter_key=key).exists():
            Ballot.objects.create(proposal=proposal, voter_key=key, college_slug="a", value=values[0])
    return len(voters)


@pytest.mark.parametrize("unit", ["organization", "person"])
@pytest.mark.parametrize("method,rules,values", [
    ("majority", {"threshold": "two_thirds", "base": "eligible", "double_majority": True,
                  "quorum_kind": "share", "quorum_share_percent": 40, "college_minimums": {"a": 1, "citoyen": 1}},
     ["yes", "no", "yes", "abstain"]),
    ("consent", {"quorum_kind": "majority"}, ["consent", "objection", "stand_aside"]),
    ("irv", {"quorum_kind": "count", "quorum_count": 2}, [[0, 1], [1, 2], [2, 0, 1], [1]]),
    ("approval", {"quorum_kind": "none"}, [[0, 2], [1], [0, 1, 2]]),
])
def test_the_page_shows_the_live_results_and_participation_of_the_old_way(tangle, client_for, unit, method, rules,
                                                                         values):
    options = ["Parc", "Piscine", "Bibliothèque"] if method in {"irv", "approval"} else []
    proposal = proposal_in(tangle, voting_unit=unit, categories=("voting", "observer"), recusals=True, method=method,
                           options=options, **rules)
    keys = [str(pk) for pk in proposal.options.values_list("pk", flat=True)]
    values = [[keys[n] for n in value] if isinstance(value, list) else value for value in values]
    cast = cast_everyone(tangle, proposal, values)
    expected_results, expected_participation = old_way(proposal)
    assert expected_results["participants"] == cast - 2 - (unit == "organization")  # recused: 2 or 3 of them
    for viewer in (tangle.world.coordinator, tangle.plain, None):
        response = client_for(viewer).get(url("proposal", proposal))
        assert response.status_code == 200
        assert response.context["results"] == expected_results
        assert response.context["participation"] == expected_participation
    fragment = client_for(tangle.plain).get(url("results", proposal), HTTP_HX_REQUEST="true")
    assert fragment.context["results"] == expected_results


# -- query counts that do not grow with the space ---------------------------------------------------------

def grow(t, proposal, count: int):
    """``count`` more voting organizations (each with a delegate and an alternate who voted) and
    ``count`` more voting citizens (who voted)."""
    for n in range(count):
        organization = OrganizationFactory(territory=t.space.territory, college=t.college_a)
        membership = MembershipFactory(space=t.space, organization=organization, start=LAST_YEAR)
        DelegationFactory(membership=membership, person=UserFactory(), start=LAST_YEAR)
        DelegationFactory(membership=membership, person=UserFactory(), kind=Delegation.Kind.ALTERNATE,
                          start=LAST_YEAR)
        person = UserFactory()
        MembershipFactory(space=t.space, organization=None, person=person, college=t.world.citizen_college,
                          start=LAST_YEAR)
        key = f"o:{organization.pk}" if proposal.voting_unit == "organization" else f"u:{person.pk}"
        Ballot.objects.create(proposal=proposal, voter_key=key, college_slug="a", value="yes" if n % 3 else "no")
        Participation.objects.create(proposal=proposal, voter_key=key, college_slug="a")


def queries_of(client, path, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("unit", ["organization", "person"])
@pytest.mark.parametrize("viewer", ["coordinator", "delegate", "citizen", "anonymous"])
def test_the_open_and_closed_proposal_pages_cost_the_same_queries_with_5_or_55_voters(
        tangle, client_for, django_assert_max_num_queries, unit, viewer):
    proposal = proposal_in(tangle, voting_unit=unit, recusals=True, double_majority=True,
                           college_minimums={"a": 1})
    user = {"coordinator": tangle.world.coordinator, "delegate": tangle.alternate, "citizen": tangle.c2,
            "anonymous": None}[viewer]
    client = client_for(user)
    if user is tangle.alternate:
        ballots.ballot_cast(proposal=proposal, person=tangle.alternate, value="yes")
    pages = [url("proposal", proposal)]
    counts = []
    for size in (0, 50):
        grow(tangle, proposal, size)
        assert len(eligible_voters(proposal)) in (range(4, 10) if size == 0 else range(54, 160))
        counts.append([queries_of(client, path) for path in pages])
        counts[-1].append(queries_of(client, url("results", proposal), HTTP_HX_REQUEST="true"))
    assert counts[0] == counts[1], f"{counts[0]} queries with 5 voters, {counts[1]} with 55"
    # 14: the page, its attached documents and discussion (issue 15), the header's unread count (issue 16).
    with django_assert_max_num_queries(14):
        response = client.get(pages[0])
    assert "Résultats partiels" in response.content.decode()

    services.proposal_close(proposal=proposal)
    closed = []
    for size in (0, 50):
        grow(tangle, Proposal.objects.get(pk=proposal.pk), size)
        closed.append(queries_of(client, url("proposal", proposal)))
    assert closed[0] == closed[1]
    with django_assert_max_num_queries(14):
        client.get(url("proposal", proposal))


def test_the_whole_electorate_is_listed_only_when_asked(tangle, client_for):
    proposal = proposal_in(tangle, recusals=True)
    client = client_for(tangle.world.coordinator)
    page = client.get(url("proposal", proposal)).content.decode()
    assert 'id="recusal-other-voter"' not in page and "?conflit=1" in page
    page = client.get(url("proposal", proposal, conflit=1)).content.decode()
    assert 'id="recusal-other-voter"' in page
    fragment = client.get(url("proposal", proposal, conflit=1), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<form id="conflit-autre"')
    assert "Organisme A" in fragment and "Citoyen sans collège" in fragment
    assert "Organisme B" not in fragment and "Citoyen A" not in fragment  # recused
    # Nobody else gets the list.
    page = client_for(tangle.plain).get(url("proposal", proposal, conflit=1)).content.decode()
    assert "conflit-autre" not in page


@pytest.mark.parametrize("unit", ["organization", "person"])
def test_a_vote_costs_the_same_queries_with_5_or_55_voters(tangle, client_for, unit):
    proposal = proposal_in(tangle, voting_unit=unit)
    client = client_for(tangle.plain)
    key = f"o:{tangle.o2.pk}" if unit == "organization" else f"u:{tangle.plain.pk}"
    prefix = "v-" + key.replace(":", "-")
    path = url("vote", proposal)
    counts, seen = [], []
    for size, choice in ((0, "yes"), (0, "no"), (50, "abstain"), (0, "yes")):  # the first ballot, then changes
        grow(tangle, proposal, size)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(path, {"voter": key, f"{prefix}-choice": choice})
        assert response.status_code == 302, response.content.decode()[:500]
        counts.append(len(queries))
        seen.append([query["sql"][:120] for query in queries.captured_queries])
        assert Ballot.objects.get(proposal=proposal, voter_key=key).value == choice
    assert len(set(counts)) == 1, f"{counts} queries with 5, 5, 55 and 55 voters"
    assert counts[0] <= 10, "\n".join(seen[0])  # 9 and the BEGIN of the ballot's transaction


def test_the_listing_and_the_count_agree_when_the_day_is_given_as_a_moment(world):
    """Review: a datetime stands for its day, as the ORM takes it (the written listing compared the
    date column with the datetime's text, and lost the memberships ending that day)."""
    from django.utils import timezone

    from concertation.decisions import services
    from concertation.decisions.eligibility import count_electorate, eligible_voters
    from concertation.decisions.models import Proposal
    from concertation.spaces.models import Membership

    proposal = services.proposal_create(space=world.assembly, author=world.coordinator, title="Budget")
    Proposal.objects.filter(pk=proposal.pk).update(voting_unit="person")
    proposal = Proposal.objects.prefetch_related("recusals").get(pk=proposal.pk)
    now = timezone.localtime()
    Membership.objects.filter(space=world.assembly).update(end=now.date())  # every membership ends today
    listed = eligible_voters(proposal, on=now)
    assert listed and len(listed) == count_electorate(proposal, on=now).total
    assert listed.keys() == eligible_voters(proposal, on=now.date()).keys()
