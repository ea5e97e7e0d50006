"""What the scheduler runs: the daily sweeps the apps registered, the digests that are due, and the
retries of failed e-mails. `concertation worker` calls ``run_due`` every minute (its periodic duties,
through `concertation notifications_run`); a cron line calling the same command does as well.

Each daily sweep and each digest runs once per period (a DigestRun row), from the digest hour on;
a run that stopped midway (a crash) is taken up again by the next call and sends only what is left."""

from __future__ import annotations

import logging

from django.utils import timezone

from . import registry
from .delivery import retry_due
from .digests import is_due, period_key, retry_due_digests, run_digest
from .models import DigestRun

logger = logging.getLogger("concertation")


def run_sweeps(now=None, *, force: bool = False) -> int:
    """The apps' daily sweeps not run yet today (each marked done only once it succeeded)."""
    now = now or timezone.now()
    if not force and not is_due(registry.DAILY, now):
        return 0
    day = period_key(registry.DAILY, now)
    done = 0
    for key, func in registry.dailies().items():
        run, _ = DigestRun.objects.get_or_create(kind=f"sweep:{key}", period_key=day, defaults={"until": now})
        if run.finished_at is not None:
            continue
        try:
            count = func(now)
        except Exception:  # noqa: BLE001 — one app's sweep must not stop the others; tried again next call
            logger.exception("daily sweep %s failed", key)
            continue
        DigestRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), sent=count or 0)
        done += 1
    return done


def run_digests(periods, now=None, *, force: bool = False) -> int:
    now = now or timezone.now()
    sent = 0
    for period in periods:
        if not force:
            if not is_due(period, now):
                continue
            if DigestRun.objects.filter(kind=f"digest:{period}", period_key=period_key(period, now),
                                        finished_at__isnull=False).exists():
                continue
        sent += run_digest(period, now)
    return sent


def run_due(now=None) -> dict[str, int]:
    """Each duty on its own: a digest that crashes midway (finished by a later call) does not hold
    back the retries of failed e-mails, nor they the digests."""
    now = now or timezone.now()
    return {
        "sweeps": _guarded("sweeps", run_sweeps, now),
        "digests": _guarded("digests", run_digests, registry.DIGEST_PERIODS, now),
        "retried": _guarded("retries", retry_due, now) + _guarded("digest retries", retry_due_digests, now),
    }


def _guarded(name, func, *args) -> int:
    try:
        return func(*args)
    except Exception:  # noqa: BLE001 — logged; the next call (a minute later) takes it up again
        logger.exception("notifications: %s failed", name)
        return 0
