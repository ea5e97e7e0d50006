"""A territory's public governance in Popolo's vocabulary (https://www.popoloproject.com/specs/).

- organizations: the public spaces (a table, its committees: ``classification`` is the kind of
  space, ``parent_id`` the parent space when it is public too) and the organizations sitting in them
  (``classification``: their sector);
- persons: only people who agreed to be shown publicly (``User.shown_publicly``) and appear in a
  public membership or role; their name as accounts/privacy.py writes it, nothing else;
- memberships: organizations and citizens sitting in a public space (``role``: the category),
  delegates for their organization (``on_behalf_of_id``), role holders (``post_id``); a person who
  did not agree appears through her organization, or not at all;
- posts: the roles of the public spaces;
- events: the published meetings of the public spaces (never one in preparation);
- motions and vote_events: the register's decisions of the public spaces, with the counts the
  decision's page shows everyone after closing (never a ballot, never who voted what).

Ids are stable strings made of the kind and the database id (``space-12``, ``person-40``), so two
exports of the same instance can be compared. Queries: a fixed number, whatever the size.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db.models import Prefetch
from django.utils import timezone

from concertation.accounts.privacy import display_name_for, shows
from concertation.decisions import register
from concertation.decisions.results import present_results
from concertation.directory.models import College, Organization
from concertation.spaces.models import Delegation, Membership, Role, RoleAssignment

from .. import selectors as window
from .scope import VISITOR, public_spaces

POPOLO = "http://www.popoloproject.com/"


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime | None) -> str | None:
    return value.astimezone(UTC).replace(microsecond=0).isoformat() if value else None


def space_id(pk: int) -> str:
    return f"space-{pk}"


def organization_id(pk: int) -> str:
    return f"organization-{pk}"


def person_id(pk: int) -> str:
    return f"person-{pk}"


def _space_organization(space, public_ids: set[int], url_of) -> dict:
    return {
        "id": space_id(space.pk), "name": space.name, "classification": space.get_kind_display(),
        "parent_id": space_id(space.parent_id) if space.parent_id in public_ids else None,
        "description": space.mandate or None,
        "dissolution_date": None,
        "links": [{"url": url_of(space), "note": "page"}] if url_of else [],
    }


def _member_organization(organization: Organization) -> dict:
    entry = {"id": organization_id(organization.pk), "name": organization.name,
             "classification": organization.sector.name if organization.sector_id else None,
             "description": organization.description or None, "links": []}
    if organization.acronym:
        entry["other_names"] = [{"name": organization.acronym, "note": "acronym"}]
    if organization.website:
        entry["links"].append({"url": organization.website, "note": "website"})
    return entry


class _People:
    """The people who agreed to be public, collected as the memberships name them."""

    def __init__(self):
        self.found: dict[int, dict] = {}

    def id_for(self, person) -> str | None:
        if person is None or not shows(person, VISITOR):
            return None
        self.found.setdefault(person.pk, {"id": person_id(person.pk), "name": display_name_for(person, VISITOR)})
        return person_id(person.pk)


def _memberships(spaces, people: _People, organizations: dict[int, Organization]) -> list[dict]:
    ids = [space.pk for space in spaces]
    rows = []
    memberships = (Membership.objects.filter(space_id__in=ids)
                   .select_related("organization__sector", "person")
                   .prefetch_related(Prefetch("delegations", queryset=Delegation.objects.select_related("person")
                                              .order_by("start", "pk")))
                   .order_by("space_id", "start", "pk"))
    for membership in memberships:
        base = {"organization_id": space_id(membership.space_id), "role": membership.get_category_display(),
                "start_date": _day(membership.start), "end_date": _day(membership.end)}
        if membership.organization_id:
            organizations[membership.organization_id] = membership.organization
            rows.append({"id": f"membership-{membership.pk}", **base,
                         "member": {"@type": "Organization", "id": organization_id(membership.organization_id)}})
            for delegation in membership.delegations.all():
                person = people.id_for(delegation.person)
                if person:
                    rows.append({"id": f"delegation-{delegation.pk}", "organization_id": space_id(membership.space_id),
                                 "person_id": person, "on_behalf_of_id": organization_id(membership.organization_id),
                                 "role": delegation.get_kind_display(), "start_date": _day(delegation.start),
                                 "end_date": _day(delegation.end)})
        else:
            person = people.id_for(membership.person)
            if person:
                rows.append({"id": f"membership-{membership.pk}", **base, "person_id": person})
    return rows


def _roles(spaces, people: _People, organizations: dict[int, Organization]) -> tuple[list[dict], list[dict]]:
    ids = [space.pk for space in spaces]
    posts, holders = [], []
    assignments = (RoleAssignment.objects.filter(role__space_id__in=ids)
                   .select_related("role", "person", "organization__sector").order_by("role__space_id", "role__position",
                                                                                        "role_id", "start", "pk"))
    seen_roles = set()
    for assignment in assignments:
        role = assignment.role
        if role.pk not in seen_roles:
            seen_roles.add(role.pk)
            posts.append({"id": f"role-{role.pk}", "label": role.name, "role": role.get_kind_display(),
                          "organization_id": space_id(role.space_id)})
        end = assignment.ended_on or assignment.end
        entry = {"id": f"term-{assignment.pk}", "organization_id": space_id(role.space_id), "post_id": f"role-{role.pk}",
                 "role": role.name, "start_date": _day(assignment.start), "end_date": _day(end)}
        person = people.id_for(assignment.person)
        if person:
            entry["person_id"] = person
            if assignment.organization_id:
                entry["on_behalf_of_id"] = organization_id(assignment.organization_id)
        elif assignment.organization_id:
            entry["member"] = {"@type": "Organization", "id": organization_id(assignment.organization_id)}
        else:
            continue  # held by a person who did not agree to be shown, for no organization
        if assignment.organization_id:
            organizations[assignment.organization_id] = assignment.organization
        holders.append(entry)
    # Roles nobody holds are posts too.
    for role in Role.objects.filter(space_id__in=ids).exclude(pk__in=seen_roles).order_by("space_id", "position", "pk"):
        posts.append({"id": f"role-{role.pk}", "label": role.name, "role": role.get_kind_display(),
                      "organization_id": space_id(role.space_id)})
    return posts, holders


def _events(spaces) -> list[dict]:
    meetings = window.meetings(spaces).order_by("starts_at", "pk")
    return [{"id": f"meeting-{meeting.pk}", "name": meeting.title, "classification": meeting.get_kind_display(),
             "start_date": _moment(meeting.starts_at), "end_date": _moment(meeting.ends_at),
             "location": ", ".join(part for part in (meeting.room, meeting.address) if part) or None,
             "status": meeting.status, "organization_id": space_id(meeting.space_id)} for meeting in meetings]


def _result(data: dict) -> str | None:
    if data.get("no_decision"):
        return "no decision"
    if data.get("adopted") is True:
        return "pass"
    if data.get("adopted") is False:
        return "fail"
    return None


def _motions(spaces, territory) -> tuple[list[dict], list[dict]]:
    college_names = {slug: (name, kind) for slug, name, kind in
                     College.objects.filter(territory=territory).values_list("slug", "name", "kind")}
    proposals = window.decisions(spaces).prefetch_related("options")
    motions, vote_events = [], []
    for proposal in proposals:
        data = proposal.result or {}
        result = _result(data)
        motion = {"id": f"proposal-{proposal.pk}", "organization_id": space_id(proposal.space_id),
                  "text": proposal.title, "classification": proposal.get_method_display(),
                  "date": _moment(proposal.decided_at or proposal.closed_at), "result": result,
                  "requirement": register.rule_phrase(proposal) or None}
        motions.append(motion)
        view = present_results(proposal, data, list(proposal.options.all()), college_names, live=False) if data else None
        if view is None:
            continue
        counts = [{"option": str(row["label"]), "value": int(row["count"])} for row in view["rows"]]
        counts.append({"option": "participants", "value": int(view["participants"] or 0)})
        if view["eligible"]:
            counts.append({"option": "eligible", "value": int(view["eligible"])})
        vote_events.append({"id": f"vote-{proposal.pk}", "motion_id": motion["id"],
                            "organization_id": space_id(proposal.space_id), "start_date": _moment(proposal.opens_at),
                            "end_date": _moment(proposal.closed_at), "result": result, "counts": counts})
    return motions, vote_events


def popolo_export(territory, *, url_of_space=None) -> dict:
    """The Popolo document of the territory's public governance, as a JSON-ready dict."""
    spaces = public_spaces(territory)
    public_ids = {space.pk for space in spaces}
    people, organizations = _People(), {}
    memberships = _memberships(spaces, people, organizations)
    posts, holders = _roles(spaces, people, organizations)
    motions, vote_events = _motions(spaces, territory)
    members = [_member_organization(organization)
               for organization in sorted(organizations.values(), key=lambda o: (o.name.casefold(), o.pk))]
    return {
        "meta": {"territory": territory.name, "generated_at": _moment(timezone.now()),
                 "vocabulary": POPOLO, "licence": None},
        "organizations": [_space_organization(space, public_ids, url_of_space) for space in spaces] + members,
        "persons": sorted(people.found.values(), key=lambda person: person["id"]),
        "memberships": memberships + holders,
        "posts": posts,
        "events": _events(spaces),
        "motions": motions,
        "vote_events": vote_events,
    }

