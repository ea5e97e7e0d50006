"""The demo's meetings (data: meetings.toml): the five of the story's autumn, held, with their agenda,
documents, attendance, decisions, follow-ups, anonymous evaluations and minutes; and the next
assembly, next week, convened, with the answers of part of its members (the demo citizen has not
answered: she may try it). Convening here writes the answer records without queueing e-mails (the
demo's people are fictional)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone, translation

from concertation.demo.build_decisions import demo_proposals
from concertation.demo.context import (
    ACCOUNT_EMAILS,
    ARRONDISSEMENT,
    DemoContext,
    data,
    fr,
    organizations,
)
from concertation.demo.documents import document_bytes

PLENARY = "assembly-november"  # its minutes circulate; it adopted the September assembly's
SEPTEMBER = "assembly-september"


def _moment(ctx: DemoContext, day: str, clock: str):
    return ctx.at(f"{day} {clock}")


def _meeting_create(ctx: DemoContext, item: dict):
    from concertation.meetings.services import agenda as services_agenda

    meetings = data("meetings")
    return services_agenda.meeting_create(
        space=ctx.space(item["space"]), by=ctx.person(ACCOUNT_EMAILS["coordinator"]), title=ctx.t(item["title"]),
        starts_at=_moment(ctx, item["day"], item["starts"]), ends_at=_moment(ctx, item["day"], item["ends"]),
        kind=item["kind"], address=f"{item['address']}, {ARRONDISSEMENT}", room=item["room"],
        accessibility=meetings["accessibility"], childcare=item.get("childcare", False),
        transit_tickets=item.get("transit", False), interpretation=bool(item.get("interpretation")),
        interpretation_languages=item.get("interpretation", ""), meal=item.get("meal", ""),
        facilitator=ctx.person(item["facilitator"]), secretary=ctx.person(item["secretary"]),
    )


def _items(ctx: DemoContext, meeting, item: dict, proposals: dict, *, held: bool) -> list:
    """The meeting's own items (after its standard ones), with their documents and, once held, notes."""
    from concertation.meetings.models import AgendaItem, ConflictDeclaration
    from concertation.meetings.services import agenda as services_agenda

    coordinator = ctx.person(ACCOUNT_EMAILS["coordinator"])
    items = []
    for entry in item.get("items", []):
        proposal = proposals.get(entry["proposal"]) if entry.get("proposal") else None
        agenda_item = services_agenda.item_add(
            meeting=meeting, by=coordinator, kind=entry["kind"], title=ctx.t(entry["title"]),
            minutes_allotted=entry["minutes"], expected_outcome=ctx.t(entry.get("outcome", "")), proposal=proposal,
            presenter=ctx.person(entry["presenter"]) if entry.get("presenter") else None,
            presenter_organization=ctx.organization(entry["presenter_org"]) if entry.get("presenter_org") else None,
        )
        if held:
            notes = ctx.t(entry.get("notes", ""))
            if entry.get("proposal") and proposal is None and entry.get("outcome"):
                notes += "\n\n" + ctx.t(entry["outcome"])
            AgendaItem.objects.filter(pk=agenda_item.pk).update(notes=notes, dissent=fr(entry.get("dissent", "")))
        for document in entry.get("documents", []):
            title, filename = ctx.t(document["title"]), ctx.timeline.text(document["filename"])
            content = document_bytes(filename, title, [ctx.t(text) for text in document["paragraphs"]])
            services_agenda.item_document_add(item=agenda_item, by=coordinator, title=title,
                                              file=ContentFile(content, name=filename))
        for key in entry.get("conflicts", []):
            ConflictDeclaration.objects.create(item=agenda_item, organization=ctx.organization(key),
                                               reason=fr(data("meetings")["conflict_reason"]))
        items.append(agenda_item)
    return items


def _attendance(ctx: DemoContext, meeting, item: dict) -> list:
    """Delegates for their organization, observers, citizens in person; the excused and the absent."""
    from concertation.meetings.models import Attendance

    late = {ctx.person(ref).pk for ref in item.get("late", [])}

    def status(person):
        return Attendance.Status.LATE if person.pk in late else Attendance.Status.PRESENT

    rows = []
    for key in item.get("present", []):
        person = ctx.delegate_of(key)
        rows.append(Attendance(meeting=meeting, person=person, organization=ctx.organization(key),
                               status=status(person)))
    for key in item.get("observers", []):
        rows.append(Attendance(meeting=meeting, person=ctx.delegate_of(key), organization=ctx.organization(key)))
    for ref in item.get("citizens", []):
        person = ctx.person(ref)
        rows.append(Attendance(meeting=meeting, person=person, status=status(person)))
    for refs, value in ((item.get("excused", []), Attendance.Status.EXCUSED),
                        (item.get("absent", []), Attendance.Status.ABSENT)):
        for ref in refs:
            if ref in organizations():
                rows.append(Attendance(meeting=meeting, person=ctx.delegate_of(ref), organization=ctx.organization(ref),
                                       status=value))
            else:
                rows.append(Attendance(meeting=meeting, person=ctx.person(ref), status=value))
    Attendance.objects.bulk_create(rows)
    return rows


def build_held_meeting(ctx: DemoContext, item: dict, proposals: dict):
    from concertation.meetings.models import AgendaItem, Attendance, FollowUp, Meeting
    from concertation.meetings.services.evaluation import evaluation_submit

    meeting = _meeting_create(ctx, item)
    items = _items(ctx, meeting, item, proposals, held=True)
    for role, notes in item.get("standard_notes", {}).items():
        if notes:
            AgendaItem.objects.filter(meeting=meeting, standard_role=role).update(notes=ctx.t(notes))
    rows = _attendance(ctx, meeting, item)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.HELD, convened_at=meeting.starts_at - timedelta(days=12), opened_at=meeting.starts_at,
        closed_at=meeting.ends_at - timedelta(minutes=5),
    )
    meeting.refresh_from_db()
    for entry in item.get("follow_ups", []):
        due = ctx.on(entry["due"])
        status = entry.get("status", FollowUp.Status.OPEN)
        FollowUp.objects.create(
            space=meeting.space, meeting=meeting, item=items[entry["item"]] if "item" in entry else None,
            what=ctx.t(entry["what"]), person=ctx.person(entry["person"]) if entry.get("person") else None,
            organization=ctx.organization(entry["organization"]) if entry.get("organization") else None,
            due_on=due, status=status, done_on=min(due, ctx.today) if status == FollowUp.Status.DONE else None,
        )
    # The evaluation, anonymous (the answers keep no link to the people). The last people listed
    # answer, so that the demo delegate, listed first, may still try the form.
    attendees = [row.person for row in rows if row.status in (Attendance.Status.PRESENT, Attendance.Status.LATE)]
    attendees.reverse()
    for person, (objectives, speak, useful, plus, delta) in zip(attendees, item["evaluations"], strict=False):
        evaluation_submit(meeting=meeting, person=person, answers={
            "objectives_met": objectives, "everyone_could_speak": speak, "useful_to_my_organization": useful,
            "plus": fr(plus), "delta": fr(delta),
        })
    return meeting


def _minutes(ctx: DemoContext, meetings: dict) -> None:
    """Minutes: adopted, except those of the last plenary, which circulate for comment."""
    from concertation.meetings.models import Meeting, Minutes
    from concertation.meetings.services import minutes as minutes_services

    plenary = meetings[PLENARY]
    for key, meeting in meetings.items():
        if key != PLENARY:
            minutes_services.minutes_regenerate(meeting=meeting)
    # The September assembly's minutes: circulated, then adopted by the plenary, the next meeting of
    # the same space, under its « adoption du procès-verbal » item.
    september = Minutes.objects.get(meeting=meetings[SEPTEMBER])
    minutes_services.minutes_circulate(minutes=september)
    Minutes.objects.filter(pk=september.pk).update(circulated_at=meetings[SEPTEMBER].closed_at + timedelta(days=6))
    minutes_services.minutes_adopt(minutes=september, at_meeting=plenary, now=plenary.starts_at)
    # The committees have no later meeting in the demo: their minutes were adopted on the day of the
    # plenary (recorded as such, without an adopting meeting of their own space).
    for key, meeting in meetings.items():
        if key in (PLENARY, SEPTEMBER):
            continue
        minutes = Minutes.objects.get(meeting=meeting)
        Minutes.objects.filter(pk=minutes.pk).update(
            status=Minutes.Status.ADOPTED, adopted_body=minutes.body,
            circulated_at=meeting.closed_at + timedelta(days=5), adopted_at=plenary.starts_at,
        )
        Meeting.objects.filter(pk=minutes.meeting_id).update(status=Meeting.Status.MINUTES_ADOPTED)
    # The plenary's minutes circulate; a member has commented.
    minutes = minutes_services.minutes_regenerate(meeting=plenary)
    minutes = minutes_services.minutes_circulate(minutes=minutes)
    Minutes.objects.filter(pk=minutes.pk).update(circulated_at=plenary.closed_at + timedelta(days=4))
    minutes_services.minutes_comment(minutes=minutes, author=ctx.delegate_of("clsc"),
                                     body=ctx.t(data("meetings")["minutes_comment"]))


def build_meetings(ctx: DemoContext) -> None:
    """The five meetings of the story's autumn, held."""
    from concertation.meetings.models import Meeting

    if Meeting.objects.filter(space__territory=ctx.territory).exists():
        return
    proposals = demo_proposals(ctx)
    with translation.override("fr-ca"):
        meetings = {item["key"]: build_held_meeting(ctx, item, proposals) for item in data("meetings")["meetings"]}
        _minutes(ctx, meetings)


def build_next_meeting(ctx: DemoContext) -> None:
    """The assembly of next week, convened twelve days before it, with the answers of part of its members."""
    from concertation.meetings.models import Meeting, Rsvp
    from concertation.meetings.selectors import notice_recipients

    item = data("meetings")["next_meeting"]
    meeting = _meeting_create(ctx, item)
    _items(ctx, meeting, item, demo_proposals(ctx), held=False)
    # Convened: each member has an answer record (as meeting_convene makes them), no e-mail queued.
    convened_at = ctx.at(item["convened"])
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CONVENED, convened_at=convened_at)
    now = timezone.now()
    answers = {ctx.person(answer["who"]).pk: answer for answer in item["answers"]}
    rows = []
    for n, person in enumerate(notice_recipients(meeting)):
        rsvp = Rsvp(meeting=meeting, person=person)
        if (answer := answers.get(person.pk)) is not None:
            rsvp.answer, rsvp.childcare = answer["answer"], answer.get("childcare", 0)
            rsvp.diet, rsvp.interpretation = answer.get("diet", ""), answer.get("interpretation", "")
            rsvp.answered_at = min(convened_at + timedelta(hours=5 + 7 * n), now - timedelta(minutes=30))
        rows.append(rsvp)
    Rsvp.objects.bulk_create(rows)


def delete_meetings(ctx: DemoContext) -> None:
    """Meetings PROTECT their space: delete them before the territory."""
    from concertation.meetings.models import Meeting

    # The agenda's documents live in the library: delete_documents removes their files.
    if ctx.territory is not None:
        Meeting.objects.filter(space__territory=ctx.territory).delete()
