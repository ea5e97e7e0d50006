"""The demo's practice sheets (data: knowledge_practices.toml), through the knowledge services:
« Clinique locataires », published to the public and linked to the plan's activity of the same name,
and a draft."""

from __future__ import annotations

from concertation.demo.context import DemoContext, data
from concertation.knowledge.models.practices import SECTIONS


def build_practices(ctx: DemoContext) -> None:
    from concertation.knowledge.models import PracticeSheet
    from concertation.knowledge.services import practices as services
    from concertation.planning.models import Activity

    if PracticeSheet.objects.filter(territory=ctx.territory).exists():
        return
    for item in data("knowledge_practices")["sheets"]:
        author = ctx.person(item["author"])
        sections = {name: ctx.t(item.get(name, "").strip()) for name, _label in SECTIONS}
        activity = (Activity.objects.filter(strategy__plan__space__territory=ctx.territory, title=item["activity"])
                    .first() if item.get("activity") else None)
        sheet = services.sheet_create(
            territory=ctx.territory, by=author, tags=", ".join(item.get("tags", [])),
            activity_id=activity.pk if activity else None,
            data={"title": item["title"], "space": ctx.space(item["space"]) if item.get("space") else None,
                  "audience": item.get("audience", PracticeSheet.Audience.TERRITORY),
                  "contact_name": item.get("contact_name", ""), "contact_email": item.get("contact_email", ""),
                  "contact_phone": item.get("contact_phone", ""), **sections})
        if item.get("published"):
            services.sheet_publish(sheet=sheet, by=author)
            # Published on the story's day, not the load's.
            PracticeSheet.objects.filter(pk=sheet.pk).update(published_at=ctx.at(item["published"]))
