"""The rows of a document library's page (a space's, a territory's): what each card shows, read as
values and written once here, so that the template prints words instead of walking model instances,
their versions and their spaces (issue 20).

``LibraryRows`` is what ``Paginator`` needs: ``count()`` (one query) and a slice, the rows of one page
(one query: the page's documents chosen by id in a subquery, so the sort carries ids only, with their
latest version's number and size read by two correlated subqueries). Two queries whatever the size
of the library.
"""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from concertation.core import formatting

from .models import Document, DocumentVersion

FIELDS = ("pk", "title", "kind", "visibility", "url", "created_at", "space__slug", "space__name")


def _latest(field: str) -> Subquery:
    return Subquery(DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number").values(field)[:1])


class LibraryRows:
    """The documents of ``documents`` (a queryset already scoped to the person), newest first, as the
    rows of the list's cards: url, title, kind, visibility, space, detail (« Lien » or « Version 2,
    1,2 Mo »), created."""

    def __init__(self, documents: QuerySet, territory_slug: str):
        self.documents = documents.order_by("-created_at", "-id")
        self.territory_slug = territory_slug

    def count(self) -> int:
        return self.documents.order_by().count()

    def __getitem__(self, window: slice) -> list[dict]:
        ids = self.documents.values("pk")[window]
        found = (Document.objects.filter(pk__in=ids).order_by("-created_at", "-id")
                 .annotate(latest_number=_latest("number"), latest_size=_latest("size"))
                 .values(*FIELDS, "latest_number", "latest_size"))
        kinds, visibilities = dict(Document.Kind.choices), dict(Document.Visibility.choices)
        bases: dict[str, str] = {}
        rows = []
        for document in found:
            slug = document["space__slug"]
            base = bases.get(slug)
            if base is None:  # the library's address; a document's is « <library><pk>/ » (urls_documents)
                base = bases[slug] = reverse("documents:library",
                                             kwargs={"territory": self.territory_slug, "space": slug})
            if document["url"]:
                detail = _("Lien")
            elif document["latest_number"] is not None:
                detail = _("Version %(number)s, %(size)s") % {
                    "number": document["latest_number"], "size": filesizeformat(document["latest_size"])}
            else:
                detail = ""
            rows.append({
                "url": f"{base}{document['pk']}/", "title": document["title"],
                "kind": kinds.get(document["kind"], document["kind"]),
                "visibility": visibilities.get(document["visibility"], document["visibility"]),
                "space": document["space__name"], "detail": detail,
                "created": formatting.day(document["created_at"], weekday=False),
            })
        return rows
