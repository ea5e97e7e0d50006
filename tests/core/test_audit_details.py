"""The audit log reads in words: each app names the details it records, dates are written out."""

from django.utils import translation

from concertation.core import audit


def test_details_are_named_by_their_app_and_dates_written_out():
    with translation.override("fr-ca"):
        items = audit.describe_details({"start": "2026-09-01", "end": None, "ended_on": "2026-06-30",
                                        "by_self": True, "unknown_key": "x"})
    assert items[0] == ("début", "1er septembre 2026", True)
    assert items[1] == ("terminé le", "30 juin 2026", True)
    assert items[2] == ("par la personne elle-même", "oui", True)
    assert items[3] == ("unknown_key", "x", False)  # a key no app named is shown as code
    assert all(value for _label, value, _named in items)  # empty details are left out


def test_details_in_english_and_moments_in_words():
    with translation.override("en"):
        items = dict((label, value) for label, value, _named in audit.describe_details(
            {"start": "2026-09-01", "fields": ["title", "lead"]}))
    assert "2026-09-01" not in " ".join(items.values())
    assert "title, lead" in items.values()
