"""``documents|visible_to:user``: the documents of a list (attached to an agenda item, a proposal,
an activity) the person may see, for the pages of the apps that attach them."""

import html

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
def joined_documents(context, documents, space, can_attach=True):
    """``{"shown": [...], "attachable": bool, "options_html": "<option>…"}``: of the space's documents the
    person may see, those joined to the object (``documents``, its many-to-many manager:
    ``proposal.documents``) and, when they may join one (``can_attach``), the others as the options of
    the select, in one query. Documents are only ever joined to objects of their own space.

    Issue 20: a space's library holds thousands of documents (1 731 at L): read as values, without
    model instances, and their options written once here instead of a template loop; without
    ``can_attach`` only the joined ones are read."""
    from django.db.models import Exists, OuterRef
    from django.utils.safestring import mark_safe

    from ..models import Document
    from ..selectors_documents import attachable_documents

    joined = documents.through.objects.filter(**{documents.source_field_name: documents.instance.pk,
                                                documents.target_field_name: OuterRef("pk")})
    rows = attachable_documents(context.get("user"), space).annotate(joined=Exists(joined))
    if not can_attach:
        rows = rows.filter(joined=True)
    rows = list(rows.values_list("id", "title", "kind", "url", "author_id", "joined"))
    shown = [Document(id=pk, title=title, kind=kind, url=url, author_id=author_id, space=space)
             for pk, title, kind, url, author_id, is_joined in rows if is_joined]
    others = [(pk, title) for pk, title, _kind, _url, _author, is_joined in rows if not is_joined]
    # html.escape in one join: format_html_join cost 10 ms for a library of 1 731 (escape, then mark each).
    options = "".join(f'<option value="{int(pk)}">{html.escape(title)}</option>' for pk, title in others)
    return {"shown": shown, "attachable": bool(others), "options_html": mark_safe(options)}  # noqa: S308 — escaped above


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
