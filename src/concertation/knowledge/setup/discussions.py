"""What the discussions of the knowledge app register at start-up (audit actions, detail labels…).

The targets themselves (proposal, meeting, activity…) are registered by the apps that own them,
from their own ``AppConfig.ready()`` (knowledge/discussions_registry.py).
"""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from concertation.core import audit

    audit.register_actions({
        "comment.hidden": _("Commentaire masqué"),
        "comment.unhidden": _("Commentaire affiché de nouveau"),
    })
    # « reason » is labelled by spaces already (« motif »); the target is named by the line's label.
    audit.register_detail_labels({
        "discussion_kind": _("type d'objet discuté"),
        "discussion_object": _("numéro de l'objet discuté"),
    })
    audit.hide_details("discussion_kind", "discussion_object")
