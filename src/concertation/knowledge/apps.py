from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """Shared knowledge: documents, the territory's portrait, practice sheets, references, discussions.

    Sits above spaces and below decisions, meetings and planning, which attach documents and
    discussions to their objects through the registries kept here.
    """

    name = "concertation.knowledge"
    label = "knowledge"
    verbose_name = _("Savoirs partagés")

    def ready(self):
        # One module a subject, each registering its audit actions and what lower apps need.
        from .setup import discussions, documents, personal_data, portrait, practices, references

        for subject in (documents, portrait, practices, references, discussions, personal_data):
            subject.register()
