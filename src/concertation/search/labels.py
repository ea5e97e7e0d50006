"""The words of the search page: each kind's name, in the order the page lists them."""

from django.utils.translation import gettext_lazy as _

KINDS = {
    "decision": _("Décisions"),
    "proposal": _("Propositions"),
    "meeting": _("Rencontres"),
    "agenda_item": _("Points d'ordre du jour"),
    "minutes": _("Procès-verbaux"),
    "document": _("Documents"),
    "plan": _("Plans"),
    "plan_item": _("Priorités"),
    "objective": _("Objectifs"),
    "strategy": _("Stratégies"),
    "activity": _("Actions"),
    "indicator": _("Indicateurs"),
    "practice_sheet": _("Fiches d'expérience"),
    "reference": _("Repères"),
    "comment": _("Commentaires"),
    "space": _("Espaces"),
    "organization": _("Organismes"),
}
