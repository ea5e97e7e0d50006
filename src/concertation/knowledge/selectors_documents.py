"""Reads of the document library, scoped to what the person may see (rules_documents.sees), in a
fixed number of queries whatever the number of documents or spaces.

``documents_visible_to(user, territory, kind=None)`` is the one to use from elsewhere (the
territory's portrait lists the documents of kind « portrait »; discussions attach to documents).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from concertation.spaces.access import access_for
from concertation.spaces.models import Space

from .models import Document, DocumentVersion


def _visible_q(access, spaces) -> Q:
    """The documents of ``spaces`` the person may see. Written as « space among those she may open,
    and a visibility she reaches there », with a visibility's list of spaces left out when it is every
    space she may open (a coordinator: the space alone): SQLite then reads the (space, date) index
    instead of merging three searches of the same index and sorting every row (issue 20: 8 ms at L)."""
    public, territory, members = [], [], []
    for space in spaces:
        if not access.can_view(space):
            continue
        public.append(space.pk)
        if access.in_territory(space.territory_id) or access.facilitates(space):
            territory.append(space.pk)
        if access.is_member(space) or access.facilitates(space):
            members.append(space.pk)
    if not public:
        return Q(pk__in=[])
    reached = [Document.Visibility.PUBLIC]
    narrowed = Q()
    for visibility, among in ((Document.Visibility.TERRITORY, territory), (Document.Visibility.SPACE, members)):
        if len(among) == len(public):
            reached.append(visibility)
        elif among:
            narrowed |= Q(visibility=visibility, space_id__in=among)
    if len(reached) == len(Document.Visibility.values) and not narrowed:
        # Every visibility reached in every space: still named, so that a row holding anything else
        # (written outside the forms) stays hidden; a check of each row, the index still used.
        return Q(space_id__in=public, visibility__in=reached)
    return Q(space_id__in=public) & (Q(visibility__in=reached) | narrowed)


def _with_versions(documents: QuerySet) -> QuerySet:
    return documents.select_related("space", "space__territory", "author").prefetch_related(
        Prefetch("versions", queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number")))


def territory_spaces(territory) -> QuerySet:
    """The territory's spaces with what deciding who sees their documents needs (one query)."""
    return Space.objects.filter(territory=territory).only("id", "territory_id", "visibility", "parent_id")


def library_documents(user, territory, kind: str | None = None, *, space=None, spaces=None) -> QuerySet:
    """The documents of the territory's spaces (or of ``space`` alone) the person may see, without
    ordering nor related rows: the library's pages read their columns (pages_documents.py).
    ``spaces``: the territory's spaces (``territory_spaces``) when the caller has read them already."""
    access = access_for(user)
    if space is not None:
        spaces = [space]
    elif spaces is None:
        spaces = territory_spaces(territory)
    documents = Document.objects.filter(_visible_q(access, spaces))
    return documents.filter(kind=kind) if kind else documents


def documents_visible_to(user, territory, kind: str | None = None) -> QuerySet:
    """Every document of the territory's spaces the person may see, newest first (with space,
    author and versions, newest version first)."""
    return _with_versions(library_documents(user, territory, kind)).order_by("-created_at", "-id")


def space_documents(user, space, kind: str | None = None) -> QuerySet:
    """The documents of one space the person may see, newest first."""
    return _with_versions(library_documents(user, None, kind, space=space)).order_by("-created_at", "-id")


def document_for(user, space, pk: int) -> Document:
    """A document of the space the person may see; 404 exactly like a missing one otherwise."""
    document = space_documents(user, space).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def visible_among(user, documents) -> list[Document]:
    """The documents of a list (those attached to an agenda item, a proposal, an activity) the
    person may see, without a query per document."""
    from .rules_documents import sees

    access = access_for(user)
    return [document for document in documents if sees(access, document)]


def attachable_documents(user, space) -> QuerySet:
    """The documents of the space a person may attach to something of the space (their ids and
    titles, in one query)."""
    return (Document.objects.filter(_visible_q(access_for(user), [space])).only("id", "title", "space_id")
            .order_by("title", "pk"))
