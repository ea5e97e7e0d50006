"""What the self-assessment tells people, through the notifications layer: a round opened (to the
people who take part in the space) and, three days before its end, a reminder to those who have not
answered yet (a daily sweep, once per round and person). ``register()`` runs from apps.py."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.notifications.api import notify, register_daily, register_event
from concertation.spaces.audience import space_audience
from concertation.spaces.events import space_group, space_visible

REMINDER_BEFORE = timedelta(days=3)  # the reminder goes out when the round closes within this


def register() -> None:
    register_event("insights.round_opened", category="announcements", label=_("Autoévaluation ouverte"),
                   template="insights/assessments/notifications/round_opened", visible=space_visible)
    register_event("insights.round_closing", category="announcements", label=_("Autoévaluation : dernier rappel"),
                   template="insights/assessments/notifications/round_closing", visible=space_visible)
    register_daily("insights.rounds_closing", rounds_closing_sweep)


def round_path(assessment_round) -> str:
    space = assessment_round.space
    return reverse("assessments:answer", kwargs={"territory": space.territory.slug, "space": space.slug,
                                                 "pk": assessment_round.pk})


def _context(assessment_round) -> dict:
    return {"round": assessment_round, "space": assessment_round.space, "title": assessment_round.title,
            "space_name": assessment_round.space.name, "opens_on": assessment_round.opens_on,
            "closes_on": assessment_round.closes_on}


def notify_round_opened(assessment_round, *, by) -> int:
    """Tell who takes part in the space that a round is open (once per round and person)."""
    space = assessment_round.space
    return notify("insights.round_opened", recipients=space_audience(space), context=_context(assessment_round),
                  link=round_path(assessment_round), group=space_group(space), actor=by,
                  once_key=f"round:{assessment_round.pk}")


def rounds_closing_sweep(now) -> int:
    """Once a day: each open round that closes within three days reminds those who have not answered."""
    from .models import AssessmentReceipt, AssessmentRound

    today = timezone.localdate(now)
    told = 0
    rounds = (AssessmentRound.objects.filter(opens_on__lte=today, closes_on__gte=today,
                                             closes_on__lte=today + REMINDER_BEFORE)
              .select_related("space__territory").order_by("closes_on", "pk"))
    for assessment_round in rounds:
        answered = AssessmentReceipt.objects.filter(round=assessment_round).values("person_id")
        people = space_audience(assessment_round.space).exclude(pk__in=answered)
        told += notify("insights.round_closing", recipients=people, context=_context(assessment_round),
                       link=round_path(assessment_round), group=space_group(assessment_round.space),
                       once_key=f"round:{assessment_round.pk}:reminder")
    return told
