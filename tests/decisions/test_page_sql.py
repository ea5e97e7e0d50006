"""Statements the proposal's page writes out (decisions/page.py) give what their ORM form gives."""

import random
from types import SimpleNamespace

import pytest

from concertation.decisions.models import Proposal
from concertation.decisions.page import colleges_of, colleges_of_orm
from concertation.directory.models import College
from tests.factories import TerritoryFactory


def concrete(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_colleges_agree_with_the_orm_over_generated_territories(seed):
    rng = random.Random(seed)
    territories = [TerritoryFactory() for _ in range(3)]
    for territory in territories:
        names = rng.sample(["Citoyen", "citoyen 2", "Communautaire", "Institutionnel", "Municipal", "Zèbre",
                            "Élus", "bailleurs"], rng.randint(0, 6))
        for n, name in enumerate(names):
            College.objects.create(territory=territory, name=name, slug=f"c{rng.randint(0, 999)}-{n}",
                                   kind=rng.choice(College.Kind.values))
    for territory in territories:
        proposal = Proposal(double_majority=True)  # the page reads the colleges only when the rules name some
        written = colleges_of(proposal, SimpleNamespace(territory_id=territory.pk))
        orm = colleges_of_orm(territory.pk)
        assert list(written) == list(orm)
        assert [concrete(college) for college in written.values()] == [concrete(college) for college in orm.values()]
    assert colleges_of(Proposal(), SimpleNamespace(territory_id=territories[0].pk)) == {}
