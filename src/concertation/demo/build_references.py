"""The demo's references (« repères »): real Québec works on organizing a concertation, from
demo/data/knowledge_references.toml, some the instance's (shown in every territory), some the demo
territory's own. Written through the references' services (checks and audit apply)."""

from __future__ import annotations

from concertation.demo.context import DemoContext, data, fr
from concertation.knowledge.models import Reference
from concertation.knowledge.services.references import reference_add


def build_references(ctx: DemoContext) -> None:
    for item in data("knowledge_references")["references"]:
        territory = ctx.territory if item["scope"] == "territory" else None
        title = fr(item["title"])
        if territory is None and Reference.objects.filter(territory__isnull=True, title=title).exists():
            continue  # the instance's references outlive a reset of the demo territory
        reference_add(
            territory=territory, by=None, group=item["group"], kind=item["kind"], title=title,
            authors=item.get("authors", ""), year=item.get("year"), publisher=fr(item.get("publisher", "")),
            pages=item.get("pages", ""), url=item.get("url", ""), language=item.get("language", "fr"),
            note=fr(" ".join(item.get("note", "").split())),
        )
