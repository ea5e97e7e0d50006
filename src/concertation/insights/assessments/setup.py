"""What the self-assessment registers when the project starts (from apps.py)."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from concertation.core import audit

    from .. import events, rules_assessments  # noqa: F401  (the permissions)

    audit.register_actions({
        "insights.round_opened": _("Autoévaluation ouverte"),
        "insights.follow_up_from_theme": _("Suite donnée à l'autoévaluation"),
        "insights.plan_revision_from_theme": _("Révision du plan proposée après l'autoévaluation"),
    })
    audit.register_detail_labels({"opens_on": _("à partir du"), "closes_on": _("jusqu'au"), "theme": _("thème")})
    events.register()
