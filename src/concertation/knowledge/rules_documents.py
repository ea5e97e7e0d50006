"""Who may see, add and change the documents of a space's library.

- see a document: who may see its space (spaces.access), and then by the document's visibility:
  « public » everyone who sees the space (signed out too, when the space is public), « territory
  members » people of the territory, « space members » the space's members (and who facilitates or
  coordinates it);
- add a document, or a document to an agenda item, a proposal, an activity: the space's members
  and who facilitates or coordinates it;
- change (edit, new version) or delete: the person who added it while still a member, and who
  facilitates or coordinates the space (they moderate).

A refusal answers the same 404 as a missing document (views/documents.py).
"""

import rules

from concertation.spaces.access import access_for


def sees(access, document) -> bool:
    """The visibility rule, on an Access summary (no query once it is computed)."""
    space = document.space
    if not access.can_view(space):
        return False
    if document.visibility == "public":
        return True
    if document.visibility == "territory":
        return access.in_territory(space.territory_id) or access.facilitates(space)
    return access.is_member(space) or access.facilitates(space)


def contributes(access, space) -> bool:
    return access.is_member(space) or access.facilitates(space)


@rules.predicate
def can_view_document(user, document):
    return document is not None and sees(access_for(user), document)


@rules.predicate
def can_add_document(user, space):
    return space is not None and contributes(access_for(user), space)


@rules.predicate
def can_change_document(user, document):
    if document is None:
        return False
    access = access_for(user)
    if access.facilitates(document.space):
        return True
    return (document.author_id is not None and document.author_id == getattr(user, "pk", None)
            and contributes(access, document.space))


rules.add_perm("knowledge.view_document", can_view_document)
rules.add_perm("knowledge.add_document", can_add_document)
rules.add_perm("knowledge.change_document", can_change_document)
rules.add_perm("knowledge.delete_document", can_change_document)
