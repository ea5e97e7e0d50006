"""Reads of the structure, scoped to what the person may see, with a bounded number of queries."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, NullIf, RowNumber
from django.http import Http404
from django.utils import timezone

from concertation.accounts import privacy
from concertation.directory.models import Affiliation, Organization, Territory

from .access import access_for
from .charters_read import charter_in_force  # noqa: F401 — its home, with its written form
from .models import Charter, Delegation, Invitation, Membership, RoleAssignment, Space

# The rules of « current on that day », re-exported: other apps import them from here.
from .periods import assignment_current_q, assignment_current_sql, current_q, current_sql  # noqa: F401


def visible_territories(user):
    """Territories the person may open: theirs, and any that has a public space."""
    access = access_for(user)
    territories = Territory.objects.all()
    if access.is_admin:
        return territories
    return territories.filter(
        Q(id__in=access.member_territories | access.coordinated_territories) | Q(spaces__visibility="public")
    ).distinct()


def territory_for(user, slug: str) -> Territory:
    territory = visible_territories(user).filter(slug=slug).first()
    if territory is None:
        raise Http404
    return territory


# What the overview of a territory shows of each space (and what ``Access.can_view`` reads).
SPACE_LIST_FIELDS = ("id", "territory_id", "parent_id", "name", "slug", "kind", "status", "visibility", "position")


def visible_spaces(user, territory: Territory, *, only=None):
    """The territory's spaces the person may see; ``only``: the fields to load (all by default)."""
    access = access_for(user)
    spaces = Space.objects.filter(territory=territory).order_by("position", "name")
    if only:
        spaces = spaces.only(*only)
    return [space for space in spaces if access.can_view(space)]


def space_for(user, territory_slug: str, space_slug: str) -> Space:
    """The space if the person may see it; 404 exactly like a missing one otherwise."""
    space = (
        Space.objects.select_related("territory", "parent")
        .filter(territory__slug=territory_slug, slug=space_slug)
        .first()
    )
    if space is None or not access_for(user).can_view(space):
        raise Http404
    return space


def build_tree(spaces: list[Space]) -> list[dict]:
    """Nest spaces under their parents; a parent the person cannot see lifts its children up."""
    ids = {space.pk for space in spaces}
    children = defaultdict(list)
    roots = []
    for space in spaces:
        if space.parent_id in ids:
            children[space.parent_id].append(space)
        else:
            roots.append(space)

    def node(space):
        return {"space": space, "children": [node(child) for child in children[space.pk]]}

    return [node(root) for root in roots]


def people_of_territory(territory):
    """The people of a territory: the only accounts its coordinators may see (with their e-mail) and
    pick in a form, and the only ones they may enrol without the person's consent.

    A person belongs to the territory when, now or in the past, they
    - coordinate it (``Territory.coordinators``);
    - sit in one of its spaces as a citizen (a ``Membership`` of their own);
    - are the delegate or alternate of a member organization in one of its spaces (``Delegation``);
    - hold a role in one of its spaces (``RoleAssignment`` in their name);
    - act for one of its organizations (``Affiliation``);
    - accepted an invitation to one of its spaces (``Invitation.accepted_by``).
    Past ties count: a former delegate is still known to the table and may come back. Anyone else,
    with an account on the instance or not, joins only by accepting an invitation, so that nothing
    tells a coordinator whether an address has an account elsewhere. Active accounts only, ordered
    by name; one query (each tie is a subquery).
    """
    territory_id = territory.pk if isinstance(territory, Territory) else territory
    ties = (
        Territory.coordinators.through.objects.filter(territory_id=territory_id).values("user_id"),
        Membership.objects.filter(space__territory_id=territory_id, person__isnull=False).values("person_id"),
        Delegation.objects.filter(membership__space__territory_id=territory_id).values("person_id"),
        RoleAssignment.objects.filter(role__space__territory_id=territory_id, person__isnull=False)
        .values("person_id"),
        Affiliation.objects.filter(organization__territory_id=territory_id).values("person_id"),
        Invitation.objects.filter(space__territory_id=territory_id, accepted_by__isnull=False)
        .values("accepted_by_id"),
    )
    belongs = Q()
    for tie in ties:
        belongs |= Q(pk__in=tie)
    return get_user_model().objects.filter(belongs, is_active=True).order_by("display_name", "email", "pk")


def person_name(prefix: str = "") -> Coalesce:
    """SQL for ``str(user)``: the display name, else the email."""
    return Coalesce(NullIf(F(f"{prefix}display_name"), Value("")), F(f"{prefix}email"), output_field=CharField())


def _current_delegations(on, viewer) -> Prefetch:
    """The current delegate and alternate of each membership, with only the person's name (as the
    viewer may see it: accounts.privacy)."""
    return Prefetch(
        "delegations",
        queryset=Delegation.objects.filter(current_q(on=on))
        .annotate(person_name=privacy.name_sql("person__", viewer, fallback=F("membership__organization__name")),
                  person_shown_publicly=F("person__shown_publicly"))
        .only("id", "membership_id", "kind")
        .order_by("-kind", "start"),  # the delegate, then the alternate
        to_attr="current_delegations",
    )


def member_rows(space_ids, on=None, *, viewer, query: str = "", category: str = ""):
    """Current memberships of the given spaces, only the columns a list of members shows.

    Each row is a ``Membership`` with only its id, category, start and member ids, annotated with
    ``label`` (the organization's name or the citizen's name), ``acronym``, ``college_label``,
    ``college_code`` (the membership's college, else its organization's), ``sector_label``, and
    ``current_delegations`` (delegate first, each with ``person_name``) from one more query.
    Ordered by name; ``members_by_college`` orders by college. ``query`` searches the names of the
    organization (and its acronym), of the citizen and of the current delegate and alternate;
    ``category`` keeps one category. Names are those ``viewer`` may see (accounts.privacy), and
    ``shown_publicly`` says whether a citizen member agreed to be named on public pages.
    """
    on = on or timezone.localdate()
    memberships = Membership.objects.filter(current_q(on=on), space_id__in=space_ids)
    if category:
        memberships = memberships.filter(category=category)
    if query:
        delegates = Delegation.objects.filter(current_q(on=on), membership_id=OuterRef("pk")).filter(
            Q(person__display_name__icontains=query) | Q(person__email__icontains=query)
        )
        memberships = memberships.filter(
            Q(organization__name__icontains=query) | Q(organization__acronym__icontains=query)
            | Q(person__display_name__icontains=query) | Q(person__email__icontains=query) | Exists(delegates)
        )
    return (
        memberships
        .only("id", "category", "start", "organization_id", "person_id")
        .annotate(
            label=Coalesce("organization__name", privacy.name_sql("person__", viewer), output_field=CharField()),
            shown_publicly=F("person__shown_publicly"),
            acronym=F("organization__acronym"),
            college_label=Coalesce("college__name", "organization__college__name"),
            college_code=Coalesce("college__slug", "organization__college__slug"),
            sector_label=F("organization__sector__name"),
        )
        .prefetch_related(_current_delegations(on, viewer))
        .order_by("label", "pk")
    )


BY_COLLEGE = (F("college_label").asc(nulls_last=True), F("sector_label").asc(nulls_last=True), "label", "pk")


def _college_window(queryset):
    """Rank each member in its college (by sector, then name) and count the college's members."""
    college = Coalesce("college_id", "organization__college_id")
    return queryset.annotate(
        rank=Window(RowNumber(), partition_by=[college],
                    order_by=[F("sector_label").asc(nulls_last=True), F("label").asc(), F("pk").asc()]),
        college_total=Window(Count("id"), partition_by=[college]),
    )


def members_by_college(space, on=None, *, viewer):
    """Every current member of the space, by college (no college last), then sector, then name, each
    with its college's ``college_total``: a queryset to paginate (``page_with_total``)."""
    return _college_window(member_rows([space.pk], on=on, viewer=viewer)).order_by(*BY_COLLEGE)


# What a list of members by college shows of each member (``member_rows``' columns, as plain values).
MEMBER_FIELDS = ("id", "organization_id", "person_id", "category", "label", "acronym", "college_label",
                 "college_code", "sector_label", "college_total")


def members_preview_orm(space, per_college: int, on=None, *, viewer) -> list[dict]:
    """What ``members_preview_sql`` selects, composed by the ORM from ``member_rows`` (the rule's
    home): the first ``per_college`` rows of each college as dicts (``MEMBER_FIELDS`` and
    ``current_delegations``), in ``BY_COLLEGE`` order. Kept for the agreement test."""
    on = on or timezone.localdate()
    rows = list(
        _college_window(member_rows([space.pk], on=on, viewer=viewer)).filter(rank__lte=per_college)
        .order_by(*BY_COLLEGE).prefetch_related(None).values(*MEMBER_FIELDS)
    )
    delegations = current_delegation_names([row["id"] for row in rows], on=on, viewer=viewer)
    for row in rows:
        row["current_delegations"] = delegations.get(row["id"], [])
    return rows


# ``members_preview_orm`` written out (composing its window query and the delegations' query cost
# the ORM about three times what SQLite needs to run them): the members of the space current on the
# day (``current_sql``), named as ``member_rows`` names them (privacy.name_sql_text), ranked and
# counted per college (the membership's, else its organization's, else none: 0) by sector, name and id; the first
# ``per_college`` of each with their current delegations (the delegate first: ``-kind``, ``start``),
# one row a delegation. tests/spaces/test_selectors_sql.py checks it against the ORM form.
MEMBERS_PREVIEW_SQL = """
WITH member AS (
  SELECT m.id, m.organization_id, m.person_id, m.category,
         COALESCE(o.name, {member_name}) AS label, o.acronym,
         COALESCE(c.name, oc.name) AS college_label, COALESCE(c.slug, oc.slug) AS college_code,
         sector.name AS sector_label, COALESCE(m.college_id, o.college_id, 0) AS college_key
    FROM spaces_membership m
    LEFT JOIN directory_organization o ON o.id = m.organization_id
    LEFT JOIN accounts_user p ON p.id = m.person_id
    LEFT JOIN directory_college c ON c.id = m.college_id
    LEFT JOIN directory_college oc ON oc.id = o.college_id
    LEFT JOIN directory_sector sector ON sector.id = o.sector_id
   WHERE m.space_id = %(space)s AND {current_m}
), ranked AS (
  SELECT member.*,
         ROW_NUMBER() OVER (PARTITION BY college_key ORDER BY sector_label ASC NULLS LAST, label, id) AS member_rank
    FROM member
), college AS (  -- (SQLite counts a partition by a window more slowly than by a group)
  SELECT college_key, COUNT(*) AS total FROM member GROUP BY college_key
)
SELECT r.id, r.organization_id, r.person_id, r.category, r.label, r.acronym, r.college_label, r.college_code,
       r.sector_label, college.total, d.kind, {delegate_name}, dp.shown_publicly
  FROM ranked r
  JOIN college ON college.college_key = r.college_key
  LEFT JOIN spaces_delegation d ON d.membership_id = r.id AND {current_d}
  LEFT JOIN accounts_user dp ON dp.id = d.person_id
  LEFT JOIN directory_organization member_org ON member_org.id = r.organization_id
 WHERE r.member_rank <= %(per_college)s
 ORDER BY r.college_label ASC NULLS LAST, r.sector_label ASC NULLS LAST, r.label, r.id, d.kind DESC, d.start
"""


def members_preview_sql(space, per_college: int, on=None, *, viewer) -> list[dict]:
    """``members_preview_orm``'s rows from one written statement (``MEMBERS_PREVIEW_SQL``)."""
    from django.db import connection

    on = on or timezone.localdate()
    sql = MEMBERS_PREVIEW_SQL.format(
        member_name=privacy.name_sql_text("p", viewer),
        delegate_name=privacy.name_sql_text("dp", viewer, fallback="member_org.name"),
        current_m=current_sql("m", on="%(on)s"), current_d=current_sql("d", on="%(on)s"))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"space": space.pk, "per_college": per_college, "neutral_name": privacy.neutral_name(),
                             "on": connection.ops.adapt_datefield_value(on)})
        fetched = cursor.fetchall()
    rows: list[dict] = []
    for *member, kind, name, shown_publicly in fetched:
        if not rows or rows[-1]["id"] != member[0]:
            rows.append({**dict(zip(MEMBER_FIELDS, member, strict=True)), "current_delegations": []})
        if kind is not None:
            rows[-1]["current_delegations"].append((kind, name, bool(shown_publicly)))
    return rows


def members_preview(space, per_college: int, on=None, *, viewer) -> list[dict]:
    """The first ``per_college`` members of each college of the space, with each college's count, in
    one statement whatever the size of the space (a window function ranks and counts per college).

    See ``group_by_college``; ``offset`` is where each college starts in ``members_by_college``
    (to link to the page of the full list where it starts). Rows are dicts (``MEMBER_FIELDS`` and
    ``current_delegations``), not model objects: the assembly shows a few hundred of them.
    """
    groups = group_by_college(members_preview_sql(space, per_college, on, viewer=viewer))
    offset = 0
    for group in groups:
        group["offset"] = offset
        offset += group["total"]
    return groups


def current_delegation_names(membership_ids, on=None, *, viewer) -> dict[int, list[tuple[str, str, bool]]]:
    """{membership id: [(kind, the person's name as ``viewer`` may see it, whether she agreed to be named
    on public pages)…]}, the delegate first: what ``_current_delegations`` prefetches, as plain values
    (one query)."""
    on = on or timezone.localdate()
    names: dict[int, list[tuple[str, str, bool]]] = defaultdict(list)
    if not membership_ids:
        return names
    for membership_id, kind, name, shown_publicly in (
        Delegation.objects.filter(current_q(on=on), membership_id__in=membership_ids)
        .annotate(person_name=privacy.name_sql("person__", viewer, fallback=F("membership__organization__name")))
        .order_by("-kind", "start")  # the delegate, then the alternate
        .values_list("membership_id", "kind", "person_name", "person__shown_publicly")
    ):
        names[membership_id].append((kind, name, shown_publicly))
    return names


def member_dicts(memberships) -> list[dict]:
    """Rows of ``member_rows`` (with their prefetched delegations) as ``members_preview`` gives them."""
    return [
        {**{name: getattr(membership, name) for name in MEMBER_FIELDS},
         "current_delegations": [(delegation.kind, delegation.person_name, delegation.person_shown_publicly)
                                 for delegation in membership.current_delegations]}
        for membership in memberships
    ]


def group_by_college(rows) -> list[dict]:
    """Rows of ``members_by_college`` as dicts (in its order: ``member_dicts``) → [{"name", "code",
    "total", "shown", "sectors": [(sector name or None, [row…])…]}…]."""
    groups: list[dict] = []
    for row in rows:
        if not groups or groups[-1]["name"] != row["college_label"]:
            groups.append({"name": row["college_label"], "code": row["college_code"], "total": row["college_total"],
                           "shown": 0, "sectors": []})
        group = groups[-1]
        if not group["sectors"] or group["sectors"][-1][0] != row["sector_label"]:
            group["sectors"].append((row["sector_label"], []))
        group["sectors"][-1][1].append(row)
        group["shown"] += 1
    return groups


def page_with_total(queryset, number, per_page: int) -> Page:
    """A page of ``queryset`` whose total comes with its rows (a window count), not from a COUNT query
    of its own; out of range, the last page (then the count costs a query, as with ``get_page``)."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    counted = queryset.annotate(full_count=Window(Count("pk")))
    rows = list(counted[(number - 1) * per_page:number * per_page])
    paginator = Paginator(queryset, per_page)
    if rows:
        paginator.count = rows[0].full_count  # a cached_property: no COUNT query
        return Page(rows, number, paginator)
    if number == 1 or paginator.count == 0:
        return Page([], 1, paginator)
    number = paginator.num_pages
    return Page(list(counted[(number - 1) * per_page:number * per_page]), number, paginator)


def name_key(text) -> str:
    """Sort key of a name as a reader expects it, accents and case ignored: « Caisse », « CLSC »,
    « Épicerie », « Zone » (by code point, « CLSC » would come before « Caisse » and « Épicerie » last)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    if decomposed.isascii():  # no combining mark to drop
        return decomposed.casefold()
    return decomposed.translate(_WITHOUT_COMBINING).casefold()


class _CombiningStripper(dict):
    """``str.translate`` table dropping combining marks (as ``unicodedata.combining`` says), each
    character judged once per process (a property of Unicode, not of the data)."""

    def __missing__(self, code_point: int):
        kept = None if unicodedata.combining(chr(code_point)) else code_point
        self[code_point] = kept
        return kept


_WITHOUT_COMBINING = _CombiningStripper()


# What the coordinator's list of members shows of each member (``member_rows``' columns, as plain values).
MEMBER_LIST_FIELDS = ("id", "organization_id", "person_id", "category", "start", "label", "shown_publicly")


def page_by_name(rows, number, per_page: int, *, on=None, viewer) -> Page:
    """A page of ``member_rows`` in name order (``name_key``), which SQL cannot give on every database:
    one query for every member's label, one for the page's rows and one for their current delegations.
    The rows are dicts (``MEMBER_LIST_FIELDS`` and ``current_delegations``, as ``current_delegation_names``
    gives them)."""
    ordered = sorted(rows.values_list("pk", "label"), key=lambda pair: (name_key(pair[1]), pair[1] or "", pair[0]))
    page = Paginator([pk for pk, _label in ordered], per_page).get_page(number)
    position = {pk: index for index, pk in enumerate(page.object_list)}
    if not position:
        page.object_list = []
        return page
    members = sorted(rows.filter(pk__in=position).prefetch_related(None).values(*MEMBER_LIST_FIELDS),
                     key=lambda row: position[row["id"]])
    delegations = current_delegation_names(list(position), on=on, viewer=viewer)
    for row in members:
        row["current_delegations"] = delegations.get(row["id"], [])
    page.object_list = members
    return page

TERM_NOTICE_DAYS = 60  # terms ending within this are listed for coordinators and announced (events.py)


def assignments_ending_soon(space_ids, days: int = TERM_NOTICE_DAYS, on=None):
    """Current terms of the spaces that end within ``days`` (60 by default), soonest first."""
    on = on or timezone.localdate()
    return (
        RoleAssignment.objects.filter(assignment_current_q(on=on), role__space_id__in=space_ids)
        .filter(end__isnull=False, end__lte=on + timedelta(days=days))
        .select_related("role__space", "person", "organization")
        .only("id", "role_id", "person_id", "organization_id", "start", "end", "ended_on", "role__name",
              "role__space__name", "person__display_name", "person__email", "organization__name",
              "organization__acronym")
        .order_by("end")
    )


def ending_soon_sql(alias: str, until: str = "%(until)s") -> str:
    """The filter of ``assignments_ending_soon`` for a statement written out by hand, with
    ``assignment_current_sql``: the term ``alias`` has an end, on or before ``until`` (a placeholder:
    the day ``days`` after today)."""
    return f'{alias}."end" IS NOT NULL AND {alias}."end" <= {until}'


# What ``charter_text.rule_sentence`` reads of a charter.
RULE_SENTENCE_FIELDS = ("id", "space_id", "method", "fallback_method", "voting_unit", "double_majority", "threshold",
                        "threshold_numerator", "threshold_denominator", "base", "quorum_kind", "quorum_count",
                        "quorum_share_percent", "college_minimums")


def charters_in_force(space_ids) -> dict[int, Charter]:
    """The charters in force of the spaces, with only what ``rule_sentence`` reads."""
    charters = Charter.objects.filter(space_id__in=space_ids, in_force=True).only(*RULE_SENTENCE_FIELDS)
    return {charter.space_id: charter for charter in charters}


def member_counts(space_ids, on=None) -> dict[int, dict]:
    """{space id: {"organizations": n, "citizens": n}} of the current members, in one aggregate query."""
    counts = {space_id: {"organizations": 0, "citizens": 0} for space_id in space_ids}
    rows = (
        Membership.objects.filter(current_q(on=on), space_id__in=space_ids)
        .values("space_id")
        .annotate(organizations=Count("id", filter=Q(organization__isnull=False)),
                  citizens=Count("id", filter=Q(person__isnull=False)))
        .order_by()
    )
    for row in rows:
        counts[row["space_id"]] = {"organizations": row["organizations"], "citizens": row["citizens"]}
    return counts


def organization_rows(territory, query: str = ""):
    """The territory's organizations for a list: only the columns it shows, as dicts (``id``, ``name``,
    ``acronym``, ``active``, ``contact_name``, ``website``, ``sector_name``, ``college_name``);
    ``query`` searches the name and the acronym."""
    organizations = Organization.objects.filter(territory=territory).order_by("name", "pk")
    if query:
        organizations = organizations.filter(Q(name__icontains=query) | Q(acronym__icontains=query))
    return organizations.values("id", "name", "acronym", "active", "contact_name", "website",
                                sector_name=F("sector__name"), college_name=F("college__name"))


def organizations_of(territory, *, active_only=False):
    organizations = Organization.objects.filter(territory=territory).select_related("sector", "college")
    if active_only:
        organizations = organizations.filter(active=True)
    return organizations.order_by("name")


def space_as_stored(space) -> Space:
    """The space's row as stored, every field loaded (the one a page loaded may carry only some)."""
    return Space.objects.get(pk=space.pk)
