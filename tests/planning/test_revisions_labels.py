"""A revision's item label is read in the reader's language: a measurement's stored ISO date is
written out (no ISO date on a page)."""

from django.utils import translation

from concertation.planning.models import Revision


def test_a_measurement_revision_label_writes_its_date_out():
    revision = Revision(item_type="measurement", item_label="Ménages accompagnés (2025-03-31)")
    with translation.override("fr-ca"):
        assert revision.shown_label == "Ménages accompagnés (31 mars 2025)"
    with translation.override("en"):
        assert revision.shown_label == "Ménages accompagnés (March 31, 2025)"
    assert Revision(item_label="Priorité 1").shown_label == "Priorité 1"
