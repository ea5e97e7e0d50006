"""Screens of what follows a meeting: the minutes (draft, circulation, adoption, PDF), the space's
follow-ups and a person's own, and the evaluation (the form and the organizers' results).

Views stay thin: load what the person may see (404 otherwise), check the permission, call a
service, render. Every change is a POST protected by its CSRF token.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from concertation.accounts import privacy
from concertation.core import formatting
from concertation.core.errors import DomainError, add_domain_error
from concertation.spaces.access import access_for
from concertation.spaces.views.common import load_space, require

from .. import evaluation as evaluations
from .. import followups
from .. import minutes as minutes_services
from ..models import EvaluationReceipt, FollowUp, Meeting, Minutes, MinutesComment
from ..pdf import pdf_response
from ..selectors import meeting_for

NBSP = "\u00a0"
PAGE_SIZE = 50
SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


# Forms ---------------------------------------------------------------------------------------

class MinutesForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Texte du procès-verbal (Markdown)"), required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        help_text=gettext_lazy("Titres avec #, listes avec -, gras avec **texte**. L'aperçu montre le résultat."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Votre commentaire"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class AdoptForm(forms.Form):
    at_meeting = forms.ModelChoiceField(
        label=gettext_lazy("Rencontre qui adopte le procès-verbal"), queryset=Meeting.objects.none(),
        help_text=gettext_lazy("Une rencontre suivante du même espace dont l'ordre du jour prévoit l'adoption "
                               "du procès-verbal précédent."),
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at_meeting"].queryset = candidates if candidates is not None else Meeting.objects.none()
        self.fields["at_meeting"].label_from_instance = _meeting_label


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Statut"), choices=FollowUp.Status.choices,
                               widget=forms.RadioSelect)


class EvaluationForm(forms.Form):
    objectives_met = forms.ChoiceField(label=evaluations.QUESTIONS[0][1], choices=SCORE_CHOICES,
                                       widget=forms.RadioSelect)
    everyone_could_speak = forms.ChoiceField(label=evaluations.QUESTIONS[1][1], choices=SCORE_CHOICES,
                                             widget=forms.RadioSelect)
    useful_to_my_organization = forms.ChoiceField(label=evaluations.QUESTIONS[2][1], choices=SCORE_CHOICES,
                                                  widget=forms.RadioSelect)
    plus = forms.CharField(label=gettext_lazy("Un plus{nbsp}: ce qui a bien fonctionné"), required=False,
                           max_length=evaluations.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    delta = forms.CharField(label=gettext_lazy("Un delta{nbsp}: ce qu'on pourrait améliorer"), required=False,
                            max_length=evaluations.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("plus", "delta"):
            self.fields[name].label = str(self.fields[name].label).replace("{nbsp}", NBSP)
        for name in evaluations.FIELDS:
            self.fields[name].help_text = _("1 = pas du tout d'accord, 5 = tout à fait d'accord")


def _meeting_label(meeting: Meeting) -> str:

    return f"{meeting.title} — {formatting.day(meeting.starts_at)}"


# Loading -------------------------------------------------------------------------------------

def _load(request, territory: str, space: str, pk: int, perm: str = "meetings.view_meeting"):
    space_obj = load_space(request, territory, space)
    meeting = meeting_for(request.user, space_obj, pk)
    if perm != "meetings.view_meeting":
        require(request.user, perm, meeting)
    return space_obj, meeting


def _url(name: str, space, **kwargs) -> str:
    try:
        return reverse(f"meetings:{name}", kwargs={"territory": space.territory.slug, "space": space.slug,
                                                    **kwargs})
    except NoReverseMatch:
        return ""


def _minutes_url(space, meeting) -> str:
    return _url("minutes", space, pk=meeting.pk)


def _links(space, meeting=None) -> dict:
    """Addresses of the other parts of the meeting (empty when that part is not installed)."""
    links = {"meetings": _url("list", space), "follow_ups": _url("follow_ups", space)}
    if meeting is not None:
        links.update(meeting=_url("meeting", space, pk=meeting.pk), minutes=_minutes_url(space, meeting),
                     pdf=_url("minutes_pdf", space, pk=meeting.pk), evaluate=_url("evaluate", space, pk=meeting.pk),
                     results=_url("evaluation_results", space, pk=meeting.pk))
    return links


# Minutes -------------------------------------------------------------------------------------

def _can_read(minutes: Minutes | None, can_run: bool) -> bool:
    return can_run or (minutes is not None and minutes.status != Minutes.Status.DRAFT)


def _public_text(meeting, text: str, viewer) -> str:
    """The minutes as ``viewer`` may read them: for anonymous visitors, people who did not agree to
    be named publicly are named by their organization (accounts.privacy)."""
    if privacy.names_shown_to(viewer):
        return text
    return privacy.redact(text, minutes_services.people_named(meeting), viewer)


def _render_minutes(request, space, meeting, *, form=None, comment_form=None, adopt_form=None, preview=None,
                    status=200):
    user = request.user
    minutes = Minutes.objects.filter(meeting=meeting).select_related("adopted_at_meeting").first()
    can_run = user.has_perm("meetings.run_meeting", meeting)
    adopted = minutes is not None and minutes.status == Minutes.Status.ADOPTED
    may_write = can_run and not adopted and meeting.status not in (Meeting.Status.DRAFT, Meeting.Status.CANCELLED)
    generated = False
    if may_write and form is None:
        body = minutes.body if minutes is not None and minutes.body.strip() else ""
        if not body:
            body, generated = minutes_services.minutes_generate(meeting), True
        form = MinutesForm(initial={"body": body})
        if preview is None:
            preview = body
    readable = _can_read(minutes, can_run)
    text = ""
    if readable and minutes is not None:
        text = minutes_services.minutes_text(minutes)
    if preview is None:
        preview = _public_text(meeting, text, user)
    comments = []
    if readable and minutes is not None:
        comments = list(MinutesComment.objects.filter(minutes=minutes).select_related("author").order_by("created_at"))
    can_comment = (minutes is not None and minutes.status == Minutes.Status.CIRCULATED
                   and user.has_perm("meetings.take_part", meeting))
    if can_comment and comment_form is None:
        comment_form = CommentForm()
    candidates = None
    if can_run and minutes is not None and not adopted and meeting.status == Meeting.Status.HELD:
        candidates = minutes_services.adopting_meetings(meeting)
        if adopt_form is None:
            adopt_form = AdoptForm(candidates=candidates)
    return render(request, "meetings/minutes/minutes.html", {
        "territory": space.territory, "space": space, "meeting": meeting, "minutes": minutes,
        "can_run": can_run, "may_write": may_write, "readable": readable, "adopted": adopted,
        "form": form, "generated": generated, "preview_html": minutes_services.minutes_html(preview),
        "comments": comments, "can_comment": can_comment, "comment_form": comment_form,
        "adopt_form": adopt_form, "has_candidates": bool(adopt_form and adopt_form.fields["at_meeting"].queryset),
        "links": _links(space, meeting), "held": meeting.status in evaluations.EVALUATED_STATUSES,
    }, status=status)


def minutes(request, territory, space, pk):
    """Read the minutes; those who run the meeting write the draft here (save or preview)."""
    space, meeting = _load(request, territory, space, pk)
    if request.method != "POST":
        return _render_minutes(request, space, meeting)
    require(request.user, "meetings.run_meeting", meeting)
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return _render_minutes(request, space, meeting, form=form, status=400)
    body = form.cleaned_data["body"]
    if request.POST.get("action") == "preview":
        return _render_minutes(request, space, meeting, form=form, preview=body)
    try:
        minutes_services.minutes_save_draft(meeting=meeting, body=body, by=request.user)
    except DomainError as error:
        add_domain_error(form, error)
        return _render_minutes(request, space, meeting, form=form, preview=body, status=400)
    messages.success(request, _("Le brouillon du procès-verbal est enregistré."))
    return redirect(_minutes_url(space, meeting))


@require_POST
def minutes_generate(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk, "meetings.run_meeting")
    try:
        minutes_services.minutes_regenerate(meeting=meeting, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le procès-verbal a été généré à partir de la rencontre. Relisez-le et "
                                    "complétez-le."))
    return redirect(_minutes_url(space, meeting))


@require_POST
def minutes_circulate(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk, "meetings.run_meeting")
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        messages.error(request, _("Enregistrez d'abord le brouillon du procès-verbal."))
        return redirect(_minutes_url(space, meeting))
    try:
        minutes_services.minutes_circulate(minutes=minutes, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le procès-verbal circule{nbsp}: les membres peuvent le lire et le "
                                    "commenter.").replace("{nbsp}", NBSP))
    return redirect(_minutes_url(space, meeting))


@require_POST
def minutes_comment(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk, "meetings.take_part")
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or minutes.status == Minutes.Status.DRAFT:
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            minutes_services.minutes_comment(minutes=minutes, author=request.user, body=form.cleaned_data["body"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Merci, votre commentaire est transmis au secrétariat."))
            return redirect(_minutes_url(space, meeting) + "#commentaires")
    return _render_minutes(request, space, meeting, comment_form=form, status=400)


@require_POST
def minutes_adopt(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk, "meetings.run_meeting")
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        messages.error(request, _("Enregistrez d'abord le brouillon du procès-verbal."))
        return redirect(_minutes_url(space, meeting))
    # Any meeting of the space may be named; the service says why one cannot adopt.
    form = AdoptForm(request.POST, candidates=Meeting.objects.filter(space=space))
    if form.is_valid():
        try:
            minutes_services.minutes_adopt(minutes=minutes, at_meeting=form.cleaned_data["at_meeting"],
                                           by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le procès-verbal est adopté{nbsp}: il est maintenant verrouillé.").replace(
                "{nbsp}", NBSP))
            return redirect(_minutes_url(space, meeting))
    form.fields["at_meeting"].queryset = minutes_services.adopting_meetings(meeting)
    return _render_minutes(request, space, meeting, adopt_form=form, status=400)


def minutes_pdf(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("adopted_at_meeting").first()
    can_run = request.user.has_perm("meetings.run_meeting", meeting)
    if not _can_read(minutes, can_run):
        raise Http404
    if minutes is not None and minutes_services.minutes_text(minutes).strip():
        text = minutes_services.minutes_text(minutes)
    else:
        text = minutes_services.minutes_generate(meeting)
    return pdf_response("meetings/pdf/minutes.html", {
        "territory": space.territory, "space": space, "meeting": meeting, "minutes": minutes,
        "body_html": minutes_services.minutes_html(_public_text(meeting, text, request.user), shift=1), "adopted": minutes is not None and minutes.status == Minutes.Status.ADOPTED,
        "now": timezone.now(),
    }, request, filename=f"proces-verbal-{space.slug}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}")


# Follow-ups ----------------------------------------------------------------------------------

FILTERS = {"open": FollowUp.Status.OPEN, "done": FollowUp.Status.DONE, "dropped": FollowUp.Status.DROPPED}


def _status_filter(request) -> tuple[str, str | None, bool]:
    """(filter key, status or None, overdue only) from ?statut=open|done|dropped|overdue|all."""
    key = request.GET.get("statut", "open")
    if key == "overdue":
        return key, FollowUp.Status.OPEN, True
    if key == "all":
        return key, None, False
    if key not in FILTERS:
        key = "open"
    return key, FILTERS[key], False


def _filter_choices():
    return [("open", _("À faire")), ("overdue", _("En retard")), ("done", _("Faits")),
            ("dropped", _("Abandonnés")), ("all", _("Tous"))]


def follow_ups(request, territory, space):
    space = load_space(request, territory, space, perm="spaces.view_space")
    key, status, overdue = _status_filter(request)
    today = timezone.localdate()
    queryset = followups.space_follow_ups(space, status=status, overdue=overdue, today=today)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = followups.mark_overdue(page.object_list, today)
    user = request.user
    facilitates = access_for(user).facilitates(space)
    organization_ids = followups.represented_organization_ids(user) if user.is_authenticated and not facilitates \
        else set()
    for follow_up in rows:
        follow_up.editable = user.is_authenticated and (
            facilitates or follow_up.person_id == user.pk or follow_up.organization_id in organization_ids)
    counts = FollowUp.objects.filter(space=space).aggregate(
        open=Count("id", filter=Q(status=FollowUp.Status.OPEN)),
        overdue=Count("id", filter=followups.overdue_q(today)),
    )
    return render(request, "meetings/minutes/follow_ups.html", {
        "territory": space.territory, "space": space, "page": page, "rows": rows, "filter": key,
        "filters": _filter_choices(), "counts": counts, "links": _links(space),
    })


@login_required
def follow_up_edit(request, territory, space, fu):
    space = load_space(request, territory, space, perm="spaces.view_space")
    follow_up = get_object_or_404(FollowUp.objects.select_related("meeting", "person", "organization"),
                                  space=space, pk=fu)
    follow_up.space = space
    if not followups.can_edit_follow_up(request.user, follow_up):
        raise Http404
    form = FollowUpStatusForm(request.POST or None, initial={"status": follow_up.status})
    if request.method == "POST" and form.is_valid():
        try:
            followups.follow_up_set_status(follow_up=follow_up, status=form.cleaned_data["status"], by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le suivi est à jour."))
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                        require_https=request.is_secure()):
                return redirect(back)
            return redirect(_url("follow_ups", space))
    follow_up.overdue = followups.is_overdue(follow_up)
    return render(request, "meetings/minutes/follow_up_edit.html", {
        "territory": space.territory, "space": space, "follow_up": follow_up, "form": form,
        "next": request.GET.get("next", request.POST.get("next", "")), "links": _links(space),
    }, status=400 if request.method == "POST" else 200)


@login_required
def my_follow_ups(request):
    key, status, overdue = _status_filter(request)
    today = timezone.localdate()
    data = followups.my_follow_ups(request.user, status=status)
    mine, organizations = data["mine"], data["organizations"]
    if overdue:
        mine, organizations = mine.filter(followups.overdue_q(today)), organizations.filter(followups.overdue_q(today))
    mine = followups.mark_overdue(mine[:PAGE_SIZE], today)
    organizations = followups.mark_overdue(organizations[:PAGE_SIZE], today)
    for follow_up in [*mine, *organizations]:
        follow_up.editable = True  # their own, or their organization's
    return render(request, "meetings/minutes/my_follow_ups.html", {
        "mine": mine, "organizations": organizations, "filter": key, "filters": _filter_choices(),
        "limit": PAGE_SIZE,
    })


# Evaluation ----------------------------------------------------------------------------------

def evaluate(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    already = EvaluationReceipt.objects.filter(meeting=meeting, person=request.user).exists()
    form = EvaluationForm(request.POST or None)
    refusal = "" if already else evaluations.evaluation_refusal(meeting, request.user)
    if request.method == "POST" and not already and not refusal and form.is_valid():
        try:
            evaluations.evaluation_submit(meeting=meeting, person=request.user, answers=form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Merci! Votre évaluation est enregistrée, sans votre nom."))
            return redirect(_url("evaluate", space, pk=meeting.pk))
    status = 400 if request.method == "POST" and (already or refusal or form.errors) else 200
    return render(request, "meetings/minutes/evaluate.html", {
        "territory": space.territory, "space": space, "meeting": meeting, "form": form, "already": already,
        "refusal": refusal, "links": _links(space, meeting),
    }, status=status)


@login_required
def evaluation_results(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk, "meetings.run_meeting")
    averages = evaluations.meeting_averages(meeting)
    comments = evaluations.meeting_comments(meeting)
    trend = evaluations.space_trend(space)
    chart = _trend_chart(trend)
    return render(request, "meetings/minutes/evaluation_results.html", {
        "territory": space.territory, "space": space, "meeting": meeting, "averages": averages,
        "comments": comments, "trend": trend, "chart": chart, "links": _links(space, meeting),
    })


def _trend_chart(trend) -> dict:
    """Coordinates of a simple bar chart (SVG drawn by the template) of each meeting's overall average."""
    width, height, top, bottom, left = 640, 220, 20, 40, 40
    plot = height - top - bottom
    count = len(trend)
    if not count:
        return {}
    step = (width - left - 10) / count
    bars = []
    for index, point in enumerate(trend):
        value = point.averages.overall or 0
        bar_height = plot * value / 5
        bar_width = min(step * 0.7, 80)
        bars.append({
            "x": round(left + index * step + (step - bar_width) / 2, 1), "width": round(bar_width, 1),
            "y": round(top + plot - bar_height, 1), "height": round(bar_height, 1),
            "label_x": round(left + index * step + step / 2, 1), "label_y": height - bottom + 16,
            "value_y": round(top + plot - bar_height - 4, 1),
            "value": evaluations.format_score(point.averages.overall).split(NBSP)[0],
            "day": formatting.day(point.meeting.starts_at, weekday=False, year=None, short=True),
        })
    gridlines = [{"y": round(top + plot - plot * n / 5, 1), "label": n} for n in range(0, 6)]
    return {"width": width, "height": height, "bars": bars, "gridlines": gridlines, "left": left,
            "right": width - 10}
