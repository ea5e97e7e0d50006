"""A citizen seated in several spaces of the scope under different colleges counts under one of
them whatever order the database returns the rows in (PostgreSQL gives no set order)."""

from itertools import permutations
from types import SimpleNamespace

from concertation.insights.metrics import leadership
from concertation.insights.metrics.context import COLLEGE, IN_CURRENT, IN_PREVIOUS, PERSON


def row(person, college, current=True, previous=False):
    values = [None] * 8
    values[PERSON], values[COLLEGE], values[IN_CURRENT], values[IN_PREVIOUS] = person, college, current, previous
    return tuple(values)


def test_the_college_of_a_citizen_seated_twice_does_not_depend_on_the_rows_order():
    rows = [row(7, "Résidents"), row(7, "Aînés"), row(7, None), row(8, None), row(9, "Jeunes", current=False)]
    answers = {tuple(sorted(leadership.citizens(SimpleNamespace(memberships=list(order)), "current").items()))
               for order in permutations(rows)}
    assert answers == {((7, "Aînés"), (8, str(leadership.NO_COLLEGE)))}
