"""The demo's document library (demo/data/knowledge_documents.toml): the portrait's diagnosis
(public, two versions), a funding report (territory members), a working group's members-only list
and a link. Files are small PDFs (demo/documents.py), added through the library's services."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from concertation.demo.context import DemoContext, data
from concertation.demo.documents import document_bytes


def build_documents(ctx: DemoContext) -> None:
    from concertation.knowledge.services import documents as services

    for entry in data("knowledge_documents")["documents"]:
        by = ctx.person(entry["by"])
        title = ctx.t(entry["title"])
        versions = entry.get("versions", [])
        first = versions[0] if versions else None
        document = services.document_add(
            space=ctx.space(entry["space"]), by=by, title=title, kind=entry["kind"],
            visibility=entry["visibility"], description=ctx.t(entry.get("description", "")),
            url=entry.get("url", ""), file=_file(ctx, title, first) if first else None)
        for version in versions[1:]:
            services.document_version_add(document=document, by=by, file=_file(ctx, title, version))


def _file(ctx: DemoContext, title: str, version: dict) -> ContentFile:
    filename = ctx.timeline.text(version["filename"])
    return ContentFile(document_bytes(filename, title, [ctx.t(text) for text in version["paragraphs"]]),
                       name=filename)


def delete_documents(ctx: DemoContext) -> None:
    """The documents go with their spaces; their files once the reset is committed."""
    from concertation.knowledge.models import DocumentVersion

    if ctx.territory is None:
        return
    versions = DocumentVersion.objects.filter(document__space__territory=ctx.territory).exclude(file="")
    for version in versions:
        transaction.on_commit(lambda name=version.file.name, storage=version.file.storage: storage.delete(name))
