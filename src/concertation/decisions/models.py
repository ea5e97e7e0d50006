"""Proposals, their options, ballots, recusals and the discussion of reasons.

A proposal copies its rules from the space's charter when it is created (method, threshold, base,
voting unit, quorum), so that a later charter change never changes a decision already under way.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel
from concertation.directory.models import Organization
from concertation.spaces.decision_methods import method_choices
from concertation.spaces.models import Charter, Space

from . import methods


def default_proposal_method() -> str:
    """Without a charter, a proposal is decided by majority."""
    return methods.MAJORITY


def receipt_code() -> str:
    return secrets.token_hex(6).upper()


class Proposal(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        OPEN = "open", _("Ouverte")
        CLOSED = "closed", _("Fermée")
        DECIDED = "decided", _("Décidée")
        WITHDRAWN = "withdrawn", _("Retirée")

    class ResultsVisibility(models.TextChoices):
        ALWAYS = "always", _("Toujours")
        AFTER_VOTING = "after_voting", _("Après avoir voté")
        AFTER_CLOSING = "after_closing", _("Après la fermeture")

    class Origin(models.TextChoices):
        ONLINE = "online", _("En ligne")
        MEETING = "meeting", _("En rencontre")

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("espace"))
    title = models.CharField(_("titre"), max_length=250)
    body = models.TextField(_("texte de la proposition"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="proposals",
        verbose_name=_("autrice ou auteur"),
    )
    origin = models.CharField(_("lieu de la décision"), max_length=20, choices=Origin.choices, default=Origin.ONLINE)

    # Rules, copied from the charter in force when the proposal is created.
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals",
                                verbose_name=_("charte appliquée"))
    method = models.CharField(_("méthode"), max_length=20, choices=method_choices, default=default_proposal_method)
    fallback_method = models.CharField(_("méthode de repli"), max_length=20, choices=method_choices, blank=True)
    threshold = models.CharField(_("seuil"), max_length=20, choices=Charter.Threshold.choices,
                                 default=Charter.Threshold.SIMPLE)
    threshold_numerator = models.PositiveSmallIntegerField(null=True, blank=True)
    threshold_denominator = models.PositiveSmallIntegerField(null=True, blank=True)
    base = models.CharField(_("base du calcul"), max_length=20, choices=Charter.Base.choices,
                            default=Charter.Base.CAST)
    voting_unit = models.CharField(_("unité de vote"), max_length=20, choices=Charter.VotingUnit.choices,
                                   default=Charter.VotingUnit.PERSON)
    eligible_categories = models.JSONField(_("catégories qui votent"), default=list, blank=True)
    quorum_kind = models.CharField(_("quorum"), max_length=20, choices=Charter.QuorumKind.choices,
                                   default=Charter.QuorumKind.NONE)
    quorum_count = models.PositiveSmallIntegerField(null=True, blank=True)
    quorum_share_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    college_minimums = models.JSONField(default=dict, blank=True)
    double_majority = models.BooleanField(_("double majorité par collège"), default=False)
    consensus_tolerance = models.PositiveSmallIntegerField(default=0)
    method_settings = models.JSONField(
        _("réglages de la méthode"), default=dict, blank=True,
        help_text=_("Par exemple le nombre de sièges (stv), de gommettes (dot) ou de choix (approbation)."),
    )

    opens_at = models.DateTimeField(_("ouverture"), null=True, blank=True)
    closes_at = models.DateTimeField(_("fermeture"), null=True, blank=True)
    anonymous = models.BooleanField(_("vote secret"), default=False)
    results_visibility = models.CharField(_("résultats visibles"), max_length=20,
                                          choices=ResultsVisibility.choices, default=ResultsVisibility.AFTER_VOTING)
    reason_required = models.BooleanField(_("raison obligatoire"), default=False)

    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    round = models.PositiveSmallIntegerField(_("tour"), default=1)
    closed_at = models.DateTimeField(_("fermée le"), null=True, blank=True)
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    # Two figures of ``result`` in columns of their own, kept in step by ``save``: the governance
    # health sums them over thousands of proposals without reading each (large) result.
    result_participants = models.IntegerField(null=True, blank=True, editable=False)
    result_eligible = models.IntegerField(null=True, blank=True, editable=False)
    tie_seed = models.CharField(max_length=40, blank=True)
    outcome = models.TextField(_("décision"), blank=True,
                               help_text=_("La décision telle qu'elle entre au registre."))
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("décision consignée par"))
    dissent = models.TextField(_("dissidences"), blank=True)
    adopts_charter = models.ForeignKey(
        Charter, on_delete=models.SET_NULL, null=True, blank=True, related_name="adopted_by_proposals",
        verbose_name=_("charte adoptée par cette décision"),
    )
    follows = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="followed_by",
        verbose_name=_("fait suite à"), help_text=_("Par exemple le vote de repli après un consensus non atteint."),
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Documents of the space's library joined to the proposal (knowledge.Document, issue 15).
    documents = models.ManyToManyField("knowledge.Document", blank=True, related_name="proposals",
                                       verbose_name=_("documents"))

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "closes_at"]),
            # The decisions of a space newest first (registers, pages), with, after, everything the
            # governance health's participation reads (no visit of the rows). One index: a second one
            # on (space, status) led SQLite to sort every decision of the public page to show ten.
            models.Index(fields=["space", "status", "-decided_at", "closed_at", "result_participants",
                                 "result_eligible"], name="decisions_proposal_decided"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="decisions_proposal_closes_after_opening",
            ),
        ]

    def __str__(self):
        return self.title

    def keep_turnout(self) -> None:
        """Copy the result's ``participants`` and ``eligible`` (counts, else None) into their columns
        (done by ``save``; a ``bulk_update`` of ``result`` calls it first)."""
        result = self.result if isinstance(self.result, dict) else {}
        self.result_participants, self.result_eligible = (
            value if isinstance(value, int) else None
            for value in (result.get("participants"), result.get("eligible")))

    def save(self, *args, **kwargs):
        self.keep_turnout()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "result" in update_fields:
            kwargs["update_fields"] = {*update_fields, "result_participants", "result_eligible"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def documents_may_change(self) -> bool:
        """Documents are joined or taken off while the proposal is written and voted; once it is closed,
        decided or withdrawn they are part of its record."""
        return self.status in (self.Status.DRAFT, self.Status.OPEN)

    def accepting_ballots(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.OPEN
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )


class ProposalVersion(BaseModel):
    """The text of each version: an amendment creates a new one; earlier ones stay readable."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("titre"), max_length=250)
    body = models.TextField(_("texte"), blank=True)
    reason = models.TextField(_("raison de l'amendement"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("version de proposition")
        verbose_name_plural = _("versions de proposition")
        ordering = ["proposal", "number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="decisions_version_unique")]


class ProposalRound(BaseModel):
    """A closed round of consent or consensus, kept as history when an amendment opens a new one."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("tour"))
    version = models.PositiveSmallIntegerField(_("version"))
    result = models.JSONField(default=dict)
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal", "number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="decisions_round_unique")]


class Option(BaseModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["proposal", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "label"], name="decisions_option_unique_label")]

    def __str__(self):
        return self.label


class Ballot(BaseModel):
    """One ballot per voter (a person, or an organization through its delegate or alternate) and
    round. ``voter_key`` is "u:<person>" or "o:<organization>": the unique constraint on it is what
    makes a second ballot replace the first instead of adding to it, even under concurrency.
    When a secret vote closes, its ballots are sealed (decisions/secrecy.py): written again with
    nothing that links them to a voter. ``counted`` is set at closing: whether the count took it.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ballots")
    round = models.PositiveSmallIntegerField(default=1)
    voter_key = models.CharField(max_length=40)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="ballots")
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="ballots")
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    college_slug = models.CharField(max_length=60, blank=True)
    value = models.JSONField()
    reason = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    receipt = models.CharField(max_length=16, default=receipt_code, unique=True)
    cast_at = models.DateTimeField(default=timezone.now)
    counted = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "round", "voter_key"], name="decisions_one_ballot_per_voter"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="decisions_ballot_weight_positive"),
        ]


class Participation(BaseModel):
    """Who took part in a round (kept even when the ballot itself is anonymous)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="participations")
    round = models.PositiveSmallIntegerField(default=1)
    voter_key = models.CharField(max_length=40)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    college_slug = models.CharField(max_length=60, blank=True)
    first_cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "round", "voter_key"],
                                    name="decisions_one_participation_per_voter"),
        ]


class Recusal(BaseModel):
    """A declared conflict of interest: the person or organization is left out of the vote."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="recusals")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+")
    reason = models.CharField(_("raison"), max_length=300, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("retrait pour conflit d'intérêts")
        verbose_name_plural = _("retraits pour conflit d'intérêts")
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False) | Q(organization__isnull=False),
                                   name="decisions_recusal_has_someone"),
            models.UniqueConstraint(fields=["proposal", "person"], condition=Q(person__isnull=False),
                                    name="decisions_recusal_person_once"),
            models.UniqueConstraint(fields=["proposal", "organization"], condition=Q(organization__isnull=False),
                                    name="decisions_recusal_organization_once"),
        ]

    @property
    def voter_key(self) -> str:
        return f"o:{self.organization_id}" if self.organization_id else f"u:{self.person_id}"
