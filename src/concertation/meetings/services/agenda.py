"""Preparing a meeting: create it with the standard agenda, edit it, build the agenda (items added,
moved, proposed by members and accepted or declined), convene, update and cancel.

Services are keyword-only and atomic; a refused action raises DomainError with a translated
message. The notice, its updates and the cancellation go through the notifications layer
(events.notify_notice, in the same transaction); the worker e-mails them after commit, never
inside the request. ``base_url`` is kept in the signatures for the callers; links are made
absolute by the layer (SITE_URL).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from concertation.core.errors import DomainError
from concertation.core.formatting import nbsp as nb
from concertation.knowledge.models import Document
from concertation.knowledge.services import documents as document_services
from concertation.spaces.access import access_for
from concertation.spaces.models import Charter, MembershipCategory, Space
from concertation.spaces.selectors import charter_in_force

from ..models import AgendaItem, Meeting, Rsvp
from ..selectors import notice_recipients

Kind = AgendaItem.Kind
Role = AgendaItem.Role
Status = Meeting.Status
ItemStatus = AgendaItem.Status


@dataclass(frozen=True)
class StandardItem:
    title: str
    kind: str
    role: str
    minutes: int
    outcome: str = ""


# The standard agenda of DOMAIN.md. Titles are translated when the meeting is created, in the
# language of the person who creates it; after that they are the meeting's own text.
STANDARD_AGENDA = [
    StandardItem(gettext_noop("Accueil et mot de bienvenue"), Kind.OTHER, Role.NONE, 5),
    StandardItem(gettext_noop("Animation et secrétariat de la rencontre"), Kind.OTHER, Role.NONE, 2,
                 gettext_noop("Les personnes qui animent et qui prennent les notes sont nommées.")),
    StandardItem(gettext_noop("Adoption de l'ordre du jour"), Kind.DECISION, Role.ADOPT_AGENDA, 3,
                 gettext_noop("L'ordre du jour est adopté, modifié au besoin.")),
    StandardItem(gettext_noop("Adoption du procès-verbal de la rencontre précédente"), Kind.DECISION,
                 Role.ADOPT_MINUTES, 5, gettext_noop("Le procès-verbal est adopté, corrigé au besoin.")),
    StandardItem(gettext_noop("Suivis de la rencontre précédente"), Kind.FOLLOW_UP, Role.FOLLOW_UPS, 10,
                 gettext_noop("Chaque suivi est fait, reporté ou abandonné.")),
    StandardItem(gettext_noop("Tour de table"), Kind.OTHER, Role.NONE, 15),
    StandardItem(gettext_noop("Varia"), Kind.OTHER, Role.NONE, 5),
    StandardItem(gettext_noop("Évaluation de la rencontre"), Kind.EVALUATION, Role.EVALUATION, 5,
                 gettext_noop("Chaque personne remplit la courte évaluation.")),
    StandardItem(gettext_noop("Date de la prochaine rencontre"), Kind.OTHER, Role.NONE, 2),
    StandardItem(gettext_noop("Levée de la rencontre"), Kind.OTHER, Role.NONE, 1),
]

MEETING_FIELDS = {
    "title", "kind", "starts_at", "ends_at", "address", "room", "accessibility", "online_url", "childcare",
    "transit_tickets", "interpretation", "interpretation_languages", "meal", "facilitator", "secretary",
}
# A change to one of these, once the meeting is convened, sends an update (and raises SEQUENCE).
NOTIFIED_FIELDS = MEETING_FIELDS
ITEM_FIELDS = {
    "kind", "title", "presenter", "presenter_organization", "minutes_allotted", "expected_outcome",
    "description", "proposal",
}
PROPOSED_ITEM_FIELDS = {"kind", "title", "minutes_allotted", "expected_outcome", "description"}
PREPARED = {Status.DRAFT, Status.CONVENED}
AGENDA_OPEN = {Status.DRAFT, Status.CONVENED, Status.IN_PROGRESS}


# Helpers ----------------------------------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    """The meeting's row, locked until the end of the transaction, its fields refreshed."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    for field in ("status", "sequence", "starts_at", "ends_at", "convened_at", "cancelled_reason", "updated_at"):
        setattr(meeting, field, getattr(locked, field))
    return meeting


def _check_times(starts_at, ends_at) -> None:
    if starts_at is None or ends_at is None:
        raise DomainError(_("Indiquez le début et la fin de la rencontre."), field="starts_at")
    if ends_at <= starts_at:
        raise DomainError(_("La fin de la rencontre doit suivre son début."), field="ends_at")


def _check_agenda_open(meeting: Meeting) -> None:
    if meeting.status not in AGENDA_OPEN:
        raise DomainError(_("L'ordre du jour d'une rencontre tenue ou annulée ne change plus."))


def _notify(meeting: Meeting, kind: str, by=None) -> int:
    """The notice, update or cancellation, through the notifications layer (in this transaction;
    e-mailed by the worker after commit). Each person the notice or an update goes to has an answer
    row first (their answer links; and who a cancellation goes to). See meetings/events.py."""
    from ..events import notice_recipients_for, notify_notice

    people = notice_recipients_for(meeting, kind)
    if kind != "cancel":
        Rsvp.objects.bulk_create([Rsvp(meeting=meeting, person=person) for person in people], ignore_conflicts=True)
    return notify_notice(meeting, kind, people=people, by=by)


def timebox(meeting: Meeting, items) -> dict:
    """The total of timeboxes against the meeting's length (accepted items only)."""
    total = sum(item.minutes_allotted or 0 for item in items if item.status == ItemStatus.ACCEPTED)
    length = meeting.duration_minutes
    return {"total": total, "length": length, "over": total > length, "excess": max(total - length, 0)}


# The meeting ------------------------------------------------------------------------------------

@transaction.atomic
def meeting_create(*, space: Space, by, title: str, starts_at, ends_at, standard_agenda: bool = True,
                   **fields) -> Meeting:
    """A new meeting, in preparation (draft), with the standard agenda unless asked otherwise."""
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    if space.status == Space.Status.CLOSED:
        raise DomainError(nb(_("Cet espace est fermé{nbsp}: on n'y convoque plus de rencontre.")))
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Donnez un titre à la rencontre."), field="title")
    _check_times(starts_at, ends_at)
    meeting = Meeting.objects.create(space=space, title=title, starts_at=starts_at, ends_at=ends_at, **fields)
    if standard_agenda:
        AgendaItem.objects.bulk_create([
            AgendaItem(meeting=meeting, position=index, kind=entry.kind, standard_role=entry.role,
                       title=_(entry.title), minutes_allotted=entry.minutes,
                       expected_outcome=_(entry.outcome) if entry.outcome else "")
            for index, entry in enumerate(STANDARD_AGENDA, start=1)
        ])
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by, base_url: str | None = None, **changes) -> list[str]:
    """Change a meeting in preparation or convened. A convened meeting that changes raises its
    SEQUENCE and sends everyone an update. Returns the names of the fields that changed."""
    unknown = set(changes) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    _lock(meeting)
    if meeting.status not in PREPARED:
        raise DomainError(_("Seule une rencontre en préparation ou convoquée peut être modifiée."))
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
        if not changes["title"]:
            raise DomainError(_("Donnez un titre à la rencontre."), field="title")
    _check_times(changes.get("starts_at", meeting.starts_at), changes.get("ends_at", meeting.ends_at))
    changed = [name for name, value in changes.items() if getattr(meeting, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(meeting, name, changes[name])
    update_fields = [*changed, "updated_at"]
    notified = meeting.status == Status.CONVENED and bool(set(changed) & NOTIFIED_FIELDS)
    if notified:
        meeting.sequence += 1
        update_fields.append("sequence")
    meeting.save(update_fields=update_fields)
    if notified:
        _notify(meeting, "update", by)
    return changed


@transaction.atomic
def meeting_convene(*, meeting: Meeting, by, base_url: str | None = None, now=None) -> int:
    """Convene: the meeting is announced; each member receives the notice (after commit, by the
    worker) with an answer link of their own. Returns how many people the notice goes to."""
    now = now or timezone.now()
    _lock(meeting)
    if meeting.status != Status.DRAFT:
        raise DomainError(_("Cette rencontre est déjà convoquée ou n'est plus en préparation."))
    if meeting.starts_at <= now:
        raise DomainError(nb(_("Cette rencontre a déjà commencé{nbsp}: changez sa date avant de la convoquer.")))
    meeting.status = Status.CONVENED
    meeting.convened_at = now
    meeting.save(update_fields=["status", "convened_at", "updated_at"])
    recipients = notice_recipients(meeting)
    _notify(meeting, "notice", by)
    return len(recipients)


@transaction.atomic
def meeting_send_update(*, meeting: Meeting, by, base_url: str | None = None) -> int:
    """Send the convened meeting again, as an update (e.g. after the agenda changed)."""
    _lock(meeting)
    if meeting.status != Status.CONVENED:
        raise DomainError(_("Seule une rencontre convoquée, pas encore commencée, peut être renvoyée."))
    meeting.sequence += 1
    meeting.save(update_fields=["sequence", "updated_at"])
    recipients = notice_recipients(meeting)
    _notify(meeting, "update", by)
    return len(recipients)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by, reason: str = "", base_url: str | None = None) -> bool:
    """Cancel a meeting in preparation or convened. A convened one sends a cancellation (.ics
    METHOD:CANCEL, SEQUENCE raised) to everyone who received its notice. Returns whether a
    cancellation is sent."""
    _lock(meeting)
    if meeting.status not in PREPARED:
        raise DomainError(_("Une rencontre commencée, tenue ou déjà annulée ne peut pas être annulée."))
    was_convened = meeting.status == Status.CONVENED
    meeting.status = Status.CANCELLED
    meeting.cancelled_reason = (reason or "").strip()[:300]
    fields = ["status", "cancelled_reason", "updated_at"]
    if was_convened:
        meeting.sequence += 1
        fields.append("sequence")
    meeting.save(update_fields=fields)
    if was_convened:
        _notify(meeting, "cancel", by)
    return was_convened


# Agenda items -----------------------------------------------------------------------------------

def _ordered(meeting: Meeting) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(meeting=meeting, status=ItemStatus.ACCEPTED).order_by("position", "pk"))


def _renumber(items: list[AgendaItem]) -> None:
    changed = []
    for index, item in enumerate(items, start=1):
        if item.position != index:
            item.position = index
            changed.append(item)
    if changed:
        AgendaItem.objects.bulk_update(changed, ["position"])


def insertion_index(items: list[AgendaItem]) -> int:
    """Where a new item goes in the ordered accepted items: before the closing block of the
    standard agenda (round table, other business — the items of kind "other" right before the
    evaluation), or at the end when the meeting has no evaluation item."""
    evaluation = next((i for i, item in enumerate(items) if item.standard_role == Role.EVALUATION), None)
    if evaluation is None:
        return len(items)
    index = evaluation
    while index > 0 and items[index - 1].kind == Kind.OTHER and not items[index - 1].standard_role:
        index -= 1
    return index


def _place(item: AgendaItem, meeting: Meeting) -> None:
    """Put an accepted item at its insertion point and renumber the agenda."""
    items = [other for other in _ordered(meeting) if other.pk != item.pk]
    items.insert(insertion_index(items), item)
    _renumber(items)


def _clean_item_fields(fields: dict, allowed: set[str]) -> dict:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown item fields: {sorted(unknown)}")
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise DomainError(_("Donnez un titre au point."), field="title")
    minutes = fields.get("minutes_allotted")
    if minutes is not None and not 0 <= minutes <= 600:
        raise DomainError(_("Prévoyez entre 0 et 600 minutes pour un point."), field="minutes_allotted")
    return fields


@transaction.atomic
def item_add(*, meeting: Meeting, by, documents: dict | None = None, **fields) -> AgendaItem:
    """Add an item to the agenda, before the closing block of the standard agenda; with ``documents``
    (``item_documents_change``), the item and its document, or neither."""
    fields = _clean_item_fields(fields, ITEM_FIELDS)
    _lock(meeting)
    _check_agenda_open(meeting)
    _check_proposal(meeting, fields.get("proposal"))
    item = AgendaItem.objects.create(meeting=meeting, status=ItemStatus.ACCEPTED, position=0, **fields)
    _place(item, meeting)
    item.refresh_from_db(fields=["position"])
    if documents:
        item_documents_change(item=item, by=by, **documents)
    return item


def _check_proposal(meeting: Meeting, proposal) -> None:
    if proposal is not None and proposal.space_id != meeting.space_id:
        raise DomainError(_("Cette proposition appartient à un autre espace."), field="proposal")


@transaction.atomic
def item_update(*, item: AgendaItem, by, documents: dict | None = None, **fields) -> AgendaItem:
    """Change an item (and, with ``documents``, its documents: ``item_documents_change``), all or nothing."""
    fields = _clean_item_fields(fields, ITEM_FIELDS)
    _lock(item.meeting)
    _check_agenda_open(item.meeting)
    _check_proposal(item.meeting, fields.get("proposal"))
    for name, value in fields.items():
        setattr(item, name, value)
    item.save(update_fields=[*fields, "updated_at"])
    if documents:
        item_documents_change(item=item, by=by, **documents)
    return item


@transaction.atomic
def item_delete(*, item: AgendaItem, by) -> None:
    meeting = item.meeting
    _lock(meeting)
    _check_agenda_open(meeting)
    item.delete()
    _renumber(_ordered(meeting))


@transaction.atomic
def item_move(*, item: AgendaItem, by, direction: str | None = None, to: int | None = None) -> int:
    """Move an accepted item one step up or down, or to a position (1 = first). Returns its new
    position (1-based)."""
    meeting = item.meeting
    _lock(meeting)
    _check_agenda_open(meeting)
    items = _ordered(meeting)
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    if index is None:
        raise DomainError(_("Seul un point retenu à l'ordre du jour peut être déplacé."))
    if direction == "up":
        target = index - 1
    elif direction == "down":
        target = index + 1
    elif to is not None:
        target = int(to) - 1
    else:
        raise DomainError(_("Indiquez où déplacer le point."))
    target = max(0, min(target, len(items) - 1))
    moved = items.pop(index)
    items.insert(target, moved)
    _renumber(items)
    item.position = target + 1
    return target + 1


@transaction.atomic
def item_document_add(*, item: AgendaItem, by, title: str, url: str = "", file=None) -> Document:
    """A new document of the space's library (a file or a link), joined to the item. Seen by whoever
    sees the space (« public » within the space's visibility), as agenda documents always were; only
    by the space's members while the meeting is in preparation or the item only proposed."""
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Donnez un titre au document."), field="document_title")
    if not url and not file:
        raise DomainError(_("Joignez un fichier ou indiquez un lien vers le document."), field="document_url")
    _check_agenda_open(item.meeting)
    shown = item.status == AgendaItem.Status.ACCEPTED and item.meeting.status != Meeting.Status.DRAFT
    visibility = Document.Visibility.PUBLIC if shown else Document.Visibility.SPACE
    try:
        document = document_services.document_add(space=item.meeting.space, by=by, title=title, url=url or "",
                                                  file=file, visibility=visibility)
    except DomainError as error:
        raise DomainError(error.message, field="document_file" if error.field == "file" else "document_title",
                          code=error.code) from None
    item.documents.add(document)
    return document


@transaction.atomic
def item_documents_attach(*, item: AgendaItem, by, documents) -> int:
    """Join documents of the space's library to the item (those of other spaces are ignored)."""
    _check_agenda_open(item.meeting)
    chosen = [document for document in documents if document.space_id == item.meeting.space_id]
    item.documents.add(*chosen)
    return len(chosen)


@transaction.atomic
def item_documents_remove(*, item: AgendaItem, by, ids) -> int:
    """Detach documents from the item: they stay in the space's library."""
    _check_agenda_open(item.meeting)
    documents = list(item.documents.filter(pk__in=list(ids)))
    item.documents.remove(*documents)
    return len(documents)


def item_documents_change(*, item: AgendaItem, by, remove=(), attach=(), title: str = "", url: str = "",
                          file=None) -> None:
    """Detach the item's documents whose ids are in ``remove``, join the library's ``attach``, then
    add the new one titled ``title`` (a link or a file), if any."""
    if remove:
        item_documents_remove(item=item, by=by, ids=remove)
    if attach:
        item_documents_attach(item=item, by=by, documents=attach)
    if title:
        item_document_add(item=item, by=by, title=title, url=url or "", file=file)


# Items proposed by members ----------------------------------------------------------------------

def may_propose_items(user, meeting: Meeting, charter: Charter | None = None, *, charter_known: bool = False) -> bool:
    """Whether the person may propose an item, per the charter's « who may propose » rule. Those
    who run the meeting add items directly; proposals wait for the facilitator."""
    if meeting.status not in PREPARED or not getattr(user, "is_authenticated", False):
        return False
    access = access_for(user)
    if access.facilitates(meeting.space):
        return True
    if not access.is_member(meeting.space):
        return False
    if not charter_known:
        charter = charter_in_force(meeting.space)
    rule = charter.agenda_proposers if charter is not None else Charter.AgendaProposers.VOTING
    if rule == Charter.AgendaProposers.ALL_MEMBERS:
        return True
    if rule == Charter.AgendaProposers.VOTING:
        voting = set(charter.eligible_categories) if charter is not None else {MembershipCategory.VOTING}
        return bool(access.categories(meeting.space) & voting)
    return False


@transaction.atomic
def item_propose(*, meeting: Meeting, by, **fields) -> AgendaItem:
    """A member proposes an item; it waits (status « proposé ») until the facilitator accepts it."""
    fields = _clean_item_fields(fields, PROPOSED_ITEM_FIELDS)
    _lock(meeting)
    if meeting.status not in PREPARED:
        raise DomainError(_("On ne propose plus de point à une rencontre commencée, tenue ou annulée."))
    if not may_propose_items(by, meeting):
        raise DomainError(_("La charte de l'espace ne permet pas aux membres de votre catégorie de proposer "
                            "des points. Écrivez plutôt à l'animation."))
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"] or 0
    return AgendaItem.objects.create(meeting=meeting, status=ItemStatus.PROPOSED, proposed_by=by,
                                     position=last + 1000, **fields)


@transaction.atomic
def item_accept(*, item: AgendaItem, by) -> AgendaItem:
    _lock(item.meeting)
    _check_agenda_open(item.meeting)
    if item.status == ItemStatus.ACCEPTED:
        raise DomainError(_("Ce point est déjà à l'ordre du jour."))
    item.status = ItemStatus.ACCEPTED
    item.save(update_fields=["status", "updated_at"])
    _place(item, item.meeting)
    return item


@transaction.atomic
def item_decline(*, item: AgendaItem, by) -> AgendaItem:
    _lock(item.meeting)
    _check_agenda_open(item.meeting)
    if item.status != ItemStatus.PROPOSED:
        raise DomainError(_("Seul un point proposé peut être refusé. Pour enlever un point retenu, supprimez-le."))
    item.status = ItemStatus.DECLINED
    item.save(update_fields=["status", "updated_at"])
    return item
