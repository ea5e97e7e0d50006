"""What meetings hold about a person, for her data export (accounts/personal_data.py; Law 25): her
answers to notices (with the needs she gave: childcare, diet, interpretation, accessibility), her
attendance, the follow-ups given to her, her conflicts of interest, her comments on minutes, the
meetings she facilitated or took minutes of, and the meetings she evaluated — only that she did:
evaluations are anonymous, nothing links an answer to her, so none can be exported."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from concertation.accounts import personal_data

from .models import (
    Attendance,
    CalendarToken,
    ConflictDeclaration,
    EvaluationReceipt,
    FollowUp,
    Meeting,
    MinutesComment,
    Rsvp,
)


def _meeting(prefix: str = "meeting__") -> dict:
    return {"meeting_title": F(f"{prefix}title"), "meeting_starts_at": F(f"{prefix}starts_at"),
            "space_name": F(f"{prefix}space__name")}


def _rsvps(user):
    return (Rsvp.objects.filter(person=user).order_by("meeting__starts_at", "pk")
            .values("answer", "answered_at", "childcare", "diet", "interpretation", "accessibility", **_meeting()))


def _attendance(user):
    return (Attendance.objects.filter(person=user).order_by("meeting__starts_at", "pk")
            .values("status", "arrived_at", organization_name=F("organization__name"), **_meeting()))


def _follow_ups(user):
    return (FollowUp.objects.filter(person=user).order_by("created_at", "pk")
            .values("created_at", "what", "due_on", "status", "done_on", **_meeting()))


def _conflicts(user):
    return (ConflictDeclaration.objects.filter(person=user).order_by("created_at", "pk")
            .values("created_at", "reason", item_title=F("item__title"), **_meeting("item__meeting__")))


def _minutes_comments(user):
    return (MinutesComment.objects.filter(author=user).order_by("created_at", "pk")
            .values("created_at", "body", **_meeting("minutes__meeting__")))


def _meeting_roles(user):
    for meeting in (Meeting.objects.filter(Q(facilitator=user) | Q(secretary=user)).order_by("starts_at", "pk")
                    .values("title", "starts_at", "facilitator_id", "secretary_id", space_name=F("space__name"))):
        yield {"meeting_title": meeting["title"], "meeting_starts_at": meeting["starts_at"],
               "space_name": meeting["space_name"], "facilitator": meeting["facilitator_id"] == user.pk,
               "secretary": meeting["secretary_id"] == user.pk}


def _evaluations(user):
    return EvaluationReceipt.objects.filter(person=user).order_by("created_at", "pk").values("created_at", **_meeting())


def _calendar(user):
    # That the secret address exists, never the address: it opens the feed to whoever holds it.
    return CalendarToken.objects.filter(person=user).values("created_at")


def register() -> None:
    for key, label, rows, note in [
        ("meetings.rsvps", _("Vos réponses aux convocations"), _rsvps, ""),
        ("meetings.attendance", _("Vos présences aux rencontres"), _attendance, ""),
        ("meetings.follow_ups", _("Les suivis qui vous sont confiés"), _follow_ups, ""),
        ("meetings.conflicts", _("Vos conflits d'intérêts déclarés en rencontre"), _conflicts, ""),
        ("meetings.minutes_comments", _("Vos commentaires sur des procès-verbaux"), _minutes_comments, ""),
        ("meetings.roles", _("Les rencontres que vous avez animées ou dont vous avez tenu le procès-verbal"),
         _meeting_roles, ""),
        ("meetings.evaluations", _("Les rencontres que vous avez évaluées"), _evaluations,
         _("Seulement le fait d'avoir évalué : les évaluations sont anonymes, rien ne relie vos réponses à "
           "vous, elles ne peuvent donc pas être exportées.")),
        ("meetings.calendar", _("Votre calendrier des rencontres"), _calendar,
         _("La date de création de votre adresse secrète, pas l'adresse elle-même.")),
    ]:
        personal_data.register(key, label=label, rows=rows, note=note)
