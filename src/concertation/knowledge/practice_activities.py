"""The activity of a plan a practice sheet tells about (« Action liée »).

Activities belong to planning, which sits above knowledge: knowledge never imports it. Planning
registers one provider from its ``AppConfig.ready()`` that knows how to offer a territory's
activities, show the activity of some sheets, and link a sheet to an activity (the link itself is a
planning model). Without a provider (knowledge alone), sheets simply have no linked activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LinkedActivity:
    id: int
    label: str  # « Clinique locataires hebdomadaire (Plan de quartier 2026-2031) »; empty when not visible
    url: str = ""
    # False when the person may not see the plan's space: the sheet then shows no activity, and the
    # person's form leaves the link as it is.
    visible: bool = True


class ActivityProvider(Protocol):
    def choices(self, *, territory, user) -> list[tuple[int, str]]:
        """The activities of the territory's current plans the person may see: (id, label)."""

    def for_sheets(self, *, sheet_ids, user) -> dict[int, LinkedActivity]:
        """The activity of each sheet that has one (one query for any number of sheets); one the person
        may not see comes with ``visible=False`` and no label."""

    def link(self, *, sheet, activity_id: int | None) -> None:
        """Link the sheet to the activity (None: to none)."""


_provider: list[ActivityProvider] = []


def register_activity_provider(provider: ActivityProvider) -> None:
    """Register (or replace, so a reload never doubles it) the one provider."""
    _provider[:] = [provider]


def provider() -> ActivityProvider | None:
    return _provider[0] if _provider else None


def activity_choices(territory, user) -> list[tuple[int, str]]:
    found = provider()
    return found.choices(territory=territory, user=user) if found else []


def activities_for(sheet_ids, user) -> dict[int, LinkedActivity]:
    """The linked activity of each sheet, visible or not (see ``visible_activities_for``)."""
    found = provider()
    ids = list(sheet_ids)
    return found.for_sheets(sheet_ids=ids, user=user) if found and ids else {}


def link_activity(sheet, activity_id: int | None) -> None:
    found = provider()
    if found:
        found.link(sheet=sheet, activity_id=activity_id)


def visible_activities_for(sheet_ids, user) -> dict[int, LinkedActivity]:
    """The linked activities the person may see, by sheet."""
    return {pk: activity for pk, activity in activities_for(sheet_ids, user).items() if activity.visible}
