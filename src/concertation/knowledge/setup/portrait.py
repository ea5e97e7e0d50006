"""What the portrait of the knowledge app registers at start-up: its audit actions, detail labels and permissions."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from concertation.core import audit

    from .. import rules_portrait  # noqa: F401  (registers the permissions)

    audit.register_actions({
        "portrait.figure_added": _("Chiffre du portrait ajouté"),
        "portrait.figure_changed": _("Chiffre du portrait modifié"),
        "portrait.figure_deleted": _("Chiffre du portrait supprimé"),
        "portrait.imported": _("Chiffres du portrait importés"),
    })
    audit.register_detail_labels({
        "added": _("ajoutés"),
        "replaced": _("remplacés"),
        "file": _("fichier"),
    })
