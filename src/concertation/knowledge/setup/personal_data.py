"""What knowledge holds about a person, for her data export (accounts/personal_data.py; Law 25):
the documents she added and the versions she uploaded, her comments (with their earlier texts),
where she was mentioned (not the comment: another person's words), and her practice sheets."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _


def _documents(user):
    from ..models import Document

    return (Document.objects.filter(author=user).order_by("created_at", "pk")
            .values("created_at", "title", "description", "kind", "visibility", "url", space_name=F("space__name")))


def _versions(user):
    from ..models import DocumentVersion

    return (DocumentVersion.objects.filter(uploaded_by=user).order_by("created_at", "pk")
            .values("created_at", "number", "filename", "size", "content_type", document_title=F("document__title")))


def _comments(user):
    from ..models.discussions import Comment

    return (Comment.objects.filter(author=user).order_by("created_at", "pk")
            .values("id", "created_at", "target_kind", "target_id", "body", "edited_at", "hidden_at", "hidden_reason",
                    reply_to=F("parent_id")))


def _comment_revisions(user):
    from ..models.discussions import CommentRevision

    return (CommentRevision.objects.filter(comment__author=user).order_by("written_at", "pk")
            .values("written_at", "replaced_at", "body", "comment_id"))


def _mentions(user):
    from ..models.discussions import Mention

    return (Mention.objects.filter(person=user).order_by("created_at", "pk")
            .values("created_at", "notified_at", target_kind=F("comment__target_kind"),
                    target_id=F("comment__target_id")))


PRACTICE_FIELDS = ("created_at", "title", "context", "objectives", "actors", "steps", "resources", "results",
                   "what_worked", "pitfalls", "conditions", "contact_name", "contact_email", "contact_phone",
                   "tags", "status", "audience")


def _practice_sheets(user):
    from ..models import PracticeSheet

    return PracticeSheet.objects.filter(author=user).order_by("created_at", "pk").values(*PRACTICE_FIELDS)


def register() -> None:
    from concertation.accounts import personal_data

    for key, label, rows, note in [
        ("knowledge.documents", _("Les documents que vous avez ajoutés"), _documents, ""),
        ("knowledge.document_versions", _("Les fichiers que vous avez déposés"), _versions,
         _("Leur description; les fichiers eux-mêmes se téléchargent depuis la bibliothèque de leur espace.")),
        ("knowledge.comments", _("Vos commentaires"), _comments, ""),
        ("knowledge.comment_revisions", _("Les versions antérieures de vos commentaires"), _comment_revisions, ""),
        ("knowledge.mentions", _("Les discussions qui vous mentionnent"), _mentions,
         _("Où et quand; le commentaire lui-même appartient à la personne qui l'a écrit.")),
        ("knowledge.practice_sheets", _("Vos fiches de pratique"), _practice_sheets, ""),
    ]:
        personal_data.register(key, label=label, rows=rows, note=note)
