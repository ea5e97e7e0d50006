"""Permissions of the practice sheets (package `rules`). See docs/roles-and-permissions.md.

Who sits in the territory (``Access.in_territory``: a member, delegate or alternate of one of its
spaces, a holder of one of its roles, a coordinator of the territory) writes sheets:

- ``knowledge.add_practicesheet`` (given a territory): whoever sits in the territory;
- ``knowledge.view_practicesheet``: a sheet published to the public, everyone (signed out too); a sheet
  published to the territory, whoever sits in it; a draft, its author (while in the territory) and the
  coordinators of the territory;
- ``knowledge.change_practicesheet`` (edit, publish, unpublish, delete): its author while in the
  territory, and the coordinators of the territory (they edit and unpublish any sheet).
"""

from __future__ import annotations

import rules

from concertation.spaces.access import access_for


def may_view(access, sheet) -> bool:
    """The view rule on an access summary (no query): also used to filter lists in Python."""
    if sheet is None:
        return False
    if sheet.status == "published":
        return sheet.audience == "public" or access.in_territory(sheet.territory_id)
    return may_change(access, sheet)


def may_change(access, sheet) -> bool:
    if sheet is None:
        return False
    if access.coordinates_territory(sheet.territory_id):
        return True
    return (access.user_id is not None and sheet.author_id == access.user_id
            and access.in_territory(sheet.territory_id))


@rules.predicate
def can_add_sheet(user, territory):
    return territory is not None and access_for(user).in_territory(territory.pk)


@rules.predicate
def can_view_sheet(user, sheet):
    return may_view(access_for(user), sheet)


@rules.predicate
def can_change_sheet(user, sheet):
    return may_change(access_for(user), sheet)


rules.add_perm("knowledge.add_practicesheet", can_add_sheet)
rules.add_perm("knowledge.view_practicesheet", can_view_sheet)
rules.add_perm("knowledge.change_practicesheet", can_change_sheet)
