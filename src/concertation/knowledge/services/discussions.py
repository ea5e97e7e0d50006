"""Writes of discussions: post, reply, edit (with history), hide and unhide, mentions, deletion.

Each function checks the target's rules through the registry (``discussions_registry``) and
raises ``DomainError`` (a translated message) or ``PermissionDenied`` (a view answers 404); the
audit row is written in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import audit
from concertation.core.errors import DomainError
from concertation.core.formatting import nbsp

from ..discussions_registry import DiscussionTarget
from ..events import notify_mentions
from ..models import BODY_LENGTH, REASON_LENGTH, Comment, CommentRevision, Mention

# @[Display Name]: brackets so that names with spaces, hyphens and accents are read whole.
MENTION = re.compile(r"@\[([^\[\]\n<>]{1,150})\]")
MAX_MENTIONS = 10

# Called after commit with (comment, [new Mention…]), for whatever else wants to know (the
# notifications themselves are written inside the comment's transaction: knowledge/events.py).
MENTION_LISTENERS: list[Callable] = []


def mentioned_names(body: str) -> list[str]:
    """The distinct names written as @[Name], in order, at most MAX_MENTIONS."""
    names: list[str] = []
    for match in MENTION.finditer(body or ""):
        name = " ".join(match.group(1).split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names[:MAX_MENTIONS]


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Le commentaire est vide."), field="body")
    if len(body) > BODY_LENGTH:
        raise DomainError(nbsp(_("Le commentaire dépasse 5{nbsp}000 caractères.")), field="body")
    return body


def _record_mentions(comment: Comment, entry: DiscussionTarget, obj) -> list[Mention]:
    """Mentions of the people named who may see the target; anyone else is silently left out."""
    names = mentioned_names(comment.body)
    if not names:
        return []
    wanted = Q()
    for name in names:
        wanted |= Q(display_name__iexact=name)
    already = set(comment.mentions.values_list("person_id", flat=True)) if comment.pk else set()
    people = (entry.candidates(obj).filter(wanted, is_active=True).exclude(pk__in=already)
              .exclude(pk=comment.author_id).order_by("pk")[:MAX_MENTIONS * 3])
    created = [Mention.objects.create(comment=comment, person=person) for person in people
               if entry.can_view(person, obj)]
    # Delivered in the comment's transaction: the notifications commit or roll back with it, and an
    # edit that adds a name notifies only the new person (the others were mentioned already).
    notify_mentions(comment, created, entry, obj)
    if created and MENTION_LISTENERS:
        transaction.on_commit(lambda: [listener(comment, created) for listener in MENTION_LISTENERS])
    return created


def mentions_created(comment: Comment) -> list[Mention]:
    """The mentions of a comment not delivered yet (what notifications will send)."""
    return list(comment.mentions.filter(notified_at__isnull=True).select_related("person"))


def _details(comment: Comment) -> dict:
    return {"discussion_kind": comment.target_kind, "discussion_object": comment.target_id}


@transaction.atomic
def comment_post(*, entry: DiscussionTarget, obj, author, body: str, parent: Comment | None = None,
                 version: int | None = None) -> Comment:
    """Post a comment on ``obj`` (or a reply to ``parent``, a comment of the same discussion)."""
    if not entry.can_comment(author, obj):
        raise PermissionDenied
    body = _clean_body(body)
    if parent is not None:
        if parent.target_kind != entry.kind or parent.target_id != obj.pk:
            raise PermissionDenied
        if parent.parent_id is not None:  # one level deep: answer the thread's first comment
            parent = parent.parent
    comment = Comment.objects.create(
        territory=entry.territory_of(obj), space=entry.space_of(obj), target_kind=entry.kind, target_id=obj.pk, parent=parent,
        author=author, body=body, target_version=version if version is not None else getattr(obj, "version", None),
    )
    _record_mentions(comment, entry, obj)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, entry: DiscussionTarget, obj, by, body: str) -> Comment:
    """Change one's own comment; the earlier text is kept and readable by whoever sees the target."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id is None or comment.author_id != getattr(by, "pk", None) or not entry.can_comment(by, obj):
        raise PermissionDenied
    if comment.is_hidden:
        raise DomainError(_("Un commentaire masqué par l'animation ne peut plus être modifié."), field="body")
    body = _clean_body(body)
    if body == comment.body:
        return comment
    now = timezone.now()
    CommentRevision.objects.create(comment=comment, body=comment.body, written_at=comment.edited_at or comment.created_at)
    comment.body, comment.edited_at = body, now
    comment.save(update_fields=["body", "edited_at", "updated_at"])
    _record_mentions(comment, entry, obj)
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, entry: DiscussionTarget, obj, by, reason: str) -> Comment:
    """Hide a comment from everyone but its author and the moderators, with the reason shown."""
    if not entry.can_moderate(by, obj):
        raise PermissionDenied
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Écrivez pourquoi vous masquez ce commentaire; cette raison s'affiche à sa place."),
                          field="reason")
    if len(reason) > REASON_LENGTH:
        raise DomainError(_("La raison dépasse 300 caractères."), field="reason")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.hidden_at, comment.hidden_by, comment.hidden_reason = timezone.now(), by, reason
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    audit.record(action="comment.hidden", actor=by, target=comment, territory_id=comment.territory_id,
                 reason=reason, **_details(comment))
    return comment


@transaction.atomic
def comment_unhide(*, comment: Comment, entry: DiscussionTarget, obj, by) -> Comment:
    if not entry.can_moderate(by, obj):
        raise PermissionDenied
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.is_hidden:
        return comment
    comment.hidden_at, comment.hidden_by, comment.hidden_reason = None, None, ""
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    audit.record(action="comment.unhidden", actor=by, target=comment, territory_id=comment.territory_id,
                 **_details(comment))
    return comment


def comments_delete_for(kind: str, ids: Iterable[int]) -> int:
    """Delete the discussions of deleted targets (called by the owning app's service)."""
    ids = list(ids)
    if not ids:
        return 0
    # Replies first would not matter: the parent link cascades.
    deleted, _counts = Comment.objects.filter(target_kind=kind, target_id__in=ids).delete()
    return deleted

