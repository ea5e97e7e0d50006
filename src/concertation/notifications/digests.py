"""Daily and weekly digests: one e-mail per person with everything since their last digest in the
categories they want that way, grouped by space (Group), in their language; nothing when there is
nothing to say.

A run is idempotent and resumable: its cut-off (``until``) is stored once (DigestRun) and each
person's digest is claimed (DigestDelivery, unique on person, period and period key) before it is
sent. A run started twice, or restarted after a crash, skips the claimed people: nobody receives a
digest twice. People are taken in batches; the queries of a batch do not grow with its size except
one small update per e-mail sent, and one query per person whose digest names an event with a
``visible`` hook (the person's access summary, spaces/access.py: what they may still see; see
benchmarks/digest.py)."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db.models import F, Max
from django.utils import timezone, translation

from . import registry
from .context import has_deleted, load_objects, restore
from .delivery import record_failure
from .email import build_email
from .models import DigestDelivery, DigestRun, Notification
from .preferences import preferences_of
from .selectors import line_of
from .urls_absolute import absolute
from .visibility import still_visible

logger = logging.getLogger("concertation")
BATCH_SIZE = 200
LENGTH = {registry.DAILY: timedelta(days=1), registry.WEEKLY: timedelta(days=7)}
# How far back a first digest, or one after a long outage, may reach.
LOOKBACK = timedelta(days=31)


def period_key(period: str, now: datetime) -> str:
    day = timezone.localtime(now).date()
    if period == registry.DAILY:
        return day.isoformat()
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def is_due(period: str, now: datetime) -> bool:
    """Daily: from DIGEST_HOUR each day; weekly: from DIGEST_HOUR on DIGEST_WEEKDAY (0 = Monday)."""
    local = timezone.localtime(now)
    if local.hour < settings.NOTIFICATIONS_DIGEST_HOUR:
        return False
    return period == registry.DAILY or local.weekday() == settings.NOTIFICATIONS_DIGEST_WEEKDAY


def _grouped(items) -> list[dict]:
    """[(notification, line)] → groups ordered by label, items oldest first; the ungrouped last."""
    groups: dict[str, dict] = {}
    for notification, line in items:
        group = groups.setdefault(notification.group_key, {
            "key": notification.group_key, "label": notification.group_label,
            "link": absolute(notification.group_link), "items": []})
        group["items"].append({"line": line, "link": absolute(notification.link),
                               "created_at": notification.created_at})
    return sorted(groups.values(), key=lambda g: (g["key"] == "", str(g["label"]).casefold()))


def digest_email(person, period: str, notifications, objects):
    """The digest e-mail of one person, or None when none of the notifications can be shown."""
    language = person.preferred_language or settings.LANGUAGE_CODE
    items = []
    with translation.override(language):
        for notification in notifications:
            context = restore(notification.context, objects)
            if has_deleted(context) or not still_visible(notification, context, person):
                continue
            items.append((notification, line_of(notification, context, person)))
    if not items:
        return None, 0
    context = {"period": period, "groups": _grouped(items), "count": len(items),
               "link": absolute(_centre_path())}
    message = build_email(to=person, template="notifications/email/digest", context=context,
                          category=f"digest:{period}", language=language)
    return message, len(items)


def _centre_path() -> str:
    from django.urls import reverse

    return reverse("notifications:centre")


def _candidates(period: str, key: str, until: datetime) -> list[int]:
    """People with something not e-mailed yet before ``until`` and no digest claimed for this period."""
    # A claim not started yet (its run stopped before its turn) is taken up again; one started is not
    # (the e-mail may have left), and one that failed waits for its retry (retry_due_digests).
    claimed = DigestDelivery.objects.filter(period=period, period_key=key).exclude(
        attempts=0, sent_at__isnull=True, next_attempt_at__isnull=True).values("person_id")
    optional = [c.key for c in registry.optional_categories()]
    return list(Notification.objects.filter(emailed_at__isnull=True, created_at__lte=until,
                                            created_at__gt=until - LOOKBACK, category__in=optional,
                                            recipient__is_active=True)
                .exclude(recipient_id__in=claimed).order_by("recipient_id")
                .values_list("recipient_id", flat=True).distinct())


def _batch(period: str, key: str, until: datetime, person_ids: list[int], connection) -> int:
    people = {p.pk: p for p in get_user_model().objects.filter(pk__in=person_ids, is_active=True).exclude(email="")}
    saved = preferences_of(person_ids)
    last = dict(DigestDelivery.objects.filter(person_id__in=person_ids, period=period, sent_at__isnull=False,
                                                until__lt=until)
                .values("person_id").annotate(last=Max("until")).values_list("person_id", "last"))
    rows = (Notification.objects.filter(recipient_id__in=list(people), emailed_at__isnull=True,
                                        created_at__lte=until, created_at__gt=until - LOOKBACK)
            .order_by("created_at", "pk"))
    mine: dict[int, list] = defaultdict(list)
    since_of = {}
    for notification in rows:
        person_id = notification.recipient_id
        since = since_of.setdefault(person_id, last.get(person_id) or until - LENGTH[period])
        if notification.created_at <= since:
            continue
        cat = registry.find_category(notification.category)
        if cat is None or not cat.optional:
            continue
        if saved.get(person_id, {}).get(cat.key, cat.default) == period:
            mine[person_id].append(notification)
    if not mine:
        return 0
    claim = uuid.uuid4().hex
    now = timezone.now()
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(person_id=pk, period=period, period_key=key, since=since_of[pk], until=until,
                        claim=claim, claimed_at=now) for pk in mine], ignore_conflicts=True)
    DigestDelivery.objects.filter(person_id__in=list(mine), period=period, period_key=key, attempts=0,
                                  sent_at__isnull=True, next_attempt_at__isnull=True).update(claim=claim)
    claimed = {row.person_id: row for row in DigestDelivery.objects.filter(
        person_id__in=list(mine), period=period, period_key=key, claim=claim, attempts=0)}
    objects = load_objects([n.context for pk in claimed for n in mine[pk]])
    sent, emailed = 0, []
    for person_id, delivery in claimed.items():
        if _send(delivery, people[person_id], period, mine[person_id], objects, connection):
            sent += 1
            emailed += [n.pk for n in mine[person_id]]
    if emailed:
        Notification.objects.filter(pk__in=emailed).update(emailed_at=timezone.now())
    return sent


def _send(delivery: DigestDelivery, person, period: str, notifications, objects, connection) -> bool:
    # Start it (a conditional update: of two workers holding the same claim, one sends).
    started = DigestDelivery.objects.filter(pk=delivery.pk, claim=delivery.claim, attempts=delivery.attempts,
                                            sent_at__isnull=True).update(attempts=F("attempts") + 1)
    if not started:
        return False
    delivery.attempts += 1
    try:
        message, count = digest_email(person, period, notifications, objects)
        if message is None:
            DigestDelivery.objects.filter(pk=delivery.pk).update(last_error="nothing to show")
            return False
        message.connection = connection
        message.send()
    except Exception as error:  # noqa: BLE001 — recorded, and tried again later
        record_failure(delivery, error, counted=True)
        return False
    DigestDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now(), count=count)
    return True


def run_digest(period: str, now: datetime | None = None, *, batch_size: int = BATCH_SIZE) -> int:
    """Send the ``period`` digest of the period containing ``now``; returns how many left. Calling it
    again for the same period sends only to those not claimed yet (none after a complete run)."""
    if period not in registry.DIGEST_PERIODS:
        raise ValueError(period)
    now = now or timezone.now()
    key = period_key(period, now)
    run, _ = DigestRun.objects.get_or_create(kind=f"digest:{period}", period_key=key, defaults={"until": now})
    candidates = _candidates(period, key, run.until)
    sent = 0
    with get_connection() as connection:
        for start in range(0, len(candidates), batch_size):
            sent += _batch(period, key, run.until, candidates[start:start + batch_size], connection)
    DigestRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), sent=run.sent + sent)
    logger.info("digest %s %s: %s e-mails", period, key, sent)
    return sent


def retry_due_digests(now=None) -> int:
    """Send again the digests whose send failed, once their pause is over."""
    now = now or timezone.now()
    due = list(DigestDelivery.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
               .select_related("person")[:200])
    sent = 0
    with get_connection() as connection:
        for delivery in due:
            if not delivery.person.is_active or not delivery.person.email:  # deactivated or erased since
                DigestDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None, last_error="no recipient")
                continue
            taken = DigestDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True,
                                                  next_attempt_at=delivery.next_attempt_at).update(
                next_attempt_at=None, claimed_at=now)
            if not taken:
                continue
            notifications = list(Notification.objects.filter(
                recipient_id=delivery.person_id, emailed_at__isnull=True, created_at__gt=delivery.since,
                created_at__lte=delivery.until).order_by("created_at", "pk"))
            saved = preferences_of([delivery.person_id]).get(delivery.person_id, {})
            notifications = [n for n in notifications if registry.is_optional(n.category)
                             and saved.get(n.category, registry.category(n.category).default) == delivery.period]
            objects = load_objects([n.context for n in notifications])
            if _send(delivery, delivery.person, delivery.period, notifications, objects, connection):
                sent += 1
                Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
    return sent
