"""Recording the anonymous evaluation of a meeting (see ``meetings.evaluation`` for how it stays
anonymous and for the organizers' averages)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.core.secrecy import rewrite_unordered

from ..evaluation import (
    ANSWER_FIELDS,
    ATTENDED,
    EVALUATED_STATUSES,
    FIELDS,
    MAX_TEXT,
    answer_content,
)
from ..models import Attendance, Evaluation, EvaluationReceipt, Meeting


def score_from(answers: dict, name: str) -> int:
    """A 1–5 answer of a questionnaire (meetings' evaluation, a space's self-assessment), or a DomainError."""
    try:
        value = int(answers.get(name))
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise DomainError(_("Choisissez une réponse de 1 à 5."), field=name)
    return value


def evaluation_submit(*, meeting: Meeting, person, answers: dict) -> None:
    """Record one anonymous evaluation. Returns nothing: what was answered stays unlinked."""
    if meeting.status not in EVALUATED_STATUSES:
        raise DomainError(_("L'évaluation s'ouvre quand la rencontre est terminée."))
    if person is None or not person.is_authenticated or not Attendance.objects.filter(
        meeting=meeting, person=person, status__in=ATTENDED
    ).exists():
        raise DomainError(_("Seules les personnes présentes à la rencontre peuvent l'évaluer."))
    scores = {name: score_from(answers, name) for name in FIELDS}
    plus = (answers.get("plus") or "").strip()[:MAX_TEXT]
    delta = (answers.get("delta") or "").strip()[:MAX_TEXT]
    try:
        with transaction.atomic():
            # The meeting locked: two answers at once never rewrite the same rows together.
            Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk", flat=True).get()
            EvaluationReceipt.objects.create(meeting=meeting, person=person)
            answers = [Evaluation(meeting_id=meeting.pk, **row)
                       for row in Evaluation.objects.filter(meeting=meeting).values(*ANSWER_FIELDS)]
            answers.append(Evaluation(meeting_id=meeting.pk, plus=plus, delta=delta, **scores))
            rewrite_unordered(Evaluation.objects.filter(meeting=meeting), answers, content_key=answer_content,
                              stamp=meeting.ends_at)
    except IntegrityError:
        raise DomainError(_("Vous avez déjà évalué cette rencontre. Merci!")) from None
