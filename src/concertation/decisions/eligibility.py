"""Who may vote on a proposal: from the space's memberships, the charter's categories and voting
unit, minus recusals. One place decides it; ballots, quorum and reminders all ask here.

The rule, in full (every function below follows it):
- a current membership of the space in one of the proposal's categories gives a vote;
- a citizen's membership: the citizen (« u:<person> »), in the membership's college;
- an organization's membership, one voice per organization: the organization (« o:<organization> »),
  cast by its current delegate or alternate, in the membership's college, else the organization's;
- an organization's membership, one voice per person: each current delegate and alternate in
  their own name (« u:<person> »); a person is counted once, in the college of their citizen
  membership if they have one, else of their first organization (the lowest membership id);
- a recusal takes the voter out of the proposal's vote.

``eligible_voters`` lists the voters (one query); ``count_electorate`` only counts them (one
aggregate query, whatever the size of the space); ``voter_key_q`` keeps the ballots (or
participations) of the electorate, in SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    FilteredRelation,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from concertation.core.written_sql import plan
from concertation.spaces.models import Delegation, Membership, MembershipCategory
from concertation.spaces.selectors import current_q, current_sql

from .models import Proposal


@dataclass(frozen=True)
class Voter:
    key: str                      # "u:<person id>" or "o:<organization id>"
    person_id: int | None
    organization_id: int | None
    college_slug: str
    label: str
    # people allowed to cast this voter's ballot (the person; or the delegate and alternate)
    casters: frozenset[int]


@dataclass(frozen=True)
class Electorate:
    """How many voters a proposal has, without the voters themselves: what a count needs."""

    people: int = 0                          # voters keyed « u: »
    organizations: int = 0                   # voters keyed « o: »
    by_college: Mapping[str, int] | None = None  # voters per college slug ("" without college), when asked

    @property
    def total(self) -> int:
        return self.people + self.organizations

    def __len__(self) -> int:
        return self.total

    @property
    def unit(self) -> str:
        """« organization », « person » (also when empty) or « mixed », as results report it."""
        if self.organizations and not self.people:
            return "organization"
        return "mixed" if self.organizations else "person"

    def in_college(self, slug: str) -> int:
        if self.by_college is None:
            raise ValueError("the electorate was counted without its colleges (count_electorate(by_college=True))")
        return self.by_college.get(slug, 0)

    @classmethod
    def of(cls, voters: Mapping[str, Voter]) -> Electorate:
        """The electorate of voters already loaded (every key counts: leave the recused out first)."""
        by_college: dict[str, int] = {}
        organizations = 0
        for voter in voters.values():
            organizations += voter.key.startswith("o:")
            by_college[voter.college_slug] = by_college.get(voter.college_slug, 0) + 1
        return cls(people=len(voters) - organizations, organizations=organizations, by_college=by_college)


def categories(proposal: Proposal) -> list[str]:
    return list(proposal.eligible_categories or [MembershipCategory.VOTING])


def _memberships(proposal: Proposal, on):
    return Membership.objects.filter(current_q(on=on), space_id=proposal.space_id, category__in=categories(proposal))


def _by_organization(proposal: Proposal) -> bool:
    return proposal.voting_unit == "organization"


def _college():
    """The voter's college slug: the membership's, else its organization's, else ""."""
    return Coalesce("college__slug", "organization__college__slug", Value(""), output_field=CharField())


def _with_current_delegations(memberships, on):
    return memberships.annotate(current=FilteredRelation("delegations", condition=current_q("delegations__", on=on)))


# The voters' listing, written out: casting a ballot reads it, and the ORM spent more compiling
# this query (a filtered relation, three outer joins, a subquery) than the database spent running
# it (≈ 1.5 ms of a vote's CPU). The same rule as ``_memberships`` and ``_with_current_delegations``,
# which count_electorate and voter_key_q compose: tests/decisions/test_electorate.py checks that
# the listing and both agree, over many generated spaces.
VOTERS_SQL = """
SELECT m.id, m.person_id, person.display_name, person.email, m.organization_id, organization.name,
       college.slug, organization_college.slug,
       delegation.person_id, delegate.display_name, delegate.email
  FROM {membership} m
  LEFT JOIN {user} person ON person.id = m.person_id
  LEFT JOIN {organization} organization ON organization.id = m.organization_id
  LEFT JOIN {college} college ON college.id = m.college_id
  LEFT JOIN {college} organization_college ON organization_college.id = organization.college_id
  LEFT JOIN {delegation} delegation ON delegation.membership_id = m.id
        AND {current_delegation}
  LEFT JOIN {user} delegate ON delegate.id = delegation.person_id
 WHERE m.space_id = %(space)s AND m.category IN ({categories})
   AND {current_membership}{only}
 ORDER BY m.id, delegation.id
"""
#: ``for_person``: the memberships the person sits through, as a citizen or as a current delegate
VOTERS_FOR_PERSON = """
   AND (m.person_id = %(person)s OR m.id IN (
        SELECT d.membership_id FROM {delegation} d
         WHERE d.person_id = %(person)s AND {current_d}))"""
VOTERS_FOR_ORGANIZATION = """
   AND m.organization_id = %(organization)s"""


def _voters_statement(conn, categories_count: int, for_person: bool, for_organization: bool) -> str:
    from django.contrib.auth import get_user_model

    from concertation.directory.models import College, Organization

    table = conn.ops.quote_name
    names = {
        "membership": table(Membership._meta.db_table), "delegation": table(Delegation._meta.db_table),
        "user": table(get_user_model()._meta.db_table), "organization": table(Organization._meta.db_table),
        "college": table(College._meta.db_table), "current_delegation": current_sql("delegation"),
        "current_membership": current_sql("m"), "current_d": current_sql("d"),
    }
    only = (VOTERS_FOR_PERSON if for_person else "") + (VOTERS_FOR_ORGANIZATION if for_organization else "")
    return VOTERS_SQL.replace("{only}", only.format(**names)).format(
        categories=", ".join(f"%(category{n})s" for n in range(categories_count)), **names)


def _voter_rows(proposal: Proposal, on, for_person, for_organization) -> list[tuple]:
    """The rows of VOTERS_SQL: one per current membership of the proposal's categories and current
    delegation of it (a membership without one gives one row, its delegation columns empty)."""
    conn = connections[DEFAULT_DB_ALIAS]
    wanted = categories(proposal)
    # A date as the ORM takes it (a datetime stands for its day), not the datetime's text.
    on = Membership._meta.get_field("start").to_python(on)
    params = {"on": conn.ops.adapt_datefield_value(on), "space": proposal.space_id}
    params.update({f"category{n}": category for n, category in enumerate(wanted)})
    if for_person is not None:
        params["person"] = getattr(for_person, "pk", for_person)
    if for_organization is not None:
        params["organization"] = getattr(for_organization, "pk", for_organization)
    shape = (len(wanted), for_person is not None, for_organization is not None)
    sql = plan(conn, "decisions.voters:{}:{}:{}".format(*shape), lambda conn: _voters_statement(conn, *shape))
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def eligible_voters(proposal: Proposal, *, on=None, include_recused: bool = False,
                    for_person=None, for_organization=None) -> dict[str, Voter]:
    """Every voter of the proposal, keyed by voter key, in one query (no model instance).

    ``for_person`` limits the work to the memberships that person sits through (as a citizen, or as
    delegate or alternate): casting a ballot then costs the same whatever the size of the space.
    ``for_organization`` limits it to that organization's membership.
    """
    rows = _voter_rows(proposal, on or timezone.localdate(), for_person, for_organization)
    by_organization = _by_organization(proposal)
    voters: dict[str, Voter] = {}
    for _membership, group in groupby(rows, key=itemgetter(0)):
        group = list(group)
        _pk, person_id, person_name_, email, organization_id, organization_label, own, inherited = group[0][:8]
        person_label = person_name_ or email  # str(user)
        slug = own if own is not None else inherited if inherited is not None else ""
        delegates = [(row[8], row[9] or row[10]) for row in group if row[8] is not None]
        if person_id:
            # A citizen's own membership wins over any delegation of the same person.
            key = f"u:{person_id}"
            voters[key] = Voter(key, person_id, None, slug, person_label, frozenset({person_id}))
        elif by_organization:
            key = f"o:{organization_id}"
            voters[key] = Voter(key, None, organization_id, slug, organization_label,
                                frozenset(person for person, _label in delegates))
        else:
            for person, label in delegates:
                key = f"u:{person}"
                voters.setdefault(key, Voter(key, person, None, slug, label, frozenset({person})))
    if not include_recused:
        for key in recused_keys(proposal):
            voters.pop(key, None)
    return voters


def voter_by_key(proposal: Proposal, key: str, *, on=None, include_recused: bool = True) -> Voter | None:
    """The voter with this key (« u:<person> » or « o:<organization> »), looked up alone; or None."""
    kind, _sep, number = (key or "").partition(":")
    if kind not in {"u", "o"} or not number.isdigit():
        return None
    lookup = {"for_person": int(number)} if kind == "u" else {"for_organization": int(number)}
    return eligible_voters(proposal, on=on, include_recused=include_recused, **lookup).get(key)


def _recused_ids(proposal: Proposal) -> tuple[set[int], set[int]]:
    """The people and the organizations recused from the proposal (from its recusals, prefetched or not)."""
    people, organizations = set(), set()
    for key in recused_keys(proposal):
        kind, _sep, number = key.partition(":")
        (organizations if kind == "o" else people).add(int(number))
    return people, organizations


def count_electorate(proposal: Proposal, *, on=None, by_college: bool = False) -> Electorate:
    """The number of voters of the proposal (recusals left out), in one aggregate query.

    ``by_college`` also counts them per college (for a double majority), in the same query.
    """
    on = on or timezone.localdate()
    if not by_college:
        return _count_electorate_sql(proposal, on)
    people_out, organizations_out = _recused_ids(proposal)
    memberships = _memberships(proposal, on)

    def counted(field: str, excluded: set[int], **condition) -> Count:
        keep = Q(**condition) if condition else Q()
        if excluded:
            keep &= ~Q(**{f"{field}__in": excluded})
        return Count(field, distinct=True, filter=keep or None)

    if _by_organization(proposal):
        aggregates = {
            "people": counted("person_id", people_out, person_id__isnull=False),
            "organizations": counted("organization_id", organizations_out, organization_id__isnull=False),
        }
        rows = memberships
    else:
        # One row per membership and current delegation: the voter is the citizen, or the delegate.
        rows = _with_current_delegations(memberships, on).annotate(
            voter=Coalesce("person_id", "current__person_id"))
        aggregates = {"people": counted("voter", people_out)}
        if by_college:
            # Each person in one college: their citizen membership's, else their first organization's.
            citizen = _memberships(proposal, on).filter(person_id=OuterRef("voter"))
            earlier = Delegation.objects.filter(
                current_q(on=on), person_id=OuterRef("voter"), membership_id__lt=OuterRef("pk"),
                membership_id__in=memberships.filter(organization__isnull=False).values("pk"),
            )
            rows = rows.filter(Q(person_id__isnull=False) | (~Exists(citizen) & ~Exists(earlier)))
    if not by_college:
        totals = rows.order_by().aggregate(**aggregates)
        return Electorate(people=totals["people"] or 0, organizations=totals.get("organizations") or 0)
    groups = rows.order_by().values(college_key=_college()).annotate(**aggregates)
    people = organizations = 0
    sizes: dict[str, int] = {}
    for group in groups:
        in_group = (group["people"] or 0), (group.get("organizations") or 0)
        people, organizations = people + in_group[0], organizations + in_group[1]
        if sum(in_group):
            sizes[group["college_key"]] = sizes.get(group["college_key"], 0) + sum(in_group)
    return Electorate(people=people, organizations=organizations, by_college=sizes)


#: the electorate counted from VOTER_KEYS_SQL's keys (recusals left out): what ``count_electorate``
#: answers without its colleges, in one statement instead of the ORM's aggregate (issue 20: ~1 ms of
#: the open proposal's page composing it). tests/decisions/test_electorate.py checks it with the rule.
ELECTORATE_SQL = """
SELECT COUNT(DISTINCT CASE WHEN SUBSTR(voter_key, 1, 2) = 'u:' THEN voter_key END),
       COUNT(DISTINCT CASE WHEN SUBSTR(voter_key, 1, 2) = 'o:' THEN voter_key END)
  FROM ({keys}) voters
 WHERE voter_key IS NOT NULL{recused}
"""


def _count_electorate_sql(proposal: Proposal, on) -> Electorate:
    conn = connections[DEFAULT_DB_ALIAS]
    keys, params = voter_keys_sql(proposal, conn, on=on)
    recused = sorted(recused_keys(proposal))
    params.update({f"recused{n}": key for n, key in enumerate(recused)})
    out = (f" AND voter_key NOT IN ({', '.join(f'%(recused{n})s' for n in range(len(recused)))})"
           if recused else "")
    with conn.cursor() as cursor:
        cursor.execute(ELECTORATE_SQL.format(keys=keys, recused=out), params)
        people, organizations = cursor.fetchone()
    return Electorate(people=people or 0, organizations=organizations or 0)


def _key(prefix: str, field) -> Concat:
    return Concat(Value(prefix), Cast(field, CharField()), output_field=CharField())


def voter_key_q(proposal: Proposal, *, on=None) -> Q:
    """A filter on ``voter_key`` (of ballots or participations) keeping the proposal's voters,
    recused ones included: one uncorrelated subquery, evaluated once by the database."""
    on = on or timezone.localdate()
    memberships = _memberships(proposal, on)
    if _by_organization(proposal):
        keys = memberships.annotate(key=Case(When(person__isnull=False, then=_key("u:", "person_id")),
                                             default=_key("o:", "organization_id"), output_field=CharField()))
    else:
        # The citizen, or each current delegate and alternate (« u: » alone for an organization without any).
        keys = _with_current_delegations(memberships, on).annotate(
            key=_key("u:", Coalesce("person_id", "current__person_id")))
    return Q(voter_key__in=keys.order_by().values("key"))


#: ``voter_key_q``'s keys written out, for the statements written by hand that keep the electorate's
#: ballots (page.counted_ballots): the citizen, the organization (one voice per organization) or each
#: current delegate and alternate, from the same current memberships as VOTERS_SQL. Parameters: ``on``,
#: ``space`` and ``category0``…; tests/decisions/test_electorate.py checks it with the other forms.
VOTER_KEYS_SQL = {
    "organization": """
SELECT CASE WHEN m.person_id IS NOT NULL THEN 'u:' || CAST(m.person_id AS TEXT)
            ELSE 'o:' || CAST(m.organization_id AS TEXT) END AS voter_key
  FROM {membership} m
 WHERE m.space_id = %(space)s AND m.category IN ({categories}) AND {current_membership}""",
    "person": """
SELECT 'u:' || CAST(COALESCE(m.person_id, delegation.person_id) AS TEXT) AS voter_key
  FROM {membership} m
  LEFT JOIN {delegation} delegation ON delegation.membership_id = m.id AND {current_delegation}
 WHERE m.space_id = %(space)s AND m.category IN ({categories}) AND {current_membership}""",
}


def voter_keys_sql(proposal: Proposal, conn, *, on=None) -> tuple[str, dict]:
    """VOTER_KEYS_SQL for the proposal (its unit and categories), with its parameters."""
    wanted = categories(proposal)
    unit = "organization" if _by_organization(proposal) else "person"
    sql = VOTER_KEYS_SQL[unit].format(
        membership=conn.ops.quote_name(Membership._meta.db_table),
        delegation=conn.ops.quote_name(Delegation._meta.db_table),
        categories=", ".join(f"%(category{n})s" for n in range(len(wanted))),
        current_membership=current_sql("m"), current_delegation=current_sql("delegation"))
    on = Membership._meta.get_field("start").to_python(on or timezone.localdate())
    params = {"on": conn.ops.adapt_datefield_value(on), "space": proposal.space_id}
    params.update({f"category{n}": category for n, category in enumerate(wanted)})
    return sql, params


def may_vote_here(proposal: Proposal, access) -> bool:
    """Whether the person (their access summary) sits in the space through one of the proposal's
    categories: without it, ``eligible_voters(for_person=…)`` is empty and need not be asked."""
    return bool(access.categories(proposal.space) & set(categories(proposal)))


def recused_keys(proposal: Proposal) -> set[str]:
    return {recusal.voter_key for recusal in proposal.recusals.all()}


def voters_for_user(proposal: Proposal, user, voters: dict[str, Voter] | None = None) -> list[Voter]:
    """The voters this person may cast a ballot for (themself, or organizations they represent)."""
    if user is None or not user.is_authenticated:
        return []
    voters = eligible_voters(proposal, for_person=user) if voters is None else voters
    return [voter for voter in voters.values() if user.pk in voter.casters]
