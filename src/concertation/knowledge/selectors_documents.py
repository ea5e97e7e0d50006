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
    public, territory, members = [], [], []
    for space in spaces:
        if not access.can_view(space):
            continue
        public.append(space.pk)
        if access.in_territory(space.territory_id) or access.facilitates(space):
            territory.append(space.pk)
        if access.is_member(space) or access.facilitates(space):
            members.append(space.pk)
    return (Q(visibility=Document.Visibility.PUBLIC, space_id__in=public)
            | Q(visibility=Document.Visibility.TERRITORY, space_id__in=territory)
            | Q(visibility=Document.Visibility.SPACE, space_id__in=members))


def _with_versions(documents: QuerySet) -> QuerySet:
    return documents.select_related("space", "space__territory", "author").prefetch_related(
        Prefetch("versions", queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number")))


def documents_visible_to(user, territory, kind: str | None = None) -> QuerySet:
    """Every document of the territory's spaces the person may see, newest first (with space,
    author and versions, newest version first)."""
    access = access_for(user)
    spaces = Space.objects.filter(territory=territory).only("id", "territory_id", "visibility", "parent_id")
    documents = Document.objects.filter(_visible_q(access, spaces))
    if kind:
        documents = documents.filter(kind=kind)
    return _with_versions(documents).order_by("-created_at", "-id")


def space_documents(user, space, kind: str | None = None) -> QuerySet:
    """The documents of one space the person may see, newest first."""
    documents = Document.objects.filter(_visible_q(access_for(user), [space]))
    if kind:
        documents = documents.filter(kind=kind)
    return _with_versions(documents).order_by("-created_at", "-id")


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
