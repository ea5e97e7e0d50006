"""Object permissions of the structure (package `rules`). See docs/roles-and-permissions.md."""

import rules

from .access import access_for


@rules.predicate
def is_instance_admin(user):
    return access_for(user).is_admin


@rules.predicate
def can_view_space(user, space):
    return space is not None and access_for(user).can_view(space)


@rules.predicate
def coordinates_space(user, space):
    return space is not None and access_for(user).coordinates(space)


@rules.predicate
def facilitates_space(user, space):
    return space is not None and access_for(user).facilitates(space)


@rules.predicate
def is_space_member(user, space):
    return space is not None and access_for(user).is_member(space)


@rules.predicate
def coordinates_territory(user, territory):
    return territory is not None and access_for(user).coordinates_territory(territory.pk)


@rules.predicate
def is_in_territory(user, territory):
    return territory is not None and access_for(user).in_territory(territory.pk)


rules.add_perm("spaces.view_space", can_view_space)
rules.add_perm("spaces.change_space", coordinates_space)
rules.add_perm("spaces.manage_members", coordinates_space)
rules.add_perm("spaces.manage_roles", coordinates_space)
rules.add_perm("spaces.change_charter", coordinates_space)
rules.add_perm("spaces.invite_members", coordinates_space)
rules.add_perm("spaces.announce", coordinates_space)
rules.add_perm("spaces.facilitate_space", facilitates_space)
rules.add_perm("spaces.add_space", coordinates_territory)
rules.add_perm("directory.view_organizations", is_in_territory)
rules.add_perm("directory.manage_organizations", coordinates_territory)
rules.add_perm("directory.import_members", coordinates_territory)
rules.add_perm("directory.view_territory_admin", coordinates_territory)
