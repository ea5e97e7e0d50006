"""Who may see the governance-health pages (package ``rules``; docs/roles-and-permissions.md).

A mirror for the group, not a public scoreboard: a space's page is for the people who sit in it
(members as citizens or delegates, holders of a role there) and for those who coordinate it; the
territory's page for the people of the territory (a seat or a role in one of its spaces) and its
coordinators, computed over the spaces each may see. Never an anonymous visitor.
"""

import rules

from concertation.spaces.access import access_for


@rules.predicate
def sits_in_space(user, space):
    """A member of the space, a holder of a role there, or someone who coordinates it."""
    if space is None:
        return False
    access = access_for(user)
    if not access.is_authenticated:
        return False
    return access.is_member(space) or space.pk in access.role_kinds or access.coordinates(space)


@rules.predicate
def belongs_to_territory(user, territory):
    if territory is None:
        return False
    access = access_for(user)
    return access.is_authenticated and access.in_territory(territory.pk)


rules.add_perm("insights.view_space_health", sits_in_space)
rules.add_perm("insights.view_territory_health", belongs_to_territory)
