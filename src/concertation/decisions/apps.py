from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "concertation.decisions"
    label = "decisions"
    verbose_name = _("Décisions")

    def ready(self):
        from concertation.core import audit

        audit.register_actions({
            "proposal.closed": _("Vote fermé"),
            "proposal.decided": _("Décision inscrite"),
            "proposal.outcome_edited": _("Décision modifiée"),
            "export.downloaded": _("Exportation téléchargée"),
        })
        audit.register_territory_relations("proposal")
