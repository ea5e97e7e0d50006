from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Governance health: metrics of shared leadership, the self-assessment of a space (issue 18)."""

    name = "concertation.insights"
    label = "insights"
    verbose_name = _("Santé de la gouvernance")

    def ready(self):
        # The self-assessment: its permissions, audit actions and notifications.
        from .assessments import setup as assessments_setup

        assessments_setup.register()
