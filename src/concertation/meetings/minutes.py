"""Minutes: generated from the meeting, edited as a draft, circulated, adopted, then locked.

``minutes_generate(meeting)`` writes a Markdown draft from what the meeting recorded: attendance
(by college and organization), quorum, per-item notes, conflicts of interest, decisions with their
rule and result, dissent and follow-ups. The secretary edits it; it is circulated to the members for
comment; the next meeting of the same space adopts it under its « adoption du procès-verbal
précédent » item. Adopted minutes are frozen (``adopted_body``) and every later change is refused.

This module reads and generates the text; the writes are in ``meetings.services.minutes``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from concertation.core import formatting
from concertation.core.formatting import NBSP, nbsp
from concertation.core.richtext import render_markdown
from concertation.decisions.explain import college_names_of, explain
from concertation.spaces.charter_text import method_phrase
from concertation.spaces.models import Charter, Membership
from concertation.spaces.selectors import charter_in_force, current_q

from .attendance import quorum_for_meeting
from .evaluation import meeting_averages
from .followups import follow_ups_of_meeting, rolled_follow_ups
from .models import AgendaItem, Attendance, ConflictDeclaration, Meeting, Minutes

Status = Minutes.Status
ADOPTING_MEETING_STATUSES = {Meeting.Status.CONVENED, Meeting.Status.IN_PROGRESS, Meeting.Status.HELD,
                             Meeting.Status.MINUTES_ADOPTED}



def locked_message() -> str:
    return nbsp(_("Ce procès-verbal est adopté{nbsp}: il ne peut plus être modifié."))


# Generation ----------------------------------------------------------------------------------

def _cell(text) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text or "").split()).replace("|", "\\|")


def _local(value):
    return timezone.localtime(value) if value is not None else None


def _day(value) -> str:
    return formatting.day(value)


def _time(value) -> str:
    return formatting.hour(value)


def _who(person=None, organization=None) -> str:
    if person is not None and organization is not None:
        return f"{person} ({organization})"
    return str(person or organization or "")


def _quorum_line(meeting: Meeting, charter) -> str:
    """« Quorum atteint : 4 organismes sur 6. », from attendance under the charter."""
    phrase = quorum_for_meeting(meeting, charter=charter).phrase
    return phrase[:1].upper() + phrase[1:] + "."


def _college_of(attendance: Attendance, person_colleges: dict, organization_colleges: dict):
    if attendance.organization_id:
        return organization_colleges.get(attendance.organization_id) or attendance.organization.college
    return person_colleges.get(attendance.person_id)


def _attendance_section(meeting: Meeting, lines: list[str], college_names: dict, charter) -> None:
    attendances = list(
        meeting.attendances.select_related("person", "organization__college")
        .order_by("organization__name", "person__display_name", "id")
    )
    on = _local(meeting.starts_at).date()
    person_colleges, organization_colleges = {}, {}
    for membership in Membership.objects.filter(current_q(on=on), space_id=meeting.space_id).select_related(
        "college"
    ):
        if membership.person_id:
            person_colleges[membership.person_id] = membership.college
        elif membership.organization_id and membership.college_id:
            organization_colleges[membership.organization_id] = membership.college

    lines.append("## " + _("Présences"))
    lines.append("")
    if meeting.facilitator_id or meeting.secretary_id:
        roles = []
        if meeting.facilitator_id:
            roles.append(nbsp(_("Animation{nbsp}: %(name)s")) % {"name": meeting.facilitator})
        if meeting.secretary_id:
            roles.append(nbsp(_("secrétariat{nbsp}: %(name)s")) % {"name": meeting.secretary})
        lines.append("; ".join(roles) + ".")
        lines.append("")
    quorum = _quorum_line(meeting, charter)
    if quorum:
        lines.append(f"**{quorum}**")
        lines.append("")

    present = [a for a in attendances if a.status in (Attendance.Status.PRESENT, Attendance.Status.LATE)]
    excused = [a for a in attendances if a.status == Attendance.Status.EXCUSED]
    absent = [a for a in attendances if a.status == Attendance.Status.ABSENT]
    if not attendances:
        lines.append(_("Les présences n'ont pas été consignées."))
        lines.append("")
        return

    lines.append("### " + ngettext("%(count)s personne présente", "%(count)s personnes présentes",
                                   len(present)) % {"count": len(present)})
    lines.append("")
    groups: dict = defaultdict(list)
    for attendance in present:
        college = _college_of(attendance, person_colleges, organization_colleges)
        groups[college.name if college else ""].append(attendance)
    for college_name in sorted(groups, key=lambda name: (name == "", name)):
        label = (nbsp(_("**Collège %(name)s{nbsp}:**")) % {"name": college_name}) if college_name else \
            nbsp(_("**Sans collège{nbsp}:**"))
        lines.append(label)
        lines.append("")
        for attendance in groups[college_name]:
            entry = _who(attendance.person, attendance.organization) if attendance.organization_id else \
                str(attendance.person)
            if attendance.status == Attendance.Status.LATE:
                entry += " — " + _("arrivée en retard")
            lines.append(f"- {entry}")
        lines.append("")
    for title, rows in ((_("Personnes excusées"), excused), (_("Personnes absentes"), absent)):
        if rows:
            lines.append(f"### {title}")
            lines.append("")
            for attendance in rows:
                lines.append("- " + (_who(attendance.person, attendance.organization)
                                     if attendance.organization_id else str(attendance.person)))
            lines.append("")


def rule_of(proposal) -> str:
    """« consensus; à défaut, vote aux deux tiers des membres votants présents; une voix par organisme »"""
    parts = [method_phrase(proposal, proposal.method)]
    if proposal.fallback_method and proposal.fallback_method != proposal.method:
        parts.append(_("à défaut, %(fallback)s") % {"fallback": method_phrase(proposal, proposal.fallback_method)})
    parts.append(_("une voix par organisme") if proposal.voting_unit == Charter.VotingUnit.ORGANIZATION
                 else _("une voix par personne"))
    return "; ".join(parts)


def decision_text(proposal) -> str:
    return proposal.outcome or proposal.title


def _item_section(item: AgendaItem, number: int, lines: list[str], meeting: Meeting, college_names: dict,
                  follow_ups: list, rolled: list, adopted_minutes: list, averages) -> dict | None:
    """One item of the deliberations; returns the decision row for the log, if any."""
    lines.append(f"### {number}. {item.title}")
    lines.append("")
    presenters = [str(who) for who in (item.presenter, item.presenter_organization) if who]
    if presenters:
        lines.append("*" + nbsp(_("Présenté par{nbsp}: %(who)s")) % {"who": ", ".join(presenters)} + "*")
        lines.append("")
    if item.standard_role == AgendaItem.Role.ADOPT_MINUTES:
        for minutes in adopted_minutes:
            lines.append(_("Le procès-verbal de la rencontre du %(date)s est adopté.") % {
                "date": _day(_local(minutes.meeting.starts_at))})
            lines.append("")
    if item.standard_role == AgendaItem.Role.FOLLOW_UPS:
        if rolled:
            reviewed = any(getattr(follow_up, "reviews_here", None) for follow_up in rolled)
            lines.append(nbsp(_("Suivis des rencontres précédentes{nbsp}:") if reviewed
                               else _("Suivis des rencontres précédentes, encore à faire{nbsp}:")))
            lines.append("")
            for follow_up in rolled:
                line = "- " + _follow_up_line(follow_up)
                if getattr(follow_up, "reviews_here", None):
                    line += " — " + follow_up.reviews_here[0].get_outcome_display().lower()
                lines.append(line)
            lines.append("")
        elif not item.notes.strip():
            lines.append(_("Aucun suivi ouvert des rencontres précédentes."))
            lines.append("")
    if item.standard_role == AgendaItem.Role.EVALUATION and averages.count:
        lines.append(ngettext(
            "Évaluation de la rencontre{nbsp}: %(score)s (%(count)s réponse).",
            "Évaluation de la rencontre{nbsp}: %(score)s (%(count)s réponses).", averages.count,
        ).replace("{nbsp}", NBSP) % {"score": averages.overall_display, "count": averages.count})
        lines.append("")
    if item.notes.strip():
        lines.append(item.notes.strip())
        lines.append("")
    for conflict in item.conflicts.all():
        text = _("%(who)s déclare un conflit d'intérêts et se retire de la délibération et du vote.") % {
            "who": _who(conflict.person, conflict.organization)}
        if conflict.reason:
            text += " " + nbsp(_("Motif{nbsp}: %(reason)s.")) % {"reason": conflict.reason.rstrip(".")}
        lines.append(f"- {text}")
    if item.conflicts.all():
        lines.append("")
    row = None
    proposal = item.proposal
    if proposal is not None and proposal.status in ("closed", "decided"):
        result = explain(proposal, college_names)
        lines.append(nbsp(_("**Décision{nbsp}:** %(decision)s")) % {"decision": decision_text(proposal)})
        lines.append("")
        lines.append(nbsp(_("Règle{nbsp}: %(rule)s.")) % {"rule": rule_of(proposal)})
        if result:
            lines.append("")
            lines.append(nbsp(_("Résultat{nbsp}: %(result)s")) % {"result": result})
        lines.append("")
        row = {"number": number, "item": item.title, "decision": decision_text(proposal), "result": result}
    elif proposal is not None:
        lines.append(nbsp(_("Proposition liée{nbsp}: «{nbsp}%(title)s{nbsp}» (%(status)s).")) % {
            "title": proposal.title, "status": proposal.get_status_display()})
        lines.append("")
    dissent = "\n".join(text for text in (item.dissent.strip(), (proposal.dissent.strip() if proposal else ""))
                        if text)
    if dissent:
        lines.append(nbsp(_("**Dissidence{nbsp}:** %(dissent)s")) % {"dissent": dissent})
        lines.append("")
    if follow_ups:
        lines.append(nbsp(_("**Suivis{nbsp}:**")))
        lines.append("")
        for follow_up in follow_ups:
            lines.append("- " + _follow_up_line(follow_up))
        lines.append("")
    return row


def _follow_up_line(follow_up) -> str:
    who = _who(follow_up.person, follow_up.organization) or _("personne désignée")
    text = f"{follow_up.what} — {who}"
    if follow_up.due_on:
        text += " — " + _("d'ici le %(date)s") % {"date": _day(follow_up.due_on)}
    return text


def minutes_generate(meeting: Meeting) -> str:
    """The Markdown draft of the minutes of ``meeting``, from what was recorded (reads only)."""
    meeting = (
        Meeting.objects.select_related("space__territory", "facilitator", "secretary").get(pk=meeting.pk)
    )
    charter = charter_in_force(meeting.space)
    college_names = college_names_of(meeting.space.territory_id)
    items = list(
        AgendaItem.objects.filter(meeting=meeting).exclude(status=AgendaItem.Status.DECLINED)
        .select_related("presenter", "presenter_organization", "proposal__space")
        .prefetch_related(Prefetch("conflicts", queryset=ConflictDeclaration.objects.select_related(
            "person", "organization").order_by("id")))
        .order_by("position", "id")
    )
    follow_ups = list(follow_ups_of_meeting(meeting))
    by_item = defaultdict(list)
    for follow_up in follow_ups:
        by_item[follow_up.item_id].append(follow_up)
    rolled = rolled_follow_ups(meeting)
    adopted = list(Minutes.objects.filter(adopted_at_meeting=meeting).select_related("meeting")
                   .order_by("meeting__starts_at"))
    averages = meeting_averages(meeting)

    start = _local(meeting.starts_at)
    lines = [
        "# " + nbsp(_("Procès-verbal{nbsp}: %(title)s")) % {"title": meeting.title},
        "",
        f"**{meeting.space.name}** — {_day(start)}, {_time(meeting.starts_at)} – {_time(meeting.ends_at)}",
        "",
    ]
    place = ", ".join(part for part in (meeting.address, meeting.room) if part)
    if place:
        lines += [nbsp(_("Lieu{nbsp}: %(place)s")) % {"place": place}, ""]
    if meeting.online_url:
        lines += [nbsp(_("En ligne{nbsp}: %(url)s")) % {"url": meeting.online_url}, ""]

    _attendance_section(meeting, lines, college_names, charter)

    lines += ["## " + _("Ordre du jour"), ""]
    for number, item in enumerate(items, start=1):
        lines.append(f"{number}. {item.title}")
    if not items:
        lines.append(_("L'ordre du jour est vide."))
    lines.append("")

    lines += ["## " + _("Délibérations"), ""]
    decisions = []
    for number, item in enumerate(items, start=1):
        row = _item_section(item, number, lines, meeting, college_names, by_item.get(item.pk, []), rolled,
                            adopted, averages)
        if row:
            decisions.append(row)
    loose = by_item.get(None, [])
    if loose:
        lines += ["### " + _("Autres suivis"), ""]
        lines += ["- " + _follow_up_line(follow_up) for follow_up in loose]
        lines.append("")

    lines += ["## " + _("Registre des décisions"), ""]
    if decisions:
        headers = (_("Point"), _("Décision"), _("Résultat"))
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("| --- | --- | --- |")
        for row in decisions:
            lines.append(f"| {row['number']}. {_cell(row['item'])} | {_cell(row['decision'])} | {_cell(row['result'])} |")
    else:
        lines.append(_("Aucune décision n'a été prise à cette rencontre."))
    lines.append("")

    lines += ["## " + _("Suivis"), ""]
    if follow_ups:
        headers = (_("Quoi"), _("Qui"), _("Échéance"))
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("| --- | --- | --- |")
        for follow_up in follow_ups:
            due = _day(follow_up.due_on) if follow_up.due_on else "—"
            who = _who(follow_up.person, follow_up.organization) or "—"
            lines.append(f"| {_cell(follow_up.what)} | {_cell(who)} | {_cell(due)} |")
    else:
        lines.append(_("Aucun suivi n'a été confié à cette rencontre."))
    lines.append("")
    if meeting.closed_at:
        lines += [_("La rencontre est levée à %(time)s.") % {"time": _time(meeting.closed_at)}, ""]
    return "\n".join(lines).rstrip() + "\n"


# Reading the minutes ------------------------------------------------------------------------

def people_named(meeting: Meeting) -> list[tuple]:
    """[(person, organization or None)…]: everyone the generated minutes may name (those present, the
    facilitator and the secretary, presenters, those who withdrew, those charged with a follow-up),
    for ``accounts.privacy.redact``; a handful of queries whatever the number of people."""
    people = [(meeting.facilitator, None), (meeting.secretary, None)]
    people += [(a.person, a.organization) for a in meeting.attendances.select_related("person", "organization")]
    people += [(i.presenter, i.presenter_organization) for i in
               AgendaItem.objects.filter(meeting=meeting, presenter__isnull=False)
               .select_related("presenter", "presenter_organization")]
    people += [(c.person, c.organization) for c in
               ConflictDeclaration.objects.filter(item__meeting=meeting).select_related("person", "organization")]
    people += [(f.person, f.organization) for f in follow_ups_of_meeting(meeting)]
    return [(person, organization) for person, organization in people if person is not None]


def minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).first()



def adopting_meetings(meeting: Meeting):
    """Later meetings of the same space whose agenda has an « adoption du procès-verbal » item."""
    return (
        Meeting.objects.filter(
            space_id=meeting.space_id, starts_at__gt=meeting.starts_at, status__in=ADOPTING_MEETING_STATUSES,
            items__standard_role=AgendaItem.Role.ADOPT_MINUTES,
        ).exclude(items__status=AgendaItem.Status.DECLINED, items__standard_role=AgendaItem.Role.ADOPT_MINUTES)
        .distinct().order_by("starts_at")
    )



HEADING = re.compile(r"^(#{1,6})(?=\s)", re.MULTILINE)


def minutes_html(text: str, *, shift: int = 2):
    """The Markdown as safe HTML, its headings moved ``shift`` levels down to sit under the page's
    own headings (« # Procès-verbal » becomes an h3 under the page's h1 and section h2)."""
    return render_markdown(HEADING.sub(lambda match: "#" * min(6, len(match.group(1)) + shift), text or ""))


def minutes_text(minutes: Minutes) -> str:
    """The text to show: the adopted version once adopted, the draft before."""
    return minutes.adopted_body if minutes.status == Status.ADOPTED else minutes.body
