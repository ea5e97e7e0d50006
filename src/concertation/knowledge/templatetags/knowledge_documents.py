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
def joined_documents(context, documents, space):
    """``{"shown": [...], "attachable": [...]}``: of the space's documents the person may see, those
    joined to the object (``documents``, its many-to-many manager: ``proposal.documents``) and the
    others, in one query. Documents are only ever joined to objects of their own space."""
    from django.db.models import Exists, OuterRef

    from ..selectors_documents import attachable_documents

    joined = documents.through.objects.filter(**{documents.source_field_name: documents.instance.pk,
                                                documents.target_field_name: OuterRef("pk")})
    rows = list(attachable_documents(context.get("user"), space).select_related("space__territory")
                .only("id", "title", "kind", "url", "author", "space__slug", "space__visibility", "space__territory_id",
                      "space__territory__slug")
                .annotate(joined=Exists(joined)))
    return {"shown": [row for row in rows if row.joined], "attachable": [row for row in rows if not row.joined]}


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
