"""``documents|visible_to:user``: the documents of a list (attached to an agenda item, a proposal,
an activity) the person may see, for the pages of the apps that attach them."""

from django import template

from ..selectors_documents import visible_among

register = template.Library()


@register.filter
def visible_to(documents, user):
    # A queryset not read yet (``proposal.documents.all``) comes with its spaces in the same query;
    # one already read (prefetched with the agenda) is used as it is.
    if getattr(documents, "_result_cache", True) is None:
        documents = documents.select_related("space__territory")
    return visible_among(user, documents)


@register.simple_tag(takes_context=True)
def attachable_documents(context, space, attached=()):
    """The space's documents the person may join to an object, less those already joined."""
    from ..selectors_documents import attachable_documents as attachable

    user = context.get("user")
    taken = {document.pk for document in attached}
    return [document for document in attachable(user, space) if document.pk not in taken]


@register.filter
def may_change_document(document, user):
    return user.has_perm("knowledge.change_document", document)


@register.simple_tag
def document_choices(name: str):
    """The choices of a document's « kind » or « visibility », for the forms of other apps' pages."""
    from ..models import Document

    return {"kind": Document.Kind.choices, "visibility": Document.Visibility.choices}[name]


@register.filter
def may_add_document(space, user):
    """Whether the person may add a document to the space's library (or join one to its objects)."""
    return user.has_perm("knowledge.add_document", space)
