"""Every write of the self-assessment: open a round, answer it, turn a weak theme into a follow-up.

Anonymous by construction, like meetings' evaluations and sealed secret ballots: an
``AssessmentAnswer`` holds the answers and no link to the person; an ``AssessmentReceipt`` records,
apart, that the person has answered the round (once: a database constraint). Both are written in
one transaction. Receipts are written in order; answers are not: each new answer rewrites the
round's answers (``core.secrecy.rewrite_unordered``) sorted by content, with random ids and the
round's opening as their only time stamp, so that neither ids, nor the table's physical order, nor
times can be matched with the receipts.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import audit
from concertation.core.errors import DomainError
from concertation.core.secrecy import rewrite_unordered
from concertation.decisions.services import proposal_create
from concertation.meetings.services.evaluation import score_from
from concertation.meetings.services.followups import follow_up_create
from concertation.planning.models import Plan

from ..events import notify_round_opened
from ..models import AssessmentAnswer, AssessmentReceipt, AssessmentRound
from ..rules_assessments import may_answer
from .themes import ANSWER_FIELDS, BY_KEY, MAX_TEXT, SCORE_FIELDS, answer_content

MAX_LENGTH_DAYS = 120  # a round stays open four months at most


@transaction.atomic
def round_open(*, space, title: str, closes_on: date, by, opens_on: date | None = None,
               today: date | None = None, announce: bool = True) -> AssessmentRound:
    """Open a round of the space's self-assessment (today, or from a later day) and tell who takes
    part in it. ``today`` another day and ``announce=False``: the demo's past rounds, told to nobody."""
    if not by.has_perm("insights.run_assessment", space):
        raise DomainError(_("Seule l'équipe d'animation de l'espace peut ouvrir une autoévaluation."))
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Donnez un titre à l'autoévaluation."), field="title")
    today = today or timezone.localdate()
    opens_on = opens_on or today
    if opens_on < today:
        raise DomainError(_("L'autoévaluation ne peut pas s'ouvrir dans le passé."), field="opens_on")
    if closes_on is None or closes_on < opens_on:
        raise DomainError(_("La date de fin doit suivre la date d'ouverture."), field="closes_on")
    if (closes_on - opens_on).days > MAX_LENGTH_DAYS:
        raise DomainError(_("Une autoévaluation reste ouverte quatre mois au plus."), field="closes_on")
    if AssessmentRound.objects.filter(space=space, closes_on__gte=opens_on, opens_on__lte=closes_on).exists():
        raise DomainError(_("Une autoévaluation de cet espace est déjà prévue pendant ces dates."),
                          field="opens_on")
    assessment_round = AssessmentRound.objects.create(space=space, title=title[:200], opens_on=opens_on,
                                                      closes_on=closes_on, opened_by=by)
    audit.record(action="insights.round_opened", actor=by, target=assessment_round,
                 territory_id=space.territory_id, target_label=assessment_round.title,
                 opens_on=opens_on, closes_on=closes_on)
    if announce:
        notify_round_opened(assessment_round, by=by)
    return assessment_round



def answer_refusal(assessment_round: AssessmentRound, person, *, today: date | None = None) -> str:
    """Why this person may not answer the round now ("" when they may)."""
    if not may_answer(person, assessment_round.space):
        return _("Seules les personnes qui participent à l'espace répondent à son autoévaluation.")
    today = today or timezone.localdate()
    if today < assessment_round.opens_on:
        return _("Cette autoévaluation n'est pas encore ouverte.")
    if today > assessment_round.closes_on:
        return _("Cette autoévaluation est terminée.")
    return ""


def answer_submit(*, assessment_round: AssessmentRound, person, answers: dict, today: date | None = None) -> None:
    """Record one anonymous answer. Returns nothing: what was answered stays unlinked."""
    refusal = answer_refusal(assessment_round, person, today=today)
    if refusal:
        raise DomainError(refusal)
    scores = {name: score_from(answers, name) for name in SCORE_FIELDS}
    texts = {name: (answers.get(name) or "").strip()[:MAX_TEXT] for name in ("plus", "delta")}
    try:
        with transaction.atomic():
            # The round locked: two answers at once never rewrite the same rows together.
            AssessmentRound.objects.select_for_update().filter(pk=assessment_round.pk).values_list("pk").get()
            AssessmentReceipt.objects.create(round=assessment_round, person=person)
            rows = [AssessmentAnswer(round_id=assessment_round.pk, **row)
                    for row in AssessmentAnswer.objects.filter(round=assessment_round).values(*ANSWER_FIELDS)]
            rows.append(AssessmentAnswer(round_id=assessment_round.pk, **scores, **texts))
            rewrite_unordered(AssessmentAnswer.objects.filter(round=assessment_round), rows,
                              content_key=answer_content, stamp=assessment_round.created_at)
    except IntegrityError:
        raise DomainError(_("Vous avez déjà répondu à cette autoévaluation. Merci!")) from None


@transaction.atomic
def follow_up_from_theme(*, space, theme: str, what: str, person, due_on: date | None = None, by):
    """« Donner suite » to a weak theme: a follow-up of the space (meetings' service) and its audit row."""
    if not by.has_perm("insights.run_assessment", space):
        raise DomainError(_("Seule l'équipe d'animation de l'espace peut donner suite à l'autoévaluation."))
    if theme not in BY_KEY:
        raise DomainError(_("Ce thème n'existe pas."), field="theme")
    if person is None:
        raise DomainError(_("Indiquez la personne responsable."), field="person")
    if due_on is not None and due_on < timezone.localdate():
        raise DomainError(_("L'échéance ne peut pas être passée."), field="due_on")
    follow_up = follow_up_create(space=space, what=what, person=person, due_on=due_on, by=by)
    audit.record(action="insights.follow_up_from_theme", actor=by, target=follow_up,
                 territory_id=space.territory_id, target_label=follow_up.what[:200], theme=theme)
    return follow_up


def may_propose_plan_revision(space) -> bool:
    """Whether the space has an adopted plan a decision of it may adjust (planning/adjust.py)."""
    return Plan.objects.filter(space=space, status=Plan.Status.ADOPTED).exists()


@transaction.atomic
def plan_revision_from_theme(*, space, theme: str, what: str, by):
    """« Donner suite » as a proposed revision of the plan: a draft proposal of the space (decisions'
    service) under the charter's rules; once decided, its page offers « Ajuster le plan »
    (planning/adjust.py), where the change is made with this decision. With its audit row."""
    if not by.has_perm("insights.run_assessment", space):
        raise DomainError(_("Seule l'équipe d'animation de l'espace peut donner suite à l'autoévaluation."))
    if theme not in BY_KEY:
        raise DomainError(_("Ce thème n'existe pas."), field="theme")
    if not may_propose_plan_revision(space):
        raise DomainError(_("Cet espace n'a pas de plan d'action adopté à réviser."), field="kind")
    what = (what or "").strip()
    if not what:
        raise DomainError(_("Écrivez ce qu'il faut faire."), field="what")
    title = _("Révision du plan d'action — %(theme)s") % {"theme": BY_KEY[theme].label}
    proposal = proposal_create(space=space, author=by, title=title, body=what)
    audit.record(action="insights.plan_revision_from_theme", actor=by, target=proposal,
                 territory_id=space.territory_id, target_label=title[:200], theme=theme)
    return proposal
