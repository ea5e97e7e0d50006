"""What notifications keep about a person, and for how long (Law 25, issue 19): the person's
notifications and preferences in her data export (accounts/personal_data.py), and the daily sweep
that deletes notifications older than RETENTION_NOTIFICATIONS_DAYS (with their deliveries and the
digests' records of the same age)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from concertation.accounts import personal_data

from .models import DigestDelivery, Notification, Preference
from .registry import register_daily

BATCH = 2000


def _delete_in_batches(queryset) -> int:
    """Delete in batches of ids: a first sweep over a year of notifications stays small in memory."""
    deleted = 0
    while ids := list(queryset.order_by().values_list("pk", flat=True)[:BATCH]):
        queryset.model._default_manager.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted


def notifications_retention_sweep(now) -> int:
    """Delete what is older than the retention (none with 0); run again, it finds nothing more."""
    days = settings.RETENTION_NOTIFICATIONS_DAYS
    if not days:
        return 0
    cutoff = now - timedelta(days=days)
    deleted = _delete_in_batches(Notification.objects.filter(created_at__lt=cutoff))
    _delete_in_batches(DigestDelivery.objects.filter(until__lt=cutoff))
    return deleted


def _notifications(user):
    return (Notification.objects.filter(recipient=user).order_by("created_at", "pk")
            .values("created_at", "event", "category", "link", "read_at", "emailed_at"))


def _preferences(user):
    return Preference.objects.filter(person=user).order_by("category").values("category", "delivery")


def register() -> None:
    register_daily("notifications.retention", notifications_retention_sweep)
    personal_data.register(
        "notifications.notifications", label=_("Vos notifications"), rows=_notifications,
        note=_("Leur type, leur lien et leurs dates; pas le texte, qui nomme parfois d'autres personnes."))
    personal_data.register("notifications.preferences", label=_("Vos préférences de notification"),
                           rows=_preferences)
