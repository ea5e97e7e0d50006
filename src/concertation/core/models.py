from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every model of the project carries its creation and last-change stamps."""

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True, editable=False)

    class Meta:
        abstract = True


ACTION_LENGTH = 64


def audit_actions():
    """The actions the apps registered (key, label), read when needed: the choices of
    ``AuditEvent.action`` follow the registry, and no migration names them."""
    from .audit import action_choices

    return action_choices()


class AuditEventQuerySet(models.QuerySet):
    """Append-only: a queryset may add rows and read them, never change or remove them."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit events are never changed")

    def delete(self):
        raise AuditLogIsAppendOnly("audit events are never deleted")

    update.queryset_only = True
    delete.queryset_only = True


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit event."""


class AuditEvent(BaseModel):
    """One sensitive action: who (actor), what (action, target, details), where (territory), when.

    Written by ``concertation.core.audit.record`` inside the transaction of the action itself;
    never changed nor deleted (the model, the admin and database triggers refuse it). The core app
    does not know the higher apps: the territory is its id, the target a type, an id and the label
    it had at the time, and the actions are those the apps registered (``audit.register_actions``).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name=_("par"),
    )
    action = models.CharField(_("action"), max_length=ACTION_LENGTH, choices=audit_actions, db_index=True)
    territory_id = models.PositiveBigIntegerField(_("territoire"), null=True, blank=True, db_index=True)
    target_type = models.CharField(_("type d'objet"), max_length=100, blank=True)
    target_id = models.PositiveBigIntegerField(_("identifiant de l'objet"), null=True, blank=True)
    target_label = models.CharField(_("objet"), max_length=300, blank=True)
    details = models.JSONField(_("détails"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement du journal")
        verbose_name_plural = _("journal des actions sensibles")
        ordering = ["-created_at", "-id"]
        # Append-only: nobody gets the permission to change or delete an event.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["territory_id", "-created_at"], name="core_audit_territory_recent"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} — {self.target_label or self.target_type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events are never deleted")



class RateCounter(models.Model):
    """One window of a request counter (``core.ratelimit``) when no Redis is configured: a row per
    person (or address) and window, counted up by one atomic upsert, so a limited request costs one
    query and two racing requests are both counted. ``name`` holds a digest, never the person."""

    name = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.name}: {self.count}"
