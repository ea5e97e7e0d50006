"""The demo loaded from its data files builds the same territory as the code it replaced (issue 14,
part 6): a summary of the loaded demo (counts per model, titles, who holds which role, attendance,
ballots, follow-ups, the plan and its measurements), under a frozen clock, against a snapshot taken
before the data moved out of the code.

To refresh the snapshot after an intended change of the demo's content:
``DEMO_SNAPSHOT_UPDATE=1 pytest tests/demo/test_demo_snapshot.py`` (then read the diff).
"""

import json
import os
from datetime import date, datetime, time
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from concertation.demo.loader import TERRITORY_SLUG, load_demo

SNAPSHOT = Path(__file__).parent / "snapshots" / "demo_summary.json"
FROZEN = date(2026, 12, 7)  # a Monday


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen(monkeypatch):
    moment = timezone.make_aware(datetime.combine(FROZEN, time(10, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def _local(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def _day(value):
    return value.isoformat() if value else None


def _name(obj):
    if obj is None:
        return None
    return getattr(obj, "email", None) or getattr(obj, "name", None) or str(obj)


def _result(result):
    """A proposal's result, without the primary keys it cites."""
    return json.dumps({key: value for key, value in (result or {}).items() if not key.endswith("proposal")},
                      sort_keys=True, default=str)


def demo_summary() -> dict:
    from concertation.accounts.models import User
    from concertation.decisions.models import Ballot, Proposal, Recusal
    from concertation.directory.models import Affiliation
    from concertation.meetings.models import (
        AgendaItem,
        Attendance,
        FollowUp,
        Meeting,
        Minutes,
        Rsvp,
    )
    from concertation.planning.models import Activity, Indicator, Measurement, Plan, Revision
    from concertation.spaces.models import Charter, Delegation, Membership, RoleAssignment

    territory = apps.get_model("directory", "Territory").objects.get(slug=TERRITORY_SLUG)
    counts = {}
    for model in apps.get_models():
        if model.__module__.startswith("concertation.") or model._meta.label == "account.EmailAddress":
            counts[model._meta.label] = model.objects.count()
    return {
        "counts": counts,
        "territory": [territory.name, territory.kind, territory.description],
        "people": sorted(
            [user.email, user.display_name, user.has_usable_password(), user.is_staff, user.is_superuser]
            for user in User.objects.all()
        ),
        "coordinators": sorted(user.email for user in territory.coordinators.all()),
        "organizations": sorted(
            [org.name, org.acronym, org.sector.name, org.college.slug, org.address, org.contact_name,
             org.contact_email, org.contact_phone, org.website]
            for org in territory.organizations.select_related("sector", "college")
        ),
        "affiliations": sorted(
            [a.person.email, a.organization.name, a.title, _day(a.start), _day(a.end)]
            for a in Affiliation.objects.select_related("person", "organization")
        ),
        "spaces": sorted(
            [space.slug, space.name, space.kind, space.visibility, space.parent.slug if space.parent else None,
             space.position]
            for space in territory.spaces.select_related("parent")
        ),
        "memberships": sorted(
            [m.space.slug, _name(m.organization) or _name(m.person), m.category, _day(m.start), _day(m.end),
             m.college.slug if m.college else None, m.note]
            for m in Membership.objects.select_related("space", "organization", "person", "college")
        ),
        "delegations": sorted(
            [d.membership.space.slug, _name(d.membership.organization), d.kind, d.person.email, _day(d.start),
             _day(d.end)]
            for d in Delegation.objects.select_related("membership__space", "membership__organization", "person")
        ),
        "roles": sorted(
            [a.role.space.slug, a.role.name, a.role.kind, a.role.term_months, a.role.seats,
             a.person.email if a.person else None, _name(a.organization), _day(a.start), _day(a.end),
             _day(a.ended_on), a.end_reason]
            for a in RoleAssignment.objects.select_related("role__space", "person", "organization")
        ),
        "charters": sorted(
            [c.space.slug, c.in_force, c.method, c.fallback_method, c.threshold, c.base, c.voting_unit,
             c.quorum_kind, c.college_minimums, c.conflict_rule, c.agenda_proposers, _day(c.adopted_on),
             c.adoption_note, c.rules_text]
            for c in Charter.objects.select_related("space")
        ),
        "proposals": sorted(
            [p.space.slug, p.title, p.body, p.status, p.origin, p.method, p.fallback_method, p.threshold, p.base,
             p.voting_unit, p.quorum_kind, p.anonymous, _local(p.opens_at), _local(p.closes_at), _local(p.closed_at),
             _local(p.decided_at), _result(p.result), p.outcome, p.dissent, p.adopts_charter_id is not None,
             sorted([_name(b.organization) or _name(b.person), json.dumps(b.value, sort_keys=True), b.reason,
                     b.round, b.weight, _local(b.cast_at), b.counted]
                    for b in Ballot.objects.filter(proposal=p).select_related("organization", "person")),
             sorted([_name(r.organization) or _name(r.person), r.reason]
                    for r in Recusal.objects.filter(proposal=p).select_related("organization", "person"))]
            for p in Proposal.objects.select_related("space")
        ),
        "meetings": sorted(
            [m.space.slug, m.title, m.kind, m.status, _local(m.starts_at), _local(m.ends_at), _local(m.convened_at),
             m.address, m.room, m.meal, m.childcare, m.transit_tickets, m.interpretation_languages,
             m.facilitator.email if m.facilitator else None, m.secretary.email if m.secretary else None,
             [[i.position, i.kind, i.standard_role, i.title, i.minutes_allotted, i.expected_outcome, i.notes,
               i.dissent, i.proposal.title if i.proposal else None, _name(i.presenter),
               _name(i.presenter_organization), sorted(d.title for d in i.documents.all())]
              for i in AgendaItem.objects.filter(meeting=m).order_by("position", "pk")],
             sorted([a.person.email, _name(a.organization), a.status]
                    for a in Attendance.objects.filter(meeting=m).select_related("person", "organization")),
             sorted([r.person.email, r.answer, r.childcare, r.diet, r.interpretation, r.answered_at is not None]
                    for r in Rsvp.objects.filter(meeting=m).select_related("person"))]
            for m in Meeting.objects.select_related("space", "facilitator", "secretary")
        ),
        "minutes": sorted(
            [m.meeting.title, m.status, _local(m.circulated_at), _local(m.adopted_at), len(m.body or "")]
            for m in Minutes.objects.select_related("meeting")
        ),
        "follow_ups": sorted(
            [f.space.slug, f.what, f.item.title if f.item else None, _name(f.person), _name(f.organization),
             _day(f.due_on), f.status, _day(f.done_on)]
            for f in FollowUp.objects.select_related("space", "item", "person", "organization")
        ),
        "plans": [
            [p.title, p.status, _day(p.starts_on), _day(p.ends_on), _day(p.adopted_on),
             p.adopted_by.title if p.adopted_by else None, p.vision,
             [[pr.title, pr.description, [o.title for o in pr.objectives.order_by("position")]]
              for pr in p.priorities.order_by("position")],
             sorted([s.title, s.objective.title if s.objective else None] for s in p.strategies.all())]
            for p in Plan.objects.all()
        ],
        "activities": sorted(
            [a.strategy.title, a.title, a.description, _name(a.lead), sorted(_name(o) for o in a.co_leads.all()),
             sorted(_name(o) for o in a.partners.all()), str(a.budget_amount), a.funder, _day(a.starts_on),
             _day(a.ends_on), a.status, a.working_group.slug if a.working_group else None,
             sorted([_day(u.date), u.text, u.percent] for u in a.updates.all())]
            for a in Activity.objects.select_related("strategy", "lead", "working_group")
        ),
        "indicators": sorted(
            [i.name, i.unit, str(i.baseline_value), _day(i.baseline_date), str(i.target_value),
             _day(i.target_date), i.direction, i.frequency, i.source, _name(i.responsible),
             i.objective.title if i.objective else None, i.activity.title if i.activity else None,
             [[_day(m.date), str(m.value), _name(m.recorded_by)]
              for m in Measurement.objects.filter(indicator=i).order_by("date")]]
            for i in Indicator.objects.select_related("responsible", "objective", "activity")
        ),
        "revisions": sorted(
            [r.item_type, r.item_label, r.action, json.dumps(r.diff, sort_keys=True, default=str), r.reason,
             r.decision.title if r.decision else None, _local(r.made_at)]
            for r in Revision.objects.select_related("decision")
        ),
    }


def _normalized(summary: dict) -> dict:
    return json.loads(json.dumps(summary, default=str))


@pytest.mark.django_db
def test_the_loaded_demo_matches_its_snapshot(frozen):
    load_demo()
    summary = _normalized(demo_summary())
    if os.environ.get("DEMO_SNAPSHOT_UPDATE"):
        SNAPSHOT.write_text(json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    for part in expected:
        assert summary[part] == expected[part], part
    assert set(summary) == set(expected)


@pytest.mark.django_db
def test_loading_twice_keeps_the_snapshot(frozen):
    load_demo()
    first = _normalized(demo_summary())
    load_demo()
    assert _normalized(demo_summary()) == first
