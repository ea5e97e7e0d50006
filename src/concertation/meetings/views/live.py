"""The secretary's live page: attendance and quorum, then item by item notes, conflicts of interest,
decisions (electronic vote or show of hands), dissent and follow-ups; opening and closing the meeting;
the printable attendance sheet.

Made for a tablet, and working without JavaScript: every action is an ordinary form. With htmx,
attendance buttons swap their member's rows and the quorum banner, and notes save as they are typed.
"""

from __future__ import annotations

from collections import Counter
from html import escape  # the standard one: Django's, lazy-aware, costs 3× more on 6 000 names

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from concertation.core import formatting
from concertation.core.errors import DomainError, add_domain_error
from concertation.core.richtext import render_markdown
from concertation.core.validators import refuse_invisible_characters
from concertation.decisions.explain import explain
from concertation.decisions.models import Recusal
from concertation.decisions.services import rules_from_charter
from concertation.directory.models import Organization
from concertation.spaces.selectors import charter_in_force

from .. import followups
from .. import live as services
from ..attendance import (
    NOT_NOTED,
    MeetingQuorum,
    Seat,
    answered_yes_not_noted,
    attendance_counts,
    attendance_set,
    college_names_for,
    compute_meeting_quorum,
    filter_seats,
    item_excluded_keys,
    roster,
)
from ..models import (
    AgendaItem,
    Attendance,
    ConflictDeclaration,
    FollowUp,
    FollowUpReview,
    Meeting,
)
from ..pdf import pdf_response

User = get_user_model()
RUN = "meetings.run_meeting"
VIEW = "meetings.view_meeting"
LIVE_STATES = {Meeting.Status.CONVENED, Meeting.Status.IN_PROGRESS, Meeting.Status.HELD}
# The attendance buttons, in the order of the room: épicène words rather than « Présent·e ».
STATUS_BUTTONS = [
    (Attendance.Status.PRESENT, gettext_lazy("Présence")),
    (Attendance.Status.LATE, gettext_lazy("Retard")),
    (Attendance.Status.EXCUSED, gettext_lazy("Absence motivée")),
    (Attendance.Status.ABSENT, gettext_lazy("Absence")),
]
# The attendance filter: « not noted yet » first, then the statuses.
FILTER_STATUSES = [(NOT_NOTED, gettext_lazy("Pas encore notée")), *STATUS_BUTTONS]
KIND_LABELS = {
    "delegate": gettext_lazy("personne déléguée"),
    "alternate": gettext_lazy("substitut"),
    "citizen": gettext_lazy("siège citoyen"),
}


# Forms -----------------------------------------------------------------------------------------

class NotesForm(forms.Form):
    notes = forms.CharField(
        label=gettext_lazy("Notes du point"), required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Elles s'enregistrent pendant que vous écrivez; le bouton les enregistre aussi."),
    )
    dissent = forms.CharField(
        label=gettext_lazy("Dissidences"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Qui exprime sa dissidence, et pourquoi, si la personne le demande."),
    )

    def __init__(self, *args, autosave_url: str = "", status_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if autosave_url:
            for name in ("notes", "dissent"):
                self.fields[name].widget.attrs.update({
                    "hx-post": autosave_url, "hx-trigger": "keyup changed delay:2s",
                    "hx-target": f"#{status_id}", "hx-swap": "innerHTML",
                })


class WhoList:
    """The people and organizations of the roster, for the « who » of conflicts and follow-ups.

    A short roster gives select lists; past ``SELECT_MAX`` choices (an assembly of 500 members has
    1 500), each « who » is a text field with one shared ``<datalist>`` of the names, and a name typed
    or picked is matched back to its person or organization (``resolve``).
    """

    SELECT_MAX = 80
    DATALIST_ID = "qui-liste"

    def __init__(self, people=(), organizations=()):
        self.people = list(people)
        self.organizations = list(organizations)
        self.large = len(self.people) + len(self.organizations) > self.SELECT_MAX
        self._entries: list[tuple[str, str, str]] | None = None
        self._names: dict[str, str] | None = None

    def entries(self) -> list[tuple[str, str, str]]:
        """[(key « o:<id> » or « u:<id> », name as typed, what it is)], each name once."""
        if self._entries is None:
            entries = [(f"o:{pk}", name, "o") for pk, name in self.organizations]
            entries += [(f"u:{pk}", name, "u") for pk, name in self.people]
            folded = Counter(name.casefold() for _key, name, _kind in entries)
            self._entries = [(key, name if folded[name.casefold()] == 1 else f"{name} (n° {key[2:]})", kind)
                             for key, name, kind in entries]
        return self._entries

    def resolve(self, value: str, kinds: str = "ou") -> str | None:
        """The key of a name of the list (or a key itself), of one of ``kinds``; None if it is not one."""
        value = " ".join((value or "").split())
        if value[:2] in {"o:", "u:"} and value[0] in kinds:
            return value if value in {key for key, _name, _kind in self.entries()} else None
        if self._names is None:
            self._names = {name.casefold(): key for key, name, _kind in self.entries()}
        key = self._names.get(value.casefold())
        return key if key and key[0] in kinds else None

    def datalist_html(self) -> str:
        """The shared ``<datalist>``: built here, its 1 500 options would cost a template ~10 ms."""
        if not self.large:
            return ""
        labels = {"o": escape(_("organisme")), "u": escape(_("personne"))}
        options = "".join(f'<option value="{escape(name)}">{labels[kind]}</option>'
                          for _key, name, kind in self.entries())
        return mark_safe(f'<datalist id="{self.DATALIST_ID}">{options}</datalist>')

    def text_field(self, label, help_text) -> forms.CharField:
        return forms.CharField(label=label, required=False, max_length=300, help_text=help_text,
                               widget=forms.TextInput(attrs={"list": self.DATALIST_ID, "autocomplete": "off"}))


class ConflictForm(forms.Form):
    who = forms.ChoiceField(label=gettext_lazy("Qui se retire"))
    reason = forms.CharField(label=gettext_lazy("Nature du conflit d'intérêts (facultatif)"), required=False,
                             max_length=300)

    def __init__(self, *args, who: WhoList, **kwargs):
        super().__init__(*args, **kwargs)
        self.who = who
        if who.large:
            self.fields["who"] = who.text_field(
                self.fields["who"].label,
                _("Tapez le nom de l'organisme ou de la personne, puis choisissez-le dans la liste."))
            self.fields["who"].required = True
        else:
            self.fields["who"].choices = [
                ("", "—"),
                (_("Organismes"), [(f"o:{pk}", name) for pk, name in who.organizations]),
                (_("Personnes"), [(f"u:{pk}", name) for pk, name in who.people]),
            ]

    def clean_who(self):
        value = self.cleaned_data["who"]
        if self.who.large:
            key = self.who.resolve(value)
            if key is None:
                raise forms.ValidationError(_("Choisissez un organisme ou une personne de la liste."))
            return key
        return value


class ShowOfHandsForm(forms.Form):
    yes = forms.IntegerField(label=gettext_lazy("Pour"), min_value=0, initial=0)
    no = forms.IntegerField(label=gettext_lazy("Contre"), min_value=0, initial=0)
    abstain = forms.IntegerField(label=gettext_lazy("Abstentions"), min_value=0, initial=0)
    outcome = forms.CharField(
        label=gettext_lazy("Décision, telle qu'elle entre au registre"), widget=forms.Textarea(attrs={"rows": 3}),
    )
    dissent = forms.CharField(label=gettext_lazy("Dissidences (facultatif)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class RecordForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("Décision, telle qu'elle entre au registre"), widget=forms.Textarea(attrs={"rows": 3}),
    )
    dissent = forms.CharField(label=gettext_lazy("Dissidences (facultatif)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    what = forms.CharField(label=gettext_lazy("Quoi"), max_length=300, validators=[refuse_invisible_characters])
    person = forms.TypedChoiceField(label=gettext_lazy("Qui (personne)"), required=False, coerce=int,
                                    empty_value=None)
    organization = forms.TypedChoiceField(label=gettext_lazy("Qui (organisme)"), required=False, coerce=int,
                                          empty_value=None)
    due_on = forms.DateField(label=gettext_lazy("Échéance"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, who: WhoList, **kwargs):
        super().__init__(*args, **kwargs)
        self.who = who
        if who.large:
            self.fields["person"] = who.text_field(self.fields["person"].label,
                                                   _("Tapez le nom, puis choisissez-le dans la liste."))
            self.fields["organization"] = who.text_field(self.fields["organization"].label,
                                                         _("Tapez le nom, puis choisissez-le dans la liste."))
        else:
            self.fields["person"].choices = [("", "—"), *who.people]
            self.fields["organization"].choices = [("", "—"), *who.organizations]

    def _resolve(self, name: str, kind: str, message: str):
        value = self.cleaned_data[name]
        if not self.who.large or value in (None, ""):
            return value or None
        key = self.who.resolve(value, kinds=kind)
        if key is None:
            raise forms.ValidationError(message)
        return int(key[2:])

    def clean_person(self):
        return self._resolve("person", "u", _("Choisissez une personne de la liste."))

    def clean_organization(self):
        return self._resolve("organization", "o", _("Choisissez un organisme de la liste."))


def _who_list(meeting: Meeting, seats=None) -> WhoList:
    people, organizations = services.who_choices(meeting, seats)
    return WhoList(people, organizations)


def _forms_for(item, who: WhoList, bound: dict | None = None) -> dict:
    bound = bound or {}
    return {
        "conflict_form": bound.get("conflict") or ConflictForm(prefix="conflit", who=who),
        "hands_form": bound.get("hands") or ShowOfHandsForm(prefix="mains"),
        "record_form": bound.get("record") or RecordForm(
            prefix="decision", initial={"dissent": item.dissent if item else ""}),
        "follow_up_form": bound.get("follow_up") or FollowUpForm(prefix="suivi", who=who),
        "who_datalist": who.datalist_html(),
    }


# The attendance table ----------------------------------------------------------------------------

class RosterRows:
    """The rows of the attendance table, one ``<tbody id="membre-…">`` per member, written here rather
    than in a template: an assembly of 500 members has 1 000 people and 4 000 buttons, which a
    template renders in ~300 ms and this in ~5 ms (docs/performance.md). Every label is escaped once;
    names are escaped as they are written.

    Each person's buttons submit the page's one attendance form (``FORM_ID``, with the CSRF token)
    through their ``form`` attribute, with ``presence=<person id>:<organization id or "">:<status>``.
    With htmx, each button posts by itself (``hx-post``: clicks on several people in a row go out
    together, as with a form each) and the answer replaces the member's ``<tbody>``.
    """

    FORM_ID = "presences-formulaire"
    KEY = "\x00"  # where the person's « <person id>:<organization id> » goes in the buttons

    def __init__(self, meeting: Meeting, quorum: MeetingQuorum, *, can_take_attendance: bool):
        self.url = escape(reverse("meetings:attendance", kwargs={
            "territory": meeting.space.territory.slug, "space": meeting.space.slug, "pk": meeting.pk}))
        self.voice_badges = quorum.voting_unit == "organization"
        self.can_take_attendance = can_take_attendance
        self.kinds = {kind: escape(label) for kind, label in KIND_LABELS.items()}
        self.statuses = {value: escape(label) for value, label in STATUS_BUTTONS}
        self.not_voting = f'<span class="badge">{escape(_("ne vote pas"))}</span>'
        self.counted = f'<span class="badge badge-ok">{escape(_("compté au quorum"))}</span>'
        self.not_counted = f'<span class="badge badge-warn">{escape(_("pas compté au quorum"))}</span>'
        self.voice = f' <span class="badge">{escape(_("porte la voix"))}</span>'
        self.not_yet = f'<span class="muted">{escape(_("Pas encore notée"))}</span>'
        self.elsewhere = f' <span class="muted">({escape(_("pour un autre organisme"))})</span>'
        nobody = escape(_("Aucune personne déléguée n'est nommée pour ce membre."))
        self.nobody = f'<tr><td colspan="3" class="muted">{nobody}</td></tr>\n'
        self.buttons = {status: self._buttons(status) for status in ["", *self.statuses]}
        self.group_label = _("Présence de %(name)s")

    def _buttons(self, current: str) -> str:
        buttons = []
        for value, label in self.statuses.items():
            pressed = value == current
            check = '<span aria-hidden="true">✓ </span>' if pressed else ""
            buttons.append(
                f'<button type="submit" form="{self.FORM_ID}" name="presence" value="{self.KEY}:{value}" '
                f'hx-post="{self.url}" '
                f'aria-pressed="{"true" if pressed else "false"}" '
                f'class="button button-small{"" if pressed else " button-secondary"}">{check}{label}</button>'
            )
        return "".join(buttons)

    def seat(self, seat: Seat, error: str = "") -> str:
        """One member's ``<tbody>`` (the answer to an attendance button, with htmx)."""
        parts: list[str] = []
        self._write(parts, seat, error)
        return mark_safe("".join(parts))

    def render(self, seats: list[Seat]) -> str:
        """Every member's ``<tbody>``."""
        parts: list[str] = []
        for seat in seats:
            self._write(parts, seat)
        return mark_safe("".join(parts))

    def _write(self, parts: list[str], seat: Seat, error: str = "") -> None:
        parts.append(f'<tbody id="membre-{seat.dom_id}">\n<tr><th scope="rowgroup" colspan="3">{escape(seat.name)}')
        if seat.college_name:
            parts.append(f' <span class="muted">· {escape(seat.college_name)}</span>')
        parts.append(" ")
        parts.append(self.not_voting if not seat.votes else self.counted if seat.counted else self.not_counted)
        parts.append("</th></tr>\n")
        if error:
            parts.append(f'<tr><td colspan="3"><p class="error-text" role="alert">{escape(error)}</p></td></tr>\n')
        several = len(seat.people) > 1
        for person in seat.people:
            name = escape(person.name)
            parts.append(f'<tr><th scope="row">{name} <span class="muted">({self.kinds.get(person.kind, "")})</span>')
            if self.voice_badges and seat.votes and several and seat.voice is person:
                parts.append(self.voice)
            parts.append(f"</th><td>{self.statuses.get(person.status, '') or self.not_yet}")
            if person.present and seat.organization_id and person.attending_for not in (None, seat.organization_id):
                parts.append(self.elsewhere)
            parts.append("</td><td>")
            if self.can_take_attendance:
                label = escape(self.group_label % {"name": person.name})
                key = f"{person.person_id}:{seat.organization_id or ''}"
                parts.append(f'<div class="actions" role="group" aria-label="{label}">'
                             f'{self.buttons.get(person.status, self.buttons[""]).replace(self.KEY, key)}</div>')
            parts.append("</td></tr>\n")
        if not seat.people:
            parts.append(self.nobody)
        parts.append("</tbody>\n")


# Loading ---------------------------------------------------------------------------------------

def _load(request, territory: str, space: str, pk: int, perm: str = RUN) -> Meeting:
    """The meeting if the person may ``perm`` it; 404 exactly like a missing one otherwise."""
    meeting = (Meeting.objects.select_related("space__territory", "facilitator", "secretary")
               .filter(pk=pk, space__slug=space, space__territory__slug=territory).first())
    if meeting is None or not request.user.has_perm(perm, meeting):
        raise Http404
    return meeting


def _item(meeting: Meeting, pk: int) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.select_related("proposal").prefetch_related("conflicts"),
        meeting=meeting, pk=pk, status=AgendaItem.Status.ACCEPTED,
    )
    item.meeting = meeting
    return item


def _live_url(meeting: Meeting, item=None, anchor: str = "") -> str:
    url = reverse("meetings:live", kwargs={"territory": meeting.space.territory.slug,
                                           "space": meeting.space.slug, "pk": meeting.pk})
    if item is not None:
        url += f"?point={item.pk}"
    return url + (f"#{anchor}" if anchor else "")


def _fail(request, error: DomainError) -> None:
    messages.error(request, str(error.message))


# The page --------------------------------------------------------------------------------------

def attendance_filter(request) -> dict:
    """The attendance table's filter, from the address (a GET form: it works without JavaScript)."""
    name = " ".join(request.GET.get("nom", "").split())[:100]
    status = request.GET.get("presence", "")
    if status not in {value for value, _label in FILTER_STATUSES}:
        status = ""
    return {"name": name, "status": status, "statuses": FILTER_STATUSES, "active": bool(name or status)}


def _context(request, meeting: Meeting, *, current_pk=None, bound: dict | None = None) -> dict:
    """Everything the live page shows, in a number of queries that does not grow with the members."""
    space = meeting.space
    charter = charter_in_force(space)
    rules = rules_from_charter(charter)
    seats = roster(meeting)
    names = college_names_for(meeting, seats, (rules.get("college_minimums") or {}).keys())
    quorum = compute_meeting_quorum(seats, rules, college_names=names)
    items = list(
        AgendaItem.objects.filter(meeting=meeting, status=AgendaItem.Status.ACCEPTED)
        .select_related("proposal", "presenter", "presenter_organization")
        .prefetch_related(
            Prefetch("conflicts", queryset=ConflictDeclaration.objects.select_related("person", "organization")
                     .order_by("created_at")),
            Prefetch("proposal__recusals", queryset=Recusal.objects.order_by("created_at")),
        )
    )
    for number, item in enumerate(items, start=1):
        item.number = number
        item.meeting = meeting
    current = next((item for item in items if item.pk == current_pk), items[0] if items else None)
    index = items.index(current) if current else 0
    item_quorum = quorum
    if current is not None and item_excluded_keys(current):
        item_quorum = compute_meeting_quorum(seats, rules, excluded=item_excluded_keys(current),
                                             college_names=names, mark=False)
    follow_ups = list(FollowUp.objects.filter(meeting=meeting).select_related("person", "organization")
                      .order_by("id"))
    reviews_follow_ups = current is not None and current is followups.follow_ups_item(items)
    filters = attendance_filter(request)
    shown = filter_seats(seats, name=filters["name"], status=filters["status"]) if filters["active"] else seats
    can_take_attendance = meeting.status in LIVE_STATES
    yes_waiting = len(answered_yes_not_noted(meeting, seats)) if can_take_attendance else 0
    who = _who_list(meeting, seats)
    proposal = current.proposal if current else None
    bound = bound or {}
    notes_form = bound.get("notes")
    if current is not None and notes_form is None:
        notes_form = NotesForm(prefix="notes", initial={"notes": current.notes, "dissent": current.dissent},
                               autosave_url=_item_url("item_notes", meeting, current),
                               status_id=f"notes-etat-{current.pk}")
    return {
        "territory": space.territory, "space": space, "meeting": meeting, "charter": charter,
        "seats": seats, "quorum": quorum, "item_quorum": item_quorum, "items": items, "current": current,
        "previous": items[index - 1] if current and index > 0 else None,
        "next": items[index + 1] if current and index + 1 < len(items) else None,
        "proposal": proposal,
        "description_html": render_markdown(current.description) if current and current.description else "",
        "explanation": explain(proposal, names) if proposal and proposal.result else "",
        "decision_item": current is not None and (current.kind == AgendaItem.Kind.DECISION
                                                  or current.proposal_id is not None),
        "follow_ups": [follow_up for follow_up in follow_ups if current and follow_up.item_id == current.pk],
        "follow_up_total": len(follow_ups),
        "notes_form": notes_form,
        **_forms_for(current, who, bound=bound),
        "roster_html": RosterRows(meeting, quorum, can_take_attendance=can_take_attendance).render(shown),
        "live": meeting.status == Meeting.Status.IN_PROGRESS,
        "can_take_attendance": can_take_attendance,
        "counts": attendance_counts(seats), "filters": filters, "shown_total": len(shown),
        "yes_waiting": yes_waiting,
        "opens_early": meeting.status == Meeting.Status.CONVENED and services.opens_before_its_day(meeting),
        "reviews_follow_ups": reviews_follow_ups,
        "rolled": followups.review_rows(meeting) if reviews_follow_ups else [],
        "can_review": meeting.status in followups.REVIEWABLE,
        "outcomes": FollowUpReview.Outcome.choices,
    }


def _item_url(name: str, meeting: Meeting, item) -> str:
    return reverse(f"meetings:{name}", kwargs={"territory": meeting.space.territory.slug,
                                               "space": meeting.space.slug, "pk": meeting.pk, "item": item.pk})


def _render(request, meeting, *, current_pk=None, bound=None, status=200):
    context = _context(request, meeting, current_pk=current_pk, bound=bound)
    if request.htmx and request.htmx.target == "presences-liste":  # the filter, typed: the table alone
        return render(request, "meetings/live/_presences_list.html", context, status=status)
    return render(request, "meetings/live/live.html", context, status=status)


@require_GET
@login_required
def live(request, territory, space, pk):
    meeting = _load(request, territory, space, pk)
    try:
        current_pk = int(request.GET.get("point", ""))
    except ValueError:
        current_pk = None
    return _render(request, meeting, current_pk=current_pk)


# Opening and closing ---------------------------------------------------------------------------

@require_POST
def meeting_open(request, territory, space, pk):
    meeting = _load(request, territory, space, pk)
    try:
        services.meeting_open(meeting=meeting, by=request.user, confirm_early=request.POST.get("confirm_early") == "1")
    except DomainError as error:
        _fail(request, error)
    else:
        messages.success(request, _("La rencontre est ouverte. Prenez les présences : le quorum s'affiche en "
                                    "haut de la page."))
    return redirect(_live_url(meeting))


@require_POST
def meeting_close(request, territory, space, pk):
    meeting = _load(request, territory, space, pk)
    try:
        services.meeting_close(meeting=meeting, by=request.user)
    except DomainError as error:
        _fail(request, error)
        return redirect(_live_url(meeting))
    messages.success(request, _("La rencontre est levée. Le procès-verbal peut maintenant être rédigé."))
    return redirect(_live_url(meeting))


# Attendance and quorum -------------------------------------------------------------------------

def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
def attendance(request, territory, space, pk):
    meeting = _load(request, territory, space, pk)
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
            _fail(request, error)
        return redirect(_live_url(meeting, anchor="presences"))
    charter = charter_in_force(meeting.space)
    rules = rules_from_charter(charter)
    seats = roster(meeting)
    names = college_names_for(meeting, seats, (rules.get("college_minimums") or {}).keys())
    quorum = compute_meeting_quorum(seats, rules, college_names=names)
    seat = next((seat for seat in seats if seat.key == seat_key), None)
    if seat is None:  # not a member's person (a forged form): nothing to swap
        return HttpResponse(status=204)
    context = {"meeting": meeting, "territory": meeting.space.territory, "space": meeting.space,
               "quorum": quorum, "oob": True, "counts": attendance_counts(seats)}
    html = RosterRows(meeting, quorum, can_take_attendance=True).seat(seat, error=str(error.message) if error else "")
    html += render_to_string("meetings/live/_quorum.html", context, request=request)
    return HttpResponse(html)


@require_GET
def quorum(request, territory, space, pk):
    """The quorum now: a fragment for htmx (polled by the live page, loaded by the meeting page)."""
    meeting = _load(request, territory, space, pk, perm=VIEW)
    seats = roster(meeting)
    result = _quorum(meeting, seats)
    context = {"meeting": meeting, "territory": meeting.space.territory, "space": meeting.space, "quorum": result}
    if request.htmx:
        if request.GET.get("presences") == "1" and request.user.has_perm(RUN, meeting):
            # The live page's poll: the counts of the attendance table refresh with the quorum.
            context.update(oob=True, counts=attendance_counts(seats))
            return HttpResponse(render_to_string("meetings/live/_quorum_text.html", context, request=request)
                                + render_to_string("meetings/live/_quorum.html", context, request=request))
        return render(request, "meetings/live/_quorum_text.html", context)
    return render(request, "meetings/live/quorum.html", context)


def _quorum(meeting: Meeting, seats: list[Seat] | None = None) -> MeetingQuorum:
    charter = charter_in_force(meeting.space)
    rules = rules_from_charter(charter)
    seats = roster(meeting) if seats is None else seats
    names = college_names_for(meeting, seats, (rules.get("college_minimums") or {}).keys())
    return compute_meeting_quorum(seats, rules, college_names=names)


@require_GET
@login_required
def attendance_sheet(request, territory, space, pk):
    """The attendance sheet to print: members by organization, their people, a column to sign."""
    meeting = _load(request, territory, space, pk)
    seats = roster(meeting)
    charter = charter_in_force(meeting.space)
    compute_meeting_quorum(seats, rules_from_charter(charter))  # marks the members who vote
    context = {"meeting": meeting, "space": meeting.space, "territory": meeting.space.territory,
               "seats": seats, "kind_labels": KIND_LABELS, "charter": charter,
               "starts_at": timezone.localtime(meeting.starts_at), "blank_rows": range(6)}
    day = timezone.localdate(meeting.starts_at).isoformat()
    return pdf_response("meetings/live/attendance_sheet.html", context, request,
                        filename=f"feuille-de-presence-{meeting.space.slug}-{day}")


# Per item ----------------------------------------------------------------------------------------

@require_POST
def item_notes(request, territory, space, pk, item):
    meeting = _load(request, territory, space, pk)
    item = _item(meeting, item)
    form = NotesForm(request.POST, prefix="notes")
    message, saved = "", False
    if form.is_valid():
        try:
            services.item_notes_save(item=item, by=request.user, notes=form.cleaned_data["notes"],
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
        return redirect(_live_url(meeting, item, "notes"))
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
    meeting = _load(request, territory, space, pk)
    item = _item(meeting, item)
    form = ConflictForm(request.POST, prefix="conflit", who=_who_list(meeting))
    if form.is_valid():
        person, organization = _who(form.cleaned_data["who"])
        try:
            declaration = services.conflict_declare(item=item, by=request.user, person=person,
                                                    organization=organization, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Conflit d'intérêts noté : %(who)s se retire du vote de ce point.")
                             % {"who": declaration.organization or declaration.person})
            return redirect(_live_url(meeting, item, "conflits"))
    return _render(request, meeting, current_pk=item.pk, bound={"conflict": form})


@require_POST
def open_vote(request, territory, space, pk, item):
    meeting = _load(request, territory, space, pk)
    item = _item(meeting, item)
    try:
        proposal = services.vote_open(item=item, by=request.user)
    except DomainError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Le vote électronique est ouvert : les membres votent sur leur téléphone, "
                                    "depuis la page de la proposition « %(title)s ».") % {"title": proposal.title})
    return redirect(_live_url(meeting, item, "decision"))


@require_POST
def decision(request, territory, space, pk, item):
    """Record a decision: a show of hands, the closing of the electronic vote, or the outcome after it."""
    meeting = _load(request, territory, space, pk)
    item = _item(meeting, item)
    action = request.POST.get("action")
    if action == "close":
        try:
            services.vote_close(item=item, by=request.user)
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Le vote est fermé. Écrivez la décision telle qu'elle entre au registre."))
        return redirect(_live_url(meeting, item, "decision"))
    if action == "hands":
        form, key = ShowOfHandsForm(request.POST, prefix="mains"), "hands"
    else:
        form, key = RecordForm(request.POST, prefix="decision"), "record"
    if form.is_valid():
        data = form.cleaned_data
        try:
            if key == "hands":
                services.record_show_of_hands(item=item, by=request.user, yes=data["yes"], no=data["no"],
                                              abstain=data["abstain"], outcome=data["outcome"],
                                              dissent=data["dissent"])
            else:
                services.decision_record(item=item, by=request.user, outcome=data["outcome"],
                                         dissent=data["dissent"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Décision consignée au registre des décisions."))
            return redirect(_live_url(meeting, item, "decision"))
    return _render(request, meeting, current_pk=item.pk, bound={key: form})


@require_POST
def follow_up_add(request, territory, space, pk, item):
    meeting = _load(request, territory, space, pk)
    item = _item(meeting, item)
    form = FollowUpForm(request.POST, prefix="suivi", who=_who_list(meeting))
    if form.is_valid():
        data = form.cleaned_data
        person = User.objects.filter(pk=data["person"]).first() if data["person"] else None
        organization = Organization.objects.filter(pk=data["organization"]).first() if data["organization"] else None
        try:
            services.follow_up_add(item=item, by=request.user, what=data["what"], person=person,
                                   organization=organization, due_on=data["due_on"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Suivi noté : « %(what)s ».") % {"what": data["what"]})
            return redirect(_live_url(meeting, item, "suivis"))
    return _render(request, meeting, current_pk=item.pk, bound={"follow_up": form})

