"""Who may do what with the references (package `rules`). See docs/roles-and-permissions.md.

Reading: whoever may open the territory (``spaces.selectors.territory_for``: its members, its
coordinators, and everyone when the territory has a public space) sees its references and the
instance's — the list is a reading list of published works, nothing in it is confidential, and a
territory with a public side shows it to the public like its decision register.

Writing: a territory's references are kept by its coordinators (and the instance's
administrators); the instance's references (no territory) only by the administrators.
"""

import rules

from concertation.spaces.access import access_for


@rules.predicate
def coordinates_territory_of(user, territory):
    return territory is not None and access_for(user).coordinates_territory(territory.pk)


@rules.predicate
def keeps_reference(user, reference):
    if reference is None:
        return False
    access = access_for(user)
    if reference.territory_id is None:
        return access.is_admin
    return access.coordinates_territory(reference.territory_id)


@rules.predicate
def is_instance_admin(user):
    return access_for(user).is_admin


def register() -> None:
    # add_perm refuses a name twice: replace on a reload (tests reload apps rarely, but safely).
    for name, predicate in (
        ("knowledge.add_reference", coordinates_territory_of),
        ("knowledge.change_reference", keeps_reference),
        ("knowledge.add_instance_reference", is_instance_admin),
    ):
        rules.set_perm(name, predicate)
