"""What a coordinator's access reads of the spaces beneath theirs (spaces/access.py), written out,
agrees with its ORM form (that coordinating a space covers those beneath it: test_permissions.py)."""

import random

import pytest

from concertation.spaces.access import spaces_and_parents, spaces_and_parents_orm
from concertation.spaces.models import Space
from tests.factories import TerritoryFactory


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_the_spaces_and_their_parents_agree_with_the_orm_over_generated_trees(seed):
    rng = random.Random(seed)
    territories = [TerritoryFactory() for _ in range(3)]
    for territory in territories:
        made = []
        for n in range(rng.randint(0, 7)):
            parent = rng.choice([None, *made])
            made.append(Space.objects.create(territory=territory, name=f"Espace {n}", slug=f"espace-{n}",
                                             parent=parent))
    ids = [territory.pk for territory in territories]
    for chosen in ([], ids[:1], ids[1:], ids, [ids[2], ids[0]], {ids[1]}):
        assert spaces_and_parents(chosen) == spaces_and_parents_orm(chosen)

