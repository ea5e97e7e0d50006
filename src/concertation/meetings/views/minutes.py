"""Screens of what follows a meeting: the minutes (draft, circulation, adoption, PDF), the space's
follow-ups and a person's own, and the evaluation (the form and the organizers' results).

Views stay thin: load what the person may see (404 otherwise), check the permission, call a
service, render. Every change is a POST protected by its CSRF token.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concertation.core.errors import DomainError, add_domain_error
from concertation.spaces.views.common import load_space, require

from .. import evaluation as evaluations
from .. import followups
from .. import minutes as meeting_minutes
from ..forms import AdoptForm, CommentForm, EvaluationForm, FollowUpStatusForm, MinutesForm, nb
from ..models import FollowUp, Meeting
from ..pages.minutes import (
    can_read,
    evaluation_results_context,
    follow_ups_context,
    links,
    minutes_context,
    minutes_pdf_context,
    minutes_url,
    my_follow_ups_context,
    url,
)
from ..pdf import pdf_response
from ..selectors import meeting_for
from ..services import evaluation as evaluation_services
from ..services import followups as followup_services
from ..services import minutes as minutes_services


def _load(request, territory: str, space: str, pk: int, perm: str = "meetings.view_meeting"):
    space_obj = load_space(request, territory, space)
    meeting = meeting_for(request.user, space_obj, pk)
    if perm != "meetings.view_meeting":
        require(request.user, perm, meeting)
    return space_obj, meeting



# Minutes -------------------------------------------------------------------------------------

def _render_minutes(request, space, meeting, *, status: int = 200, **bound):
    return render(request, "meetings/minutes/minutes.html",
                  minutes_context(request.user, space, meeting, **bound), status=status)


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
    return redirect(minutes_url(space, meeting))


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
    return redirect(minutes_url(space, meeting))


@require_POST
def minutes_circulate(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk, "meetings.run_meeting")
    minutes = meeting_minutes.minutes_of(meeting)
    if minutes is None:
        messages.error(request, _("Enregistrez d'abord le brouillon du procès-verbal."))
        return redirect(minutes_url(space, meeting))
    try:
        minutes_services.minutes_circulate(minutes=minutes, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, nb(_("Le procès-verbal circule{nbsp}: les membres peuvent le lire et le "
                                       "commenter.")))
    return redirect(minutes_url(space, meeting))


@require_POST
def minutes_comment(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk, "meetings.take_part")
    minutes = meeting_minutes.minutes_of(meeting)
    if minutes is None or not can_read(minutes, can_run=False):
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            minutes_services.minutes_comment(minutes=minutes, author=request.user, body=form.cleaned_data["body"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Merci, votre commentaire est transmis au secrétariat."))
            return redirect(minutes_url(space, meeting) + "#commentaires")
    return _render_minutes(request, space, meeting, comment_form=form, status=400)


@require_POST
def minutes_adopt(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk, "meetings.run_meeting")
    minutes = meeting_minutes.minutes_of(meeting)
    if minutes is None:
        messages.error(request, _("Enregistrez d'abord le brouillon du procès-verbal."))
        return redirect(minutes_url(space, meeting))
    # Any meeting of the space may be named; the service says why one cannot adopt.
    form = AdoptForm(request.POST, candidates=Meeting.objects.filter(space=space))
    if form.is_valid():
        try:
            minutes_services.minutes_adopt(minutes=minutes, at_meeting=form.cleaned_data["at_meeting"],
                                           by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, nb(_("Le procès-verbal est adopté{nbsp}: il est maintenant verrouillé.")))
            return redirect(minutes_url(space, meeting))
    form.fields["at_meeting"].queryset = meeting_minutes.adopting_meetings(meeting)
    return _render_minutes(request, space, meeting, adopt_form=form, status=400)


def minutes_pdf(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk)
    context = minutes_pdf_context(request.user, space, meeting)
    if context is None:
        raise Http404
    return pdf_response("meetings/pdf/minutes.html", context, request,
                        filename=f"proces-verbal-{space.slug}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}")


# Follow-ups ----------------------------------------------------------------------------------

def follow_ups(request, territory, space):
    space = load_space(request, territory, space, perm="spaces.view_space")
    return render(request, "meetings/minutes/follow_ups.html", follow_ups_context(request.user, space, request.GET))


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
            followup_services.follow_up_set_status(follow_up=follow_up, status=form.cleaned_data["status"], by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le suivi est à jour."))
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                        require_https=request.is_secure()):
                return redirect(back)
            return redirect(url("follow_ups", space))
    follow_up.overdue = followups.is_overdue(follow_up)
    return render(request, "meetings/minutes/follow_up_edit.html", {
        "territory": space.territory, "space": space, "follow_up": follow_up, "form": form,
        "next": request.GET.get("next", request.POST.get("next", "")), "links": links(space),
    }, status=400 if request.method == "POST" else 200)


@login_required
def my_follow_ups(request):
    return render(request, "meetings/minutes/my_follow_ups.html", my_follow_ups_context(request.user, request.GET))


# Evaluation ----------------------------------------------------------------------------------

def evaluate(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    already = evaluations.has_evaluated(meeting, request.user)
    form = EvaluationForm(request.POST or None)
    refusal = "" if already else evaluations.evaluation_refusal(meeting, request.user)
    if request.method == "POST" and not already and not refusal and form.is_valid():
        try:
            evaluation_services.evaluation_submit(meeting=meeting, person=request.user, answers=form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Merci! Votre évaluation est enregistrée, sans votre nom."))
            return redirect(url("evaluate", space, pk=meeting.pk))
    status = 400 if request.method == "POST" and (already or refusal or form.errors) else 200
    return render(request, "meetings/minutes/evaluate.html", {
        "territory": space.territory, "space": space, "meeting": meeting, "form": form, "already": already,
        "refusal": refusal, "links": links(space, meeting),
    }, status=status)


@login_required
def evaluation_results(request, territory, space, pk):
    space, meeting = _load(request, territory, space, pk, "meetings.run_meeting")
    return render(request, "meetings/minutes/evaluation_results.html", evaluation_results_context(space, meeting))
