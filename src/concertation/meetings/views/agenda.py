"""Screens of meeting preparation: the meetings of a space, a meeting's page (logistics, agenda with
its times, answers), its forms (meeting, item, proposed item), convening and cancelling, the answer
link of the notice, the notice as PDF, and the calendar files and feeds.

Views stay thin: load what the person may see (404 otherwise), check the permission, call a
service, render. Every change is a POST with its CSRF token; moving an item works with plain
forms, and htmx (when present) swaps the agenda in place.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from concertation.core.errors import DomainError, add_domain_error
from concertation.spaces.views.common import load_space, require

from .. import ics, notice
from .. import rsvp as rsvps
from ..forms import CancelForm, ItemForm, MeetingForm, ProposeForm, nb
from ..models import AgendaItem, CalendarToken, Meeting
from ..pages.agenda import agenda_context, meeting_list_context, meeting_page_context
from ..selectors import agenda_items, meeting_for, person_feed_meetings, space_feed_meetings
from ..services import agenda as services
from ..services import calendar as calendar_services
from ..services import rsvp as rsvp_services

PAST_PAGE_SIZE = 20
ItemStatus = AgendaItem.Status


def _base_url(request) -> str:
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")


def _kwargs(space, **extra) -> dict:
    return {"territory": space.territory.slug, "space": space.slug, **extra}


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("meetings:meeting", kwargs=_kwargs(meeting.space, pk=meeting.pk))
    return f"{url}#{anchor}" if anchor else url


def _load(request, territory: str, space: str, pk: int, perm: str | None = None):
    """The space and the meeting the person may see (and act on with ``perm``), or 404."""
    space_obj = load_space(request, territory, space)
    meeting = meeting_for(request.user, space_obj, pk)
    if perm:
        require(request.user, perm, meeting)
    return space_obj, meeting


def _item(meeting: Meeting, pk: int) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("proposed_by"), meeting=meeting, pk=pk)
    item.meeting = meeting
    return item


# The meetings of a space ------------------------------------------------------------------------

@require_GET
def meeting_list(request, territory, space):
    space = load_space(request, territory, space)
    return render(request, "meetings/meeting_list.html", meeting_list_context(
        request.user, space, request.GET.get("page"), page_size=PAST_PAGE_SIZE))


@login_required
def meeting_add(request, territory, space):
    space = load_space(request, territory, space, perm="meetings.add_meeting")
    form = MeetingForm(request.POST or None, space=space)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(space=space, by=request.user, **form.service_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("La rencontre est créée, en préparation, avec l'ordre du jour type. "
                                        "Ajustez-le, puis envoyez la convocation."))
            return redirect(_meeting_url(meeting))
    return render(request, "meetings/meeting_form.html", {
        "territory": space.territory, "space": space, "form": form, "meeting": None})


@login_required
def meeting_edit(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk, perm="meetings.run_meeting")
    form = MeetingForm(request.POST or None, space=space, instance=meeting)
    if request.method == "POST" and form.is_valid():
        was_convened = meeting.status == Meeting.Status.CONVENED
        try:
            changed = services.meeting_update(meeting=meeting, by=request.user, base_url=_base_url(request),
                                              **form.service_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if not changed:
                messages.info(request, _("Rien n'a changé."))
            elif was_convened:
                messages.success(request, _("La rencontre est modifiée. Une mise à jour part aux membres, avec "
                                            "le nouvel événement pour leur agenda."))
            else:
                messages.success(request, _("La rencontre est modifiée."))
            return redirect(_meeting_url(meeting))
    return render(request, "meetings/meeting_form.html", {
        "territory": space.territory, "space": space, "form": form, "meeting": meeting})


# The meeting page -------------------------------------------------------------------------------

def meeting(request, territory, space, pk):
    """The meeting's page. A POST is the person's own answer (RSVP) from the page."""
    space, meeting_obj = _load(request, territory, space, pk)
    rsvp_form = None
    if request.method == "POST":
        if not request.user.is_authenticated or not request.user.has_perm("meetings.take_part", meeting_obj):
            raise Http404
        rsvp_form = rsvps.RsvpForm(request.POST, meeting=meeting_obj)
        if rsvp_form.is_valid():
            try:
                rsvp_services.rsvp_answer(rsvp=rsvp_services.rsvp_ensure(meeting=meeting_obj, person=request.user),
                                          **rsvp_form.service_kwargs())
            except DomainError as error:
                add_domain_error(rsvp_form, error)
            else:
                messages.success(request, _("Votre réponse est enregistrée. Merci!"))
                return redirect(_meeting_url(meeting_obj, "ma-reponse"))
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return render(request, "meetings/meeting.html",
                  meeting_page_context(request.user, space, meeting_obj, rsvp_form=rsvp_form))


# The agenda -------------------------------------------------------------------------------------

@login_required
def item_add(request, territory, space, pk):
    space, meeting_obj = _load(request, territory, space, pk, perm="meetings.run_meeting")
    form = ItemForm(request.POST or None, request.FILES or None, space=space, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_add(meeting=meeting_obj, by=request.user, documents=form.documents_kwargs(),
                                     **form.item_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le point est ajouté à l'ordre du jour."))
            return redirect(_meeting_url(meeting_obj, f"point-{item.pk}"))
    return render(request, "meetings/item_form.html", {
        "territory": space.territory, "space": space, "meeting": meeting_obj, "form": form, "item": None,
        "mode": "add"})


@login_required
def item_edit(request, territory, space, pk, item):
    space, meeting_obj = _load(request, territory, space, pk, perm="meetings.run_meeting")
    item_obj = _item(meeting_obj, item)
    form = ItemForm(request.POST or None, request.FILES or None, space=space, instance=item_obj,
                    user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(item=item_obj, by=request.user, documents=form.documents_kwargs(),
                                 **form.item_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le point est enregistré."))
            return redirect(_meeting_url(meeting_obj, f"point-{item_obj.pk}"))
    return render(request, "meetings/item_form.html", {
        "territory": space.territory, "space": space, "meeting": meeting_obj, "form": form, "item": item_obj,
        "mode": "edit"})


@login_required
@require_POST
def item_move(request, territory, space, pk, item):
    space, meeting_obj = _load(request, territory, space, pk, perm="meetings.run_meeting")
    item_obj = _item(meeting_obj, item)
    direction = request.POST.get("direction", "")
    position = request.POST.get("position", "")
    to = int(position) if position.isdigit() else None
    if direction not in ("up", "down") and to is None:
        return HttpResponseBadRequest()
    try:
        new_position = services.item_move(item=item_obj, by=request.user, direction=direction or None, to=to)
    except DomainError as error:
        if not request.htmx:
            messages.error(request, str(error))
            return redirect(_meeting_url(meeting_obj, "ordre-du-jour"))
        announce = str(error)
    else:
        announce = nb(_("«{nbsp}%(title)s{nbsp}» est maintenant le point %(position)s.")) % {
            "title": item_obj.title, "position": new_position}
    if request.htmx:
        return render(request, "meetings/meeting.html#agenda", {
            "territory": space.territory, "space": space, "meeting": meeting_obj, "can_run": True,
            "announce": announce, **agenda_context(meeting_obj, agenda_items(meeting_obj), user=request.user,
                                                   can_run=True, moved=item_obj, moved_direction=direction)})
    messages.success(request, announce)
    return redirect(_meeting_url(meeting_obj, f"point-{item_obj.pk}"))


def _item_action(request, territory, space, pk, item, action, success: str, anchor: str | None = None):
    """One facilitator's action on an agenda item (a service call), its message, back to the meeting."""
    space, meeting_obj = _load(request, territory, space, pk, perm="meetings.run_meeting")
    item_obj = _item(meeting_obj, item)
    try:
        action(item=item_obj, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(_meeting_url(meeting_obj, anchor or f"point-{item_obj.pk}"))


@login_required
@require_POST
def item_delete(request, territory, space, pk, item):
    return _item_action(request, territory, space, pk, item, services.item_delete,
                        _("Le point est retiré de l'ordre du jour."), "ordre-du-jour")


@login_required
def item_propose(request, territory, space, pk):
    space, meeting_obj = _load(request, territory, space, pk, perm="meetings.take_part")
    if not services.may_propose_items(request.user, meeting_obj):
        raise Http404
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_propose(meeting=meeting_obj, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Votre point est proposé. L'animation l'ajoutera à l'ordre du jour "
                                        "ou vous dira pourquoi elle ne le retient pas."))
            return redirect(_meeting_url(meeting_obj, "points-proposes"))
    return render(request, "meetings/item_form.html", {
        "territory": space.territory, "space": space, "meeting": meeting_obj, "form": form, "item": None,
        "mode": "propose"})


@login_required
@require_POST
def item_accept(request, territory, space, pk, item):
    return _item_action(request, territory, space, pk, item, services.item_accept,
                        _("Le point est ajouté à l'ordre du jour."))


@login_required
@require_POST
def item_decline(request, territory, space, pk, item):
    return _item_action(request, territory, space, pk, item, services.item_decline,
                        _("Le point proposé n'est pas retenu."), "points-proposes")


# Convene, update, cancel ------------------------------------------------------------------------

@login_required
@require_POST
def convene(request, territory, space, pk):
    """Send the notice (a meeting in preparation), or send it again as an update (a convened one)."""
    space, meeting_obj = _load(request, territory, space, pk, perm="meetings.run_meeting")
    try:
        if meeting_obj.status == Meeting.Status.DRAFT:
            count = services.meeting_convene(meeting=meeting_obj, by=request.user, base_url=_base_url(request))
            text = _("La rencontre est convoquée. La convocation part à %(count)s personnes.")
        else:
            count = services.meeting_send_update(meeting=meeting_obj, by=request.user, base_url=_base_url(request))
            text = _("La mise à jour de la convocation part à %(count)s personnes.")
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, text % {"count": count})
    return redirect(_meeting_url(meeting_obj))


@login_required
@require_POST
def cancel(request, territory, space, pk):
    space, meeting_obj = _load(request, territory, space, pk, perm="meetings.run_meeting")
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        sent = services.meeting_cancel(meeting=meeting_obj, by=request.user, reason=reason,
                                       base_url=_base_url(request))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La rencontre est annulée. Les membres reçoivent un avis d'annulation.")
                         if sent else _("La rencontre est annulée."))
    return redirect(_meeting_url(meeting_obj))


# Files: the notice in PDF, the meeting in .ics --------------------------------------------------

@require_GET
def notice_pdf(request, territory, space, pk):
    space, meeting_obj = _load(request, territory, space, pk)
    items = [item for item in agenda_items(meeting_obj) if item.status == ItemStatus.ACCEPTED]
    content = notice.notice_pdf(meeting_obj, items, viewer=request.user, base_url=_base_url(request))
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"convocation-{timezone.localtime(meeting_obj.starts_at):%Y-%m-%d}-{meeting_obj.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _ics_response(content: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def meeting_ics(request, territory, space, pk):
    space, meeting_obj = _load(request, territory, space, pk)
    items = [item for item in agenda_items(meeting_obj) if item.status == ItemStatus.ACCEPTED]
    content = ics.meeting_ics(meeting_obj, items=items, base_url=_base_url(request))
    return _ics_response(content, f"rencontre-{meeting_obj.pk}.ics", attachment=True)


@require_GET
def space_feed(request, territory, space):
    """The space's calendar: anyone for a public space; otherwise those who may see the space (the
    calendar applications of members use their personal feed)."""
    space = load_space(request, territory, space)
    content = ics.feed_ics(space_feed_meetings(space), name=f"{space.name} — {space.territory.name}",
                           base_url=_base_url(request))
    return _ics_response(content, f"{space.slug}.ics", attachment=False)


# The answer link --------------------------------------------------------------------------------

def rsvp(request, territory, space, token):
    """The notice's answer link: the token is the credential (no sign-in). GET shows the form,
    preselected from ?answer=…; only a POST records the answer (link previews change nothing)."""
    answer = rsvps.rsvp_for_token(token)
    meeting_obj = answer.meeting
    if meeting_obj.space.territory.slug != territory or meeting_obj.space.slug != space:
        raise Http404
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    form = rsvps.RsvpForm(request.POST or None, meeting=meeting_obj,
                          initial=rsvps.initial_for(answer, request.GET.get("answer", "")))
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            rsvp_services.rsvp_answer(rsvp=answer, **form.service_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            saved = True
    response = render(request, "meetings/rsvp.html", {
        "territory": meeting_obj.space.territory, "space": meeting_obj.space, "meeting": meeting_obj,
        "rsvp": answer, "form": form, "saved": saved,
        "answerable": meeting_obj.status in rsvps.ANSWERABLE,
        "starts_at": timezone.localtime(meeting_obj.starts_at), "ends_at": timezone.localtime(meeting_obj.ends_at),
        "can_view": request.user.has_perm("meetings.view_meeting", meeting_obj),
    })
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


# The personal feed ------------------------------------------------------------------------------

@require_GET
def personal_feed(request, token):
    """A person's calendar: the meetings of every space they sit in. The secret address is the
    credential; a regenerated or revoked one answers 404."""
    if not token or len(token) > 64:
        raise Http404
    calendar_token = CalendarToken.objects.select_related("person").filter(token=token).first()
    if calendar_token is None or not calendar_token.person.is_active:
        raise Http404
    person = calendar_token.person
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        content = ics.feed_ics(person_feed_meetings(person), name=_("Mes rencontres — Concertation"),
                               base_url=_base_url(request))
    response = _ics_response(content, "rencontres.ics", attachment=False)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def personal_feed_settings(request):
    """Show, create, regenerate or turn off the secret address of my calendar."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("create", "regenerate"):
            _token, created = calendar_services.calendar_token_renew(person=request.user)
            messages.success(request, _("Votre adresse d'agenda est prête. Copiez-la dans votre application.")
                             if created else nb(_("Nouvelle adresse créée. L'ancienne ne fonctionne plus{nbsp}: "
                                                  "remplacez-la dans vos applications.")))
        elif action == "revoke" and calendar_services.calendar_token_revoke(person=request.user):
            messages.success(request, nb(_("Votre adresse d'agenda est désactivée{nbsp}: plus aucune application "
                                           "ne peut la lire.")))
        return redirect("my_meetings:personal_feed_settings")
    current = CalendarToken.objects.filter(person=request.user).first()
    url = webcal = ""
    if current is not None:
        url = _base_url(request) + reverse("my_meetings:personal_feed", kwargs={"token": current.token})
        webcal = "webcal://" + url.split("://", 1)[-1]
    return render(request, "meetings/calendar.html", {"calendar_token": current, "feed_url": url,
                                                      "webcal_url": webcal})
