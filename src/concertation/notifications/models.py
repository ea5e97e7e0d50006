from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel


class Notification(BaseModel):
    """Something that happened, told to one person: shown in their centre, e-mailed at once or in
    a digest according to their preference for its category."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=64)
    category = models.CharField(max_length=32)
    context = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=500, blank=True)
    group_key = models.CharField(max_length=100, blank=True)
    group_label = models.CharField(max_length=255, blank=True)
    group_link = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    once_key = models.CharField(max_length=200, blank=True)

    ERASED_WITH_PERSON = ("recipient",)  # accounts.services.user_erase: one's inbox goes with one's account

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event", "once_key"], condition=~Q(once_key=""),
                                    name="notifications_notify_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read"),
            models.Index(fields=["recipient", "created_at"], name="notif_recipient_created"),
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient_id}"


class Delivery(BaseModel):
    """One e-mail of one notification: the row claims the send (unique), so it leaves once; a
    failed send is recorded and tried again after a pause that doubles (``next_attempt_at``)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=16, default="email")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notifications_delivery_once"),
        ]
        indexes = [models.Index(fields=["next_attempt_at"], name="notif_delivery_retry")]


class Preference(BaseModel):
    """How a person wants one category: at once, in a daily or weekly digest, or never. No row: the
    category's default."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("Immédiatement")
        DAILY = "daily", _("Résumé quotidien")
        WEEKLY = "weekly", _("Résumé hebdomadaire")
        NEVER = "never", _("Jamais")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    category = models.CharField(max_length=32)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    ERASED_WITH_PERSON = ("person",)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "category"], name="notifications_preference_once"),
        ]


class DigestRun(BaseModel):
    """One scheduled run (a daily or weekly digest, a daily sweep) for one period: the scheduler
    starts each once, and a run that stopped midway is finished by the next call."""

    kind = models.CharField(max_length=80)
    period_key = models.CharField(max_length=20)
    until = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_key"], name="notifications_run_once"),
        ]


class DigestDelivery(BaseModel):
    """The digest of one person for one period, claimed before it is sent: a run started twice, or
    restarted after a crash, never sends it twice. ``until`` is where the next digest starts."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10)
    period_key = models.CharField(max_length=20)
    since = models.DateTimeField(null=True, blank=True)
    until = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True)  # the run that claimed it (rows claimed in bulk)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "period", "period_key"], name="notifications_digest_once"),
        ]
        indexes = [models.Index(fields=["next_attempt_at"], name="notif_digest_retry")]
