"""The demo's year before the story's autumn (data: ``history`` in meetings.toml), so that the
governance-health page (issue 18) has a year of metrics worth reading, and a year before it to
compare with: last year's annual assembly, facilitated and minuted by the coordination, then the
winter and spring meetings where delegates and a citizen took turns facilitating and taking notes,
members proposed agenda items, and follow-ups were done (some late). Each meeting is held, evaluated
(anonymously, through the service) and its minutes adopted."""

from __future__ import annotations

from datetime import timedelta

from django.utils import translation

from concertation.demo.build_meetings import _attendance, _items, _meeting_create
from concertation.demo.context import DemoContext, data, fr


def _follow_ups(ctx: DemoContext, meeting, item: dict) -> None:
    from concertation.meetings.models import FollowUp

    FollowUp.objects.bulk_create([
        FollowUp(space=meeting.space, meeting=meeting, what=ctx.t(entry["what"]), due_on=ctx.on(entry["due"]),
                 person=ctx.person(entry["person"]) if entry.get("person") else None,
                 organization=ctx.organization(entry["organization"]) if entry.get("organization") else None,
                 status=entry.get("status", FollowUp.Status.OPEN),
                 done_on=ctx.on(entry["done"]) if entry.get("done") else None)
        for entry in item.get("follow_ups", [])
    ])


def build_past_meeting(ctx: DemoContext, item: dict):
    from concertation.meetings.models import AgendaItem, Attendance, Meeting, Minutes
    from concertation.meetings.services import minutes as minutes_services
    from concertation.meetings.services.evaluation import evaluation_submit

    meeting = _meeting_create(ctx, item)
    items = _items(ctx, meeting, item, {}, held=True)
    for agenda_item, entry in zip(items, item.get("items", []), strict=True):
        if entry.get("proposed_by"):  # proposed by a member, then retained by the coordination
            AgendaItem.objects.filter(pk=agenda_item.pk).update(proposed_by=ctx.person(entry["proposed_by"]))
    rows = _attendance(ctx, meeting, item)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.HELD, convened_at=meeting.starts_at - timedelta(days=12), opened_at=meeting.starts_at,
        closed_at=meeting.ends_at - timedelta(minutes=5))
    meeting.refresh_from_db()
    _follow_ups(ctx, meeting, item)
    attendees = [row.person for row in rows if row.status in (Attendance.Status.PRESENT, Attendance.Status.LATE)]
    for person, (objectives, speak, useful, plus, delta) in zip(reversed(attendees), item["evaluations"],
                                                                 strict=False):
        evaluation_submit(meeting=meeting, person=person, answers={
            "objectives_met": objectives, "everyone_could_speak": speak, "useful_to_my_organization": useful,
            "plus": fr(plus), "delta": fr(delta)})
    minutes = minutes_services.minutes_save_draft(meeting=meeting, body=ctx.t(item["minutes_body"]))
    Minutes.objects.filter(pk=minutes.pk).update(
        status=Minutes.Status.ADOPTED, adopted_body=minutes.body, circulated_at=meeting.closed_at + timedelta(days=5),
        adopted_at=meeting.starts_at + timedelta(days=28))
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.MINUTES_ADOPTED)
    return meeting


def build_history(ctx: DemoContext) -> None:
    """The meetings of the year before the story's autumn (once: skipped if they exist)."""
    from concertation.meetings.models import Meeting

    history = data("meetings").get("history", [])
    if not history or Meeting.objects.filter(space__territory=ctx.territory,
                                             starts_at__lt=ctx.at(f"{history[0]['day']} 23:59")).exists():
        return
    with translation.override("fr-ca"):
        for item in history:
            build_past_meeting(ctx, item)
