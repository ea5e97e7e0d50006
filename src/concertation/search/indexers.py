"""What each searchable kind puts in the index, and who may see it (as facts of the object).

One ``Indexer`` a model: ``build(obj)`` returns the entry's fields (or None: not indexed, its entry
is removed), ``queryset(territory_id)`` the objects a rebuild walks (with the joins ``build`` reads),
``dependents(obj)`` the objects whose entry follows this one (a meeting's items and minutes), and
``discussion`` the key under which its comments name it (``knowledge.discussions_registry``).

The audience of each kind encodes the app's own rule (rules.py / rules_*.py), see ``Audience``:
- a space: whoever may see it (``spaces.view_space``);
- an organization: people of the territory (``directory.view_organizations``);
- a meeting and its agenda items: whoever sees the space, once convened; in preparation, who runs
  the space (``meetings.view_meeting``); an item proposed or declined, its proposer and who runs the
  space (the meeting's page); its minutes: the same, signed in only (an anonymous reader
  sees names redacted, an excerpt would not be), and while a draft only who runs the space;
- a proposal: whoever sees the space; a draft, its author and who runs the space
  (``decisions.view_proposal``); decided, it is a *decision* (the register's entry, with its outcome);
- a plan's items and indicators: whoever sees the space (``planning.view_plan``);
- a document: by its visibility (``knowledge/rules_documents.sees``), with its latest version's text;
- a practice sheet: by its status and audience (``rules_practices.may_view``);
- a reference: whoever may open the territory (the instance's references from every territory);
- a comment: as its target (copied from the target's entry, and updated with it); hidden, not indexed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from concertation.core.formatting import NBSP
from concertation.decisions.models import Proposal
from concertation.directory.models import Organization
from concertation.knowledge.models import (
    Comment,
    Document,
    DocumentVersion,
    PracticeSheet,
    Reference,
)
from concertation.knowledge.models.practices import SECTIONS
from concertation.meetings.models import AgendaItem, Meeting, Minutes
from concertation.planning.models import Activity, Indicator, Objective, Plan, Priority, Strategy
from concertation.planning.plan_outline import activity_anchor
from concertation.spaces.models import Delegation, Membership, RoleAssignment, Space

from . import text
from .models import Audience


@dataclass
class Doc:
    kind: str
    object_id: int
    territory_id: int | None
    space_id: int | None
    date: object
    title: str
    body: str
    url: str
    audience: str
    author_id: int | None = None
    parent_kind: str = ""
    parent_id: int | None = None


@dataclass
class Indexer:
    model: type
    kinds: tuple[str, ...]
    build: Callable
    queryset: Callable
    dependents: Callable = field(default=lambda obj: [])
    discussion: str = ""


def _day(value):
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _space_kwargs(space) -> dict:
    return {"territory": space.territory.slug, "space": space.slug}


# Spaces and organizations ---------------------------------------------------------------------

def build_space(space):
    return Doc("space", space.pk, space.territory_id, space.pk, _day(space.created_at), space.name,
               text.plain(space.mandate), reverse("spaces:space", kwargs=_space_kwargs(space)), Audience.SPACE)


def build_organization(organization):
    if organization.territory_id is None:
        return None
    title = organization.name + (f" ({organization.acronym})" if organization.acronym else "")
    url = reverse("spaces:organizations", kwargs={"territory": organization.territory.slug})
    return Doc("organization", organization.pk, organization.territory_id, None, _day(organization.created_at),
               title, text.plain(organization.description), url, Audience.TERRITORY)


def _current(prefix=""):
    today = timezone.localdate()
    return (Q(**{f"{prefix}start__lte": today}) &
            (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": today})))


def territories_of(person_id: int) -> set[int]:
    """The territories where a person sits now (whose members see her name on the members' pages):
    a membership of her own, a delegation, a role, the territory's coordination."""
    from concertation.directory.models import Territory
    from concertation.spaces.models import Delegation, Membership, RoleAssignment

    ties = set(Membership.objects.filter(_current(), person_id=person_id).values_list("space__territory_id", flat=True))
    ties |= set(Delegation.objects.filter(_current(), _current("membership__"), person_id=person_id)
                .values_list("membership__space__territory_id", flat=True))
    ties |= set(RoleAssignment.objects.filter(_current(), person_id=person_id, ended_on__isnull=True)
                .values_list("role__space__territory_id", flat=True))
    ties |= set(Territory.coordinators.through.objects.filter(user_id=person_id).values_list("territory_id", flat=True))
    return ties


def build_person(person):
    """A person by her display name only (never her e-mail, accounts/privacy.py), found by the
    people of the territories where she sits now — who see her name on the members' pages."""
    name = (person.display_name or "").strip()
    if not name or not person.is_active:
        return []
    from concertation.directory.models import Territory

    slugs = dict(Territory.objects.filter(pk__in=territories_of(person.pk)).values_list("pk", "slug"))
    return [Doc("person", person.pk, territory_id, None, None, name, "",
                reverse("spaces:territory", kwargs={"territory": slug}), Audience.TERRITORY)
            for territory_id, slug in sorted(slugs.items())]


def person_of(tie):
    """The person whose ties changed (a membership, delegation or role assignment)."""
    person_id = getattr(tie, "person_id", None)
    if person_id is None:
        return []
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(pk=person_id))


# Meetings --------------------------------------------------------------------------------------

def _meeting_audience(meeting) -> str:
    return Audience.SPACE_RUN if meeting.status == Meeting.Status.DRAFT else Audience.SPACE


def _meeting_url(meeting) -> str:
    return reverse("meetings:meeting", kwargs={**_space_kwargs(meeting.space), "pk": meeting.pk})


def build_meeting(meeting):
    body = " ".join(part for part in (meeting.get_kind_display(), meeting.address, meeting.room,
                                      meeting.cancelled_reason) if part)
    return Doc("meeting", meeting.pk, meeting.space.territory_id, meeting.space_id, _day(meeting.starts_at),
               meeting.title, body, _meeting_url(meeting), _meeting_audience(meeting))


def build_agenda_item(item):
    meeting = item.meeting
    body = text.plain(" ".join(part for part in (item.description, item.expected_outcome) if part))
    audience, author = _meeting_audience(meeting), None
    if item.status != AgendaItem.Status.ACCEPTED and audience == Audience.SPACE:
        # Proposed or declined: the meeting's page shows it to who runs it and to its proposer only.
        audience, author = Audience.SPACE_DRAFT, item.proposed_by_id
    return Doc("agenda_item", item.pk, meeting.space.territory_id, meeting.space_id, _day(meeting.starts_at),
               item.title, body, f"{_meeting_url(meeting)}#item-{item.pk}", audience, author_id=author,
               parent_kind="meeting", parent_id=meeting.pk)


def build_minutes(minutes):
    from concertation.meetings.minutes import minutes_text

    meeting = minutes.meeting
    draft = minutes.status == Minutes.Status.DRAFT or meeting.status == Meeting.Status.DRAFT
    url = reverse("meetings:minutes", kwargs={**_space_kwargs(meeting.space), "pk": meeting.pk})
    return Doc("minutes", minutes.pk, meeting.space.territory_id, meeting.space_id, _day(meeting.starts_at),
               meeting.title, text.plain(minutes_text(minutes)), url,
               Audience.SPACE_RUN if draft else Audience.SPACE_SIGNED_IN)


def meeting_dependents(meeting):
    return [*AgendaItem.objects.filter(meeting=meeting).select_related("meeting__space__territory"),
            *Minutes.objects.filter(meeting=meeting).select_related("meeting__space__territory")]


# Proposals and decisions -----------------------------------------------------------------------

def build_proposal(proposal):
    decided = proposal.status == Proposal.Status.DECIDED
    # A decision says so in words (« Décision : … »), so that « qu'avions-nous décidé » finds it.
    label = gettext("Décision")
    outcome = f"{label}{NBSP}: {proposal.outcome}" if decided and proposal.outcome else ""
    body = text.plain("\n".join(part for part in (outcome, proposal.body,
                                                  proposal.dissent if decided else "") if part))
    url = reverse("decisions:proposal", kwargs={**_space_kwargs(proposal.space), "pk": proposal.pk})
    draft = proposal.status == Proposal.Status.DRAFT
    return Doc("decision" if decided else "proposal", proposal.pk, proposal.space.territory_id, proposal.space_id,
               _day(proposal.decided_at or proposal.closes_at or proposal.created_at), proposal.title, body, url,
               Audience.SPACE_DRAFT if draft else Audience.SPACE, author_id=proposal.author_id if draft else None)


# The plan --------------------------------------------------------------------------------------

def _plan_doc(kind, obj, plan, title, body, anchor=""):
    space = plan.space
    url = reverse("planning:plan", kwargs={**_space_kwargs(space), "plan": plan.pk}) + anchor
    return Doc(kind, obj.pk, space.territory_id, space.pk, _day(obj.created_at), title, text.plain(body), url,
               Audience.SPACE)


def build_plan(plan):
    return _plan_doc("plan", plan, plan, plan.title, plan.vision)


def build_priority(priority):
    return _plan_doc("plan_item", priority, priority.plan, priority.title, priority.description,
                     f"#priority-{priority.pk}")


def build_objective(objective):
    return _plan_doc("objective", objective, objective.priority.plan, objective.title, objective.description,
                     f"#objective-{objective.pk}")


def build_strategy(strategy):
    return _plan_doc("strategy", strategy, strategy.plan, strategy.title, strategy.description,
                     f"#strategy-{strategy.pk}")


def build_activity(activity):
    return _plan_doc("activity", activity, activity.strategy.plan, activity.title, activity.description,
                     activity_anchor(activity.strategy_id, activity.pk))


def build_indicator(indicator):
    plan = indicator.plan
    doc = _plan_doc("indicator", indicator, plan, indicator.name, indicator.source)
    doc.url = reverse("planning:indicator", kwargs={**_space_kwargs(plan.space), "plan": plan.pk,
                                                     "indicator": indicator.pk})
    return doc


# Knowledge -------------------------------------------------------------------------------------

DOCUMENT_AUDIENCE = {"public": Audience.SPACE, "territory": Audience.DOC_TERRITORY, "space": Audience.DOC_SPACE}


def build_document(document):
    versions = list(document.versions.all())  # prefetched by a rebuild
    latest = max(versions, key=lambda version: version.number).text if versions else ""
    body = text.plain("\n".join(part for part in (document.description, latest or "") if part))
    url = reverse("documents:document", kwargs={**_space_kwargs(document.space), "pk": document.pk})
    return Doc("document", document.pk, document.space.territory_id, document.space_id, _day(document.created_at),
               document.title, body, url, DOCUMENT_AUDIENCE.get(document.visibility, Audience.DOC_SPACE))


def version_dependents(version):
    document = Document.objects.filter(pk=version.document_id).select_related("space__territory").first()
    return [document] if document is not None else []


def build_practice_sheet(sheet):
    body = text.plain("\n".join([*(getattr(sheet, name) for name, _label in SECTIONS),
                                 sheet.tags.replace("|", " ")]))
    if sheet.status == PracticeSheet.Status.PUBLISHED:
        audience, author = (Audience.ALL if sheet.audience == PracticeSheet.Audience.PUBLIC else Audience.TERRITORY), None
    else:
        audience, author = Audience.SHEET_DRAFT, sheet.author_id
    url = reverse("practices:sheet", kwargs={"territory": sheet.territory.slug, "pk": sheet.pk})
    return Doc("practice_sheet", sheet.pk, sheet.territory_id, None, _day(sheet.published_at or sheet.created_at),
               sheet.title, body, url, audience, author_id=author)


def build_reference(reference):
    if reference.territory_id is None:
        from concertation.directory.models import Territory  # the list exists in every territory

        territory = Territory.objects.order_by("pk").only("slug").first()
        if territory is None:
            return None
        url = reverse("references:list", kwargs={"territory": territory.slug})
        url = url.replace(f"/t/{territory.slug}/", "/t/{territory}/", 1)
    else:
        url = reverse("references:list", kwargs={"territory": reference.territory.slug})
    body = " ".join(part for part in (reference.authors, reference.publisher, text.plain(reference.note)) if part)
    return Doc("reference", reference.pk, reference.territory_id, None,
               date(reference.year, 1, 1) if reference.year else None,
               reference.title, body, f"{url}#repere-{reference.pk}", Audience.ALL)


def build_comment(comment, parents=None):
    """``parents``: the targets' entries by (kind, id), read once by a rebuild."""
    from .models import Entry

    if comment.hidden_at is not None:
        return None
    kinds = PARENT_KINDS.get(comment.target_kind, (comment.target_kind,))
    if parents is not None:
        parent = next((parents[(kind, comment.target_id)] for kind in kinds if (kind, comment.target_id) in parents), None)
    else:
        parent = Entry.objects.filter(kind__in=kinds, object_id=comment.target_id).first()
    if parent is None or parent.audience == Audience.SHEET_DRAFT:  # a draft sheet's discussion is closed
        return None
    return Doc("comment", comment.pk, comment.territory_id, parent.space_id, _day(comment.created_at), parent.title,
               text.plain(comment.body), f"{parent.url}#commentaire-{comment.pk}", parent.audience,
               author_id=parent.author_id, parent_kind=comment.target_kind, parent_id=comment.target_id)


# The registry ----------------------------------------------------------------------------------

def _in(queryset, lookup, territory_id):
    return queryset if territory_id is None else queryset.filter(**{lookup: territory_id})


SPACE = "space__territory"
INDEXERS: list[Indexer] = [
    Indexer(Space, ("space",), build_space,
            lambda t: _in(Space.objects.select_related("territory"), "territory_id", t)),
    Indexer(get_user_model(), ("person",), build_person,
            lambda t: get_user_model().objects.filter(is_active=True).exclude(display_name="")),
    Indexer(Membership, (), lambda tie: None, lambda t: Membership.objects.none(), dependents=person_of),
    Indexer(Delegation, (), lambda tie: None, lambda t: Delegation.objects.none(), dependents=person_of),
    Indexer(RoleAssignment, (), lambda tie: None, lambda t: RoleAssignment.objects.none(), dependents=person_of),
    Indexer(Organization, ("organization",), build_organization,
            lambda t: _in(Organization.objects.select_related("territory"), "territory_id", t)),
    Indexer(Meeting, ("meeting",), build_meeting,
            lambda t: _in(Meeting.objects.select_related(SPACE), "space__territory_id", t),
            dependents=meeting_dependents, discussion="meeting"),
    Indexer(AgendaItem, ("agenda_item",), build_agenda_item,
            lambda t: _in(AgendaItem.objects.select_related("meeting__space__territory"),
                          "meeting__space__territory_id", t)),
    Indexer(Minutes, ("minutes",), build_minutes,
            lambda t: _in(Minutes.objects.select_related("meeting__space__territory"),
                          "meeting__space__territory_id", t)),
    Indexer(Proposal, ("proposal", "decision"), build_proposal,
            lambda t: _in(Proposal.objects.select_related(SPACE), "space__territory_id", t), discussion="proposal"),
    Indexer(Plan, ("plan",), build_plan,
            lambda t: _in(Plan.objects.select_related(SPACE), "space__territory_id", t)),
    Indexer(Priority, ("plan_item",), build_priority,
            lambda t: _in(Priority.objects.select_related("plan__space__territory"), "plan__space__territory_id", t)),
    Indexer(Objective, ("objective",), build_objective,
            lambda t: _in(Objective.objects.select_related("priority__plan__space__territory"),
                          "priority__plan__space__territory_id", t)),
    Indexer(Strategy, ("strategy",), build_strategy,
            lambda t: _in(Strategy.objects.select_related("plan__space__territory"), "plan__space__territory_id", t)),
    Indexer(Activity, ("activity",), build_activity,
            lambda t: _in(Activity.objects.select_related("strategy__plan__space__territory"),
                          "strategy__plan__space__territory_id", t), discussion="activity"),
    Indexer(Indicator, ("indicator",), build_indicator,
            lambda t: _in(Indicator.objects.select_related("plan__space__territory"), "plan__space__territory_id", t)),
    Indexer(Document, ("document",), build_document,
            lambda t: _in(Document.objects.select_related(SPACE).prefetch_related(
                Prefetch("versions", queryset=DocumentVersion.objects.only("id", "document_id", "number", "text"))),
                "space__territory_id", t), discussion="document"),
    Indexer(DocumentVersion, (), lambda version: None, lambda t: DocumentVersion.objects.none(),
            dependents=version_dependents),
    Indexer(PracticeSheet, ("practice_sheet",), build_practice_sheet,
            lambda t: _in(PracticeSheet.objects.select_related("territory"), "territory_id", t),
            discussion="practice_sheet"),
    Indexer(Reference, ("reference",), build_reference,
            lambda t: Reference.objects.select_related("territory") if t is None else
            Reference.objects.select_related("territory").filter(territory_id=t)),
    Indexer(Comment, ("comment",), build_comment,
            lambda t: _in(Comment.objects.all(), "territory_id", t)),
]
BY_MODEL = {indexer.model: indexer for indexer in INDEXERS}
# A comment's target kind → the entry kinds it may be indexed under.
PARENT_KINDS = {"proposal": ("proposal", "decision")}
