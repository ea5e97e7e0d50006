"""Models of the knowledge app: discussions.

One ``Comment`` model for every discussable object (a proposal, a meeting, an activity, a document,
a practice sheet…), named by ``(target_kind, target_id)`` where the kind is a key registered in
``knowledge/discussions_registry.py``. The comment also keeps its territory and space, so that it
is scoped (and deleted) with them without knowing the target's model.

Replies are one level deep: a reply answers a top-level comment, and a reply to a reply is
attached to the same top-level comment.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel

__all__ = ["BODY_LENGTH", "REASON_LENGTH", "Comment", "CommentRevision", "Mention"]

BODY_LENGTH = 5000
REASON_LENGTH = 300


class Comment(BaseModel):
    """A contribution to the discussion of one object."""

    territory = models.ForeignKey("directory.Territory", on_delete=models.CASCADE, related_name="+")
    # None for a territory-wide object (a practice sheet, the portrait…).
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target_kind = models.CharField(_("type d'objet"), max_length=32)
    target_id = models.PositiveBigIntegerField(_("numéro de l'objet"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("commentaire"))
    # The version of the target the comment was written on, when the target has versions (a proposal).
    target_version = models.PositiveSmallIntegerField(null=True, blank=True)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("masqué le"), null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    hidden_reason = models.CharField(_("raison"), max_length=REASON_LENGTH, blank=True)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["target_kind", "target_id", "created_at"], name="knowledge_comment_target")]
        constraints = [
            models.CheckConstraint(condition=~Q(hidden_at__isnull=False, hidden_reason=""),
                                   name="knowledge_comment_hidden_has_reason"),
        ]

    def __str__(self):
        return str(_("Commentaire n° %(number)s")) % {"number": self.pk}

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CommentRevision(models.Model):
    """An earlier text of an edited comment (the current text is the comment's)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("texte"))
    written_at = models.DateTimeField(_("écrit le"))  # when this text was written (created or last edited)
    replaced_at = models.DateTimeField(_("remplacé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("version d'un commentaire")
        verbose_name_plural = _("versions d'un commentaire")
        ordering = ["written_at", "pk"]

    def __str__(self):
        return f"{self.comment} ({self.written_at:%Y-%m-%d %H:%M})"


class Mention(models.Model):
    """A person named in a comment with @[Name] who may see its target (delivered by notifications)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [models.UniqueConstraint(fields=["comment", "person"], name="knowledge_mention_once")]

    def __str__(self):
        return f"{self.comment} → {self.person}"
