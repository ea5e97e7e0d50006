"""What a discussion may be attached to: the registry of targets.

knowledge sits below decisions, meetings and planning, so it never names their models. Each app
that owns something people discuss registers it from its own ``AppConfig.ready()``::

    from concertation.knowledge.discussions_registry import register_discussion_target

    register_discussion_target(
        "proposal", Proposal,
        space_of=lambda proposal: proposal.space,
        can_view=can_view_proposal,        # (user, proposal) -> bool, the app's own rule
        can_comment=can_comment_proposal,  # idem
        can_moderate=lambda user, proposal: access_for(user).facilitates(proposal.space),
        url_of=proposal_url,
        label_of=lambda proposal: proposal.title,
    )

A comment then names its target by ``(kind, object_id)``: the kind is a registered key, never a
model label. ``people_who_can_view(obj)`` gives the accounts that may be mentioned (a queryset,
narrowed further by the names written and checked one by one with ``can_view``); by default, the
people of the target's territory. A territory-wide object (no space: ``space_of`` returns None)
gives ``territory_of``. When a target is deleted, its owning service calls
``knowledge.services.discussions.comments_delete_for(kind, ids)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

KIND_LENGTH = 32


@dataclass(frozen=True)
class DiscussionTarget:
    kind: str
    model: type
    space_of: Callable[[Any], Any]  # the object's space, or None for a territory-wide object
    can_view: Callable[[Any, Any], bool]
    can_comment: Callable[[Any, Any], bool]
    can_moderate: Callable[[Any, Any], bool]
    url_of: Callable[[Any], str]
    label_of: Callable[[Any], str]
    people_who_can_view: Callable[[Any], Any] | None = None
    # select_related for loading one target with what space_of/url_of/label_of read
    related: tuple[str, ...] = ()
    # The object's territory, for a territory-wide object (no space): by default, its space's.
    territory_of_obj: Callable[[Any], Any] | None = None
    # Whether the target's own page shows the discussion ({% discussion obj %}); if not, the
    # discussion's own page is where people read and write it (and where a post leads back).
    shown_on_page: bool = True

    def load(self, object_id):
        """The target with this id, or None."""
        return self.model._default_manager.select_related(*self.related).filter(pk=object_id).first()

    def territory_of(self, obj):
        """The territory of ``obj`` (a ``directory.Territory``)."""
        if self.territory_of_obj is not None:
            return self.territory_of_obj(obj)
        return self.space_of(obj).territory

    def candidates(self, obj):
        """Accounts that might be mentioned on ``obj`` (each still checked with ``can_view``)."""
        if self.people_who_can_view is not None:
            return self.people_who_can_view(obj)
        from concertation.spaces.selectors import people_of_territory

        return people_of_territory(self.territory_of(obj).pk)


_targets: dict[str, DiscussionTarget] = {}


def register_discussion_target(kind: str, model: type, *, space_of, can_view, can_comment, can_moderate, url_of,
                               label_of, people_who_can_view=None, related: tuple[str, ...] = (),
                               shown_on_page: bool = True, territory_of=None) -> None:
    """Make ``model`` discussable under ``kind`` (a short key such as "proposal"). Registering a kind
    again replaces it, so a reload never doubles it."""
    if not kind or len(kind) > KIND_LENGTH or not kind.replace("_", "").isalpha() or kind != kind.lower():
        raise ValueError(f"invalid discussion kind {kind!r}")
    _targets[kind] = DiscussionTarget(kind=kind, model=model, space_of=space_of, can_view=can_view,
                                      can_comment=can_comment, can_moderate=can_moderate, url_of=url_of,
                                      label_of=label_of, people_who_can_view=people_who_can_view,
                                      related=tuple(related), shown_on_page=shown_on_page,
                                      territory_of_obj=territory_of)


def unregister_discussion_target(kind: str) -> None:
    _targets.pop(kind, None)


def target(kind: str) -> DiscussionTarget | None:
    return _targets.get(kind)


def kind_of(obj) -> str | None:
    """The registered kind of an object (its model's), or None."""
    for entry in _targets.values():
        if isinstance(obj, entry.model):
            return entry.kind
    return None


def kinds() -> list[str]:
    return list(_targets)
