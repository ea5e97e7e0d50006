"""The charter in force written out (``spaces.charters_read.charter_in_force_read``) is the one the
ORM form gives, with every field as the ORM reads it: spaces without a charter, with only older
versions, with a version in force among others, and fields of every kind (choices, numbers, JSON)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concertation.spaces.charters_read import charter_in_force, charter_in_force_read
from concertation.spaces.models import Charter
from tests.factories import CharterFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def values(charter) -> dict | None:
    return None if charter is None else {field.attname: getattr(charter, field.attname)
                                         for field in Charter._meta.concrete_fields}


def test_the_written_form_reads_the_charter_the_orm_reads():
    bare, old_only, current, custom = (SpaceFactory() for _ in range(4))
    CharterFactory(space=old_only, version=1, in_force=False)
    for version in (1, 2, 3):
        CharterFactory(space=current, version=version, in_force=version == 2)
    CharterFactory(space=custom, version=4, in_force=True, threshold="custom", threshold_numerator=2,
                   threshold_denominator=3, college_minimums={"communautaire": 2, "citoyen": 1})
    for space in (bare, old_only, current, custom):
        with CaptureQueriesContext(connection) as queries:
            written = charter_in_force_read(space.pk)
        assert len(queries) == 1
        assert values(written) == values(charter_in_force(space))
        if written is not None:
            assert written.agenda_proposers == charter_in_force(space).agenda_proposers
            assert written.eligible_categories == charter_in_force(space).eligible_categories
    assert charter_in_force_read(current.pk).version == 2
    assert charter_in_force_read(custom.pk).college_minimums == {"communautaire": 2, "citoyen": 1}
