"""Who may do what with a space's self-assessment (package ``rules``; loaded from apps.py).

- open a round, see who the results call for and « Donner suite »: who facilitates the space
  (its coordination, co-chairs, facilitation and secretary, the territory's coordinators);
- answer a round and see the results: who takes part in the space (sits there, or holds one of its
  roles), and who facilitates it.
"""

import rules

from concertation.spaces.access import access_for


def may_answer(user, space) -> bool:
    """Whether the person takes part in the space (a superuser too only when they do: answering is
    not a permission an account's status gives)."""
    return user is not None and user.is_authenticated and takes_part.test(user, space)


@rules.predicate
def takes_part(user, space):
    if space is None:
        return False
    access = access_for(user)
    return access.is_member(space) or bool(access.role_kinds.get(space.pk))


@rules.predicate
def facilitates(user, space):
    return space is not None and access_for(user).facilitates(space)


rules.add_perm("insights.answer_assessment", takes_part)  # superusers pass has_perm: see may_answer
rules.add_perm("insights.view_assessment", takes_part | facilitates)
rules.add_perm("insights.run_assessment", facilitates)
