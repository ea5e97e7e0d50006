"""During the meeting: opening and closing it, notes, conflicts of interest, decisions, dissent and
follow-ups, item by item.

A decision item is decided either by an electronic vote on its proposal (participants vote on their
phones on the proposal's page) or by a show of hands whose count the secretary types. Either way
the proposal, linked to the item, enters the decision register with its meeting and item, and
nothing is recorded without quorum: the quorum is the meeting's, from attendance, without those who
stepped out of the item's vote.
"""

from __future__ import annotations

import copy
import secrets
from datetime import date, datetime, timedelta
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.errors import DomainError
from concertation.decisions import methods
from concertation.decisions import services as decisions
from concertation.decisions.eligibility import eligible_voters, recused_keys
from concertation.decisions.models import Ballot, Proposal, Recusal
from concertation.directory.models import Organization

from .attendance import MeetingQuorum, ensure_quorum, roster
from .models import AgendaItem, ConflictDeclaration, FollowUp, Meeting

Status = Meeting.Status
Open = Proposal.Status


def _refuse_unless(meeting: Meeting, *allowed: str) -> None:
    if meeting.status not in allowed:
        messages = {
            Status.DRAFT: _("La rencontre n'est pas encore convoquée."),
            Status.CONVENED: _("La rencontre n'est pas encore ouverte."),
            Status.IN_PROGRESS: _("La rencontre est déjà en cours."),
            Status.HELD: _("La rencontre est levée."),
            Status.MINUTES_ADOPTED: _("Le procès-verbal de cette rencontre est adopté : elle ne change plus."),
            Status.CANCELLED: _("Cette rencontre est annulée."),
        }
        raise DomainError(messages.get(meeting.status, _("Impossible dans l'état actuel de la rencontre.")))


def _locked(meeting: Meeting) -> Meeting:
    """Re-read the meeting in the transaction (locked on PostgreSQL) so that states never race."""
    fresh = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.status = fresh.status
    return meeting


# Opening and closing ---------------------------------------------------------------------------

def opens_before_its_day(meeting: Meeting, now: datetime | None = None) -> bool:
    """Whether opening the meeting now would open it before the day it is convened for."""
    return timezone.localdate(now or timezone.now()) < timezone.localdate(meeting.starts_at)


@transaction.atomic
def meeting_open(*, meeting: Meeting, by, now: datetime | None = None, confirm_early: bool = False) -> Meeting:
    """Convened → in progress. The quorum is shown from then on; without it, no decision.

    Before the meeting's day, only with ``confirm_early``: a meeting opened by mistake a week early
    would take attendance and decisions on the wrong day."""
    _locked(meeting)
    _refuse_unless(meeting, Status.CONVENED)
    if opens_before_its_day(meeting, now) and not confirm_early:
        day = formatting.day(meeting.starts_at)
        raise DomainError(_("Cette rencontre est prévue le %(date)s. Pour l'ouvrir dès maintenant, cochez "
                            "« Je confirme ouvrir la rencontre avant la date prévue ».") % {"date": day},
                          field="confirm_early", code="early")
    meeting.status = Status.IN_PROGRESS
    meeting.opened_at = now or timezone.now()
    meeting.save(update_fields=["status", "opened_at", "updated_at"])
    return meeting


@transaction.atomic
def meeting_close(*, meeting: Meeting, by, now: datetime | None = None) -> Meeting:
    """In progress → held (« levée »). An electronic vote still open must be closed first."""
    _locked(meeting)
    _refuse_unless(meeting, Status.IN_PROGRESS)
    still_open = (AgendaItem.objects.filter(meeting=meeting, proposal__status=Open.OPEN)
                  .values_list("title", flat=True).first())
    if still_open is not None:
        raise DomainError(_("Le vote du point « %(item)s » est encore ouvert : fermez-le avant de lever la "
                            "rencontre.") % {"item": still_open})
    meeting.status = Status.HELD
    meeting.closed_at = now or timezone.now()
    meeting.save(update_fields=["status", "closed_at", "updated_at"])
    return meeting


# Notes, dissent, conflicts ---------------------------------------------------------------------

def _item_in(item: AgendaItem, meeting: Meeting | None = None) -> Meeting:
    meeting = meeting or item.meeting
    if item.meeting_id != meeting.pk:
        raise DomainError(_("Ce point n'est pas à l'ordre du jour de cette rencontre."))
    return meeting


@transaction.atomic
def item_notes_save(*, item: AgendaItem, by, notes: str, dissent: str | None = None) -> AgendaItem:
    """The secretary's notes on an item (and its dissent), saved as they are typed."""
    meeting = _item_in(item)
    _refuse_unless(meeting, Status.IN_PROGRESS, Status.HELD)
    item.notes = (notes or "").strip()
    fields = ["notes", "updated_at"]
    if dissent is not None:
        item.dissent = dissent.strip()
        fields.append("dissent")
        proposal = item.proposal
        if proposal is not None and proposal.status == Open.DECIDED and proposal.dissent != item.dissent:
            decisions.proposal_decide(proposal=proposal, by=by, outcome=proposal.outcome, dissent=item.dissent)
    item.save(update_fields=fields)
    return item


@transaction.atomic
def conflict_declare(*, item: AgendaItem, by, person=None, organization: Organization | None = None,
                     reason: str = "") -> ConflictDeclaration:
    """A conflict of interest on an item: the person or organization steps out of its vote."""
    meeting = _item_in(item)
    _refuse_unless(meeting, Status.CONVENED, Status.IN_PROGRESS)
    if (person is None) == (organization is None):
        raise DomainError(_("Indiquez la personne ou l'organisme qui se retire."), field="who")
    declaration, _created = ConflictDeclaration.objects.get_or_create(
        item=item, person=person, organization=organization, defaults={"reason": (reason or "").strip()[:300]},
    )
    proposal = item.proposal
    if proposal is not None and proposal.status in {Open.DRAFT, Open.OPEN}:
        decisions.recusal_declare(proposal=proposal, by=by, person=person, organization=organization,
                                  reason=reason or "")
    return declaration


# Decisions -------------------------------------------------------------------------------------

def _proposal_for(item: AgendaItem, by) -> Proposal:
    """The item's proposal, or a new one (decided in a meeting) linked to the item."""
    if item.proposal_id:
        proposal = item.proposal
        if proposal.origin != Proposal.Origin.MEETING:
            proposal.origin = Proposal.Origin.MEETING
            proposal.save(update_fields=["origin", "updated_at"])
        return proposal
    proposal = decisions.proposal_create(
        space=item.meeting.space, author=by, title=item.title, body=item.description,
        origin=Proposal.Origin.MEETING, results_visibility=Proposal.ResultsVisibility.ALWAYS,
    )
    item.proposal = proposal
    item.save(update_fields=["proposal", "updated_at"])
    return proposal


def majority_rules(proposal: Proposal, *, present: int, eligible: int) -> dict:
    """The proposal's threshold and base for a count of for, against and abstentions."""
    if proposal.threshold == "custom":
        threshold = Fraction(proposal.threshold_numerator, proposal.threshold_denominator)
    else:
        threshold = proposal.threshold or "simple"
    base = "cast" if threshold == "simple" else (proposal.base or "cast")
    rules: dict = {"threshold": threshold, "base": base}
    if base == "present":
        rules["present"] = present
    elif base == "eligible":
        rules["eligible"] = eligible
    return rules


def _result_data(proposal: Proposal, tallied, *, quorum: MeetingQuorum, participants: int, item: AgendaItem,
                 show_of_hands: bool) -> dict:
    return {
        "method": "majority", "round": proposal.round, "quorum": quorum.as_dict(), "participants": participants,
        "eligible": quorum.eligible, "recusals": quorum.excluded, "options": {},
        "adopted": tallied.adopted, "winners": decisions.to_json(tallied.winners),
        "counts": decisions.to_json(tallied.counts), "rounds": [], "tie_broken": tallied.tie_broken,
        "seed": decisions.to_json(tallied.seed), "exhausted": decisions.to_json(tallied.exhausted),
        "pairwise": decisions.to_json(tallied.pairwise), "fallback_required": False,
        "explanation": decisions.to_json(tallied.explanation_data), "show_of_hands": show_of_hands,
        "meeting": item.meeting_id, "item": item.pk,
    }


def _parse_count(value, name: str) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("Écrivez un nombre entier."), field=name) from None
    if count < 0:
        raise DomainError(_("Un décompte ne peut pas être négatif."), field=name)
    return count


@transaction.atomic
def record_show_of_hands(*, item: AgendaItem, by, yes, no, abstain, outcome: str, dissent: str = "",
                         now: datetime | None = None) -> Proposal:
    """A vote by show of hands, counted by the secretary: the result is computed under the proposal's
    threshold and base, with the meeting's quorum, and the decision is recorded in the register."""
    meeting = _locked(_item_in(item))
    _refuse_unless(meeting, Status.IN_PROGRESS)
    yes, no, abstain = (_parse_count(yes, "yes"), _parse_count(no, "no"), _parse_count(abstain, "abstain"))
    if item.proposal_id and item.proposal.status == Open.OPEN:
        raise DomainError(_("Le vote électronique est ouvert sur ce point : fermez-le pour consigner son "
                            "résultat."))
    if item.proposal_id and item.proposal.status not in {Open.DRAFT}:
        raise DomainError(_("Ce point est déjà décidé : la décision se modifie depuis la page de la "
                            "proposition."))
    quorum = ensure_quorum(meeting, item=item)
    if yes + no + abstain > quorum.present:
        raise DomainError(_("Le décompte (%(total)s) dépasse le nombre de membres votants présents "
                            "(%(present)s).") % {"total": yes + no + abstain, "present": quorum.present},
                          field="yes")
    if not (outcome or "").strip():
        raise DomainError(_("Écrivez la décision telle qu'elle entrera au registre."), field="outcome")
    proposal = _proposal_for(item, by)
    if proposal.method in decisions.CHOICE_METHODS or proposal.method == "advice":
        raise DomainError(_("Cette proposition ne se décide pas par oui ou non : ouvrez plutôt le vote "
                            "électronique."))
    if proposal.double_majority:
        raise DomainError(_("La charte demande une double majorité par collège : un décompte à main levée "
                            "ne la vérifie pas. Ouvrez plutôt le vote électronique."))
    tallied = methods.tally("majority", ballots=["yes"] * yes + ["no"] * no + ["abstain"] * abstain,
                            **majority_rules(proposal, present=quorum.present, eligible=quorum.eligible))
    now = now or timezone.now()
    proposal.method = "majority"  # a show of hands counts for, against and abstentions
    proposal.result = _result_data(proposal, tallied, quorum=quorum, participants=yes + no + abstain,
                                   item=item, show_of_hands=True)
    proposal.status = Open.CLOSED
    proposal.closed_at = now
    proposal.origin = Proposal.Origin.MEETING
    proposal.save(update_fields=["method", "result", "status", "closed_at", "origin", "updated_at"])
    proposal = decisions.proposal_decide(proposal=proposal, by=by, outcome=outcome, dissent=dissent, now=now)
    item.proposal = proposal
    item.dissent = (dissent or "").strip()
    item.save(update_fields=["proposal", "dissent", "updated_at"])
    return proposal


@transaction.atomic
def vote_open(*, item: AgendaItem, by, now: datetime | None = None) -> Proposal:
    """Open the item's proposal for an electronic vote, on participants' phones, until the meeting ends."""
    meeting = _locked(_item_in(item))
    _refuse_unless(meeting, Status.IN_PROGRESS)
    if item.proposal_id and item.proposal.status != Open.DRAFT:
        raise DomainError(_("Le vote sur ce point est déjà ouvert ou terminé."))
    ensure_quorum(meeting, item=item)
    proposal = _proposal_for(item, by)
    now = now or timezone.now()
    closes_at = max(meeting.ends_at, now + timedelta(minutes=30))
    proposal = decisions.proposal_open(proposal=proposal, by=by, now=now, closes_at=closes_at)
    item.proposal = proposal
    return proposal


def _meeting_tally(proposal: Proposal, quorum: MeetingQuorum) -> dict:
    """The electronic vote's result in the room: counted like the proposal's own result, except that
    quorum and « members present » come from the meeting's attendance, not from participation."""
    shadow = copy.copy(proposal)
    shadow.quorum_kind, shadow.college_minimums = "none", {}
    data = decisions.compute_result(shadow)
    data["quorum"] = quorum.as_dict()
    data.pop("no_decision", None)
    if proposal.method != "majority":
        return data
    voters = eligible_voters(proposal)
    recused = recused_keys(proposal)
    ballots = [ballot for ballot in Ballot.objects.filter(proposal=proposal, round=proposal.round)
               .exclude(voter_key__in=recused).values("voter_key", "value", "weight", "college_slug")
               if ballot["voter_key"] in voters]
    tallied = methods.tally(
        "majority", ballots=[methods.Ballot(b["value"], weight=b["weight"]) for b in ballots],
        **majority_rules(proposal, present=max(quorum.present, len(ballots)), eligible=quorum.eligible),
    )
    data.update(adopted=tallied.adopted, counts=decisions.to_json(tallied.counts),
                winners=decisions.to_json(tallied.winners),
                explanation=decisions.to_json(tallied.explanation_data))
    if proposal.double_majority:
        colleges = {}
        for slug in sorted({ballot["college_slug"] for ballot in ballots}):
            subset = [ballot for ballot in ballots if ballot["college_slug"] == slug]
            eligible = sum(1 for voter in voters.values() if voter.college_slug == slug)
            present = max(quorum.present_by_college.get(slug, 0), len(subset))
            college = methods.tally("majority", ballots=[methods.Ballot(b["value"], weight=b["weight"])
                                                         for b in subset],
                                    **majority_rules(proposal, present=present, eligible=eligible))
            colleges[slug or "-"] = {"adopted": college.adopted, "counts": decisions.to_json(college.counts)}
        data["colleges"] = colleges
        data["adopted"] = bool(data["adopted"]) and all(item["adopted"] for item in colleges.values())
    return data


@transaction.atomic
def vote_close(*, item: AgendaItem, by, now: datetime | None = None) -> Proposal:
    """Close the item's electronic vote; its result takes the meeting's quorum (refused without it)."""
    meeting = _locked(_item_in(item))
    _refuse_unless(meeting, Status.IN_PROGRESS)
    proposal = item.proposal
    if proposal is None or proposal.status != Open.OPEN:
        raise DomainError(_("Aucun vote électronique n'est ouvert sur ce point."))
    quorum = ensure_quorum(meeting, item=item)
    if not proposal.tie_seed:
        proposal.tie_seed = secrets.token_hex(8)
        proposal.save(update_fields=["tie_seed", "updated_at"])
    data = _meeting_tally(proposal, quorum)  # before closing: anonymous ballots lose their voter then
    proposal = decisions.proposal_close(proposal=proposal, by=by, now=now)
    fallback = proposal.result.get("fallback_proposal")
    if data.get("fallback_required") and proposal.fallback_method and not fallback:
        follow_up = decisions.proposal_create(
            space=proposal.space, author=by, title=proposal.title, body=proposal.body,
            options=list(proposal.options.values_list("label", flat=True)), anonymous=proposal.anonymous,
            results_visibility=proposal.results_visibility, follows=proposal, method=proposal.fallback_method,
            fallback_method="", origin=Proposal.Origin.MEETING, adopts_charter=proposal.adopts_charter,
        )
        # Whoever stepped out of the first vote stays out of the fallback vote.
        Recusal.objects.bulk_create([
            Recusal(proposal=follow_up, person_id=recusal.person_id, organization_id=recusal.organization_id,
                    reason=recusal.reason, declared_by_id=recusal.declared_by_id)
            for recusal in proposal.recusals.all()
        ])
        decisions.proposal_open(proposal=follow_up, by=by, now=now,
                                closes_at=max(meeting.ends_at, (now or timezone.now()) + timedelta(minutes=30)))
        fallback = follow_up.pk
    if fallback:
        data["fallback_proposal"] = fallback
    data.update(meeting=meeting.pk, item=item.pk, show_of_hands=False)
    proposal.result = data
    proposal.save(update_fields=["result", "updated_at"])
    if fallback:
        # The item goes on with the fallback vote; the first one stays readable from it.
        item.proposal_id = fallback
        item.save(update_fields=["proposal", "updated_at"])
    return proposal


@transaction.atomic
def decision_record(*, item: AgendaItem, by, outcome: str, dissent: str = "",
                    now: datetime | None = None) -> Proposal:
    """Write the decision of a closed vote as it enters the register (with the item's dissent)."""
    meeting = _item_in(item)
    _refuse_unless(meeting, Status.IN_PROGRESS, Status.HELD)
    proposal = item.proposal
    if proposal is None or proposal.status not in {Open.CLOSED, Open.DECIDED}:
        raise DomainError(_("Le vote sur ce point n'est pas encore fermé."))
    quorum = (proposal.result or {}).get("quorum") or {}
    if (proposal.result or {}).get("no_decision") or quorum.get("met") is False:
        from concertation.decisions.explain import college_names_of, quorum_phrase

        reason = quorum_phrase(quorum, proposal.voting_unit, college_names_of(meeting.space.territory_id))
        raise DomainError(_("Aucune décision ne peut être consignée sans quorum (%(reason)s).")
                          % {"reason": reason}, code="no_quorum")
    proposal = decisions.proposal_decide(proposal=proposal, by=by, outcome=outcome, dissent=dissent, now=now)
    item.dissent = (dissent or "").strip()
    item.save(update_fields=["dissent", "updated_at"])
    return proposal


# Follow-ups ------------------------------------------------------------------------------------

@transaction.atomic
def follow_up_add(*, item: AgendaItem, by, what: str, person=None, organization: Organization | None = None,
                  due_on: date | None = None) -> FollowUp:
    """A follow-up decided on an item: what, who (a person or an organization) and by when."""
    meeting = _item_in(item)
    _refuse_unless(meeting, Status.IN_PROGRESS, Status.HELD)
    what = (what or "").strip()
    if not what:
        raise DomainError(_("Écrivez ce qui est à faire."), field="what")
    if len(what) > 300:
        raise DomainError(_("Résumez le suivi en 300 caractères au plus."), field="what")
    if person is None and organization is None:
        raise DomainError(_("Indiquez qui s'en charge : une personne, un organisme, ou les deux."), field="person")
    if organization is not None and organization.territory_id != meeting.space.territory_id:
        raise DomainError(_("Cet organisme n'est pas de ce territoire."), field="organization")
    if due_on is not None and due_on < timezone.localdate(meeting.starts_at):
        raise DomainError(_("L'échéance ne peut pas précéder la rencontre."), field="due_on")
    return FollowUp.objects.create(space=meeting.space, meeting=meeting, item=item, what=what, person=person,
                                   organization=organization, due_on=due_on)


def who_choices(meeting: Meeting, seats=None) -> tuple[list, list]:
    """People and organizations of the roster, for the « who » of conflicts and follow-ups."""
    seats = roster(meeting) if seats is None else seats
    people = {}
    organizations = {}
    for seat in seats:
        if seat.organization_id:
            organizations[seat.organization_id] = seat.name
        for person in seat.people:
            people.setdefault(person.person_id, person.name)
    return (sorted(people.items(), key=lambda pair: pair[1].lower()),
            sorted(organizations.items(), key=lambda pair: pair[1].lower()))
