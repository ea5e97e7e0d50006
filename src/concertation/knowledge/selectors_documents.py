"""Reads of the document library, scoped to what the person may see (rules_documents.sees), in a
fixed number of queries whatever the number of documents or spaces.

``documents_visible_to(user, territory, kind=None)`` is the one to use from elsewhere (the
territory's portrait lists the documents of kind « portrait »; discussions attach to documents).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Exists, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery
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


#: the documents of the library offered in the « Joindre un document » select: the most recent ones
#: (a library holds thousands: 1 731 at L, a select no one reads on a phone); a search finds the others
PICKER_SIZE = 50
SEARCH_WORDS = 5  # words of a search, each looked up in the title


@dataclass
class AttachmentChoices:
    """Of the documents of a space a person may see: those joined to an object (``joined``, by title)
    and, when they may join one, the others to offer (``offered``: (id, title), at most PICKER_SIZE,
    the most recent, by title) with how many others there are (``found``; all of them, or those whose
    title holds every word of ``search``)."""

    joined: list[Document] = field(default_factory=list)
    offered: list[tuple[int, str]] = field(default_factory=list)
    found: int = 0
    search: str = ""

    @property
    def more(self) -> int:
        """The others not in the select (found by a search)."""
        return self.found - len(self.offered)


def attachment_choices(user, space, documents, *, offer: bool = True, search: str = "") -> AttachmentChoices:
    """The documents joined to an object (``documents``: its many-to-many manager, ``proposal.documents``)
    that the person may see and, with ``offer``, the others of the space they may join: one query, that
    reads only the rows shown (the others are counted by the database). Documents are only ever joined
    to objects of their own space; which ones may be joined is ``attachable_documents``'s rule.

    Issue 20: the statement is written out around the rule's own conditions (``_visible_q`` and the
    search by title, compiled by the ORM): composing the ORM form (``attachment_choices_orm``, below)
    cost ~5 ms of the proposal's page for a query SQLite runs in less than one."""
    search = " ".join(search.split()[:SEARCH_WORDS])[:100] if offer else ""
    choices = AttachmentChoices(search=search)
    attachable = attachable_documents(user, space)
    try:
        visible, visible_params = _where(attachable)
        if offer:
            others, others_params = _where(attachable.filter(*(Q(title__icontains=word) for word in search.split())))
    except EmptyResultSet:  # she may see none of the space's documents
        return choices
    conn = connections[attachable.db]
    quote = conn.ops.quote_name
    through = documents.through._meta
    target = quote(through.get_field(documents.target_field_name).column)
    source = quote(through.get_field(documents.source_field_name).column)
    joined = f"SELECT {target} FROM {quote(through.db_table)} WHERE {source} = %s"
    table = quote(Document._meta.db_table)
    if not offer:
        sql = (f"SELECT id, title, kind, url, author_id FROM {table} WHERE ({visible}) AND id IN ({joined}) "
               f"ORDER BY title, id")
        with conn.cursor() as cursor:
            cursor.execute(sql, [*visible_params, documents.instance.pk])
            choices.joined = [Document(id=pk, title=title, kind=kind, url=url, author_id=author_id, space=space)
                              for pk, title, kind, url, author_id in cursor.fetchall()]
        return choices
    # The joined ones, and the PICKER_SIZE most recent others, each row with how many others there are
    # (an uncorrelated subquery: counted once by the database, the other rows never read); the rows
    # are looked up by id, the library's other documents never read.
    other = f"({others}) AND id NOT IN ({joined})"
    sql = (f"SELECT id, title, kind, url, author_id, id IN ({joined}), (SELECT COUNT(*) FROM {table} WHERE {other}) "
           f"FROM {table} WHERE ({visible}) AND id IN ({joined} UNION ALL SELECT id FROM ("
           f"SELECT id FROM {table} WHERE {other} ORDER BY created_at DESC, id DESC LIMIT {int(PICKER_SIZE)}) newest)")
    pk = documents.instance.pk
    with conn.cursor() as cursor:
        cursor.execute(sql, [pk, *others_params, pk, *visible_params, pk, *others_params, pk])
        rows = cursor.fetchall()
    return _filled(choices, rows, space)


def _filled(choices: AttachmentChoices, rows, space) -> AttachmentChoices:
    """The choices from rows (id, title, kind, url, author, joined?, how many others), both forms'."""
    for pk, title, kind, url, author_id, is_joined, found in rows:
        if is_joined:
            choices.joined.append(Document(id=pk, title=title, kind=kind, url=url, author_id=author_id, space=space))
        else:
            choices.found = found
            choices.offered.append((pk, title))
    choices.joined.sort(key=lambda document: (document.title, document.pk))
    choices.offered.sort(key=lambda row: (row[1], row[0]))
    return choices


def _where(queryset: QuerySet) -> tuple[str, list]:
    """The WHERE of a queryset of documents, as the ORM compiles it (columns named by the table)."""
    query = queryset.query
    if sum(1 for count in query.alias_refcount.values() if count) > 1:  # a condition needing a join
        raise ValueError("a document's condition on another table")
    sql, params = query.get_compiler(using=queryset.db).compile(query.where)
    return sql or "1 = 1", list(params)


def attachment_choices_orm(user, space, documents, *, offer: bool = True, search: str = "") -> AttachmentChoices:
    """``attachment_choices`` in the ORM form: the rule the written statement is tested against
    (tests/knowledge/test_documents_attachments_sql.py)."""
    search = " ".join(search.split()[:SEARCH_WORDS])[:100] if offer else ""
    joined = documents.through.objects.filter(**{documents.source_field_name: documents.instance.pk,
                                                documents.target_field_name: OuterRef("pk")})
    attachable = attachable_documents(user, space)
    rows = attachable.annotate(joined=Exists(joined))
    choices = AttachmentChoices(search=search)
    if not offer:
        rows = rows.filter(joined=True).order_by("title", "pk")
        choices.joined = [Document(id=pk, title=title, kind=kind, url=url, author_id=author_id, space=space)
                          for pk, title, kind, url, author_id in rows.values_list("id", "title", "kind", "url",
                                                                                  "author_id")]
        return choices
    joined_ids = documents.through.objects.filter(**{documents.source_field_name: documents.instance.pk})
    joined_ids = joined_ids.values(documents.target_field_name)
    others = attachable.exclude(pk__in=joined_ids)
    for word in search.split():
        others = others.filter(title__icontains=word)
    # The joined ones, and the PICKER_SIZE most recent others, each row with how many others there are
    # (an uncorrelated subquery: counted once by the database, the other rows never read).
    newest = others.order_by("-created_at", "-id").values("pk")[:PICKER_SIZE]
    found = others.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    rows = (rows.filter(Q(pk__in=joined_ids) | Q(pk__in=newest)).annotate(found=Subquery(found))
            .values_list("id", "title", "kind", "url", "author_id", "joined", "found"))
    return _filled(choices, rows, space)
