"""Open data of the public window (issue 19, item 2): the Popolo export validates against Popolo's
own schemas, and no file shows anything an anonymous visitor may not see on the pages."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from concertation.decisions.models import Proposal
from concertation.demo.loader import TERRITORY_SLUG, load_demo
from concertation.directory.models import Territory
from concertation.meetings.models import Meeting
from concertation.spaces.models import Membership, Role, Space
from tests.factories import (
    BallotFactory,
    DelegationFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    PlanFactory,
    ProposalFactory,
    RoleAssignmentFactory,
    RoleFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "popolo_schemas"
COLLECTIONS = {"organizations": "organization", "persons": "person", "memberships": "membership",
               "posts": "post", "events": "event", "motions": "motion", "vote_events": "vote_event"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
SECRET = "ZZSECRET"  # every private object below carries it in its name, title or text


def validators() -> dict[str, Draft3Validator]:
    registry = Registry()
    schemas = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schemas[path.stem] = schema
        registry = registry.with_resource(schema["id"], Resource(contents=schema, specification=DRAFT3))
    return {name: Draft3Validator(schema, registry=registry) for name, schema in schemas.items()}


def urls(slug: str) -> dict[str, str]:
    return {name: reverse(f"opendata:{name}", kwargs={"territory": slug})
            for name in ("popolo", "plan_csv", "indicators_csv")}


def open_window(territory) -> None:
    Territory.objects.filter(pk=territory.pk).update(public_pages=True)


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_popolo_export_validates_against_popolo_schemas(client, fast_passwords):
    load_demo()
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    open_window(territory)
    response = client.get(urls(TERRITORY_SLUG)["popolo"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    checks = validators()
    for collection, schema in COLLECTIONS.items():
        for item in document[collection]:
            errors = [error.message for error in checks[schema].iter_errors(item)]
            assert errors == [], (collection, item.get("id"), errors)
    names = {organization["name"] for organization in document["organizations"]}
    assembly = Space.objects.get(territory=territory, kind=Space.Kind.ASSEMBLY)
    assert assembly.name in names
    assert len(document["organizations"]) > 5 and document["events"] and document["posts"]
    # The decided proposals of public spaces, with counts and never a ballot.
    decided = Proposal.objects.filter(space__territory=territory, space__visibility=Space.Visibility.PUBLIC,
                                      status=Proposal.Status.DECIDED).count()
    assert len(document["motions"]) == decided > 0
    assert all(event["counts"] for event in document["vote_events"])
    assert "votes" not in json.dumps(document["vote_events"])
    # Every id a membership or an event refers to is in the document.
    ids = {item["id"] for collection in ("organizations", "persons", "posts") for item in document[collection]}
    for membership in document["memberships"]:
        for key in ("organization_id", "person_id", "post_id", "on_behalf_of_id"):
            assert membership.get(key) is None or membership[key] in ids
    # No e-mail address at all: the demo's people did not agree to be public.
    assert EMAIL.search(response.content.decode()) is None
    assert document["persons"] == []


@pytest.fixture
def window(world):
    """The tests' world (tests/conftest.py) with its window open, and private things around it."""
    w = world
    open_window(w.territory)
    w.agreed = UserFactory(email="publique@example.org", display_name="Paule Publique", shown_publicly=True)
    w.hidden = UserFactory(email="cachee@example.org", display_name=f"Carole {SECRET}cachee")
    w.second_org = OrganizationFactory(territory=w.territory, name="Carrefour familial")
    second = MembershipFactory(space=w.assembly, organization=w.second_org)
    DelegationFactory(membership=second, person=w.agreed)
    DelegationFactory(membership=second, person=w.hidden, kind="alternate")
    MembershipFactory(space=w.assembly, organization=None, person=UserFactory(display_name=f"{SECRET} citoyen"))
    spokesperson = RoleFactory(space=w.assembly, name="Porte-parole", kind=Role.Kind.OTHER)
    RoleAssignmentFactory(role=spokesperson, person=w.hidden, organization=w.org)
    RoleAssignmentFactory(role=RoleFactory(space=w.assembly, name="Trésorerie"), person=w.agreed)
    # The public assembly: a published meeting, one in preparation, a secret vote decided.
    MeetingFactory(space=w.assembly, title="Assemblée de décembre", status=Meeting.Status.CONVENED)
    MeetingFactory(space=w.assembly, title=f"{SECRET} en préparation", status=Meeting.Status.DRAFT)
    vote = ProposalFactory(space=w.assembly, title="Budget adopté", decided=True, anonymous=True,
                           result={"method": "majority", "adopted": True, "counts": {"yes": 2, "no": 1},
                                   "participants": 3, "eligible": 4})
    BallotFactory(proposal=vote, person=w.delegate, value="yes", reason=f"{SECRET} raison du vote")
    ProposalFactory(space=w.assembly, title=f"{SECRET} brouillon", author=w.citizen)
    # The members-only committee and the territory-only working group: nothing of them.
    MeetingFactory(space=w.committee, title=f"{SECRET} rencontre du comité", status=Meeting.Status.HELD)
    ProposalFactory(space=w.committee, title=f"{SECRET} décision du comité", decided=True)
    RoleFactory(space=w.committee, name=f"{SECRET} rôle du comité")
    MembershipFactory(space=w.committee, organization=OrganizationFactory(territory=w.territory,
                                                                          name=f"{SECRET} organisme du comité"))
    plan = PlanFactory(space=w.group, title=f"{SECRET} plan du chantier")
    IndicatorFactory(plan=plan, name=f"{SECRET} indicateur du chantier")
    # Another territory, its window open too.
    other = SpaceFactory(territory=w.other_territory, name=f"{SECRET} ailleurs", slug="ailleurs-public",
                         visibility=Space.Visibility.PUBLIC)
    MeetingFactory(space=other, title=f"{SECRET} rencontre d'ailleurs", status=Meeting.Status.CONVENED)
    open_window(w.other_territory)
    w.public_plan = PlanFactory(space=w.assembly, title="Plan de quartier", status="adopted",
                                 adopted_on=timezone.localdate())
    indicator = IndicatorFactory(plan=w.public_plan, name="Logements sociaux", unit="logements")
    MeasurementFactory(indicator=indicator, value=12, date=timezone.localdate() - timedelta(days=30))
    return w


def test_open_data_shows_nothing_an_anonymous_visitor_may_not_see(client, window):
    for name, url in urls(window.territory.slug).items():
        response = client.get(url)
        assert response.status_code == 200, name
        text = response.content.decode("utf-8-sig")
        assert SECRET not in text, name
        assert "@example.org" not in text, name
    document = json.loads(client.get(urls(window.territory.slug)["popolo"]).content)
    assert [person["name"] for person in document["persons"]] == ["Paule Publique"]
    # A role held by a person who did not agree shows her organization instead.
    terms = {membership.get("role"): membership for membership in document["memberships"] if membership.get("post_id")}
    assert terms["Porte-parole"]["member"] == {"@type": "Organization", "id": f"organization-{window.org.pk}"}
    assert "person_id" not in terms["Porte-parole"]
    assert terms["Trésorerie"]["person_id"] == f"person-{window.agreed.pk}"
    # The secret vote: its counts, not its ballots.
    (event,) = document["vote_events"]
    assert {"option": "participants", "value": 3} in event["counts"]
    assert [e["name"] for e in document["events"]] == ["Assemblée de décembre"]


def test_the_plan_and_indicators_in_csv(client, window):
    plan = list(csv.reader(io.StringIO(client.get(urls(window.territory.slug)["plan_csv"]).content
                                       .decode("utf-8-sig")), delimiter=";"))
    assert plan[0][:3] == ["Plan", "Espace", "Niveau"]
    assert ["Plan de quartier", "Assemblée", "Plan", "Plan de quartier"] == plan[1][:4]
    indicators = list(csv.reader(io.StringIO(client.get(urls(window.territory.slug)["indicators_csv"]).content
                                             .decode("utf-8-sig")), delimiter=";"))
    assert indicators[1][1:3] == ["Logements sociaux", "logements"]
    assert indicators[1][-1] == "12"


def test_a_closed_window_has_no_open_data(client, world):
    for url in urls(world.territory.slug).values():
        assert client.get(url).status_code == 404
    for url in urls("nowhere").values():
        assert client.get(url).status_code == 404


def test_open_data_rejects_writes(client, window):
    for url in urls(window.territory.slug).values():
        assert client.post(url).status_code == 405


def _grow(window, n: int) -> None:
    for i in range(n):
        organization = OrganizationFactory(territory=window.territory, name=f"Organisme {i}")
        membership = MembershipFactory(space=window.assembly, organization=organization)
        DelegationFactory(membership=membership, person=UserFactory(shown_publicly=bool(i % 2)))
        DelegationFactory(membership=membership, person=UserFactory(), kind="alternate")
        MeetingFactory(space=window.assembly, status=Meeting.Status.HELD)
        ProposalFactory(space=window.assembly, decided=True)
        RoleAssignmentFactory(role=RoleFactory(space=window.assembly), person=UserFactory(shown_publicly=True))
        IndicatorFactory(plan=window.public_plan)


@pytest.mark.parametrize("name", ["popolo", "plan_csv", "indicators_csv"])
def test_open_data_queries_do_not_grow_with_the_territory(client, window, django_assert_max_num_queries, name):
    url = urls(window.territory.slug)[name]
    budget = {"popolo": 14, "plan_csv": 10, "indicators_csv": 8}[name]
    with django_assert_max_num_queries(budget):
        client.get(url)
    _grow(window, 6)
    assert Membership.objects.filter(space=window.assembly).count() > 8
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
