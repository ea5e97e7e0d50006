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


#: the GET parameter of the search of the « Joindre un document » box (on the object's own page)
SEARCH_PARAM = "recherche_document"


@register.simple_tag(takes_context=True)
def joined_documents(context, documents, space, can_attach=True):
    """What the « Documents » box of an object shows (selectors_documents.attachment_choices): ``shown``,
    the documents joined to it the person may see; when they may join one (``can_attach``), the
    ``options_html`` of the select (the most recent of the others, and those of the search the page
    was asked with, ``?recherche_document=…``), ``found`` and ``more`` (those left out of the select).

    Issue 20: a space's library holds thousands of documents (1 731 at L): only the rows shown are
    read, as values, and their options written once here instead of a template loop."""
    from django.utils.safestring import mark_safe

    from ..selectors_documents import attachment_choices

    request = context.get("request")
    search = request.GET.get(SEARCH_PARAM, "") if can_attach and request is not None else ""
    choices = attachment_choices(context.get("user"), space, documents, offer=can_attach, search=search)
    # html.escape in one join: format_html_join cost 10 ms for a library of 1 731 (escape, then mark each).
    options = "".join(f'<option value="{int(pk)}">{html.escape(title)}</option>' for pk, title in choices.offered)
    return {"shown": choices.joined, "attachable": bool(choices.offered), "options_html": mark_safe(options),  # noqa: S308 — escaped above
            "search": choices.search, "search_param": SEARCH_PARAM, "found": choices.found, "more": choices.more,
            "listed": len(choices.offered), "searchable": bool(choices.search or choices.more)}


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
