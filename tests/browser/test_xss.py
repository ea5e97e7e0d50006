"""Hostile input in Chromium: nothing a person types runs as script, on any page that shows it.

One data setup pushes the corpus of tests/security/payloads.py through every text field of the
product, with the services the forms call (organization, space, role, charter, invitation,
proposal and its options, amendment, comments, ballots, recusal, outcome and dissent, meeting and
its agenda, notes, follow-ups, RSVP, minutes and their comments, evaluation, plan, its items,
indicators, measurements, progress updates and revisions). Then every page that shows them is
opened by the territory's coordinator, who sees everything:

- ``window.__xss`` is 0 (defined before any page script) and no dialog (``alert()``) opened;
- the page sends its Content-Security-Policy, and the strict CSP is *bypassed* in this browser so
  that escaping and sanitizing are what is tested, not the CSP that would hide their failure;
- the DOM holds no event-handler attribute, no ``javascript:`` URL, no iframe, object, embed, base
  or SVG animation — the payloads that need a click or a timer would otherwise go unseen;
- every field's tag appears on at least one page, so no field escaped the check unseen.

A second, smaller test checks that a name with a RIGHT-TO-LEFT OVERRIDE (U+202E) stays inert: it
must not reverse the text shown after it.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from concertation.decisions import ballots as ballot_services
from concertation.decisions import services as decisions
from concertation.directory.models import College
from concertation.knowledge.discussions_registry import target as discussion_target
from concertation.knowledge.services import documents as library
from concertation.knowledge.services.discussions import comment_edit, comment_hide, comment_post
from concertation.meetings.models import AgendaItem
from concertation.meetings.services import agenda
from concertation.meetings.services import evaluation as evaluation_svc
from concertation.meetings.services import followups as followups_svc
from concertation.meetings.services import meeting as meeting_svc
from concertation.meetings.services import minutes as minutes_svc
from concertation.meetings.services import rsvp as rsvp_svc
from concertation.meetings.services import votes as live
from concertation.meetings.services.attendance import attendance_set
from concertation.planning import services as planning
from concertation.spaces import invitations
from concertation.spaces import services as spaces
from concertation.spaces.announcements import announcement_send
from concertation.spaces.models import Role, Space
from tests.factories import CollegeFactory, TerritoryFactory, UserFactory
from tests.security.payloads import REVERSED, Tags

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "motdepasse-solide-123"
COORDINATOR = "coordination@xss.example"

INIT_SCRIPT = """
window.__xss = 0;
"""

# Everything in the DOM that a payload would need to run later (a click, a timer, a frame).
AUDIT_SCRIPT = r"""
() => {
  const found = [];
  const urlAttributes = new Set(["href", "xlink:href", "src", "action", "formaction", "data", "background",
                                 "poster", "ping", "srcset", "content"]);
  const forbidden = new Set(["iframe", "frame", "frameset", "object", "embed", "base", "animate", "set",
                             "animatetransform", "animatemotion", "foreignobject", "mglyph", "math"]);
  const describe = (element) => element.outerHTML.slice(0, 160);
  for (const element of document.querySelectorAll("*")) {
    const name = element.localName.toLowerCase();
    if (forbidden.has(name)) found.push(`<${name}> element: ${describe(element)}`);
    if (name === "meta" && (element.getAttribute("http-equiv") || "").toLowerCase() === "refresh") {
      found.push(`meta refresh: ${describe(element)}`);
    }
    if (name === "script" && /__xss|alert\(/.test(element.textContent)) {
      found.push(`script with a payload: ${describe(element)}`);
    }
    for (const attribute of element.attributes) {
      const attr = attribute.name.toLowerCase();
      const value = attribute.value;
      if (attr.startsWith("on")) found.push(`event handler ${attr}: ${describe(element)}`);
      if (attr.startsWith("hx-on") || attr.startsWith("data-hx-on") || attr === "hx-vals" && /js:/i.test(value)) {
        found.push(`htmx script attribute ${attr}: ${describe(element)}`);
      }
      if (attr === "srcdoc") found.push(`srcdoc: ${describe(element)}`);
      if (urlAttributes.has(attr)) {
        const url = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase();
        if (/(^|[;,=]\s*url=?)(javascript|vbscript|data:text\/html)/.test(url) || /^(javascript|vbscript):/.test(url)
            || url.startsWith("data:text/html")) {
          found.push(`${attr} URL: ${describe(element)}`);
        }
      }
    }
  }
  return found;
}
"""


# The data ---------------------------------------------------------------------------------------

def build_world(tags: Tags) -> dict:
    """Every text field of the product, each with its own tag and payloads. Returns the pages."""
    value = tags.value
    now = timezone.now()
    today = timezone.localdate()

    territory = TerritoryFactory(slug="xss", name=value("Territory.name (admin)", 200))
    college = CollegeFactory(territory=territory, slug="citoyen", kind=College.Kind.CITIZEN,
                             name=value("College.name (admin)", 120))
    coordinator = UserFactory(email=COORDINATOR, display_name=value("User.display_name", 150))
    EmailAddress.objects.create(user=coordinator, email=COORDINATOR, verified=True, primary=True)
    territory.coordinators.add(coordinator)
    delegate = UserFactory(email="delegue@xss.example", display_name=value("User.display_name (delegate)", 150))

    # Structure: space, organization, membership, role, charter (two versions), invitation.
    space = spaces.space_create(territory=territory, name=value("Space.name", 200), slug="assemblee",
                                kind=Space.Kind.ASSEMBLY, mandate=value("Space.mandate"),
                                visibility=Space.Visibility.PUBLIC)
    child = spaces.space_create(territory=territory, parent=space, name=value("Space.name (child)", 200),
                                slug="chantier", kind=Space.Kind.WORKING_GROUP, mandate=value("Space.mandate (child)"))
    organization = spaces.organization_save(
        territory=territory, name=value("Organization.name", 200), acronym=value("Organization.acronym", 30),
        description=value("Organization.description"), address=value("Organization.address", 300),
        contact_name=value("Organization.contact_name", 150), contact_phone=value("Organization.contact_phone", 40),
        website="https://exemple.org/", college=college,
    )
    membership = spaces.membership_add(space=space, organization=organization, delegate=delegate,
                                       note=value("Membership.note", 300))
    spaces.membership_add(space=child, organization=organization, delegate=delegate)
    spaces.membership_add(space=space, person=coordinator, college=college)
    role = spaces.role_save(space=space, name=value("Role.name", 150), kind=Role.Kind.OTHER,
                            purpose=value("Role.purpose"), responsibilities=value("Role.responsibilities"))
    spaces.role_assign(role=role, person=coordinator)
    rules = {
        "method": "majority", "fallback_method": "", "voting_unit": "person", "threshold": "simple",
        "base": "cast", "quorum_kind": "none", "proposals_may_override": True, "voting_categories": ["voting"],
        "agenda_proposers": "all_members", "reserved_plan_changes": [], "college_minimums": {},
    }
    spaces.charter_adopt(space=space, by=coordinator, rules_text=value("Charter.rules_text (v1)"),
                         adoption_note=value("Charter.adoption_note (v1)", 300), **rules)
    spaces.charter_adopt(space=space, by=coordinator, rules_text=value("Charter.rules_text (v2)"),
                         adoption_note=value("Charter.adoption_note (v2)", 300), **rules)
    invitation = invitations.invitation_create(space=space, email="invitee@xss.example", by=coordinator,
                                               message=value("Invitation.message"))
    announcement_send(space=space, by=coordinator, title=value("Announcement.title", 150),
                      body=value("Announcement.body", 5000))

    # Decisions: a proposal amended, discussed, voted with reasons, closed and decided; advice.
    proposal = decisions.proposal_create(
        space=space, author=coordinator, title=value("Proposal.title", 250), body=value("Proposal.body"),
        options=[value("Option.label (1)", 250), value("Option.label (2)", 250)], method="approval",
        results_visibility="always",
    )
    proposal = decisions.proposal_amend(proposal=proposal, by=coordinator,
                                        title=value("Proposal.title (amended)", 250),
                                        body=value("Proposal.body (amended)"),
                                        reason=value("ProposalVersion.reason"))
    decisions.recusal_declare(proposal=proposal, by=coordinator, person=delegate,
                              reason=value("Recusal.reason", 300))
    proposal = decisions.proposal_open(proposal=proposal, by=coordinator)
    comment = comment_post(entry=discussion_target("proposal"), obj=proposal, author=coordinator,
                           body=value("Comment.body", 5000))
    comment_post(entry=discussion_target("proposal"), obj=proposal, author=coordinator, parent=comment,
                 body=value("Comment.body (reply)", 5000))
    comment_hide(comment=comment_post(entry=discussion_target("proposal"), obj=proposal, author=coordinator,
                                      body=value("Comment.body (hidden)", 5000)),
                 entry=discussion_target("proposal"), obj=proposal, by=coordinator,
                 reason=value("Comment.hidden_reason", 300))
    first_option = proposal.options.order_by("position").first()
    ballot_services.ballot_cast(proposal=proposal, person=coordinator, value=[str(first_option.pk)],
                                reason=value("Ballot.reason (approval)", 5000))
    proposal = decisions.proposal_close(proposal=proposal, by=coordinator)
    proposal = decisions.proposal_decide(proposal=proposal, by=coordinator, outcome=value("Proposal.outcome"),
                                         dissent=value("Proposal.dissent"))
    advice = decisions.proposal_create(space=space, author=coordinator, title=value("Proposal.title (advice)", 250),
                                       body="Avis", method="advice", results_visibility="always")
    advice = decisions.proposal_open(proposal=advice, by=coordinator)
    ballot_services.ballot_cast(proposal=advice, person=coordinator, value=value("Ballot.value (advice)", 5000))
    consent = decisions.proposal_create(space=space, author=coordinator, title="Consentement", method="consent",
                                        results_visibility="always")
    consent = decisions.proposal_open(proposal=consent, by=coordinator)
    ballot_services.ballot_cast(proposal=consent, person=coordinator, value="objection",
                                reason=value("Ballot.reason (objection)", 5000))

    # A meeting, from its agenda to its evaluation; and a cancelled one.
    starts_at = (now + timedelta(days=1)).replace(hour=18, minute=0, second=0, microsecond=0)
    meeting = agenda.meeting_create(
        space=space, by=coordinator, title=value("Meeting.title", 250), starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2), address=value("Meeting.address", 300),
        room=value("Meeting.room", 150), accessibility=value("Meeting.accessibility"),
        meal=value("Meeting.meal", 200), interpretation=True,
        interpretation_languages=value("Meeting.interpretation_languages", 150),
        online_url="https://exemple.org/rencontre", facilitator=coordinator, secretary=coordinator,
    )
    item = agenda.item_add(meeting=meeting, by=coordinator, kind=AgendaItem.Kind.DECISION,
                           title=value("AgendaItem.title", 250), description=value("AgendaItem.description"),
                           expected_outcome=value("AgendaItem.expected_outcome", 300), minutes_allotted=20)
    agenda.item_document_add(item=item, by=coordinator, title=value("Document.title (agenda item)", 200),
                             url="https://exemple.org/document.pdf")
    agenda.item_propose(meeting=meeting, by=coordinator, kind=AgendaItem.Kind.INFORMATION,
                        title=value("AgendaItem.title (proposed)", 250),
                        description=value("AgendaItem.description (proposed)"),
                        expected_outcome=value("AgendaItem.expected_outcome (proposed)", 300))
    agenda.meeting_convene(meeting=meeting, by=coordinator, base_url="http://testserver")
    answer = rsvp_svc.rsvp_ensure(meeting=meeting, person=coordinator)
    rsvp_svc.rsvp_answer(rsvp=answer, answer="yes", diet=value("Rsvp.diet", 200),
                         interpretation=value("Rsvp.interpretation", 100),
                         accessibility=value("Rsvp.accessibility", 200))
    meeting_svc.meeting_open(meeting=meeting, by=coordinator, confirm_early=True)
    attendance_set(meeting=meeting, person=coordinator, status="present")
    attendance_set(meeting=meeting, person=delegate, status="present")
    meeting_svc.conflict_declare(item=item, by=coordinator, person=delegate, reason=value("ConflictDeclaration.reason", 300))
    decided_in_meeting = live.record_show_of_hands(
        item=item, by=coordinator, yes=1, no=0, abstain=0, outcome=value("Proposal.outcome (meeting)"),
        dissent=value("AgendaItem.dissent"))
    meeting_svc.item_notes_save(item=item, by=coordinator, notes=value("AgendaItem.notes"))
    follow_up = followups_svc.follow_up_add(item=item, by=coordinator, what=value("FollowUp.what", 300), person=coordinator,
                                            due_on=today + timedelta(days=14))
    followups_svc.follow_up_create(space=space, what=value("FollowUp.what (space)", 300), organization=organization)
    meeting_svc.meeting_close(meeting=meeting, by=coordinator)
    draft = minutes_svc.minutes_save_draft(meeting=meeting, body=value("Minutes.body"), by=coordinator)
    draft = minutes_svc.minutes_circulate(minutes=draft, by=coordinator)
    minutes_svc.minutes_comment(minutes=draft, author=coordinator, body=value("MinutesComment.body", 5000))
    evaluation_svc.evaluation_submit(meeting=meeting, person=coordinator, answers={
        "objectives_met": 4, "everyone_could_speak": 5, "useful_to_my_organization": 3,
        "plus": value("Evaluation.plus", 2000), "delta": value("Evaluation.delta", 2000)})
    cancelled = agenda.meeting_create(space=space, by=coordinator, title=value("Meeting.title (cancelled)", 250),
                                      starts_at=starts_at + timedelta(days=7),
                                      ends_at=starts_at + timedelta(days=7, hours=2), standard_agenda=False)
    agenda.meeting_cancel(meeting=cancelled, by=coordinator, reason=value("Meeting.cancelled_reason", 300))

    # The plan: adopted by the meeting's decision, then revised.
    plan = planning.plan_create(space=space, title=value("Plan.title", 250), vision=value("Plan.vision"),
                                starts_on=date(today.year - 1, 1, 1), ends_on=date(today.year + 2, 12, 31))
    priority = planning.priority_add(plan=plan, title=value("Priority.title", 250),
                                     description=value("Priority.description"))
    objective = planning.objective_add(priority=priority, title=value("Objective.title", 250),
                                       description=value("Objective.description"))
    strategy = planning.strategy_add(plan=plan, objective=objective, title=value("Strategy.title", 250),
                                     description=value("Strategy.description"))
    activity = planning.activity_add(strategy=strategy, title=value("Activity.title", 250),
                                     description=value("Activity.description"), lead=organization,
                                     funder=value("Activity.funder", 200))
    indicator = planning.indicator_add(
        plan=plan, by=coordinator, name=value("Indicator.name", 250), unit=value("Indicator.unit", 50),
        source=value("Indicator.source", 250), baseline_value="10", baseline_date=date(today.year - 1, 1, 1),
        target_value="100", target_date=date(today.year + 2, 12, 31), activity=activity,
        responsible=organization)
    planning.plan_adopt(plan=plan, decision=decided_in_meeting, by=coordinator)
    planning.measurement_add(indicator=indicator, date=today - timedelta(days=1), value="40",
                               note=value("Measurement.note", 300), by=coordinator)
    planning.progress_add(activity=activity, date=today, text=value("ProgressUpdate.text"), percent=40,
                          by=coordinator)
    planning.activity_edit(activity=activity, by=coordinator, reason=value("Revision.reason"),
                           title=value("Activity.title (revised)", 250),
                           description=value("Activity.description (revised)"))
    # A discussion of the activity, with an edited comment (its earlier text on the history page).
    activity_comment = comment_post(entry=discussion_target("activity"), obj=activity, author=coordinator,
                                    body=value("Comment.body (activity, first text)", 5000))
    comment_edit(comment=activity_comment, entry=discussion_target("activity"), obj=activity, by=coordinator,
                 body=value("Comment.body (activity, edited)", 5000))

    # The document library (issue 15): a document joined to the proposal and to the activity.
    document = library.document_add(space=space, by=coordinator, title=value("Document.title", 200),
                                    description=value("Document.description", 5000), kind="report",
                                    visibility="public", file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 x"))
    proposal.documents.add(document)
    activity.documents.add(document)

    return {
        "activity_comment": activity_comment,
        "document": document,
        "space": space, "meeting": meeting, "cancelled": cancelled, "item": item, "proposal": proposal, "advice": advice, "consent": consent, "child": child,
        "plan": plan, "activity": activity, "indicator": indicator, "invitation": invitation,
        "organization": organization, "membership": membership, "follow_up": follow_up, "role": role, "answer": answer,
    }


def pages(world: dict) -> dict[str, str]:
    """Every page that shows what was typed above: name → path."""
    space = world["space"]
    at = {"territory": space.territory.slug, "space": space.slug}
    meeting, item, plan = world["meeting"], world["item"], world["plan"]
    return {
        "home": reverse("home"),
        "territories": reverse("spaces:territories"),
        "overview": reverse("spaces:territory", kwargs={"territory": space.territory.slug}),
        "organizations": reverse("spaces:organizations", kwargs={"territory": space.territory.slug}),
        "organization form": reverse("spaces:organization_edit",
                                     kwargs={"territory": space.territory.slug, "pk": world["organization"].pk}),
        "space": reverse("spaces:space", kwargs=at),
        "space form": reverse("spaces:space_edit", kwargs=at),
        "child space": reverse("spaces:space", kwargs={**at, "space": world["child"].slug}),
        "members": reverse("spaces:members", kwargs=at),
        "member form": reverse("spaces:member_edit", kwargs={**at, "pk": world["membership"].pk}),
        "roles": reverse("spaces:roles", kwargs=at),
        "role form": reverse("spaces:role_edit", kwargs={**at, "pk": world["role"].pk}),
        "charter": reverse("spaces:charter", kwargs=at),
        "charter form": reverse("spaces:charter_edit", kwargs=at),
        "charter diff": reverse("spaces:charter_version", kwargs={**at, "version": 2}),
        "invitations": reverse("spaces:invitations", kwargs=at),
        "announcements": reverse("spaces:announcements", kwargs=at),
        "invitation accept": reverse("spaces:invitation_accept", kwargs={"token": world["invitation"].token}),
        "proposals": reverse("decisions:proposals", kwargs=at),
        "proposal": reverse("decisions:proposal", kwargs={**at, "pk": world["proposal"].pk}),
        "proposal decide form": reverse("decisions:proposal_decide", kwargs={**at, "pk": world["proposal"].pk}),
        "advice": reverse("decisions:proposal", kwargs={**at, "pk": world["advice"].pk}),
        "consent": reverse("decisions:proposal", kwargs={**at, "pk": world["consent"].pk}),
        "advice amend form": reverse("decisions:proposal_amend", kwargs={**at, "pk": world["advice"].pk}),
        "register": reverse("register:territory", kwargs={"territory": space.territory.slug}),
        "space register": reverse("register:space", kwargs=at),
        "meetings": reverse("meetings:list", kwargs=at),
        "meeting": reverse("meetings:meeting", kwargs={**at, "pk": meeting.pk}),
        "meeting form": reverse("meetings:edit", kwargs={**at, "pk": meeting.pk}),
        "agenda item form": reverse("meetings:item_edit", kwargs={**at, "pk": meeting.pk, "item": item.pk}),
        "rsvp": reverse("meetings:rsvp", kwargs={**at, "token": world["answer"].token}),
        "live": reverse("meetings:live", kwargs={**at, "pk": meeting.pk}) + f"?point={item.pk}",
        "quorum": reverse("meetings:quorum", kwargs={**at, "pk": meeting.pk}),
        "minutes": reverse("meetings:minutes", kwargs={**at, "pk": meeting.pk}),
        "follow-ups": reverse("meetings:follow_ups", kwargs=at),
        "my follow-ups": reverse("my:my_follow_ups"),
        "evaluation results": reverse("meetings:evaluation_results", kwargs={**at, "pk": meeting.pk}),
        "cancelled meeting": reverse("meetings:meeting", kwargs={**at, "pk": world["cancelled"].pk}),
        "plans": reverse("planning:plans", kwargs=at),
        "plan": reverse("planning:plan", kwargs={**at, "plan": plan.pk}),
        "plan form": reverse("planning:plan_edit", kwargs={**at, "plan": plan.pk}),
        "revisions": reverse("planning:revisions", kwargs={**at, "plan": plan.pk}),
        "item history": reverse("planning:item_history",
                                kwargs={**at, "plan": plan.pk, "kind": "activity", "item": world["activity"].pk}),
        "progress form": reverse("planning:progress_add",
                                 kwargs={**at, "plan": plan.pk, "item": world["activity"].pk}),
        "activity form": reverse("planning:item_edit",
                                 kwargs={**at, "plan": plan.pk, "kind": "activity", "item": world["activity"].pk}),
        "dashboard": reverse("planning:dashboard", kwargs={**at, "plan": plan.pk}),
        "bilan": reverse("planning:bilan", kwargs={**at, "plan": plan.pk}),
        "indicator": reverse("planning:indicator", kwargs={**at, "plan": plan.pk, "indicator": world["indicator"].pk}),
        "indicator form": reverse("planning:indicator_edit",
                                  kwargs={**at, "plan": plan.pk, "indicator": world["indicator"].pk}),
        "activity discussion": reverse("discussions:thread", kwargs={
            "territory": space.territory.slug, "kind": "activity", "object_id": world["activity"].pk}),
        "comment history": reverse("discussions:history", kwargs={
            "territory": space.territory.slug, "pk": world["activity_comment"].pk}),
        "comment hide form": reverse("discussions:hide", kwargs={
            "territory": space.territory.slug, "pk": world["activity_comment"].pk}),
        "profile": reverse("profile"),
        "library": reverse("documents:library", kwargs=at),
        "document": reverse("documents:document", kwargs={**at, "pk": world["document"].pk}),
        "document form": reverse("documents:edit", kwargs={**at, "pk": world["document"].pk}),
        "territory documents": reverse("territory_documents:library", kwargs={"territory": space.territory.slug}),
    }


# What a URL's query string carries back into the page (search boxes, filters, error messages).
REFLECTED = "\"><img src=x onerror=window.__xss++><script>window.__xss++</script>'><svg onload=window.__xss++>"
SCRIPT_URL = "javascript:window.__xss++"


def reflected_pages(world: dict) -> dict[str, str]:
    """Pages whose query string comes back in the HTML: name → path with hostile parameters."""
    space = world["space"]
    at = {"territory": space.territory.slug, "space": space.slug}
    plan = world["plan"]
    territory = {"territory": space.territory.slug}

    def hostile(path, **params):
        return f"{path}?{urlencode(params)}"

    follow_up = world["follow_up"]
    return {
        "organizations ?q": hostile(reverse("spaces:organizations", kwargs=territory), q=REFLECTED),
        "members ?q&categorie": hostile(reverse("spaces:members", kwargs=at), q=REFLECTED, categorie=REFLECTED),
        "space add ?parent": hostile(reverse("spaces:space_add", kwargs=territory), parent=REFLECTED),
        "register ?filters": hostile(reverse("register:territory", kwargs=territory), q=REFLECTED, method=REFLECTED,
                                     status=REFLECTED, space=REFLECTED, **{"from": REFLECTED, "to": REFLECTED}),
        "space register ?q": hostile(reverse("register:space", kwargs=at), q=REFLECTED),
        "proposals ?page": hostile(reverse("decisions:proposals", kwargs=at), page=REFLECTED),
        "meetings ?page": hostile(reverse("meetings:list", kwargs=at), page=REFLECTED),
        "live ?point": hostile(reverse("meetings:live", kwargs={**at, "pk": world["meeting"].pk}), point=REFLECTED),
        "rsvp ?answer": hostile(reverse("meetings:rsvp", kwargs={**at, "token": world["answer"].token}),
                                answer=REFLECTED),
        "follow-ups ?statut": hostile(reverse("meetings:follow_ups", kwargs=at), statut=REFLECTED),
        "follow-up ?next": hostile(reverse("meetings:follow_up_edit", kwargs={**at, "fu": follow_up.pk}),
                                   next=SCRIPT_URL),
        "plan ?au": hostile(reverse("planning:plan", kwargs={**at, "plan": plan.pk}), au=REFLECTED),
        "item add ?parent": hostile(reverse("planning:item_add", kwargs={**at, "plan": plan.pk, "kind": "objective"}),
                                    parent=REFLECTED),
        "bilan ?du&au": hostile(reverse("planning:bilan", kwargs={**at, "plan": plan.pk}), du=REFLECTED,
                                au=REFLECTED),
        "dashboard ?du&au": hostile(reverse("planning:dashboard", kwargs={**at, "plan": plan.pk}), du=REFLECTED,
                                    au=REFLECTED),
        "indicator add ?objective": hostile(reverse("planning:indicator_add", kwargs={**at, "plan": plan.pk}),
                                            objective=REFLECTED, activity=REFLECTED),
    }


def downloads(world: dict) -> dict[str, tuple[str, str]]:
    """The files made from the same data: name → (path, expected content type)."""
    space = world["space"]
    at = {"territory": space.territory.slug, "space": space.slug}
    meeting, plan = world["meeting"], world["plan"]
    return {
        "notice PDF": (reverse("meetings:notice_pdf", kwargs={**at, "pk": meeting.pk}), "application/pdf"),
        "attendance sheet PDF": (reverse("meetings:attendance_sheet", kwargs={**at, "pk": meeting.pk}),
                                 "application/pdf"),
        "minutes PDF": (reverse("meetings:minutes_pdf", kwargs={**at, "pk": meeting.pk}), "application/pdf"),
        "dashboard PDF": (reverse("planning:dashboard_pdf", kwargs={**at, "plan": plan.pk}), "application/pdf"),
        "bilan PDF": (reverse("planning:bilan_pdf", kwargs={**at, "plan": plan.pk}), "application/pdf"),
        "meeting ICS": (reverse("meetings:meeting_ics", kwargs={**at, "pk": meeting.pk}), "text/calendar"),
        "space calendar": (reverse("meetings:space_feed", kwargs=at), "text/calendar"),
        "register CSV": (reverse("register:space_csv", kwargs=at), "text/csv"),
        "register Atom": (reverse("register:space_feed", kwargs=at), "application/atom+xml"),
    }


# Fields stored but shown on none of these pages (so no page can run them): the description of an
# agenda item proposed by a member is read by no one until it is accepted (meetings/meeting.html
# shows only the title and expected outcome of proposed items); a ballot's reason is shown in the
# voter's own « votre choix actuel » while the vote is open and, for consent and consensus, in the
# results: both are checked on the open consent proposal, not on the closed approval one.
NOT_SHOWN = {"AgendaItem.description (proposed)", "Ballot.reason (approval)"}

HARNESS_CHECK = (
    "<p>harness</p><img src=x onerror=window.__xss++><a href='javascript:alert(1)'>x</a>"
    "<svg><animate onbegin=window.__xss++ attributeName=x dur=1s></svg>"
)


# The checks -------------------------------------------------------------------------------------

@pytest.fixture
def no_csp_context(new_context):
    """fr-CA, desktop, the page's CSP ignored: escaping alone must keep the payloads inert."""
    return new_context(viewport={"width": 1280, "height": 800}, locale="fr-CA", bypass_csp=True)


def test_no_payload_runs_on_any_page(no_csp_context, signed_in_page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    tags = Tags()
    world = build_world(tags)
    no_csp_context.add_init_script(INIT_SCRIPT)
    page = no_csp_context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(f"{dialog.type}: {dialog.message}"), dialog.dismiss()))
    signed_in_page(COORDINATOR, PASSWORD, page=page)

    # The harness itself: a payload rendered raw in this browser does run and is found.
    page.set_content(HARNESS_CHECK)
    page.wait_for_function("window.__xss >= 1")
    assert len(page.evaluate(AUDIT_SCRIPT)) >= 3

    problems: list[str] = []
    seen: set[str] = set()
    stored = pages(world)
    for name, path in {**stored, **reflected_pages(world)}.items():
        response = page.goto(path)
        assert response is not None, name
        # A stored page must show; a hostile query string may also be refused (400, 404): the
        # refusal is checked like any page.
        allowed = {200} if name in stored else {200, 400, 404}
        if response.status not in allowed or response.request.redirected_from is not None:
            problems.append(f"{name} ({path}): HTTP {response.status} at {page.url}")
            continue
        csp = response.headers.get("content-security-policy", "")
        if "script-src 'self' 'nonce-" not in csp or "unsafe-inline" in csp:
            problems.append(f"{name}: no strict Content-Security-Policy ({csp!r})")
        page.wait_for_load_state("load")
        page.wait_for_timeout(150)  # onerror, onbegin, autofocus: they fire right after the load
        counter = page.evaluate("window.__xss")
        if counter:
            problems.append(f"{name}: window.__xss = {counter}: a payload ran")
        for found in page.evaluate(AUDIT_SCRIPT):
            problems.append(f"{name}: {found}")
        if dialogs:
            problems.append(f"{name}: dialogs {dialogs}")
            dialogs.clear()
        if name in stored:
            html = page.content()
            seen.update(tag for tag in tags.fields if tag in html)

    # The same hostile text does not break the files made from it (PDF, calendar, CSV, Atom).
    for name, (path, content_type) in downloads(world).items():
        response = page.request.get(path)
        if response.status != 200 or not response.headers.get("content-type", "").startswith(content_type):
            problems.append(f"{name} ({path}): HTTP {response.status}, {response.headers.get('content-type')}")

    unseen = {tags.fields[tag] for tag in tags.fields if tag not in seen} - NOT_SHOWN
    assert not problems, "\n".join(problems)
    assert not unseen, f"fields never shown on the pages visited (add the page that shows them): {sorted(unseen)}"


# Bidirectional overrides ------------------------------------------------------------------------

ISOLATION_SCRIPT = r"""
(name) => {
  // Wherever ``name`` (which holds an unclosed override) is shown, it must be isolated from the
  // text that follows it in the same block, or nothing may follow it there.
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const isBlock = (element) => {
    const display = getComputedStyle(element).display;
    return !display.startsWith("inline") && display !== "contents";
  };
  const isolates = (element) => ["isolate", "isolate-override", "plaintext"].includes(
    getComputedStyle(element).unicodeBidi);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.nodeValue.indexOf(name);
    if (at < 0) continue;
    const parent = node.parentElement;
    if (["OPTION", "TEXTAREA", "SCRIPT", "STYLE", "TITLE"].includes(parent.tagName)) continue;
    let element = parent, isolated = false;
    while (element && !isBlock(element)) {
      // An isolate that ends with the name: the override reverses nothing after it, inside or out.
      if (isolates(element) && element.textContent.trim().endsWith(name.trim())) { isolated = true; break; }
      element = element.parentElement;
    }
    if (isolated || !element) continue;
    const range = document.createRange();
    range.setStart(node, at + name.length);
    range.setEnd(element, element.childNodes.length);
    const after = range.toString().trim();
    if (after) {
      found.push(`<${parent.localName}> in <${element.localName} class="${element.className}">: the name `
                 + `reverses «${after.slice(0, 50)}»`);
    }
  }
  return found;
}
"""


def test_a_name_with_a_right_to_left_override_does_not_reverse_the_text_after_it(signed_in_page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    territory = TerritoryFactory(slug="bidi", name="Bidi")
    coordinator = UserFactory(email=COORDINATOR, display_name=f"Coordination {REVERSED}")
    EmailAddress.objects.create(user=coordinator, email=COORDINATOR, verified=True, primary=True)
    territory.coordinators.add(coordinator)
    space = spaces.space_create(territory=territory, name=f"Espace {REVERSED}", slug="espace",
                                kind=Space.Kind.TABLE, visibility=Space.Visibility.PUBLIC)
    organization = spaces.organization_save(territory=territory, name=REVERSED, acronym="RLO",
                                            website="https://exemple.org/", contact_name=REVERSED)
    spaces.membership_add(space=space, organization=organization, delegate=coordinator)
    page = signed_in_page(COORDINATOR, PASSWORD)
    names = [REVERSED, f"Espace {REVERSED}", f"Coordination {REVERSED}"]
    problems = []
    for path in (
        reverse("spaces:organizations", kwargs={"territory": "bidi"}),
        reverse("spaces:members", kwargs={"territory": "bidi", "space": "espace"}),
        reverse("spaces:territory", kwargs={"territory": "bidi"}),
        reverse("spaces:space", kwargs={"territory": "bidi", "space": "espace"}),
    ):
        page.goto(path)
        for name in names:
            problems += [f"{path}: {found}" for found in page.evaluate(ISOLATION_SCRIPT, name)]
    assert not problems, "\n".join(dict.fromkeys(problems))
