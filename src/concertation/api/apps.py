from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API v1 (django-ninja) and its personal access tokens (issue 19)."""

    name = "concertation.api"
    label = "api"
    verbose_name = _("API")
