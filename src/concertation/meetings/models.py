"""Meetings: notice, agenda, RSVP, attendance and quorum, notes and decisions, minutes,
follow-ups and the short evaluation that closes each meeting."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from concertation.core.files import random_name
from concertation.core.models import BaseModel
from concertation.decisions.models import Proposal
from concertation.directory.models import Organization
from concertation.spaces.models import Space


def token() -> str:
    return secrets.token_urlsafe(24)


class Meeting(BaseModel):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Rencontre régulière")
        EXTRAORDINARY = "extraordinary", _("Rencontre extraordinaire")
        ANNUAL_GENERAL = "annual_general", _("Assemblée générale annuelle")
        WORKSHOP = "workshop", _("Atelier")

    class Status(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        CONVENED = "convened", _("Convoquée")
        IN_PROGRESS = "in_progress", _("En cours")
        HELD = "held", _("Tenue")
        MINUTES_ADOPTED = "minutes_adopted", _("Procès-verbal adopté")
        CANCELLED = "cancelled", _("Annulée")

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("espace"))
    title = models.CharField(_("titre"), max_length=250)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    room = models.CharField(_("salle"), max_length=150, blank=True)
    accessibility = models.TextField(_("accessibilité"), blank=True,
                                     help_text=_("Accès en fauteuil roulant, ascenseur, toilettes adaptées…"))
    online_url = models.URLField(_("lien de la rencontre en ligne"), blank=True)
    childcare = models.BooleanField(_("halte-garderie offerte"), default=False)
    transit_tickets = models.BooleanField(_("titres de transport offerts"), default=False)
    interpretation = models.BooleanField(_("interprétation offerte"), default=False)
    interpretation_languages = models.CharField(_("langues d'interprétation"), max_length=150, blank=True)
    meal = models.CharField(_("repas ou collation"), max_length=200, blank=True)
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("animation"))
    secretary = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("secrétariat"))
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE, raised by each update sent")
    uid = models.CharField(max_length=80, unique=True, default=token, editable=False)
    convened_at = models.DateTimeField(_("convoquée le"), null=True, blank=True)
    opened_at = models.DateTimeField(_("ouverte le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("levée le"), null=True, blank=True)
    cancelled_reason = models.CharField(_("raison de l'annulation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")
        ordering = ["-starts_at"]
        # With the status between: the home, the bilan and the health pages ask for the convened (or
        # held) meetings of a space or of many, in a span of dates.
        indexes = [models.Index(fields=["space", "-starts_at"]), models.Index(fields=["space", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meetings_meeting_ends_after_start"),
        ]

    def __str__(self):
        return self.title

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AgendaItem(BaseModel):
    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        CONSULTATION = "consultation", _("Consultation")
        DECISION = "decision", _("Décision")
        FOLLOW_UP = "follow_up", _("Suivi")
        PRACTICE_SHARING = "practice_sharing", _("Partage de pratiques")
        TRAINING = "training", _("Formation")
        EVALUATION = "evaluation", _("Évaluation")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposé")
        ACCEPTED = "accepted", _("Retenu")
        DECLINED = "declined", _("Refusé")

    class Role(models.TextChoices):
        """Standard items the software fills or acts upon."""
        NONE = "", _("—")
        ADOPT_AGENDA = "adopt_agenda", _("Adoption de l'ordre du jour")
        ADOPT_MINUTES = "adopt_minutes", _("Adoption du procès-verbal précédent")
        FOLLOW_UPS = "follow_ups", _("Suivis")
        EVALUATION = "evaluation", _("Évaluation de la rencontre")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("rencontre"))
    position = models.PositiveIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.INFORMATION)
    standard_role = models.CharField(max_length=20, choices=Role.choices, blank=True, default="")
    title = models.CharField(_("titre"), max_length=250)
    presenter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("présenté par"))
    presenter_organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                               related_name="+", verbose_name=_("organisme qui présente"))
    minutes_allotted = models.PositiveSmallIntegerField(_("minutes prévues"), default=10)
    expected_outcome = models.CharField(_("résultat attendu"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    proposal = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="agenda_items", verbose_name=_("proposition"))
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.ACCEPTED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("proposé par"))
    notes = models.TextField(_("notes"), blank=True)
    dissent = models.TextField(_("dissidences"), blank=True)
    # Documents of the space's library joined to the item (knowledge.Document).
    documents = models.ManyToManyField("knowledge.Document", blank=True, related_name="agenda_items",
                                       verbose_name=_("documents"))

    class Meta:
        verbose_name = _("point à l'ordre du jour")
        verbose_name_plural = _("points à l'ordre du jour")
        ordering = ["meeting", "position", "id"]
        # What the governance health counts (insights/metrics/agenda.py), read from the index alone:
        # the items of the meetings held, without reading ~20 000 rows at scale L.
        indexes = [models.Index(fields=["meeting", "standard_role", "status", "kind", "proposed_by"],
                                name="meetings_agendaitem_counted")]

    def __str__(self):
        return self.title


def document_upload_to(instance, filename: str) -> str:
    """The stored name of the former agenda documents (kept for migration 0002; they now live in
    the document library, knowledge.Document)."""
    return random_name("meetings", filename)


class Rsvp(BaseModel):
    class Answer(models.TextChoices):
        YES = "yes", _("Oui")
        NO = "no", _("Non")
        MAYBE = "maybe", _("Peut-être")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(_("réponse"), max_length=10, choices=Answer.choices, blank=True)
    childcare = models.PositiveSmallIntegerField(_("enfants à faire garder"), default=0)
    diet = models.CharField(_("alimentation"), max_length=200, blank=True)
    interpretation = models.CharField(_("interprétation"), max_length=100, blank=True)
    accessibility = models.CharField(_("accessibilité"), max_length=200, blank=True)
    token = models.CharField(max_length=64, unique=True, default=token, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True)

    # accounts.services.user_erase: the answer stays (the meeting's count), the needs the person
    # gave about herself go (Law 25).
    BLANKED_WITH_PERSON = {"person": {"childcare": 0, "diet": "", "interpretation": "", "accessibility": ""}}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="meetings_rsvp_once")]


class Attendance(BaseModel):
    class Status(models.TextChoices):
        # Épicène: the status of a person's attendance, not an adjective about her.
        PRESENT = "present", _("Présence")
        LATE = "late", _("Retard")
        EXCUSED = "excused", _("Absence motivée")
        ABSENT = "absent", _("Absence")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", help_text=_("L'organisme que la personne représente."))
    status = models.CharField(_("présence"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    arrived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="meetings_attendance_once")]
        # Covering what the attendance figures read of each presence (the bilan, the health pages):
        # thousands of presences counted without visiting their rows.
        indexes = [models.Index(fields=["meeting", "status", "person", "organization"], name="meetings_attendance_counted")]


class ConflictDeclaration(BaseModel):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflicts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(_("raison"), max_length=300, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(person__isnull=False) | Q(organization__isnull=False),
                                              name="meetings_conflict_has_someone")]


class FollowUp(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", _("À faire")
        DONE = "done", _("Fait")
        DROPPED = "dropped", _("Abandonné")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="follow_ups")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups")
    item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups")
    what = models.CharField(_("quoi"), max_length=300)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="follow_ups", verbose_name=_("qui (personne)"))
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="follow_ups", verbose_name=_("qui (organisme)"))
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("fait le"), null=True, blank=True)

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        ordering = ["status", "due_on", "id"]
        # done_on too: the governance health counts those done on time without reading the rows
        # (insights/metrics/followups.py); the lists by space, status and due date read it as before.
        indexes = [models.Index(fields=["space", "status", "due_on", "done_on"], name="meetings_followup_due")]


class FollowUpReview(BaseModel):
    """What a meeting did with a follow-up of an earlier meeting, under its « follow-ups » item: done,
    dropped, or carried over (it stays open and comes back at the next meeting). Who marked it and
    when (``created_at``/``updated_at``); one review per meeting, corrected in place."""

    class Outcome(models.TextChoices):
        DONE = "done", _("Fait")
        DROPPED = "dropped", _("Abandonné")
        CARRIED = "carried", _("Reporté")

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reviews")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_up_reviews")
    outcome = models.CharField(_("suite donnée"), max_length=10, choices=Outcome.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("noté par"))

    class Meta:
        verbose_name = _("revue d'un suivi")
        verbose_name_plural = _("revues des suivis")
        constraints = [models.UniqueConstraint(fields=["follow_up", "meeting"], name="meetings_review_once")]


class Minutes(BaseModel):
    """The minutes of a meeting: a draft, circulated for comment, then adopted and locked."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        CIRCULATED = "circulated", _("En circulation")
        ADOPTED = "adopted", _("Adopté")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    body = models.TextField(_("procès-verbal"), blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    circulated_at = models.DateTimeField(null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_at_meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="adopted_minutes")
    adopted_body = models.TextField(blank=True, help_text="The adopted text, kept as it was adopted.")

    class Meta:
        verbose_name = _("procès-verbal")
        verbose_name_plural = _("procès-verbaux")
        # « Minutes to read » on the home: the minutes circulated or adopted lately.
        indexes = [models.Index(fields=["status", "circulated_at"]), models.Index(fields=["status", "adopted_at"])]


class MinutesComment(BaseModel):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("commentaire"))


class Evaluation(BaseModel):
    """One anonymous evaluation of a held meeting: no link to the person (see EvaluationReceipt).

    A random primary key: sequential ids would let the order of answers and receipts be matched.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="evaluations")
    objectives_met = models.PositiveSmallIntegerField(_("les objectifs ont été atteints"))
    everyone_could_speak = models.PositiveSmallIntegerField(_("chaque personne a pu s'exprimer"))
    useful_to_my_organization = models.PositiveSmallIntegerField(_("utile pour mon organisme"))
    plus = models.TextField(_("un plus"), blank=True)
    delta = models.TextField(_("un delta (à améliorer)"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(objectives_met__gte=1) & Q(objectives_met__lte=5),
                                   name="meetings_eval_objectives_1_5"),
            models.CheckConstraint(condition=Q(everyone_could_speak__gte=1) & Q(everyone_could_speak__lte=5),
                                   name="meetings_eval_speak_1_5"),
            models.CheckConstraint(condition=Q(useful_to_my_organization__gte=1) & Q(useful_to_my_organization__lte=5),
                                   name="meetings_eval_useful_1_5"),
        ]


class EvaluationReceipt(BaseModel):
    """That a person has evaluated a meeting (once), kept apart from what they answered."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="evaluation_receipts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="meetings_evaluate_once")]


class CalendarToken(BaseModel):
    """A secret, revocable address for a person's calendar feed."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token = models.CharField(max_length=64, unique=True, default=token)
