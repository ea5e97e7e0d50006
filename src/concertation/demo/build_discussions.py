"""The demo's discussions (data: knowledge_discussions.toml), through knowledge's services: comments,
replies and a mention under the open proposal and under an activity of the plan."""

from __future__ import annotations

from concertation.demo.build_decisions import demo_proposals
from concertation.demo.context import ACCOUNT_EMAILS, DemoContext, data


def _author(ctx: DemoContext, ref: str):
    return ctx.person(ACCOUNT_EMAILS.get(ref, ref))


def _discussed(ctx: DemoContext, spec: str):
    """The object named by ``on`` ("proposal:KEY", "activity:TITLE"), or None when absent."""
    from concertation.planning.models import Activity

    kind, _, key = spec.partition(":")
    if kind == "proposal":
        return kind, demo_proposals(ctx).get(key)
    if kind == "activity":
        return kind, (Activity.objects.filter(strategy__plan__space__territory=ctx.territory, title=ctx.t(key))
                      .select_related("strategy__plan__space__territory").order_by("pk").first())
    raise ValueError(f"unknown discussion target {spec!r}")


def build_discussions(ctx: DemoContext) -> None:
    from concertation.knowledge.discussions_registry import target
    from concertation.knowledge.models import Comment
    from concertation.knowledge.services.discussions import comment_edit, comment_post

    if Comment.objects.filter(territory=ctx.territory).exists():
        return

    def write(entry, obj, item, parent=None):
        author = _author(ctx, item["author"])
        comment = comment_post(entry=entry, obj=obj, author=author, body=ctx.t(item.get("was", item["body"])),
                               parent=parent)
        when = ctx.at(item["at"])
        Comment.objects.filter(pk=comment.pk).update(created_at=when, updated_at=when)
        if "was" in item:  # written, then edited: the history keeps the first text
            comment.refresh_from_db()
            comment_edit(comment=comment, entry=entry, obj=obj, by=author, body=ctx.t(item["body"]))
        return comment

    for discussion in data("knowledge_discussions")["discussions"]:
        kind, obj = _discussed(ctx, discussion["on"])
        if obj is None:
            continue
        entry = target(kind)
        for item in discussion["comments"]:
            first = write(entry, obj, item)
            for reply in item.get("replies", []):
                write(entry, obj, reply, parent=first)
