"""What the documents of the knowledge app register at start-up (audit actions, detail labels, their
discussion, their notification)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def document_url(document) -> str:
    return reverse("documents:document", kwargs={
        "territory": document.space.territory.slug, "space": document.space.slug, "pk": document.pk})


def _can_comment(user, document) -> bool:
    """Who may see the document and is a member of its space or facilitates it."""
    from concertation.spaces.access import access_for

    from ..rules_documents import contributes, sees

    access = access_for(user)
    return sees(access, document) and contributes(access, document.space)


def _can_moderate(user, document) -> bool:
    """The space's facilitators and coordinators (Access.facilitates covers both)."""
    from concertation.spaces.access import access_for

    access = access_for(user)
    return access.facilitates(document.space)


def register() -> None:
    from concertation.core import audit

    from .. import rules_documents  # noqa: F401 — registers the permissions
    from ..models import Document

    audit.register_actions({
        "document.added": _("Document ajouté"),
        "document.changed": _("Document modifié"),
        "document.version_added": _("Nouvelle version d'un document"),
        "document.deleted": _("Document supprimé"),
    })
    # Keys of their own: "kind" or "fields" of other apps name other choices.
    audit.register_detail_labels({"version": _("version"), "document_kind": _("type"),
                                  "document_visibility": _("visibilité"), "document_fields": _("champs")})
    audit.register_detail_values({"document_kind": audit.choice_words(Document.Kind),
                                  "document_visibility": audit.choice_words(Document.Visibility),
                                  "document_fields": audit.field_words(Document)})

    from ..discussions_registry import register_discussion_target

    register_discussion_target(
        "document", Document,
        space_of=lambda document: document.space,
        can_view=lambda user, document: user.has_perm("knowledge.view_document", document),
        can_comment=_can_comment,
        can_moderate=_can_moderate,
        url_of=document_url,
        label_of=lambda document: document.title,
        related=("space__territory",),
    )

    from .. import events

    events.register()
