"""What the documents of the knowledge app register at start-up (audit actions, detail labels…)."""

from django.utils.translation import gettext_lazy as _


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
