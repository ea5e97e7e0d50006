from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every model of the project carries its creation and last-change stamps."""

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True, editable=False)

    class Meta:
        abstract = True
