"""A living demo (issue 13): whatever the day it is loaded, the demo has its next meeting convened with
answers, a proposal open for a few days, follow-ups overdue and to come, measurements up to the last
quarter, a term ending this month, a bilan of the last twelve months with content, and a plan adopted
by its own decision. Loaded under a frozen clock at dates chosen for their edges, and once with the
real clock."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from concertation.decisions.models import Proposal
from concertation.demo.loader import ACCOUNT_EMAILS, ASSEMBLY, TERRITORY_SLUG, load_demo
from concertation.demo.timeline import STORY_WEEK, Timeline, day_text, quarter_end_of

# A 1st of January (a new year and quarter, on a Friday), a 29th of February (a Tuesday), and a
# Sunday that is also the day the clocks go forward in Montréal.
FROZEN_DAYS = [date(2027, 1, 1), date(2028, 2, 29), date(2027, 3, 14)]
TOKEN_LEFT = re.compile(r"\{(\d{4}-\d{2}-\d{2}|plan|[+-]?\d+w )")


@pytest.fixture
def clock(monkeypatch, request):
    """``timezone.now`` frozen at 10:00 (local time) on the day of the parameter; None: the real clock."""
    day = request.param
    if day is None:
        return timezone.localdate()
    moment = timezone.make_aware(datetime.combine(day, time(10, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert timezone.localdate() == day
    return day


def last_quarter_end(today):
    """The day before the first day of today's quarter."""
    return date(today.year, (today.month - 1) // 3 * 3 + 1, 1) - timedelta(days=1)


@pytest.mark.django_db
@pytest.mark.parametrize("clock", [*FROZEN_DAYS, None], indirect=True,
                         ids=[*(day.isoformat() for day in FROZEN_DAYS), "real-clock"])
def test_the_demo_is_alive_whatever_the_day(clock):
    from concertation.accounts.models import User
    from concertation.decisions.tasks import close_proposal_when_due
    from concertation.meetings.models import FollowUp, Meeting, Minutes
    from concertation.planning.bilan import build_bilan, default_period
    from concertation.planning.models import Indicator, Measurement, Plan, ProgressUpdate
    from concertation.spaces.models import RoleAssignment
    from concertation.spaces.selectors import assignment_current_q

    today, now = clock, timezone.now()
    load_demo()
    meetings = Meeting.objects.filter(space__territory__slug=TERRITORY_SLUG)

    # The next meeting: the assembly, convened, within 14 days, with answers; the demo citizen has
    # not answered yet, the demo delegate has.
    upcoming = meetings.filter(starts_at__gt=now)
    assert upcoming.count() == 1
    meeting = upcoming.get()
    assert meeting.status == Meeting.Status.CONVENED and meeting.space.slug == ASSEMBLY
    assert timedelta(days=3) < meeting.starts_at - now <= timedelta(days=14)
    assert timezone.localtime(meeting.starts_at).weekday() == 3  # the assembly meets on Thursdays
    assert meeting.convened_at < now
    answers = dict(meeting.rsvps.values_list("person__email", "answer"))
    assert sum(1 for answer in answers.values() if answer) >= 8
    assert {"yes", "no", "maybe"} <= set(answers.values())
    assert answers[ACCOUNT_EMAILS["citizen"]] == "" and answers[ACCOUNT_EMAILS["delegate"]] == "yes"
    assert all(at <= now for at in meeting.rsvps.exclude(answered_at=None).values_list("answered_at", flat=True))
    # Everything else is behind; the last plenary's minutes wait for the next meeting to adopt them.
    past = meetings.exclude(pk=meeting.pk)
    # The story's five autumn meetings and the year before them (build_history.py, issue 18): five
    # meetings in the last twelve months, last year's annual assembly before them.
    assert past.count() == 11 and not past.filter(ends_at__gte=now).exists()
    assert sum(now - timedelta(days=366) < m.starts_at for m in past) == 10
    assert all(now - timedelta(days=2 * 366) < m.starts_at for m in past)
    assert Minutes.objects.filter(meeting__in=past, status=Minutes.Status.CIRCULATED,
                                  meeting__space=meeting.space).exists()

    # One proposal open, accepting ballots, closing in a few days; the worker leaves it open.
    proposal = Proposal.objects.get(space__territory__slug=TERRITORY_SLUG, status=Proposal.Status.OPEN)
    assert proposal.accepting_ballots()
    assert timedelta(days=2) < proposal.closes_at - now <= timedelta(days=7)
    assert proposal.opens_at is None or proposal.opens_at <= now
    assert close_proposal_when_due.call(proposal.pk) == "rescheduled"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN

    # Follow-ups: open ones overdue, and open ones due within the next two weeks; none done later
    # than today.
    follow_ups = FollowUp.objects.filter(space__territory__slug=TERRITORY_SLUG)
    open_ = follow_ups.filter(status=FollowUp.Status.OPEN)
    assert open_.filter(due_on__lt=today).count() >= 3
    assert open_.filter(due_on__gte=today, due_on__lte=today + timedelta(days=14)).exists()
    assert open_.filter(due_on__gte=today, person__email=ACCOUNT_EMAILS["citizen"]).exists()
    assert not follow_ups.filter(done_on__gt=today).exists()

    # A current term ends this month (and only one within 30 days).
    terms = RoleAssignment.objects.filter(assignment_current_q(), role__space__territory__slug=TERRITORY_SLUG)
    ending = terms.filter(end__lte=today + timedelta(days=30))
    assert ending.count() == 1
    assert ending.get().end >= today and (ending.get().end.year, ending.get().end.month) == (today.year, today.month)

    # The plan: adopted by its own decision (not the charter's), which the September assembly's item
    # carries; measurements up to the last quarter, none in the future.
    plan = Plan.objects.get(space__territory__slug=TERRITORY_SLUG)
    decision = plan.adopted_by
    assert decision.status == Proposal.Status.DECIDED and decision.adopts_charter is None
    assert decision.title == f"Adoption du plan de quartier {plan.starts_on.year}-{plan.ends_on.year}"
    assert plan.starts_on <= plan.adopted_on < today <= plan.ends_on
    item = decision.agenda_items.get()
    assert item.meeting.starts_at < now and item.meeting.items.filter(proposal__adopts_charter__isnull=False).exists()
    measurements = Measurement.objects.filter(indicator__plan=plan)
    assert not measurements.filter(date__gt=today).exists()
    assert not ProgressUpdate.objects.filter(activity__strategy__plan=plan, date__gt=today).exists()
    quarterly = Indicator.objects.filter(plan=plan, frequency="quarterly").exclude(measurements__date=None)
    latest = {i.pk: max(i.measurements.values_list("date", flat=True)) for i in quarterly}
    assert last_quarter_end(today) in set(latest.values())

    # The bilan of the last twelve months has something in every part.
    coordinator = User.objects.get(email=ACCOUNT_EMAILS["coordinator"])
    bilan = build_bilan(plan, default_period(today), user=coordinator, cards=5, rows=10)
    assert bilan.meeting_total >= 5 and bilan.decision_total >= 4 and bilan.revision_total == 2
    assert bilan.activities_done_total >= 1 and bilan.presences > 0
    assert any(row.period_count for row in bilan.indicators)

    # Every date of the story's texts was written out.
    texts = [*meetings.values_list("title", flat=True),
             *meetings.values_list("items__title", flat=True), *meetings.values_list("items__notes", flat=True),
             *Proposal.objects.values_list("title", flat=True), *Proposal.objects.values_list("body", flat=True),
             *Proposal.objects.values_list("outcome", flat=True), plan.title, plan.vision,
             *follow_ups.values_list("what", flat=True)]
    assert not [text for text in texts if text and TOKEN_LEFT.search(text)]


def test_the_timeline_keeps_weekdays_and_quarters():
    for n in range(-400, 1200):  # every day of four years and more, leap days included
        today = STORY_WEEK + timedelta(days=n)
        timeline = Timeline(today)
        assert timeline.shift.days % 7 == 0, today
        # The story's week is the current week; the next assembly is next week.
        assert timeline.on(STORY_WEEK) <= today < timeline.on(STORY_WEEK) + timedelta(days=7), today
        assert timedelta(days=4) <= timeline.on(date(2026, 2, 26)) - today <= timedelta(days=10), today
        # The story's last quarter end is today's last quarter end; the quarters around it follow.
        assert timeline.quarter(date(2025, 12, 31)) == last_quarter_end(today) < today, today
        assert timeline.quarter(date(2025, 9, 30)) == quarter_end_of(last_quarter_end(today) - timedelta(days=100))
        assert timeline.quarter(date(2026, 3, 31)) == quarter_end_of(today), today
        assert today <= timeline.month_end() and timeline.month_end().month == today.month, today
        assert timeline.plan_starts.day == 1 and timeline.plan_ends > today, today


def test_dates_in_words():
    timeline = Timeline(STORY_WEEK + timedelta(days=3))
    assert timeline.shift == timedelta(0)
    assert day_text(date(2025, 9, 1)) == "1er septembre 2025"
    assert timeline.text("le {2025-09-18}, le {2025-11-25:dm}, en {2026-03-02:my}, depuis {2025-09-01:m}") == (
        "le 18 septembre 2025, le 25 novembre, en mars 2026, depuis septembre")
    assert timeline.text("bilan {2025-09-18:y-1}-{2025-09-18:y}, budget {2025-11-25:y+1}, plan {plan}, "
                         "en {plan_end}") == "bilan 2024-2025, budget 2026, plan 2025-2030, en 2030"
    later = Timeline(date(2027, 1, 1))  # its week starts 45 weeks after the story's
    assert later.text("{2025-09-18}") == "30 juillet 2026"


@pytest.mark.django_db
def test_a_demo_loaded_earlier_says_so_and_reset_moves_it_to_today(monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from concertation.meetings.models import Meeting

    def freeze(day):
        moment = timezone.make_aware(datetime.combine(day, time(10, 0)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    freeze(date(2027, 5, 3))
    load_demo()
    now = freeze(date(2027, 6, 1))
    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    assert "3 mai 2027" in out.getvalue() and "--reset" in out.getvalue()
    assert not Meeting.objects.filter(starts_at__gt=now).exists()  # its next meeting is behind now
    load_demo(reset=True)
    assert Meeting.objects.filter(starts_at__gt=now, starts_at__lte=now + timedelta(days=14),
                                  status=Meeting.Status.CONVENED).count() == 1
