"""What follows a meeting, as pages: the minutes (draft, preview, comments, adoption), the space's
follow-ups and a person's own, and the organizers' evaluation results."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.accounts import privacy
from concertation.core import formatting
from concertation.core.formatting import NBSP
from concertation.spaces.access import access_for

from .. import evaluation as evaluations
from .. import followups
from .. import minutes as meeting_minutes
from ..forms import AdoptForm, CommentForm, MinutesForm
from ..models import FollowUp, Meeting, Minutes, MinutesComment

PAGE_SIZE = 50
FILTERS = {"open": FollowUp.Status.OPEN, "done": FollowUp.Status.DONE, "dropped": FollowUp.Status.DROPPED}


def url(name: str, space, **kwargs) -> str:
    try:
        return reverse(f"meetings:{name}", kwargs={"territory": space.territory.slug, "space": space.slug,
                                                    **kwargs})
    except NoReverseMatch:
        return ""


def minutes_url(space, meeting) -> str:
    return url("minutes", space, pk=meeting.pk)


def links(space, meeting=None) -> dict:
    """Addresses of the other parts of the meeting (empty when that part is not installed)."""
    links = {"meetings": url("list", space), "follow_ups": url("follow_ups", space)}
    if meeting is not None:
        links.update(meeting=url("meeting", space, pk=meeting.pk), minutes=minutes_url(space, meeting),
                     pdf=url("minutes_pdf", space, pk=meeting.pk), evaluate=url("evaluate", space, pk=meeting.pk),
                     results=url("evaluation_results", space, pk=meeting.pk))
    return links


def can_read(minutes: Minutes | None, can_run: bool) -> bool:
    return can_run or (minutes is not None and minutes.status != Minutes.Status.DRAFT)


def public_text(meeting, text: str, viewer) -> str:
    """The minutes as ``viewer`` may read them: for anonymous visitors, people who did not agree to
    be named publicly are named by their organization (accounts.privacy)."""
    if privacy.names_shown_to(viewer):
        return text
    return privacy.redact(text, meeting_minutes.people_named(meeting), viewer)


def minutes_context(user, space, meeting, *, form=None, comment_form=None, adopt_form=None, preview=None) -> dict:
    """The minutes' page: the text (or the draft and its preview for those who write it), comments,
    and the adoption form."""
    minutes = Minutes.objects.filter(meeting=meeting).select_related("adopted_at_meeting").first()
    can_run = user.has_perm("meetings.run_meeting", meeting)
    adopted = minutes is not None and minutes.status == Minutes.Status.ADOPTED
    may_write = can_run and not adopted and meeting.status not in (Meeting.Status.DRAFT, Meeting.Status.CANCELLED)
    generated = False
    if may_write and form is None:
        body = minutes.body if minutes is not None and minutes.body.strip() else ""
        if not body:
            body, generated = meeting_minutes.minutes_generate(meeting), True
        form = MinutesForm(initial={"body": body})
        if preview is None:
            preview = body
    readable = can_read(minutes, can_run)
    text = ""
    if readable and minutes is not None:
        text = meeting_minutes.minutes_text(minutes)
    if preview is None:
        preview = public_text(meeting, text, user)
    comments = []
    if readable and minutes is not None:
        comments = list(MinutesComment.objects.filter(minutes=minutes).select_related("author").order_by("created_at"))
    can_comment = (minutes is not None and minutes.status == Minutes.Status.CIRCULATED
                   and user.has_perm("meetings.take_part", meeting))
    if can_comment and comment_form is None:
        comment_form = CommentForm()
    candidates = None
    if can_run and minutes is not None and not adopted and meeting.status == Meeting.Status.HELD:
        candidates = meeting_minutes.adopting_meetings(meeting)
        if adopt_form is None:
            adopt_form = AdoptForm(candidates=candidates)
    return {
        "territory": space.territory, "space": space, "meeting": meeting, "minutes": minutes,
        "can_run": can_run, "may_write": may_write, "readable": readable, "adopted": adopted,
        "form": form, "generated": generated, "preview_html": meeting_minutes.minutes_html(preview),
        "comments": comments, "can_comment": can_comment, "comment_form": comment_form,
        "adopt_form": adopt_form, "has_candidates": bool(adopt_form and adopt_form.fields["at_meeting"].queryset),
        "links": links(space, meeting), "held": meeting.status in evaluations.EVALUATED_STATUSES,
    }


def minutes_pdf_context(user, space, meeting) -> dict | None:
    """The minutes to print (generated from the meeting while nothing is written), or None for
    someone who may not read them."""
    minutes = Minutes.objects.filter(meeting=meeting).select_related("adopted_at_meeting").first()
    if not can_read(minutes, user.has_perm("meetings.run_meeting", meeting)):
        return None
    if minutes is not None and meeting_minutes.minutes_text(minutes).strip():
        text = meeting_minutes.minutes_text(minutes)
    else:
        text = meeting_minutes.minutes_generate(meeting)
    return {
        "territory": space.territory, "space": space, "meeting": meeting, "minutes": minutes,
        "body_html": meeting_minutes.minutes_html(public_text(meeting, text, user), shift=1),
        "adopted": minutes is not None and minutes.status == Minutes.Status.ADOPTED, "now": timezone.now(),
    }


def status_filter(params) -> tuple[str, str | None, bool]:
    """(filter key, status or None, overdue only) from ?statut=open|done|dropped|overdue|all."""
    key = params.get("statut", "open")
    if key == "overdue":
        return key, FollowUp.Status.OPEN, True
    if key == "all":
        return key, None, False
    if key not in FILTERS:
        key = "open"
    return key, FILTERS[key], False


def filter_choices():
    return [("open", _("À faire")), ("overdue", _("En retard")), ("done", _("Faits")),
            ("dropped", _("Abandonnés")), ("all", _("Tous"))]


def trend_chart(trend) -> dict:
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


def follow_ups_context(user, space, params) -> dict:
    """The space's follow-ups, filtered and paginated, each marked editable or not for ``user``."""
    key, status, overdue = status_filter(params)
    today = timezone.localdate()
    queryset = followups.space_follow_ups(space, status=status, overdue=overdue, today=today)
    page = Paginator(queryset, PAGE_SIZE).get_page(params.get("page"))
    rows = followups.mark_overdue(page.object_list, today)
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
    return {
        "territory": space.territory, "space": space, "page": page, "rows": rows, "filter": key,
        "filters": filter_choices(), "counts": counts, "links": links(space),
    }


def my_follow_ups_context(user, params) -> dict:
    """A person's own follow-ups and their organizations', filtered."""
    key, status, overdue = status_filter(params)
    today = timezone.localdate()
    data = followups.my_follow_ups(user, status=status)
    mine, organizations = data["mine"], data["organizations"]
    if overdue:
        mine, organizations = mine.filter(followups.overdue_q(today)), organizations.filter(followups.overdue_q(today))
    mine = followups.mark_overdue(mine[:PAGE_SIZE], today)
    organizations = followups.mark_overdue(organizations[:PAGE_SIZE], today)
    for follow_up in [*mine, *organizations]:
        follow_up.editable = True  # their own, or their organization's
    return {"mine": mine, "organizations": organizations, "filter": key, "filters": filter_choices(),
            "limit": PAGE_SIZE}


def evaluation_results_context(space, meeting) -> dict:
    """The organizers' view of a meeting's evaluation: averages, comments, the space's trend."""
    trend = evaluations.space_trend(space)
    return {
        "territory": space.territory, "space": space, "meeting": meeting,
        "averages": evaluations.meeting_averages(meeting), "comments": evaluations.meeting_comments(meeting),
        "trend": trend, "chart": trend_chart(trend), "links": links(space, meeting),
    }
