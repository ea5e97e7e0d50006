"""The spaces of the visibility filter written as ranges of consecutive ids or as an IN list: the
same spaces either way (the condition is evaluated by the database on every id around them)."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from concertation.search import selectors


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(12))
def test_space_condition_holds_exactly_the_spaces_given(seed):
    rng = random.Random(seed)
    ids = set()
    for _ in range(rng.randint(0, 6)):  # a few runs of consecutive ids, some single
        start = rng.randint(1, 80)
        ids.update(range(start, start + rng.choice([1, 1, 2, 5, 20])))
    if seed % 3 == 0:
        ids.update(rng.sample(range(1, 120), 15))  # many runs: an IN list
    condition = selectors._space_in(ids)
    values = ", ".join(f"({n})" for n in range(0, 130))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.space_id FROM (SELECT column1 AS space_id FROM (VALUES {values})) e "
                       f"WHERE {condition}" if connection.vendor == "sqlite" else
                       f"SELECT e.space_id FROM (VALUES {values}) AS e(space_id) WHERE {condition}")
        found = {row[0] for row in cursor.fetchall()}
    assert found == ids
    assert ("IN (" in condition) == (ids == set() or len(_runs(ids)) > selectors.RANGES)


def _runs(ids):
    ordered = sorted(ids)
    return [n for i, n in enumerate(ordered) if i == 0 or ordered[i - 1] != n - 1]
