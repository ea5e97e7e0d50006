"""What meetings tell people, through the notifications layer (issue 16): the notice, its updates
and the cancellation (each with its .ics), minutes circulated and adopted, follow-ups assigned and
overdue. ``register()`` runs from apps.py; the services call the ``notify_*`` functions inside their
transaction (the rows commit with the write; the worker e-mails them after commit).

The notice follows the meeting's SEQUENCE: one notice a person per sequence (``once_key``
« meeting:<pk>:<sequence> »), so a retried service never sends it twice, and the .ics of each
e-mail carries the sequence the meeting has when it is sent. A cancellation goes to everyone the
notice or an update went to: the people with an answer row (``Rsvp``), made for each of them when
the notice is sent. (The former NoticeDelivery rows are gone: the layer's Delivery rows claim each
e-mail, and nothing else needed them.)
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.notifications.api import Attachment, notify, register_daily, register_event
from concertation.notifications.urls_absolute import base_url
from concertation.spaces.access import access_for
from concertation.spaces.audience import space_audience
from concertation.spaces.events import space_group  # the one way to group by space

NOTICE_EVENTS = {"notice": "meetings.convened", "update": "meetings.changed", "cancel": "meetings.cancelled"}


def register() -> None:
    for key, label, template in [
        ("meetings.convened", _("Convocation à une rencontre"), "convened"),
        ("meetings.changed", _("Convocation mise à jour"), "changed"),
        ("meetings.cancelled", _("Rencontre annulée"), "cancelled"),
    ]:
        register_event(key, category="notices", label=label, template=f"meetings/notifications/{template}",
                       attachments=notice_attachments, still_due=notice_still_due, visible=meeting_visible)
    register_event("meetings.minutes_circulated", category="minutes", label=_("Procès-verbal à lire"),
                   template="meetings/notifications/minutes_circulated",
                   visible=meeting_visible)
    register_event("meetings.minutes_adopted", category="minutes", label=_("Procès-verbal adopté"),
                   template="meetings/notifications/minutes_adopted",
                   visible=meeting_visible)
    register_event("meetings.followup_assigned", category="followups", label=_("Suivi confié"),
                   template="meetings/notifications/followup_assigned",
                   visible=meeting_visible)
    register_event("meetings.followup_overdue", category="followups", label=_("Suivi en retard"),
                   template="meetings/notifications/followup_overdue",
                   visible=meeting_visible)
    register_daily("meetings.followups_overdue", followups_overdue_sweep)


def meeting_visible(person, context) -> bool:
    """The events' ``visible`` hook: the person still sees the space, and the meeting when one is
    named (a meeting back to draft is its facilitators' only). No query once access is known."""
    from concertation.spaces.events import space_visible

    meeting = context.get("meeting")
    if person.pk in (getattr(meeting, "facilitator_id", None), getattr(meeting, "secretary_id", None)):
        return True  # who runs it is told, as the notice's recipients say (selectors.notice_recipients)
    if not space_visible(person, context):
        return False
    if meeting is None or getattr(meeting, "status", None) != "draft":
        return True
    space = context.get("space")
    return space is not None and access_for(person).facilitates(space)


def meeting_path(meeting) -> str:
    return reverse("meetings:meeting", kwargs={
        "territory": meeting.space.territory.slug, "space": meeting.space.slug, "pk": meeting.pk})


def visible(people, space) -> list:
    """Keep the people who may see the space (a small list: one query each)."""
    return [person for person in people if person is not None and access_for(person).can_view(space)]


# The notice -------------------------------------------------------------------------------------

def notice_recipients_for(meeting, kind: str) -> list:
    """The notice and its updates: the meeting's notice recipients now. The cancellation: everyone
    the notice or an update went to (they have an answer row), to take it off their calendar."""
    from .models import Rsvp
    from .selectors import notice_recipients

    if kind != "cancel":
        return notice_recipients(meeting)
    told = Rsvp.objects.filter(meeting=meeting).values("person_id")
    return list(get_user_model().objects.filter(pk__in=told, is_active=True).exclude(email="")
                .order_by("display_name", "email"))


def notify_notice(meeting, kind: str, *, people=None, by=None) -> int:
    """The notice (« notice »), its update (« update ») or the cancellation (« cancel ») of the
    meeting at its current SEQUENCE, to each person once. Call inside the service's transaction,
    after the meeting is saved and each person has an answer row (services/agenda.py makes them).
    The actor is told too: the notice is their calendar's as well."""
    if people is None:
        people = notice_recipients_for(meeting, kind)
    once = f"meeting:{meeting.pk}:cancel" if kind == "cancel" else f"meeting:{meeting.pk}:{meeting.sequence}"
    return notify(NOTICE_EVENTS[kind], recipients=people, once_key=once, link=meeting_path(meeting),
                  group=space_group(meeting.space),
                  context={"meeting": meeting, "meeting_id": meeting.pk, "space": meeting.space,
                           "territory": meeting.space.territory, "sequence": meeting.sequence})


def notice_still_due(notification) -> bool:
    """A notice or update leaves only while the meeting is convened at that SEQUENCE (a later update
    replaces it, a cancellation makes it moot); a cancellation only while the meeting is cancelled."""
    from .models import Meeting

    context = notification.context or {}
    meeting = Meeting.objects.filter(pk=context.get("meeting_id")).only("status", "sequence").first()
    if meeting is None:
        return False
    if notification.event == NOTICE_EVENTS["cancel"]:
        return meeting.status == Meeting.Status.CANCELLED
    return meeting.status == Meeting.Status.CONVENED and meeting.sequence == context.get("sequence")


def notice_attachments(notification, person) -> list[Attachment]:
    """The .ics of the notice or update (METHOD:REQUEST) or of the cancellation (METHOD:CANCEL)."""
    from .models import Meeting
    from .notice import notice_ics

    meeting = Meeting.objects.select_related("space__territory").filter(
        pk=(notification.context or {}).get("meeting_id")).first()
    if meeting is None:
        return []
    cancel = notification.event == NOTICE_EVENTS["cancel"]
    content = notice_ics(meeting, person, cancel=cancel, base_url=base_url())
    method = "CANCEL" if cancel else "REQUEST"
    return [Attachment(filename="annulation.ics" if cancel else "invitation.ics", content=content,
                       mimetype=f"text/calendar; method={method}")]


# Minutes ----------------------------------------------------------------------------------------

def notify_minutes(minutes, meeting, *, adopted: bool, by=None) -> int:
    """The members of the space: the draft is there to read (circulated), or it is adopted."""
    key = "meetings.minutes_adopted" if adopted else "meetings.minutes_circulated"
    return notify(key, recipients=space_audience(meeting.space), actor=by, once_key=f"minutes:{minutes.pk}",
                  link=reverse("meetings:minutes", kwargs={"territory": meeting.space.territory.slug,
                                                           "space": meeting.space.slug, "pk": meeting.pk}),
                  group=space_group(meeting.space),
                  context={"minutes": minutes, "meeting": meeting, "space": meeting.space})


# Follow-ups -------------------------------------------------------------------------------------

def responsible_people(follow_up) -> list:
    """The person responsible; for an organization alone, its delegate and alternate in the space.
    Only those who may see the space."""
    from concertation.spaces.models import Delegation
    from concertation.spaces.selectors import current_q

    if follow_up.person_id:
        people = [follow_up.person]
    elif follow_up.organization_id:
        ids = Delegation.objects.filter(
            current_q(), current_q("membership__"), membership__space_id=follow_up.space_id,
            membership__organization_id=follow_up.organization_id).values("person_id")
        people = list(get_user_model().objects.filter(pk__in=ids))
    else:
        people = []
    return visible(people, follow_up.space)


def _follow_up_link(follow_up) -> str:
    return reverse("my:my_follow_ups")  # the person's own follow-ups: reachable whatever the space


def notify_follow_up_assigned(follow_up, *, by=None) -> int:
    return notify("meetings.followup_assigned", recipients=responsible_people(follow_up), actor=by,
                  once_key=f"followup:{follow_up.pk}", link=_follow_up_link(follow_up),
                  group=space_group(follow_up.space),
                  context={"follow_up": follow_up, "meeting": follow_up.meeting, "space": follow_up.space})


def followups_overdue_sweep(now) -> int:
    """Once a day: each open follow-up past its due date, to the person responsible — once per due
    date (moving the date tells them again when the new one passes)."""
    from .models import FollowUp

    today = timezone.localdate(now)
    told = 0
    overdue = (FollowUp.objects.filter(status=FollowUp.Status.OPEN, due_on__lt=today)
               .select_related("space__territory", "person", "meeting").order_by("pk"))
    for follow_up in overdue.iterator(chunk_size=500):
        told += notify("meetings.followup_overdue", recipients=responsible_people(follow_up),
                       once_key=f"overdue:{follow_up.pk}:{follow_up.due_on.isoformat()}",
                       link=_follow_up_link(follow_up), group=space_group(follow_up.space),
                       context={"follow_up": follow_up, "meeting": follow_up.meeting, "space": follow_up.space})
    return told
