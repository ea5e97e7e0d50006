"""Documents' metadata (never their files: those stay behind the library's download page)."""

from __future__ import annotations

from datetime import datetime

from ninja import Query, Router, Schema

from concertation.knowledge.models import Document
from concertation.knowledge.selectors_documents import document_for, space_documents

from .. import lookup
from ..errors import not_found
from ..pagination import paginate
from .common import READ, ListParams, answers, list_answers

router = Router(tags=["documents"], auth=READ)


class DocumentOut(Schema):
    id: int
    space_id: int
    title: str
    description: str
    kind: str
    visibility: str
    url: str
    created_at: datetime
    updated_at: datetime


class KindFilter(ListParams):
    kind: str | None = None


@router.get("/spaces/{space_id}/documents", response=list_answers(DocumentOut),
            summary="Documents of the space's library the caller may see")
def documents(request, space_id: int, params: Query[KindFilter]):
    space = lookup.space(request.user, space_id)
    documents = space_documents(request.user, space, kind=params.kind or None).prefetch_related(None)
    return paginate(documents, params.cursor, params.limit)  # metadata only: no versions


@router.get("/documents/{document_id}", response=answers(DocumentOut))
def document(request, document_id: int):
    found = Document.objects.select_related("space__territory").filter(pk=document_id).first()
    if found is None:
        raise not_found()
    space = lookup.space(request.user, found.space_id)
    return document_for(request.user, space, found.pk)
