"""Taking attendance: one person at a time, or everyone who answered yes to the notice.

The roster and the quorum attendance gives are read by ``meetings.attendance``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.spaces.models import Delegation

from ..attendance import ATTENDANCE_STATES, PRESENT_STATUSES, answered_yes_not_noted, roster
from ..models import Attendance, Meeting


@transaction.atomic
def attendance_set(*, meeting: Meeting, person, organization=None, status: str, by=None,
                   now: datetime | None = None) -> Attendance:
    """Record that a member's person is present, late, excused or absent.

    ``organization``: the member organization the person represents (they must be its delegate or
    alternate); omitted, it is the one they represent in this space, if any.
    """
    if meeting.status not in ATTENDANCE_STATES:
        raise DomainError(_("Les présences se prennent une fois la rencontre convoquée, jusqu'à l'adoption "
                            "de son procès-verbal."))
    if status not in Attendance.Status.values:
        raise DomainError(_("Choisissez présence, retard, absence motivée ou absence."), field="status")
    person_id = getattr(person, "pk", person)
    organization_id = getattr(organization, "pk", organization)
    places = [(seat, someone) for seat in roster(meeting) for someone in seat.people
              if someone.person_id == person_id]
    if not places:
        raise DomainError(_("Cette personne ne siège pas dans cet espace : ni citoyenne ou citoyen membre, ni "
                            "personne déléguée ou substitut d'un organisme membre."), field="person")
    if organization_id:
        if not any(seat.organization_id == organization_id for seat, _someone in places):
            raise DomainError(_("Cette personne n'est ni la personne déléguée ni la ou le substitut de cet organisme."),
                              field="organization")
    elif not any(seat.organization_id is None for seat, _someone in places):
        # Not a citizen member: they sit for their organization (as its delegate first).
        places.sort(key=lambda place: place[1].kind != Delegation.Kind.DELEGATE)
        organization_id = places[0][0].organization_id
    attendance, _created = Attendance.objects.select_for_update().get_or_create(
        meeting=meeting, person_id=person_id, defaults={"status": status, "organization_id": organization_id},
    )
    attendance.status = status
    attendance.organization_id = organization_id
    if status in PRESENT_STATUSES:
        attendance.arrived_at = attendance.arrived_at or now or timezone.now()
    else:
        attendance.arrived_at = None
    attendance.save()
    return attendance


@transaction.atomic
def attendance_mark_yes(*, meeting: Meeting, by=None, now: datetime | None = None) -> int:
    """Mark present everyone who answered yes to the notice and sits in the space, unless their
    attendance is already noted (someone marked absent stays absent). Each sits for the member
    ``attendance_set`` would choose: their own citizen seat, else the organization they are the
    delegate of first. Three queries whatever the size of the space; returns how many were marked."""
    if meeting.status not in ATTENDANCE_STATES:
        raise DomainError(_("Les présences se prennent une fois la rencontre convoquée, jusqu'à l'adoption "
                            "de son procès-verbal."))
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one run at a time
    seats = roster(meeting)
    waiting = answered_yes_not_noted(meeting, seats)
    places: dict[int, list[tuple[bool, int | None]]] = {}
    for seat in seats:
        for person in seat.people:
            if person.person_id in waiting:
                # The citizen seat first, then the organizations they are the delegate of.
                rank = (seat.organization_id is not None, person.kind != Delegation.Kind.DELEGATE)
                places.setdefault(person.person_id, []).append((rank, seat.organization_id))
    moment = now or timezone.now()
    rows = [Attendance(meeting_id=meeting.pk, person_id=person_id, organization_id=min(choices)[1],
                       status=Attendance.Status.PRESENT, arrived_at=moment)
            for person_id, choices in places.items()]
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
