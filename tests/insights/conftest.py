"""A space with enough people to show a self-assessment's results."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def crowd(world):
    """Six more citizens of the assembly (with the delegate, observer and citizen: nine people)."""
    people = [UserFactory(display_name=f"Membre {n}") for n in range(6)]
    for person in people:
        MembershipFactory(space=world.assembly, organization=None, person=person)
    return people
