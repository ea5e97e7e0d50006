"""What the references of the knowledge app register at start-up: permissions and audit actions."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from concertation.core import audit

    from .. import rules_references

    rules_references.register()
    audit.register_actions({
        "reference.added": _("Repère ajouté"),
        "reference.changed": _("Repère modifié"),
        "reference.deleted": _("Repère supprimé"),
        "reference.moved": _("Repère déplacé"),
    })
    from ..models.references import Reference, ReferenceGroup

    audit.register_detail_labels({"reference_group": _("groupe"), "reference_fields": _("champs modifiés")})
    audit.register_detail_values({
        "reference_group": audit.choice_words(ReferenceGroup),
        "reference_fields": audit.field_words(Reference),
    })
