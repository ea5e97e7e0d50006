"""How each person wants each category: their Preference row, or the category's default."""

from __future__ import annotations

from collections import defaultdict

from . import registry
from .models import Preference


def preferences_of(person_ids) -> dict[int, dict[str, str]]:
    """{person id: {category: delivery}} for the rows these people saved (one query)."""
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for person_id, category, delivery in Preference.objects.filter(person_id__in=list(person_ids)).values_list(
        "person_id", "category", "delivery"
    ):
        found[person_id][category] = delivery
    return found


def delivery_for(person, category: str, saved: dict[str, str] | None = None) -> str:
    """« immediate », « daily », « weekly » or « never »; not optional categories are always immediate."""
    cat = registry.category(category)
    if not cat.optional:
        return registry.IMMEDIATE
    if saved is None:
        saved = preferences_of([person.pk]).get(person.pk, {})
    return saved.get(category, cat.default)


def choices_of(person) -> list[tuple[registry.Category, str]]:
    """Each optional category with the person's choice (the preferences page)."""
    saved = preferences_of([person.pk]).get(person.pk, {})
    return [(cat, saved.get(cat.key, cat.default)) for cat in registry.optional_categories()]


def categories_with(delivery: str, saved: dict[str, str]) -> list[str]:
    """The optional categories this person receives as ``delivery``."""
    return [cat.key for cat in registry.optional_categories() if saved.get(cat.key, cat.default) == delivery]
