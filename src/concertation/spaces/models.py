"""Spaces of concertation: the tree, who sits there, who holds which role, and the rules."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel
from concertation.directory.models import College, Organization, Territory

from .decision_methods import (
    METHOD_CHOICES,
    default_fallback_method,
    default_method,
    method_choices,
)


class Space(BaseModel):
    class Kind(models.TextChoices):
        TABLE = "table", _("Table de concertation")
        ASSEMBLY = "assembly", _("Assemblée des partenaires")
        COORDINATION_COMMITTEE = "coordination_committee", _("Comité de coordination")
        WORKING_GROUP = "working_group", _("Comité de travail")
        AD_HOC_COMMITTEE = "ad_hoc_committee", _("Comité ad hoc")
        BOARD = "board", _("Conseil d'administration")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        TERRITORY = "territory", _("Membres du territoire")
        MEMBERS = "members", _("Membres de l'espace")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Actif")
        DORMANT = "dormant", _("En veille")
        CLOSED = "closed", _("Fermé")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="spaces", verbose_name=_("territoire"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("espace parent")
    )
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=80)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.WORKING_GROUP)
    mandate = models.TextField(_("mandat"), blank=True, help_text=_("Pourquoi cet espace existe et ce qu'il décide."))
    visibility = models.CharField(_("visibilité"), max_length=20, choices=Visibility.choices, default=Visibility.TERRITORY)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("espace")
        verbose_name_plural = _("espaces")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="spaces_space_unique_slug"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="spaces_space_not_own_parent"),
        ]

    def __str__(self):
        return self.name


class MembershipCategory(models.TextChoices):
    VOTING = "voting", _("Membre votant")
    OBSERVER = "observer", _("Observateur")
    GUEST = "guest", _("Invité")


# The category said to the person herself (« vous participez comme … »): full doublets (UX.md), since
# the application does not know her gender; the labels above name a seat (often an organisme).
PERSON_CATEGORY_LABELS = {
    MembershipCategory.VOTING: _("membre votante ou votant"),
    MembershipCategory.OBSERVER: _("observatrice ou observateur"),
    MembershipCategory.GUEST: _("invitée ou invité"),
}


class Membership(BaseModel):
    """An organization (through its delegates) or a person (a citizen) sits in a space."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("espace"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("organisme")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("personne (citoyenne ou citoyen)"),
    )
    college = models.ForeignKey(
        College,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("collège"),
        help_text=_("Par défaut, le collège de l'organisme."),
    )
    category = models.CharField(
        _("catégorie"), max_length=20, choices=MembershipCategory.choices, default=MembershipCategory.VOTING
    )
    start = models.DateField(_("début"), default=timezone.localdate)
    end = models.DateField(_("fin"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(person__isnull=True))
                | (Q(organization__isnull=True) & Q(person__isnull=False)),
                name="spaces_membership_organization_xor_person",
            ),
            models.UniqueConstraint(fields=["space", "organization"], name="spaces_membership_organization_once"),
            models.UniqueConstraint(fields=["space", "person"], name="spaces_membership_person_once"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="spaces_membership_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.member_name} — {self.space}"

    @property
    def member_name(self):
        return str(self.organization) if self.organization_id else str(self.person)

    @property
    def is_citizen(self):
        return self.person_id is not None

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.start <= on and (self.end is None or self.end >= on)


class Delegation(BaseModel):
    """The person who speaks and votes for a member organization: its delegate or alternate."""

    class Kind(models.TextChoices):
        DELEGATE = "delegate", _("Personne déléguée")
        ALTERNATE = "alternate", _("Substitut")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="delegations", verbose_name=_("adhésion"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations", verbose_name=_("personne")
    )
    kind = models.CharField(_("rôle"), max_length=20, choices=Kind.choices)
    start = models.DateField(_("début"), default=timezone.localdate)
    end = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("délégation")
        verbose_name_plural = _("délégations")
        constraints = [
            # One delegate and one alternate per member organization at a time.
            models.UniqueConstraint(
                fields=["membership", "kind"], condition=Q(end__isnull=True), name="spaces_delegation_one_current_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="spaces_delegation_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_kind_display()}) — {self.membership}"


class Role(BaseModel):
    class Kind(models.TextChoices):
        COORDINATION = "coordination", _("Coordination")
        CO_CHAIR = "co_chair", _("Coprésidence")
        FACILITATION = "facilitation", _("Animation")
        SECRETARY = "secretary", _("Secrétariat")
        TIMEKEEPER = "timekeeper", _("Gardienne ou gardien du temps")
        SPOKESPERSON = "spokesperson", _("Porte-parole")
        TREASURER = "treasurer", _("Trésorerie")
        FISCAL_SPONSOR = "fiscal_sponsor", _("Fiduciaire")
        OTHER = "other", _("Autre")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="roles", verbose_name=_("espace"))
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    purpose = models.TextField(_("raison d'être"), blank=True)
    responsibilities = models.TextField(_("responsabilités"), blank=True)
    term_months = models.PositiveSmallIntegerField(_("durée du mandat (mois)"), null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("nombre de sièges"), default=1)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("rôle")
        verbose_name_plural = _("rôles")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["space", "name"], name="spaces_role_unique_name"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="spaces_role_at_least_one_seat"),
        ]

    def __str__(self):
        return f"{self.name} — {self.space}"


class RoleAssignment(BaseModel):
    class EndReason(models.TextChoices):
        TERM_COMPLETED = "term_completed", _("Fin du mandat")
        RESIGNED = "resigned", _("Démission")
        REPLACED = "replaced", _("Remplacement")
        LEFT_ORGANIZATION = "left_organization", _("Départ de l'organisme")
        OTHER = "other", _("Autre")

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("rôle"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("personne"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("organisme"),
    )
    start = models.DateField(_("début du mandat"), default=timezone.localdate)
    end = models.DateField(_("fin du mandat"), null=True, blank=True)
    ended_on = models.DateField(_("terminé le"), null=True, blank=True)
    end_reason = models.CharField(_("raison de la fin"), max_length=30, choices=EndReason.choices, blank=True)

    class Meta:
        verbose_name = _("attribution de rôle")
        verbose_name_plural = _("attributions de rôle")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organization__isnull=False),
                name="spaces_assignment_has_holder",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="spaces_assignment_term_ordered"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start")),
                name="spaces_assignment_ended_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""), name="spaces_assignment_end_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.holder_name} — {self.role.name}"

    @property
    def holder_name(self):
        if self.person_id and self.organization_id:
            return f"{self.person} ({self.organization.short_name})"
        return str(self.person or self.organization)

    def is_current(self, on=None):
        on = on or timezone.localdate()
        if self.ended_on is not None and self.ended_on <= on:
            return False
        return self.start <= on and (self.end is None or self.end >= on)

    def ends_soon(self, on=None, days=30):
        on = on or timezone.localdate()
        return self.is_current(on) and self.end is not None and self.end <= on + timedelta(days=days)


def default_reserved_plan_changes() -> list[str]:
    """The plan changes a new charter reserves to a decision: planning says which (plan_changes.py)."""
    from .plan_changes import reserved_by_default

    return reserved_by_default()


class Charter(BaseModel):
    """The decision rules of a space, versioned: a new version replaces the one in force."""

    class VotingUnit(models.TextChoices):
        PERSON = "person", _("Une voix par personne")
        ORGANIZATION = "organization", _("Une voix par organisme")

    class Threshold(models.TextChoices):
        SIMPLE = "simple", _("Majorité simple")
        ABSOLUTE = "absolute", _("Majorité absolue")
        TWO_THIRDS = "two_thirds", _("Deux tiers")
        CUSTOM = "custom", _("Autre fraction")

    class Base(models.TextChoices):
        CAST = "cast", _("Voix exprimées")
        PRESENT = "present", _("Membres votants présents")
        ELIGIBLE = "eligible", _("Membres votants")

    class QuorumKind(models.TextChoices):
        NONE = "none", _("Aucun quorum")
        COUNT = "count", _("Un nombre de membres votants")
        SHARE = "share", _("Une proportion des membres votants")
        MAJORITY = "majority", _("50 % + 1 des membres votants")

    class ConflictRule(models.TextChoices):
        DECLARE = "declare", _("Déclarer l'intérêt, sans se retirer")
        RECUSE_VOTE = "recuse_vote", _("Déclarer et s'abstenir de voter")
        RECUSE_ALL = "recuse_all", _("Déclarer et se retirer de la délibération et du vote")

    class AgendaProposers(models.TextChoices):
        COORDINATION = "coordination", _("La coordination et l'animation seulement")
        VOTING = "voting", _("Les membres votants")
        ALL_MEMBERS = "all_members", _("Tous les membres, y compris observateurs et invités")

    #: the decision methods, registered by decisions (spaces/decision_methods.py)
    METHOD_CHOICES = METHOD_CHOICES

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="charters", verbose_name=_("espace"))
    version = models.PositiveIntegerField(_("version"))
    in_force = models.BooleanField(_("en vigueur"), default=False)
    method = models.CharField(_("méthode de décision"), max_length=20, choices=method_choices,
                              default=default_method)
    fallback_method = models.CharField(
        _("méthode de repli"), max_length=20, choices=method_choices, blank=True,
        default=default_fallback_method,
        help_text=_("Appliquée quand la méthode principale n'aboutit pas (par exemple un consensus non atteint)."),
    )
    voting_unit = models.CharField(_("unité de vote"), max_length=20, choices=VotingUnit.choices, default=VotingUnit.ORGANIZATION)
    threshold = models.CharField(_("seuil"), max_length=20, choices=Threshold.choices, default=Threshold.TWO_THIRDS)
    threshold_numerator = models.PositiveSmallIntegerField(_("numérateur du seuil"), null=True, blank=True)
    threshold_denominator = models.PositiveSmallIntegerField(_("dénominateur du seuil"), null=True, blank=True)
    base = models.CharField(_("base du calcul"), max_length=20, choices=Base.choices, default=Base.PRESENT)
    consensus_tolerance = models.PositiveSmallIntegerField(
        _("désaccords tolérés (consensus)"), default=0,
        help_text=_("Nombre de désaccords qui n'empêchent pas le consensus (aucun blocage n'est toléré)."),
    )
    voting_categories = models.JSONField(
        _("catégories qui votent"), default=list, blank=True,
        help_text=_("Par défaut : les membres votants seulement."),
    )
    quorum_kind = models.CharField(_("quorum"), max_length=20, choices=QuorumKind.choices, default=QuorumKind.MAJORITY)
    quorum_count = models.PositiveSmallIntegerField(_("quorum (nombre)"), null=True, blank=True)
    quorum_share_percent = models.PositiveSmallIntegerField(_("quorum (pourcentage)"), null=True, blank=True)
    college_minimums = models.JSONField(
        _("minimums par collège"), default=dict, blank=True,
        help_text=_("Par exemple {\"citoyen\": 1} : au moins une personne du collège citoyen."),
    )
    double_majority = models.BooleanField(_("double majorité par collège"), default=False)
    conflict_rule = models.CharField(
        _("conflit d'intérêts"), max_length=20, choices=ConflictRule.choices, default=ConflictRule.RECUSE_ALL
    )
    agenda_proposers = models.CharField(
        _("qui peut proposer des points à l'ordre du jour"), max_length=20, choices=AgendaProposers.choices,
        default=AgendaProposers.VOTING,
    )
    proposals_may_override = models.BooleanField(
        _("une proposition peut changer de méthode"), default=False,
        help_text=_("Sinon, chaque proposition suit la méthode et les seuils de la charte."),
    )
    reserved_plan_changes = models.JSONField(
        _("changements du plan réservés à une décision"), default=default_reserved_plan_changes, blank=True,
        help_text=_("Types d'éléments du plan adopté qu'on ne change qu'avec une décision : priority, objective, "
                    "strategy, activity, indicator_target."),
    )
    rules_text = models.TextField(_("règles de fonctionnement"), blank=True)
    adopted_on = models.DateField(_("adoptée le"), null=True, blank=True)
    adoption_note = models.CharField(
        _("décision d'adoption"), max_length=300, blank=True,
        help_text=_("Où et comment cette version a été adoptée (rencontre, décision)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("rédigée par"),
    )

    class Meta:
        verbose_name = _("charte")
        verbose_name_plural = _("chartes")
        ordering = ["space", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["space", "version"], name="spaces_charter_unique_version"),
            models.UniqueConstraint(fields=["space"], condition=Q(in_force=True), name="spaces_charter_one_in_force"),
            models.CheckConstraint(
                condition=~Q(threshold="custom")
                | (Q(threshold_numerator__isnull=False) & Q(threshold_denominator__isnull=False)
                   & Q(threshold_numerator__gte=1) & Q(threshold_denominator__gte=1)
                   & Q(threshold_numerator__lte=F("threshold_denominator"))),
                name="spaces_charter_custom_threshold_complete",
            ),
            models.CheckConstraint(
                condition=~Q(quorum_kind="count") | (Q(quorum_count__isnull=False) & Q(quorum_count__gte=1)), name="spaces_charter_quorum_count_set"
            ),
            models.CheckConstraint(
                condition=~Q(quorum_kind="share") | (Q(quorum_share_percent__isnull=False) & Q(quorum_share_percent__gte=1) & Q(quorum_share_percent__lte=100)),
                name="spaces_charter_quorum_share_set",
            ),
        ]

    def __str__(self):
        return f"{self.space} — v{self.version}"

    @property
    def eligible_categories(self) -> list[str]:
        return list(self.voting_categories or [MembershipCategory.VOTING])


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + timedelta(days=7)


class Invitation(BaseModel):
    """A single-use link, valid 7 days, that makes a person a member (citizen or delegate)."""

    class As(models.TextChoices):
        CITIZEN = "citizen", _("Citoyenne ou citoyen")
        DELEGATE = "delegate", _("Personne déléguée d'un organisme")
        ALTERNATE = "alternate", _("Substitut d'un organisme")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("espace"))
    email = models.EmailField(_("adresse courriel"))
    invited_as = models.CharField(_("invitée ou invité comme"), max_length=20, choices=As.choices, default=As.CITIZEN)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations", verbose_name=_("organisme")
    )
    category = models.CharField(
        _("catégorie"), max_length=20, choices=MembershipCategory.choices, default=MembershipCategory.VOTING
    )
    message = models.TextField(_("message personnel"), blank=True)
    token = models.CharField(max_length=64, unique=True, default=invitation_token, editable=False)
    expires_at = models.DateTimeField(_("expire le"), default=invitation_expiry)
    sent_count = models.PositiveSmallIntegerField(_("envois"), default=0)
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("acceptée par"),
    )
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("invitée ou invité par"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(invited_as="citizen") | Q(organization__isnull=False),
                name="spaces_invitation_delegate_has_organization",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.space}"

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.accepted_at:
            return "accepted"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"



from .announcement_models import Announcement  # noqa: E402, F401 — kept beside, models.py is full
