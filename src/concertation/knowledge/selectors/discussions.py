"""Reads of discussions: a thread as one person may see it, in a fixed number of queries.

A hidden comment shows, to everyone but its author and the moderators, only « Commentaire masqué
par l'animation : <raison> »: its text never reaches their page (``body_html`` is empty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, Func, Prefetch, Subquery
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from concertation.accounts.privacy import display_name_for
from concertation.core.richtext import render_markdown
from concertation.core.written_sql import convert, converters_of, plan

from ..discussions_registry import DiscussionTarget
from ..models import Comment

# Top-level comments shown under the object itself (the most recent). Issue 20: 20 threads of up to 10
# replies made the discussion most of a proposal's page (94 ms at L); the object's page now shows the
# latest few and leads to the discussion's own page (paginated) for the rest.
INLINE_THREADS = 5
# Replies shown under each of them there (the first ones): a thread with thousands of replies must not
# weigh on the object's page, which everyone who sees the object opens; the rest is on the discussion's page.
INLINE_REPLIES = 3
PAGE_THREADS = 30  # per page of the discussion's own page

# After markdown and nh3, a mention is plain escaped text: « @[Name] » (no « < » or « > » inside).
_MENTION_HTML = re.compile(r"@\[([^\[\]<>\n]{1,150})\]")
_TAG = re.compile(r"(<[^>]*>)")  # nh3's output escapes « > » inside attribute values


def render_comment(body: str) -> SafeString:
    """A comment's text as safe HTML: markdown through nh3, then @[Name] shown as « @Name ».

    Only text between tags is touched, never a tag or its attributes (a link's title may hold
    « @[…] »); the captured name is already escaped by markdown and nh3, so it is kept as is."""
    parts = _TAG.split(str(render_markdown(body)))
    for index in range(0, len(parts), 2):  # even indexes: text; odd: tags
        parts[index] = _MENTION_HTML.sub(r'<strong class="mention">@\1</strong>', parts[index])
    return mark_safe("".join(parts))  # noqa: S308 — sanitized by nh3; only text nodes were changed


@dataclass
class ShownComment:
    comment: Comment
    author_name: str
    body_html: SafeString | None  # None: hidden from this person
    hidden: bool
    hidden_reason: str
    can_edit: bool
    can_moderate: bool
    urls: dict
    replies: list = field(default_factory=list)

    @property
    def pk(self):
        return self.comment.pk


def discussion_urls(territory_slug: str, kind: str, object_id: int) -> dict:
    kwargs = {"territory": territory_slug, "kind": kind, "object_id": object_id}
    return {name: reverse(f"discussions:{name}", kwargs=kwargs) for name in ("thread", "people")}


COMMENT_URLS = ("edit", "hide", "unhide", "history")
_PK_MARK = 999999937  # reversed in place of the pk; rsplit finds its last occurrence, the pk's


def comment_urls(territory_slug: str, pk: int) -> dict:
    kwargs = {"territory": territory_slug, "pk": pk}
    return {name: reverse(f"discussions:{name}", kwargs=kwargs) for name in COMMENT_URLS}


def comment_url_maker(territory_slug: str):
    """``comment_urls`` for many comments of one territory: each name reversed once, then the pk put in
    (four ``reverse`` a comment were a good part of a discussion's time)."""
    patterns = {name: url.rsplit(str(_PK_MARK), 1) for name, url in comment_urls(territory_slug, _PK_MARK).items()}
    return lambda pk: {name: f"{head}{int(pk)}{tail}" for name, (head, tail) in patterns.items()}


def _shown(comment: Comment, viewer, *, moderates: bool, commenting: bool, territory_slug: str,
           urls_of=None) -> ShownComment:
    own = comment.author_id is not None and comment.author_id == getattr(viewer, "pk", None)
    readable = not comment.is_hidden or own or moderates
    if comment.author is None:
        name = ""
    else:
        name = display_name_for(comment.author, viewer)
    return ShownComment(
        comment=comment, author_name=name, body_html=render_comment(comment.body) if readable else None,
        hidden=comment.is_hidden, hidden_reason=comment.hidden_reason,
        can_edit=own and commenting and not comment.is_hidden, can_moderate=moderates,
        urls=urls_of(comment.pk) if urls_of else comment_urls(territory_slug, comment.pk),
    )


def _top_queryset(entry: DiscussionTarget, obj, *, inline: bool):
    """The ORM form of a discussion's rows: its top-level comments with their authors, the count of the
    whole discussion on each row, and their replies (``shown_replies``: the first INLINE_REPLIES only
    when ``inline``). The discussion's own page reads it, paginated; the object's page reads the same
    rows through ``inline_rows`` (one statement written out, tested against this form)."""
    replies_queryset = Comment.objects.select_related("author").order_by("created_at", "pk")
    if inline:
        replies_queryset = replies_queryset[:INLINE_REPLIES]  # a sliced prefetch: one query still
    replies = Prefetch("replies", queryset=replies_queryset, to_attr="shown_replies")  # a slice needs to_attr
    discussion = Comment.objects.filter(target_kind=entry.kind, target_id=obj.pk)
    # The count of the whole discussion rides on each top-level row (a reply has a top-level
    # comment above it: no row, no comment at all), rather than a query of its own.
    whole_count = discussion.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return (discussion.filter(parent__isnull=True).annotate(discussion_total=Subquery(whole_count))
            .select_related("author").prefetch_related(replies))


def inline_rows_orm(entry: DiscussionTarget, obj) -> tuple[list[Comment], int]:
    """The object's page's rows in the ORM form: the INLINE_THREADS most recent top-level comments,
    oldest first, each with its first replies (``shown_replies``), and the count of the whole
    discussion. The page reads ``inline_rows`` (the same rows); this form is the rule it is tested against."""
    rows = list(_top_queryset(entry, obj, inline=True).order_by("-created_at", "-pk")[:INLINE_THREADS])[::-1]
    return rows, (rows[0].discussion_total if rows else 0)


#: ``inline_rows_orm`` written out (issue 20): compiling the sliced prefetch (a window function the ORM
#: wraps twice) cost ~5 ms of a proposal's page for 0.3 ms of SQLite. The latest top-level comments,
#: the first replies of each, their authors (what a name is shown from) and the count of the whole
#: discussion, in one statement.
INLINE_SQL = """
WITH latest AS (
  SELECT id FROM {comment}
   WHERE target_kind = %(kind)s AND target_id = %(target)s AND parent_id IS NULL
   ORDER BY created_at DESC, id DESC
   LIMIT %(threads)s
), replies AS (
  SELECT id, ROW_NUMBER() OVER (PARTITION BY parent_id ORDER BY created_at, id) AS n
    FROM {comment}
   WHERE parent_id IN (SELECT id FROM latest)
)
SELECT {columns}, {author_columns},
       (SELECT COUNT(*) FROM {comment} w WHERE w.target_kind = %(kind)s AND w.target_id = %(target)s)
  FROM {comment} c
  LEFT JOIN {user} u ON u.id = c.author_id
 WHERE c.id IN (SELECT id FROM latest) OR c.id IN (SELECT id FROM replies WHERE n <= %(replies)s)
 ORDER BY c.created_at, c.id
"""
#: what a comment's author is read for: their name as the viewer may see it (accounts.privacy)
_AUTHOR_FIELDS = {"id", "display_name", "email", "shown_publicly"}


def _inline_statement(conn) -> tuple[str, list, list, dict]:
    from django.contrib.auth import get_user_model

    user = get_user_model()
    quote = conn.ops.quote_name
    comment_fields = [field for field in Comment._meta.concrete_fields if not field.generated]
    # in the model's order: from_db reads a partial row so
    author_fields = [field for field in user._meta.concrete_fields if field.attname in _AUTHOR_FIELDS]
    sql = INLINE_SQL.format(
        comment=quote(Comment._meta.db_table), user=quote(user._meta.db_table),
        columns=", ".join(f"c.{quote(field.column)}" for field in comment_fields),
        author_columns=", ".join(f"u.{quote(field.column)}" for field in author_fields))
    return sql, comment_fields, author_fields, converters_of(conn, [*comment_fields, *author_fields])


def inline_rows(entry: DiscussionTarget, obj) -> tuple[list[Comment], int]:
    """``inline_rows_orm``'s rows (comments with their ``author`` and ``shown_replies``, the authors
    holding only what their name is shown from) and the count of the whole discussion, in one query."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    conn = connections[DEFAULT_DB_ALIAS]
    sql, comment_fields, author_fields, converters = plan(conn, "knowledge.discussion_inline", _inline_statement)
    with conn.cursor() as cursor:
        cursor.execute(sql, {"kind": entry.kind, "target": obj.pk, "threads": INLINE_THREADS,
                             "replies": INLINE_REPLIES})
        fetched = cursor.fetchall()
    names = [field.attname for field in comment_fields]
    author_names = [field.attname for field in author_fields]
    size = len(names)
    top, replies, total = [], [], 0
    for row in fetched:
        values = convert(row[:-1], converters, conn)
        comment = Comment.from_db(conn.alias, names, values[:size])
        comment.author = (user_model.from_db(conn.alias, author_names, values[size:])
                          if comment.author_id is not None else None)
        total = row[-1]
        (replies if comment.parent_id is not None else top).append(comment)
    by_parent: dict[int, list] = {comment.pk: [] for comment in top}
    for reply in replies:
        by_parent[reply.parent_id].append(reply)
    for comment in top:
        comment.shown_replies = by_parent[comment.pk]
    return top, total


def thread(viewer, entry: DiscussionTarget, obj, *, page: int | str | None = None, inline: bool = False) -> dict:
    """The discussion of ``obj`` as ``viewer`` sees it (who may see ``obj`` is the caller's check).

    ``inline``: the most recent INLINE_THREADS top-level comments and the first INLINE_REPLIES replies
    of each, for the object's own page (``more`` then leads to the discussion's page), in one query
    (``inline_rows``); otherwise one page of PAGE_THREADS, oldest first, in two queries whatever the
    size: the top-level comments (with their authors, and the count of the whole discussion on each
    row), their replies (with theirs); the page of a discussion's own page counts its threads first."""
    territory_slug = entry.territory_of(obj).slug
    moderates = bool(entry.can_moderate(viewer, obj))
    commenting = bool(getattr(viewer, "is_authenticated", False) and entry.can_comment(viewer, obj))
    page_obj = None
    if inline:
        rows, total = inline_rows(entry, obj)
    else:
        page_obj = Paginator(_top_queryset(entry, obj, inline=False).order_by("created_at", "pk"),
                             PAGE_THREADS).get_page(page)
        rows = list(page_obj.object_list)
        total = rows[0].discussion_total if rows else 0
    more = inline and total > len(rows) + sum(len(row.shown_replies) for row in rows)
    shown = []
    urls_of = comment_url_maker(territory_slug)
    for comment in rows:
        item = _shown(comment, viewer, moderates=moderates, commenting=commenting, territory_slug=territory_slug,
                      urls_of=urls_of)
        item.replies = [_shown(reply, viewer, moderates=moderates, commenting=commenting,
                               territory_slug=territory_slug, urls_of=urls_of)
                        for reply in comment.shown_replies]
        shown.append(item)
    urls = discussion_urls(territory_slug, entry.kind, obj.pk)
    return {
        "kind": entry.kind, "object_id": obj.pk, "label": entry.label_of(obj), "target_url": entry.url_of(obj),
        "comments": shown, "total": total, "more": more, "page_obj": page_obj, "inline": inline,
        "can_comment": commenting, "can_moderate": moderates, "urls": urls,
        "dom_id": f"discussion-{entry.kind}-{obj.pk}",
        "version": getattr(obj, "version", None),
    }


MENTION_CHOICES = 8


def mention_candidates(entry: DiscussionTarget, obj, query: str) -> list[str]:
    """Display names containing ``query`` of people who may see ``obj``, for the mention picker:
    at most MENTION_CHOICES, each checked with the target's own rule (a query each, bounded)."""
    query = " ".join((query or "").split())[:60]
    if len(query) < 2:
        return []
    found: list[str] = []
    people = (entry.candidates(obj).filter(is_active=True, display_name__icontains=query)
              .exclude(display_name="").order_by("display_name", "pk")[:MENTION_CHOICES * 3])
    for person in people:
        if person.display_name not in found and entry.can_view(person, obj):
            found.append(person.display_name)
        if len(found) == MENTION_CHOICES:
            break
    return found


def history(comment: Comment) -> list[dict]:
    """Every text of a comment, oldest first, the current one last."""
    rows = [{"body_html": render_comment(revision.body), "written_at": revision.written_at, "current": False}
            for revision in comment.revisions.all()]
    rows.append({"body_html": render_comment(comment.body), "written_at": comment.edited_at or comment.created_at,
                 "current": True})
    return rows
