"""The plan loop: priorities → objectives → strategies → activities, indicators and measurements,
and the revisions that trace every change of an adopted plan to the decision that made it."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel
from concertation.decisions.models import Proposal
from concertation.directory.models import Organization
from concertation.knowledge.models import Figure
from concertation.spaces.models import Space


class Plan(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        ADOPTED = "adopted", _("Adopté")
        ARCHIVED = "archived", _("Archivé")

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="plans", verbose_name=_("espace"))
    title = models.CharField(_("titre"), max_length=250)
    starts_on = models.DateField(_("début de la période"))
    ends_on = models.DateField(_("fin de la période"))
    vision = models.TextField(_("vision"), blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(_("adopté le"), null=True, blank=True)
    adopted_by = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("décision d'adoption"))

    class Meta:
        verbose_name = _("plan d'action")
        verbose_name_plural = _("plans d'action")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="planning_plan_period_ordered"),
            models.CheckConstraint(condition=~Q(status="adopted") | Q(adopted_on__isnull=False),
                                   name="planning_plan_adopted_has_date"),
        ]

    def __str__(self):
        return self.title


class Priority(BaseModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    position = models.PositiveIntegerField(_("ordre"), default=0)
    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("priorité")
        verbose_name_plural = _("priorités")
        ordering = ["plan", "position", "id"]


class Objective(BaseModel):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveIntegerField(_("ordre"), default=0)
    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    # The portrait's figures this objective answers (planning/citations.py): not part of the plan's
    # revisions, like a document attached.
    figures = models.ManyToManyField(Figure, blank=True, related_name="citing_objectives",
                                     verbose_name=_("chiffres cités"))

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["priority", "position", "id"]


class Strategy(BaseModel):
    """A strategy serves one objective, or the whole plan when it is cross-cutting."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="strategies")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="strategies", help_text=_("Vide pour une stratégie transversale."))
    position = models.PositiveIntegerField(_("ordre"), default=0)
    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("stratégie")
        verbose_name_plural = _("stratégies")
        ordering = ["plan", "objective", "position", "id"]

    @property
    def cross_cutting(self) -> bool:
        return self.objective_id is None


class Activity(BaseModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Réalisée")
        ON_HOLD = "on_hold", _("En pause")
        CANCELLED = "cancelled", _("Annulée")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveIntegerField(_("ordre"), default=0)
    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="led_activities", verbose_name=_("porteur"))
    co_leads = models.ManyToManyField(Organization, blank=True, related_name="co_led_activities",
                                      verbose_name=_("coporteurs"))
    partners = models.ManyToManyField(Organization, blank=True, related_name="partner_activities",
                                      verbose_name=_("partenaires"))
    budget_amount = models.DecimalField(_("budget ($)"), max_digits=12, decimal_places=2, null=True, blank=True)
    funder = models.CharField(_("bailleur de fonds"), max_length=200, blank=True)
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    working_group = models.ForeignKey(Space, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="followed_activities", verbose_name=_("comité qui suit"))
    # Documents of the space's library joined to the action (knowledge.Document, issue 15).
    documents = models.ManyToManyField("knowledge.Document", blank=True, related_name="activities",
                                       verbose_name=_("documents"))

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["strategy", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True)
                                   | Q(ends_on__gte=F("starts_on")), name="planning_activity_dates_ordered"),
            models.CheckConstraint(condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                                   name="planning_activity_budget_positive"),
        ]
        # The governance health reads every action of a territory's plans (insights/metrics/
        # activities.py): the columns it filters on and reads, so that the actions' rows are not read;
        # the plan's activities by strategy and status (followup.skeleton) come from its start too.
        # An activity's rank among those of its strategy (followup.sibling_rank and the written
        # statements of the dashboard and the bilan) counts its siblings from the second alone.
        indexes = [models.Index(fields=["strategy", "status", "starts_on", "ends_on", "lead"],
                                name="planning_activity_counted"),
                   models.Index(fields=["strategy", "position"], name="planning_activity_rank")]


class ProgressUpdate(BaseModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    text = models.TextField(_("avancement"))
    percent = models.PositiveSmallIntegerField(_("pourcentage réalisé"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(percent__isnull=True) | Q(percent__lte=100),
                                              name="planning_update_percent_max_100")]


class Indicator(BaseModel):
    class Direction(models.TextChoices):
        INCREASE = "increase", _("À la hausse")
        DECREASE = "decrease", _("À la baisse")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Chaque mois")
        QUARTERLY = "quarterly", _("Chaque trimestre")
        YEARLY = "yearly", _("Chaque année")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="indicators")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators")
    name = models.CharField(_("nom"), max_length=250)
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    baseline_value = models.DecimalField(_("valeur de départ"), max_digits=14, decimal_places=4, null=True,
                                         blank=True)
    baseline_date = models.DateField(_("date de la valeur de départ"), null=True, blank=True)
    target_value = models.DecimalField(_("cible"), max_digits=14, decimal_places=4)
    target_date = models.DateField(_("date de la cible"))
    direction = models.CharField(_("sens souhaité"), max_length=10, choices=Direction.choices,
                                 default=Direction.INCREASE)
    frequency = models.CharField(_("fréquence de mesure"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.YEARLY)
    source = models.CharField(_("source"), max_length=250, blank=True)
    responsible = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="indicators", verbose_name=_("organisme responsable"))
    position = models.PositiveIntegerField(_("ordre"), default=0)
    figures = models.ManyToManyField(Figure, blank=True, related_name="citing_indicators",
                                     verbose_name=_("chiffres cités"))

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~(Q(objective__isnull=False) & Q(activity__isnull=False)),
                                   name="planning_indicator_one_level"),
        ]


class Measurement(BaseModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField(_("date"))
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=4)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("saisie par"))

    class Meta:
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        ordering = ["indicator", "date"]
        constraints = [models.UniqueConstraint(fields=["indicator", "date"], name="planning_one_measure_per_date")]
        # An indicator's first and latest measurement (followup.INDICATOR_SQL) read from the index:
        # its value without a visit to the table.
        indexes = [models.Index(fields=["indicator", "date", "value"], name="planning_measurement_by_date")]


STORED_DAY = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")


class Revision(BaseModel):
    """One change of an adopted plan: what, the field-level diff, why, who, and which decision.

    ``before`` and ``after`` are snapshots of the item's fields (None when added or removed), so the
    plan can be rebuilt "as it was on" any date by undoing later revisions.
    """

    class Action(models.TextChoices):
        ADD = "add", _("Ajout")
        EDIT = "edit", _("Modification")
        REMOVE = "remove", _("Retrait")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    item_type = models.CharField(max_length=20)  # priority, objective, strategy, activity, indicator
    item_id = models.PositiveBigIntegerField()
    item_label = models.CharField(max_length=300)
    action = models.CharField(_("changement"), max_length=10, choices=Action.choices)
    diff = models.JSONField(default=dict, help_text="{field: [before, after]}")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(_("raison"))
    decision = models.ForeignKey(Proposal, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="plan_revisions", verbose_name=_("décision qui l'autorise"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    made_at = models.DateTimeField(_("le"))


    @property
    def shown_label(self) -> str:
        """The item's label as people read it: a measurement's date (stored as « Name (2025-03-31) »,
        the same in every language) written out in the reader's language."""
        found = STORED_DAY.search(self.item_label or "")
        if found is None:
            return self.item_label
        from concertation.core.formatting import day

        return f"{self.item_label[:found.start()]}({day(date.fromisoformat(found[1]), weekday=False)})"

    class Meta:
        verbose_name = _("révision du plan")
        verbose_name_plural = _("révisions du plan")
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["plan", "item_type", "item_id"]), models.Index(fields=["plan", "-made_at"])]


class ActivityPracticeSheet(BaseModel):
    """The activity a practice sheet (knowledge) tells about: at most one activity a sheet, any number
    of sheets an activity. Kept here because knowledge sits below planning and never names it
    (planning/practice_sheets.py registers what knowledge needs to show and set it)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="practice_sheet_links",
                                 verbose_name=_("action"))
    sheet = models.OneToOneField("knowledge.PracticeSheet", on_delete=models.CASCADE, related_name="activity_link",
                                 verbose_name=_("fiche d'expérience"))

    class Meta:
        verbose_name = _("fiche d'expérience d'une action")
        verbose_name_plural = _("fiches d'expérience des actions")
