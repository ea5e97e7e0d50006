from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The person's home and the site's navigation: above every other app (it reads meetings,
    decisions, planning and spaces; none of them reads it)."""

    name = "concertation.home"
    label = "home"
    verbose_name = _("Accueil")
