"""Screens of meeting preparation: the meetings of a space, a meeting's page (logistics, agenda with
its times, answers), its forms (meeting, item, proposed item), convening and cancelling, the answer
link of the notice, the notice as PDF, and the calendar files and feeds.

Views stay thin: load what the person may see (404 otherwise), check the permission, call a
service, render. Every change is a POST with its CSRF token; moving an item works with plain
forms, and htmx (when present) swaps the agenda in place.
"""

from __future__ import annotations

import copy
from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.validators import FileExtensionValidator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from concertation.core.errors import DomainError, add_domain_error
from concertation.core.richtext import render_markdown
from concertation.core.validators import guard_single_line, refuse_invisible_characters
from concertation.decisions.models import Proposal
from concertation.meetings.services import rsvp as rsvp_svc
from concertation.spaces.access import access_for
from concertation.spaces.models import Space
from concertation.spaces.selectors import charter_in_force
from concertation.spaces.views.common import load_space, require

from .. import followups, ics, notice
from .. import rsvp as rsvps
from ..models import AgendaItem, CalendarToken, Meeting
from ..selectors import (
    agenda_items,
    meeting_for,
    member_organizations,
    past_meetings,
    people_of_space,
    person_feed_meetings,
    rsvp_of,
    rsvps_of,
    schedule,
    space_feed_meetings,
    upcoming_meetings,
)
from ..services import agenda as services

PAST_PAGE_SIZE = 20
# Documents people share for a meeting; nothing a browser would run (no HTML, SVG or scripts).
DOCUMENT_EXTENSIONS = ["pdf", "odt", "ods", "odp", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv", "rtf",
                       "png", "jpg", "jpeg", "gif", "webp"]
NBSP = "\u00a0"
ItemStatus = AgendaItem.Status


def nb(text: str) -> str:
    return text.replace("{nbsp}", NBSP)


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


# Forms ------------------------------------------------------------------------------------------

class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class MeetingForm(forms.ModelForm):
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"},
                                                                              format="%Y-%m-%d"))
    start_time = forms.TimeField(label=gettext_lazy("Heure de début"),
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=gettext_lazy("Heure de fin"),
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    class Meta:
        model = Meeting
        fields = ["title", "kind", "address", "room", "accessibility", "online_url", "childcare",
                  "transit_tickets", "interpretation", "interpretation_languages", "meal", "facilitator", "secretary"]
        widgets = {"accessibility": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"facilitator": PersonChoiceField, "secretary": PersonChoiceField}

    field_order = ["title", "kind", "date", "start_time", "end_time", "address", "room", "accessibility",
                   "online_url", "childcare", "transit_tickets", "interpretation", "interpretation_languages",
                   "meal", "facilitator", "secretary"]

    def __init__(self, *args, space: Space, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None:
            # Work on a copy: the service compares the meeting before and after the change.
            kwargs["instance"] = copy.copy(instance)
            start, end = timezone.localtime(instance.starts_at), timezone.localtime(instance.ends_at)
            kwargs.setdefault("initial", {}).update({"date": start.date(), "start_time": start.time(),
                                                     "end_time": end.time()})
        super().__init__(*args, **kwargs)
        guard_single_line(self, "title")
        current = (instance.facilitator_id, instance.secretary_id) if instance is not None else ()
        people = people_of_space(space, include=current)
        for name in ("facilitator", "secretary"):
            self.fields[name].queryset = people
            self.fields[name].empty_label = _("(à déterminer)")
        self.fields["meal"].help_text = nb(_("Par exemple, «{nbsp}Collation santé{nbsp}» ou «{nbsp}Repas chaud "
                                             "offert{nbsp}»."))
        self.fields["interpretation_languages"].help_text = _("Par exemple, anglais, espagnol, arabe.")
        self.fields["online_url"].help_text = _("Le lien de visioconférence, si l'on peut se joindre en ligne.")

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            zone = timezone.get_current_timezone()
            data["starts_at"] = timezone.make_aware(datetime.combine(day, start), zone)
            data["ends_at"] = timezone.make_aware(datetime.combine(day, end), zone)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", _("L'heure de fin doit suivre l'heure de début."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        values = {name: data[name] for name in self.Meta.fields}
        values.update(starts_at=data["starts_at"], ends_at=data["ends_at"])
        return values


class ItemForm(forms.ModelForm):
    document_title = forms.CharField(label=gettext_lazy("Titre du document"), max_length=200, required=False,
                                     validators=[refuse_invisible_characters])
    document_url = forms.URLField(label=gettext_lazy("Lien vers le document"), required=False,
                                  assume_scheme="https")
    document_file = forms.FileField(label=gettext_lazy("Ou un fichier"), required=False,
                                    validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)])
    remove_documents = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Retirer ces documents"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "minutes_allotted", "presenter", "presenter_organization", "expected_outcome",
                  "description", "proposal"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        field_classes = {"presenter": PersonChoiceField}

    def __init__(self, *args, space: Space, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None:
            kwargs["instance"] = copy.copy(instance)
        super().__init__(*args, **kwargs)
        guard_single_line(self, "title")
        self.fields["presenter"].queryset = people_of_space(
            space, include=(instance.presenter_id,) if instance else ())
        self.fields["presenter_organization"].queryset = member_organizations(
            space, include=(instance.presenter_organization_id,) if instance else ())
        current = instance.proposal_id if instance else None
        self.fields["proposal"].queryset = Proposal.objects.filter(space=space).filter(
            ~Q(status=Proposal.Status.WITHDRAWN) | Q(pk=current)).order_by("-created_at")
        self.fields["proposal"].help_text = nb(_("Pour un point de décision{nbsp}: la proposition dont on "
                                                 "décidera."))
        self.fields["description"].help_text = _("Mise en forme Markdown permise (listes, gras, liens).")
        self.fields["minutes_allotted"].widget.attrs.update({"min": 0, "max": 600})
        if instance is not None and instance.pk:
            self.fields["remove_documents"].queryset = instance.documents.order_by("pk")
        else:
            del self.fields["remove_documents"]
        for name in ("description", "expected_outcome", "proposal", "presenter", "presenter_organization"):
            self.fields[name].required = False

    def item_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def clean(self):
        data = super().clean()
        title, url, upload = data.get("document_title"), data.get("document_url"), data.get("document_file")
        if (url or upload) and not title:
            self.add_error("document_title", _("Donnez un titre au document."))
        if title and not (url or upload):
            self.add_error("document_url", _("Joignez un fichier ou indiquez un lien vers le document."))
        return data


class ProposeForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "minutes_allotted", "expected_outcome", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_single_line(self, "title")
        self.fields["description"].required = False
        self.fields["expected_outcome"].required = False
        self.fields["description"].help_text = _("Ce que vous souhaitez aborder, et pourquoi.")
        self.fields["minutes_allotted"].widget.attrs.update({"min": 0, "max": 600})


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Raison de l'annulation"), max_length=300, required=False,
                             help_text=gettext_lazy("Elle figurera dans le courriel d'annulation."))


# The meetings of a space ------------------------------------------------------------------------

@require_GET
def meeting_list(request, territory, space):
    space = load_space(request, territory, space)
    now = timezone.now()
    page = Paginator(past_meetings(request.user, space, now), PAST_PAGE_SIZE).get_page(request.GET.get("page"))
    upcoming = upcoming_meetings(request.user, space, now)
    for meeting_obj in [*upcoming, *page.object_list]:
        meeting_obj.local_start = timezone.localtime(meeting_obj.starts_at)
        meeting_obj.local_end = timezone.localtime(meeting_obj.ends_at)
    return render(request, "meetings/meeting_list.html", {
        "territory": space.territory, "space": space, "upcoming": upcoming, "page": page,
        "can_add": request.user.has_perm("meetings.add_meeting", space),
        "public_feed": space.visibility == Space.Visibility.PUBLIC,
    })


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

def _agenda_context(request, meeting: Meeting, items, *, can_run: bool, moved: AgendaItem | None = None,
                    moved_direction: str = "") -> dict:
    accepted = [item for item in items if item.status == ItemStatus.ACCEPTED]
    review_item = followups.follow_ups_item(accepted)
    rolled = followups.review_rows(meeting) if review_item is not None else []
    rows = [{"item": item, "start": start, "end": end, "description_html": render_markdown(item.description),
             "reviews_follow_ups": item is review_item, "follow_ups": rolled if item is review_item else []}
            for item, start, end in schedule(accepted, meeting.starts_at)]
    return {
        "rows": rows, "timebox": services.timebox(meeting, accepted),
        "agenda_open": meeting.status in services.AGENDA_OPEN and can_run,
        "moved": moved, "moved_direction": moved_direction,
    }


def _page_context(request, space, meeting: Meeting, *, rsvp_form=None) -> dict:
    user = request.user
    can_run = user.has_perm("meetings.run_meeting", meeting)
    takes_part = user.has_perm("meetings.take_part", meeting)
    items = agenda_items(meeting)
    proposed = [item for item in items if item.status == ItemStatus.PROPOSED]
    declined = [item for item in items if item.status == ItemStatus.DECLINED]
    if not can_run:
        proposed = [item for item in proposed if item.proposed_by_id == user.pk]
        declined = [item for item in declined if item.proposed_by_id == user.pk]
    documents = [(item, document) for item in items if item.status == ItemStatus.ACCEPTED
                 for document in item.documents.all()]
    answering = meeting.status in rsvps.ANSWERABLE
    all_rsvps = rsvps_of(meeting) if can_run and meeting.status != Meeting.Status.DRAFT else None
    own = None
    if takes_part and answering:
        if all_rsvps is not None:
            own = next((rsvp for rsvp in all_rsvps if rsvp.person_id == user.pk), None)
        else:
            own = rsvp_of(meeting, user)
        if rsvp_form is None:
            rsvp_form = rsvps.RsvpForm(initial=rsvps.initial_for(own), meeting=meeting)
    may_propose = (not can_run and takes_part
                   and services.may_propose_items(user, meeting, charter_in_force(space), charter_known=True))
    context = {
        "territory": space.territory, "space": space, "meeting": meeting,
        "starts_at": timezone.localtime(meeting.starts_at), "ends_at": timezone.localtime(meeting.ends_at),
        "can_run": can_run, "takes_part": takes_part, "may_propose": may_propose,
        "proposed": proposed, "declined": declined, "documents": documents,
        "rsvps": all_rsvps, "totals": rsvps.rsvp_totals(all_rsvps) if all_rsvps is not None else None,
        "own_rsvp": own, "rsvp_form": rsvp_form if takes_part and answering else None,
        "facilitates": access_for(user).facilitates(space),
    }
    context.update(_agenda_context(request, meeting, items, can_run=can_run))
    return context


def meeting(request, territory, space, pk):
    """The meeting's page. A POST is the person's own answer (RSVP) from the page."""
    space, meeting_obj = _load(request, territory, space, pk)
    rsvp_form = None
    if request.method == "POST":
        if not request.user.is_authenticated or not request.user.has_perm("meetings.take_part", meeting_obj):
            raise Http404
        rsvp_form = rsvps.RsvpForm(request.POST, meeting=meeting_obj)
        if rsvp_form.is_valid():
            own = rsvp_svc.rsvp_ensure(meeting=meeting_obj, person=request.user)
            try:
                rsvp_svc.rsvp_answer(rsvp=own, **rsvp_form.service_kwargs())
            except DomainError as error:
                add_domain_error(rsvp_form, error)
            else:
                messages.success(request, _("Votre réponse est enregistrée. Merci!"))
                return redirect(_meeting_url(meeting_obj, "ma-reponse"))
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return render(request, "meetings/meeting.html", _page_context(request, space, meeting_obj, rsvp_form=rsvp_form))


# The agenda -------------------------------------------------------------------------------------

def _save_documents(form: ItemForm, item: AgendaItem, user) -> None:
    data = form.cleaned_data
    if data.get("remove_documents"):
        services.item_documents_remove(item=item, by=user, ids=[document.pk for document in data["remove_documents"]])
    if data.get("document_title"):
        services.item_document_add(item=item, by=user, title=data["document_title"], url=data.get("document_url") or "",
                                   file=data.get("document_file"))


@login_required
def item_add(request, territory, space, pk):
    space, meeting_obj = _load(request, territory, space, pk, perm="meetings.run_meeting")
    form = ItemForm(request.POST or None, request.FILES or None, space=space)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the item and its document, or neither
                item = services.item_add(meeting=meeting_obj, by=request.user, **form.item_kwargs())
                _save_documents(form, item, request.user)
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
    form = ItemForm(request.POST or None, request.FILES or None, space=space, instance=item_obj)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.item_update(item=item_obj, by=request.user, **form.item_kwargs())
                _save_documents(form, item_obj, request.user)
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
        items = agenda_items(meeting_obj)
        context = {"territory": space.territory, "space": space, "meeting": meeting_obj, "can_run": True,
                   "announce": announce}
        context.update(_agenda_context(request, meeting_obj, items, can_run=True, moved=item_obj,
                                       moved_direction=direction))
        return render(request, "meetings/meeting.html#agenda", context)
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
    content = notice.notice_pdf(meeting_obj, items, base_url=_base_url(request))
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
            rsvp_svc.rsvp_answer(rsvp=answer, **form.service_kwargs())
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
    current = CalendarToken.objects.filter(person=request.user).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("create", "regenerate"):
            if current is None:
                current = CalendarToken.objects.create(person=request.user)
                messages.success(request, _("Votre adresse d'agenda est prête. Copiez-la dans votre application."))
            else:
                current.token = CalendarToken._meta.get_field("token").default()
                current.save(update_fields=["token", "updated_at"])
                messages.success(request, nb(_("Nouvelle adresse créée. L'ancienne ne fonctionne plus{nbsp}: "
                                               "remplacez-la dans vos applications.")))
        elif action == "revoke" and current is not None:
            current.delete()
            messages.success(request, nb(_("Votre adresse d'agenda est désactivée{nbsp}: plus aucune application "
                                           "ne peut la lire.")))
        return redirect("my_meetings:personal_feed_settings")
    url = webcal = ""
    if current is not None:
        url = _base_url(request) + reverse("my_meetings:personal_feed", kwargs={"token": current.token})
        webcal = "webcal://" + url.split("://", 1)[-1]
    return render(request, "meetings/calendar.html", {"calendar_token": current, "feed_url": url,
                                                      "webcal_url": webcal})
