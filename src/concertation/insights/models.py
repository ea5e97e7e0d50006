"""Governance health (issue 18). The self-assessment of a space: a round, its anonymous answers and,
apart, who has answered (see assessments/services.py for how nothing links them)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel
from concertation.spaces.models import Space

from .assessments.themes import SCORE_FIELDS


class AssessmentRound(BaseModel):
    """A period during which the members of a space answer the self-assessment questionnaire."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="assessment_rounds",
                              verbose_name=_("espace"))
    title = models.CharField(_("titre"), max_length=200)
    opens_on = models.DateField(_("ouverte le"), default=timezone.localdate)
    closes_on = models.DateField(_("fermée le"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("ouverte par"))

    class Meta:
        verbose_name = _("tour d'autoévaluation")
        verbose_name_plural = _("tours d'autoévaluation")
        ordering = ["-opens_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")),
                                              name="insights_round_dates_ordered")]

    def __str__(self):
        return self.title

    def is_open(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on

    def is_closed(self, on=None) -> bool:
        return (on or timezone.localdate()) > self.closes_on


def _score_field(name: str):
    return models.PositiveSmallIntegerField(name)


class AssessmentAnswer(BaseModel):
    """One anonymous answer to a round: no link to the person (see AssessmentReceipt). A random
    primary key; the round's answers are rewritten in the order of their content at each answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="answers")
    roles_clear = _score_field("roles_clear")
    roles_assumed = _score_field("roles_assumed")
    rules_known = _score_field("rules_known")
    rules_applied = _score_field("rules_applied")
    info_in_time = _score_field("info_in_time")
    voices_heard = _score_field("voices_heard")
    minority_heard = _score_field("minority_heard")
    leadership_shared = _score_field("leadership_shared")
    welcome_warm = _score_field("welcome_warm")
    logistics_ready = _score_field("logistics_ready")
    plus = models.TextField(_("un plus"), blank=True)
    delta = models.TextField(_("un delta (à améliorer)"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 5}),
                                   name=f"insights_answer_{name}_1_5")
            for name in SCORE_FIELDS
        ]


class AssessmentReceipt(BaseModel):
    """That a person has answered a round (once), kept apart from what they answered."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="insights_answer_once")]
