"""The short evaluation that closes a meeting: three 1–5 questions and « un plus, un delta ».

Anonymous by construction: an ``Evaluation`` holds the answers and no link to the person; an
``EvaluationReceipt`` records, apart, that the person has evaluated the meeting (once). Both are
written in one transaction. Receipts are written in order; answers must not be: each new answer
rewrites the meeting's answers (core.secrecy) sorted by content, with random ids and the meeting's
end as their only time stamp, so that neither ids, nor rowids or physical order, nor times can be
matched with the receipts. Organizers see averages and comments, never who wrote them.

An evaluation is recorded by ``meetings.services.evaluation``; this module says who may evaluate
and reads the results.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concertation.core.formatting import NBSP

from .models import Attendance, Evaluation, EvaluationReceipt, Meeting

QUESTIONS = [
    ("objectives_met", gettext_lazy("Les objectifs de la rencontre ont été atteints.")),
    ("everyone_could_speak", gettext_lazy("Chaque personne a pu s'exprimer.")),
    ("useful_to_my_organization", gettext_lazy("La rencontre a été utile pour mon organisme ou pour moi.")),
]
FIELDS = [name for name, _label in QUESTIONS]
EVALUATED_STATUSES = {Meeting.Status.HELD, Meeting.Status.MINUTES_ADOPTED}
ATTENDED = {Attendance.Status.PRESENT, Attendance.Status.LATE}
MAX_TEXT = 2000
ANSWER_FIELDS = (*FIELDS, "plus", "delta")



def answer_content(evaluation: Evaluation) -> tuple:
    """What an evaluation says, the only order its rows may follow (``core.secrecy``)."""
    return tuple(getattr(evaluation, name) for name in ANSWER_FIELDS)



def format_score(value: float | None) -> str:
    """« 4,3 / 5 » in French, "4.3 / 5" in English (one decimal, the language's separator)."""
    if value is None:
        return "—"
    return f"{number_format(round(value, 1), 1, use_l10n=True)}{NBSP}/{NBSP}5"


def evaluation_refusal(meeting: Meeting, person) -> str:
    """Why this person may not evaluate the meeting now ("" when they may)."""
    if meeting.status not in EVALUATED_STATUSES:
        return _("L'évaluation s'ouvre quand la rencontre est terminée.")
    if person is None or not person.is_authenticated or not Attendance.objects.filter(
        meeting=meeting, person=person, status__in=ATTENDED
    ).exists():
        return _("Seules les personnes présentes à la rencontre peuvent l'évaluer.")
    if EvaluationReceipt.objects.filter(meeting=meeting, person=person).exists():
        return _("Vous avez déjà évalué cette rencontre. Merci!")
    return ""


def has_evaluated(meeting: Meeting, person) -> bool:
    """Whether the person has already evaluated the meeting (their receipt, never their answers)."""
    return EvaluationReceipt.objects.filter(meeting=meeting, person=person).exists()


def may_evaluate(meeting: Meeting, person) -> bool:
    """Held meeting, person present (or late), not evaluated yet."""
    return not evaluation_refusal(meeting, person)



def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass
class Averages:
    """Averages of the answers (unrounded; shown to one decimal)."""

    count: int
    objectives_met: float | None
    everyone_could_speak: float | None
    useful_to_my_organization: float | None

    @property
    def overall(self) -> float | None:
        values = [self.objectives_met, self.everyone_could_speak, self.useful_to_my_organization]
        if self.count == 0 or any(value is None for value in values):
            return None
        return round(sum(values) / 3, 1)

    def rows(self) -> list[tuple[str, float | None, str]]:
        """[(question, average, « 4,3 / 5 »)…] for templates."""
        return [(label, _round(getattr(self, name)), format_score(getattr(self, name))) for name, label in QUESTIONS]

    @property
    def overall_display(self) -> str:
        return format_score(self.overall)


def _as_float(value) -> float | None:
    return None if value is None else float(value)


def _averages(row: dict) -> Averages:
    return Averages(
        count=row.get("count") or 0,
        objectives_met=_as_float(row.get("objectives_met")),
        everyone_could_speak=_as_float(row.get("everyone_could_speak")),
        useful_to_my_organization=_as_float(row.get("useful_to_my_organization")),
    )


AGGREGATES = {
    "count": Count("id"),
    "objectives_met": Avg("objectives_met"),
    "everyone_could_speak": Avg("everyone_could_speak"),
    "useful_to_my_organization": Avg("useful_to_my_organization"),
}


def meeting_averages(meeting: Meeting) -> Averages:
    """Averages of one meeting, to one decimal (one query)."""
    return _averages(Evaluation.objects.filter(meeting=meeting).aggregate(**AGGREGATES))


def meeting_comments(meeting: Meeting) -> dict:
    """The pluses and deltas, in an order that says nothing about who wrote them (alphabetical)."""
    rows = list(Evaluation.objects.filter(meeting=meeting).values_list("plus", "delta"))
    return {
        "plus": sorted(plus for plus, _delta in rows if plus),
        "delta": sorted(delta for _plus, delta in rows if delta),
    }


@dataclass
class TrendPoint:
    meeting: Meeting
    averages: Averages


def space_trend(space, *, limit: int = 24) -> list[TrendPoint]:
    """The evaluated meetings of a space, oldest first, with their averages (one query)."""
    meetings = (
        Meeting.objects.filter(space=space, evaluations__isnull=False)
        .annotate(
            eval_count=Count("evaluations"),
            avg_objectives=Avg("evaluations__objectives_met"),
            avg_speak=Avg("evaluations__everyone_could_speak"),
            avg_useful=Avg("evaluations__useful_to_my_organization"),
        )
        .order_by("-starts_at")[:limit]
    )
    points = [
        TrendPoint(meeting, _averages({
            "count": meeting.eval_count, "objectives_met": meeting.avg_objectives,
            "everyone_could_speak": meeting.avg_speak, "useful_to_my_organization": meeting.avg_useful,
        }))
        for meeting in meetings
    ]
    points.reverse()
    return points
