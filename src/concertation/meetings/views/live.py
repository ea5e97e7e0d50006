"""The secretary's live page: attendance and quorum, then item by item notes, conflicts of interest,
decisions (electronic vote or show of hands), dissent and follow-ups; opening and closing the meeting;
the printable attendance sheet.

Made for a tablet, and working without JavaScript: every action is an ordinary form. With htmx,
attendance buttons swap their member's rows and the quorum banner, and notes save as they are typed.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from concertation.core import formatting
from concertation.core.errors import DomainError, add_domain_error
from concertation.directory.models import Organization

from ..agenda_loading import meeting_read
from ..live_forms import (
    ConflictForm,
    FollowUpForm,
    NotesForm,
    RecordForm,
    ShowOfHandsForm,
    who_list,
    who_query,
)
from ..models import AgendaItem, Meeting
from ..pages.live import (
    attendance_filter,
    attendance_sheet_context,
    live_context,
    quorum_context,
    seat_fragment,
)
from ..pdf import pdf_response
from ..services import followups as followup_services
from ..services import meeting as meeting_services
from ..services import votes as decisions_in_meeting
from ..services.attendance import attendance_set

User = get_user_model()
RUN = "meetings.run_meeting"
VIEW = "meetings.view_meeting"


# Loading ---------------------------------------------------------------------------------------

def load_meeting(request, territory: str, space: str, pk: int, perm: str = RUN) -> Meeting:
    """The meeting if the person may ``perm`` it; 404 exactly like a missing one otherwise."""
    # Written out (agenda_loading.py): what select_related("space__territory", "facilitator",
    # "secretary") read, without compiling its joins on every attendance button (≈ 1.5 ms).
    meeting = meeting_read(territory, space, pk)
    if meeting is None or not request.user.has_perm(perm, meeting):
        raise Http404
    return meeting


def load_item(meeting: Meeting, pk: int) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.select_related("proposal").prefetch_related("conflicts"),
        meeting=meeting, pk=pk, status=AgendaItem.Status.ACCEPTED,
    )
    item.meeting = meeting
    return item


# What the address of a long roster's page holds (pages.live.roster_page), carried through attendance.
ROSTER_PARAMS = ("point", "nom", "presence", "page")


def live_url(meeting: Meeting, item=None, anchor: str = "", query: str = "") -> str:
    url = reverse("meetings:live", kwargs={"territory": meeting.space.territory.slug,
                                           "space": meeting.space.slug, "pk": meeting.pk})
    if item is not None:
        url += f"?point={item.pk}"
    elif query:
        url += f"?{query}"
    return url + (f"#{anchor}" if anchor else "")


def fail(request, error: DomainError) -> None:
    messages.error(request, str(error.message))


# The page --------------------------------------------------------------------------------------

def _render(request, meeting, *, current_pk=None, bound=None, status=200):
    context = live_context(meeting, attendance_filter(request.GET), current_pk=current_pk, bound=bound)
    template = "meetings/live/live.html"
    if request.htmx and request.htmx.target == "presences-liste":  # the filter typed, a page: the table alone
        template, context["roster_fragment"] = "meetings/live/_presences_list.html", True
    # The roster's rows (1.4 MB at 500 members) go in once the page is rendered: passed through the
    # template, each block, include and {% if %} around them would copy them again (~20 copies, 6 ms).
    # The slot is random: no text of the page can hold it.
    slot = f"<!--{secrets.token_hex(16)}-->"
    html = render_to_string(template, {**context, "roster_html": mark_safe(slot)}, request=request)
    return HttpResponse(html.replace(slot, context["roster_html"], 1), status=status)


@require_GET
@login_required
def live(request, territory, space, pk):
    meeting = load_meeting(request, territory, space, pk)
    try:
        current_pk = int(request.GET.get("point", ""))
    except ValueError:
        current_pk = None
    return _render(request, meeting, current_pk=current_pk)


@require_GET
@login_required
def who_names(request, territory, space, pk):
    """The roster's names that match what is typed in a « who » field of the live page, as the options
    of its list (``WhoList``: past ``SEARCH_MIN`` names, the page does not hold them all); for those
    who run the meeting, 404 for anyone else."""
    meeting = load_meeting(request, territory, space, pk)
    query, kinds = who_query(request.GET)
    who = who_list(meeting)
    return HttpResponse(who.options_html(who.matches(query, kinds)))


# Opening and closing ---------------------------------------------------------------------------

@require_POST
def meeting_open(request, territory, space, pk):
    meeting = load_meeting(request, territory, space, pk)
    try:
        meeting_services.meeting_open(meeting=meeting, by=request.user, confirm_early=request.POST.get("confirm_early") == "1")
    except DomainError as error:
        fail(request, error)
    else:
        messages.success(request, _("La rencontre est ouverte. Prenez les présences : le quorum s'affiche en "
                                    "haut de la page."))
    return redirect(live_url(meeting))


@require_POST
def meeting_close(request, territory, space, pk):
    meeting = load_meeting(request, territory, space, pk)
    try:
        meeting_services.meeting_close(meeting=meeting, by=request.user)
    except DomainError as error:
        fail(request, error)
        return redirect(live_url(meeting))
    messages.success(request, _("La rencontre est levée. Le procès-verbal peut maintenant être rédigé."))
    return redirect(live_url(meeting))


# Attendance and quorum -------------------------------------------------------------------------

def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
def attendance(request, territory, space, pk):
    meeting = load_meeting(request, territory, space, pk)
    if "presence" in request.POST:  # a button of the table: « <person id>:<organization id or "">:<status> »
        person, organization, status = (request.POST["presence"].split(":") + ["", "", ""])[:3]
    else:
        person, organization, status = (request.POST.get(name, "") for name in ("person", "organization", "status"))
    person_id, organization_id = _int(person), _int(organization)
    error = None
    if person_id is None:
        error = DomainError(_("Choisissez la personne."), field="person")
    else:
        try:
            attendance_set(meeting=meeting, person=person_id, organization=organization_id,
                           status=status, by=request.user)
        except DomainError as refused:
            error = refused
    seat_key = f"o:{organization_id}" if organization_id else f"u:{person_id}"
    if not request.htmx:
        if error:
            fail(request, error)
        # Back to the same filter and page of a long roster (the form's address carries them).
        kept = urlencode([(key, request.GET[key]) for key in ROSTER_PARAMS if request.GET.get(key)])
        return redirect(live_url(meeting, anchor="presences", query=kept))
    fragment = seat_fragment(meeting, seat_key, error=str(error.message) if error else "")
    if fragment is None:  # not a member's person (a forged form): nothing to swap
        return HttpResponse(status=204)
    html, context = fragment
    return HttpResponse(html + render_to_string("meetings/live/_quorum.html", context, request=request))


@require_GET
def quorum(request, territory, space, pk):
    """The quorum now: a fragment for htmx (polled by the live page, loaded by the meeting page)."""
    meeting = load_meeting(request, territory, space, pk, perm=VIEW)
    # The live page's poll: the counts of the attendance table refresh with the quorum.
    poll = bool(request.htmx) and request.GET.get("presences") == "1" and request.user.has_perm(RUN, meeting)
    context = quorum_context(meeting, with_counts=poll)
    if request.htmx:
        if poll:
            return HttpResponse(render_to_string("meetings/live/_quorum_text.html", context, request=request)
                                + render_to_string("meetings/live/_quorum.html", context, request=request))
        return render(request, "meetings/live/_quorum_text.html", context)
    return render(request, "meetings/live/quorum.html", context)


@require_GET
@login_required
def attendance_sheet(request, territory, space, pk):
    """The attendance sheet to print: members by organization, their people, a column to sign."""
    meeting = load_meeting(request, territory, space, pk)
    day = timezone.localdate(meeting.starts_at).isoformat()
    return pdf_response("meetings/live/attendance_sheet.html", attendance_sheet_context(meeting), request,
                        filename=f"feuille-de-presence-{meeting.space.slug}-{day}")


# Per item ----------------------------------------------------------------------------------------

@require_POST
def item_notes(request, territory, space, pk, item):
    meeting = load_meeting(request, territory, space, pk)
    item = load_item(meeting, item)
    form = NotesForm(request.POST, prefix="notes")
    message, saved = "", False
    if form.is_valid():
        try:
            meeting_services.item_notes_save(item=item, by=request.user, notes=form.cleaned_data["notes"],
                                             dissent=form.cleaned_data["dissent"])
            saved = True
        except DomainError as error:
            message = str(error.message)
    if request.htmx:
        if saved:
            message = _("Notes enregistrées à %(time)s.") % {"time": formatting.hour(timezone.now())}
        return render(request, "meetings/live/_notes_status.html", {"message": message, "error": not saved})
    if saved:
        messages.success(request, _("Notes enregistrées."))
        return redirect(live_url(meeting, item, "notes"))
    if message:
        form.add_error(None, message)
    return _render(request, meeting, current_pk=item.pk, bound={"notes": form})


def _who(key: str):
    """A « who » choice (``o:<id>`` or ``u:<id>``) → (person, organization)."""
    kind, _sep, raw = (key or "").partition(":")
    pk = _int(raw)
    if kind == "o" and pk:
        return None, get_object_or_404(Organization, pk=pk)
    if kind == "u" and pk:
        return get_object_or_404(User, pk=pk), None
    return None, None


@require_POST
def conflict(request, territory, space, pk, item):
    meeting = load_meeting(request, territory, space, pk)
    item = load_item(meeting, item)
    form = ConflictForm(request.POST, prefix="conflit", who=who_list(meeting))
    if form.is_valid():
        person, organization = _who(form.cleaned_data["who"])
        try:
            declaration = meeting_services.conflict_declare(
                item=item, by=request.user, person=person, organization=organization,
                reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Conflit d'intérêts noté : %(who)s se retire du vote de ce point.")
                             % {"who": declaration.organization or declaration.person})
            return redirect(live_url(meeting, item, "conflits"))
    return _render(request, meeting, current_pk=item.pk, bound={"conflict": form})


@require_POST
def open_vote(request, territory, space, pk, item):
    meeting = load_meeting(request, territory, space, pk)
    item = load_item(meeting, item)
    try:
        proposal = decisions_in_meeting.vote_open(item=item, by=request.user)
    except DomainError as error:
        fail(request, error)
    else:
        messages.success(request, _("Le vote électronique est ouvert : les membres votent sur leur téléphone, "
                                    "depuis la page de la proposition « %(title)s ».") % {"title": proposal.title})
    return redirect(live_url(meeting, item, "decision"))


@require_POST
def decision(request, territory, space, pk, item):
    """Record a decision: a show of hands, the closing of the electronic vote, or the outcome after it."""
    meeting = load_meeting(request, territory, space, pk)
    item = load_item(meeting, item)
    action = request.POST.get("action")
    if action == "close":
        try:
            decisions_in_meeting.vote_close(item=item, by=request.user)
        except DomainError as error:
            fail(request, error)
        else:
            messages.success(request, _("Le vote est fermé. Écrivez la décision telle qu'elle entre au registre."))
        return redirect(live_url(meeting, item, "decision"))
    if action == "hands":
        form, key = ShowOfHandsForm(request.POST, prefix="mains"), "hands"
    else:
        form, key = RecordForm(request.POST, prefix="decision"), "record"
    if form.is_valid():
        data = form.cleaned_data
        try:
            if key == "hands":
                decisions_in_meeting.record_show_of_hands(item=item, by=request.user, yes=data["yes"], no=data["no"],
                                                          abstain=data["abstain"], outcome=data["outcome"],
                                                          dissent=data["dissent"])
            else:
                decisions_in_meeting.decision_record(item=item, by=request.user, outcome=data["outcome"],
                                                     dissent=data["dissent"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Décision consignée au registre des décisions."))
            return redirect(live_url(meeting, item, "decision"))
    return _render(request, meeting, current_pk=item.pk, bound={key: form})


@require_POST
def follow_up_add(request, territory, space, pk, item):
    meeting = load_meeting(request, territory, space, pk)
    item = load_item(meeting, item)
    form = FollowUpForm(request.POST, prefix="suivi", who=who_list(meeting))
    if form.is_valid():
        data = form.cleaned_data
        person = User.objects.filter(pk=data["person"]).first() if data["person"] else None
        organization = Organization.objects.filter(pk=data["organization"]).first() if data["organization"] else None
        try:
            followup_services.follow_up_add(item=item, by=request.user, what=data["what"], person=person,
                                            organization=organization, due_on=data["due_on"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Suivi noté : « %(what)s ».") % {"what": data["what"]})
            return redirect(live_url(meeting, item, "suivis"))
    return _render(request, meeting, current_pk=item.pk, bound={"follow_up": form})

