"""Follow-ups: the one decided on an item during the meeting, one added for a space, its status, and
its review at the next meeting (done, dropped or carried over).

Which follow-ups a meeting reviews, whose they are and who may change them is read by
``meetings.followups``.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.core.formatting import NBSP
from concertation.directory.models import Organization
from concertation.spaces.models import Space

from ..events import notify_follow_up_assigned
from ..followups import REVIEW_STATUS, REVIEWABLE, Outcome, Status, follow_ups_for_meeting
from ..models import AgendaItem, FollowUp, FollowUpReview, Meeting
from .meeting import item_in, refuse_unless


@transaction.atomic
def follow_up_create(*, space: Space, what: str, meeting: Meeting | None = None, item=None, person=None,
                     organization=None, due_on: date | None = None, by=None) -> FollowUp:
    what = (what or "").strip()
    if not what:
        raise DomainError(_("Écrivez ce qu'il faut faire."), field="what")
    if person is None and organization is None:
        raise DomainError(_("Indiquez la personne ou l'organisme responsable."), field="person")
    if meeting is not None and meeting.space_id != space.pk:
        raise DomainError(_("Cette rencontre n'est pas une rencontre de cet espace."), field="meeting")
    follow_up = FollowUp.objects.create(space=space, meeting=meeting, item=item, what=what, person=person,
                                        organization=organization, due_on=due_on)
    notify_follow_up_assigned(follow_up, by=by)
    return follow_up


@transaction.atomic
def follow_up_set_status(*, follow_up: FollowUp, status: str, by=None, on: date | None = None) -> FollowUp:
    """Mark a follow-up open, done (with the day) or dropped."""
    if status not in Status.values:
        raise DomainError(_("Choisissez un statut{nbsp}: à faire, fait ou abandonné.").replace("{nbsp}", NBSP),
                          field="status")
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    follow_up.status = status
    follow_up.done_on = (on or timezone.localdate()) if status == Status.DONE else None
    follow_up.save(update_fields=["status", "done_on", "updated_at"])
    return follow_up


@transaction.atomic
def follow_up_review(*, meeting: Meeting, follow_up: FollowUp, outcome: str, by=None) -> FollowUpReview:
    """The meeting marks a follow-up of an earlier meeting done, dropped or carried over.

    Done and dropped close it (done: as of the meeting's day); carried over leaves it open, so it is
    reviewed again at the next meeting. Marking it again at the same meeting corrects the review.
    """
    if outcome not in Outcome.values:
        raise DomainError(_("Choisissez{nbsp}: fait, abandonné ou reporté.").replace("{nbsp}", NBSP),
                          field="outcome")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status not in REVIEWABLE:
        raise DomainError(_("Les suivis se passent en revue pendant la rencontre : ouvrez-la d'abord. Une fois "
                            "son procès-verbal adopté, ils ne changent plus ici."))
    if not follow_ups_for_meeting(meeting).filter(pk=follow_up.pk).exists():
        raise DomainError(_("Ce suivi ne fait pas partie des suivis des rencontres précédentes de cette "
                          "rencontre."))
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    review, _created = FollowUpReview.objects.update_or_create(
        follow_up=follow_up, meeting=meeting, defaults={"outcome": outcome, "by": by})
    follow_up.status = REVIEW_STATUS[outcome]
    follow_up.done_on = timezone.localdate(meeting.starts_at) if outcome == Outcome.DONE else None
    follow_up.save(update_fields=["status", "done_on", "updated_at"])
    return review


@transaction.atomic
def follow_up_add(*, item: AgendaItem, by, what: str, person=None, organization: Organization | None = None,
                  due_on: date | None = None) -> FollowUp:
    """A follow-up decided on an item: what, who (a person or an organization) and by when."""
    meeting = item_in(item)
    refuse_unless(meeting, Meeting.Status.IN_PROGRESS, Meeting.Status.HELD)
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
    follow_up = FollowUp.objects.create(space=meeting.space, meeting=meeting, item=item, what=what, person=person,
                                        organization=organization, due_on=due_on)
    notify_follow_up_assigned(follow_up, by=by)
    return follow_up
