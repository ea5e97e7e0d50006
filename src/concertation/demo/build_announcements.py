"""The spaces' announcements of the demo (demo/data/announcements.toml): rows as the space's page
lists them; no notification or e-mail is made for the demo's past."""

from __future__ import annotations

from concertation.demo.context import DemoContext, data
from concertation.spaces.models import Announcement


def build_announcements(ctx: DemoContext) -> None:
    if Announcement.objects.filter(space__territory=ctx.territory).exists():
        return
    Announcement.objects.bulk_create([
        Announcement(space=ctx.space(item["space"]), scope=item.get("scope", "space"), title=ctx.t(item["title"]),
                     body=ctx.t(item["body"]), author=ctx.person(item["by"]), sent_at=ctx.at(item["sent"]))
        for item in data("announcements")["announcements"]
    ])
