"""Models of the knowledge app: the document library of each space.

A document is a file (kept in versions: a new upload keeps the earlier ones) or a link, with a kind
and a visibility. Files are stored under random names and reached only through the download view
(core/files.py, knowledge/views/documents.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concertation.core.files import random_name, safe_filename
from concertation.core.models import BaseModel

__all__ = ["Document", "DocumentVersion", "version_upload_to"]


class Document(BaseModel):
    class Kind(models.TextChoices):
        PORTRAIT = "portrait", _("Portrait du territoire")
        REPORT = "report", _("Rapport")
        MINUTES = "minutes", _("Procès-verbal")
        GUIDE = "guide", _("Guide")
        FUNDING = "funding", _("Financement")
        OTHER = "other", _("Autre")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Publique")
        TERRITORY = "territory", _("Membres du territoire")
        SPACE = "space", _("Membres de l'espace")

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="library_documents",
                              verbose_name=_("espace"))
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    visibility = models.CharField(_("visibilité"), max_length=20, choices=Visibility.choices,
                                  default=Visibility.SPACE)
    # A link instead of a file: then the document has no version.
    url = models.URLField(_("lien"), blank=True, max_length=500)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("ajouté par"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["space", "-created_at"], name="knowledge_doc_space_recent")]

    def __str__(self):
        return self.title

    @property
    def is_link(self) -> bool:
        return bool(self.url)


def version_upload_to(instance, filename: str) -> str:
    """A random stored name: the file is only reached through the download view (core/files.py)."""
    return random_name("documents", filename)


class DocumentVersion(BaseModel):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions",
                                 verbose_name=_("document"))
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("fichier"), upload_to=version_upload_to, max_length=255)
    # The name the person gave the file, cleaned up: the name of the download.
    filename = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    content_type = models.CharField(_("type de contenu"), max_length=120)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("déposé par"))
    # The words of the file (PDF, office, text), read once at upload for the search (issue 17):
    # empty for images, links and files whose text could not be read.
    text = models.TextField(_("texte extrait"), blank=True, editable=False)

    class Meta:
        verbose_name = _("version d'un document")
        verbose_name_plural = _("versions des documents")
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="knowledge_version_once")]

    def __str__(self):
        return f"{self.document_id} v{self.number}"

    @property
    def download_name(self) -> str:
        return self.filename or safe_filename(self.file.name if self.file else "")
