"""What the structure's pages show: plain functions the views call, each returning what a template
needs (reads only; the scoped querysets they start from are in selectors.py)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from concertation.core import audit, formatting
from concertation.core.models import AuditEvent
from concertation.core.richtext import render_markdown
from concertation.core.tabular import english, quote
from concertation.directory.models import College

from . import roles_read, selectors
from .access import access_for
from .announcements import recent_announcements
from .charter_text import charter_diff, rule_sentence
from .imports import COLUMNS
from .models import (
    Charter,
    Delegation,
    Invitation,
    Membership,
    MembershipCategory,
    Role,
    RoleAssignment,
    Space,
)

PAGE_SIZE = 50             # rows of a list a page (members, organizations, the space's full member list)
PREVIEW_PER_COLLEGE = 30   # members of each college shown on the space page


def colleges_by_slug(territory) -> dict:
    return {college.slug: college for college in College.objects.filter(territory=territory)}


# The territory and its spaces -------------------------------------------------------------------

def territory_overview(territory, user) -> dict:
    """The governance of the territory at a glance: spaces tree, members, roles and rules."""
    spaces = selectors.visible_spaces(user, territory, only=selectors.SPACE_LIST_FIELDS)
    ids = [space.pk for space in spaces]
    member_counts = selectors.member_counts(ids)
    roles_by_space = roles_read.role_holders_by_space(ids, viewer=user)
    charters = selectors.charters_in_force(ids)
    colleges = colleges_by_slug(territory)
    may_add_space = user.has_perm("spaces.add_space", territory)
    return {
        "territory": territory,
        "tree_rows": tree_rows(territory, selectors.build_tree(spaces), member_counts, roles_by_space,
                               charters, colleges),
        "colon": formatting.colon(),
        "can_add_space": may_add_space,
        "can_manage_organizations": user.has_perm("directory.manage_organizations", territory),
        "can_import": user.has_perm("directory.import_members", territory),
        "ending_soon": ending_soon_lines(selectors.assignments_ending_soon(
            [space.pk for space in spaces if access_for(user).coordinates(space)]
        )) if may_add_space else [],
    }


def member_count_sentence(counts: dict) -> str:
    """« 12 organismes membres, 3 citoyennes et citoyens » (the citizens only when there are some)."""
    sentence = ngettext("%(counter)s organisme membre", "%(counter)s organismes membres",
                        counts["organizations"]) % {"counter": counts["organizations"]}
    if counts["citizens"]:
        sentence += ", " + ngettext("%(counter)s citoyenne ou citoyen", "%(counter)s citoyennes et citoyens",
                                    counts["citizens"]) % {"counter": counts["citizens"]}
    return sentence


def tree_rows(territory, tree, member_counts, roles_by_space, charters, colleges) -> list[dict]:
    """The spaces tree as one flat list in document order, each row with what its card shows and the
    markup that opens (``open``) and closes (``close``) its place in the nested lists: one loop in
    the template instead of a template included per space."""
    kinds, statuses = dict(Space.Kind.choices), dict(Space.Status.choices)
    url = reverse("spaces:space", kwargs={"territory": territory.slug, "space": "-"})[:-2]
    rows: list[dict] = []
    colon = conditional_escape(formatting.colon())
    vacant_text = conditional_escape(_("poste vacant"))
    vacant = f'<span class="muted">{vacant_text}</span>'
    sentences: dict = {}  # most spaces share a few sets of rules: each sentence is written once

    def rules(charter):
        # repr: the same text only for the same values (a JSON field's dict or list included)
        key = None if charter is None else repr(tuple(getattr(charter, name) for name in RULE_SENTENCE_KEY))
        if key not in sentences:
            sentences[key] = rule_sentence(charter, colleges)
        return sentences[key]

    def walk(nodes, depth):
        for index, node in enumerate(nodes):
            space = node["space"]
            rows.append({
                "open": OPEN_LIST if depth and index == 0 else "",
                "close": "" if node["children"] else CLOSE_ITEM,
                "card": space_card(
                    url=f"{url}{space.slug}/", name=space.name, kind=kinds.get(space.kind, space.kind),
                    status=statuses.get(space.status, space.status) if space.status != "active" else "",
                    counts=member_count_sentence(member_counts[space.pk]),
                    roles=roles_list(roles_by_space[space.pk], colon, vacant),
                    rules=rules(charters.get(space.pk))),
            })
            walk(node["children"], depth + 1)
        if depth and nodes:
            rows[-1]["close"] += CLOSE_LIST

    walk(tree, 0)
    return rows


# What ``rule_sentence`` reads of a charter, its row's own ids aside.
RULE_SENTENCE_KEY = tuple(name for name in selectors.RULE_SENTENCE_FIELDS if name not in {"id", "space_id"})


def escape(value) -> str:
    """``conditional_escape`` without its lazy wrapper (the overview escapes a few hundred values)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def space_card(*, url, name, kind, status, counts, roles, rules) -> str:
    """A space's card on the overview (its ``<li>`` opened, left open for its children), the markup
    made once in Python rather than by a dozen template nodes a space; ``roles`` is ``roles_list``'s."""
    status = f'<span class="badge badge-warn">{escape(status)}</span>' if status else ""
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<li>\n  <div class="card">\n    <h3><a href="{escape(url)}"><bdi>{escape(name)}</bdi></a>\n'
        f'      <span class="badge">{escape(kind)}</span>\n      {status}</h3>\n'
        f'    <p class="muted">{escape(counts)}</p>\n    {roles}\n'
        f'    <p class="rule-sentence">{escape(rules)}</p>\n  </div>\n  ')


def ending_soon_lines(assignments) -> list[str]:
    """The coordinators' list of terms ending soon, each line's markup made once (« Bientôt Role
    (Space) — Holder, jusqu'au lundi 4 janvier 2027 »)."""
    soon_text = escape(_("Bientôt"))
    soon = f'<span class="badge badge-warn">{soon_text}</span>'
    until = _("jusqu'au %(date)s")
    return [
        mark_safe(  # noqa: S308 (every value escaped; the catalog's words as the template wrote them)
            f"{soon} {escape(assignment.role.name)} ({escape(assignment.role.space.name)}) — "
            f"{escape(assignment.holder_name)}, {until % {'date': escape(formatting.day(assignment.end))}}")
        for assignment in assignments
    ]


def roles_list(roles, colon, vacant) -> str:
    """A space card's roles (« Name : holders » or « poste vacant »), the markup the overview shows,
    made once in Python rather than by a template loop per role (50 spaces, 200 roles at L)."""
    if not roles:
        return ""
    items = "".join(
        f"\n          <li><strong>{escape(name)}</strong>{colon}\n"
        f"            {escape(holders) if holders else vacant}</li>\n        "
        for name, holders in roles)
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'\n      <ul class="inline-list">\n        {items}\n      </ul>\n    ')


OPEN_LIST = mark_safe("\n    <ul>\n      ")  # noqa: S308 (constant markup)
CLOSE_ITEM = mark_safe("\n</li>\n")  # noqa: S308
CLOSE_LIST = mark_safe("\n    </ul>\n  \n</li>\n")  # noqa: S308


def space_page(space, user, *, full_list: bool, page_number) -> dict:
    """The space: mandate, rules, roles, and its members by college — the first ones of each college,
    or (``full_list``) every member, a page at a time."""
    today = timezone.localdate()
    page = None
    if full_list:
        page = selectors.page_with_total(selectors.members_by_college(space, on=today, viewer=user), page_number,
                                         PAGE_SIZE)
        groups = selectors.group_by_college(selectors.member_dicts(page.object_list))
        member_count = page.paginator.count
    else:
        groups = selectors.members_preview(space, PREVIEW_PER_COLLEGE, on=today, viewer=user)
        member_count = sum(group["total"] for group in groups)
        for group in groups:
            group["page"] = group["offset"] // PAGE_SIZE + 1
    describe_members(groups)
    roles = roles_read.role_rows(space.pk, on=today, viewer=user)
    charter = selectors.charter_in_force(space)
    children = [child for child in space.children.all() if access_for(user).can_view(child)]
    return {
        "territory": space.territory,
        "space": space,
        "mandate_html": render_markdown(space.mandate),
        "groups": groups,
        "member_count": member_count,
        "full_list": full_list,
        "page": page,
        "roles": roles,
        "charter": charter,
        # The colleges name the charter's college minimums only: no query without any.
        "rule_sentence": rule_sentence(charter, colleges_by_slug(space.territory)
                                       if charter is not None and charter.college_minimums else {}),
        "children": children,
        "can_manage": user.has_perm("spaces.manage_members", space),
        "today": today,
        **recent_announcements(space),
    }


def describe_members(groups) -> None:
    """Give each group of ``group_by_college`` its ``lists``: [(sector, the ``<li>`` of its members, safe
    HTML)…], each member's line formatted once in Python rather than by a dozen template tags and a
    loop turn a row (the assembly shows a few hundred):
    the name in bold (with the acronym when it differs, or « (citoyenne ou citoyen) »), the category
    when not a voting member, and « Personne déléguée : Name » per delegate, leaving out a name that
    is the member's own."""
    categories = {value: conditional_escape(str(label)) for value, label in MembershipCategory.choices}
    kinds = {value: str(label) for value, label in Delegation.Kind.choices}
    colon = formatting.colon()
    citizen = conditional_escape(_("(citoyenne ou citoyen)"))
    for group in groups:
        group["lists"] = [
            (sector, mark_safe("".join(  # noqa: S308 (member_line escapes every value)
                f"\n          <li>{member_line(row, categories, kinds, colon, citizen)}</li>\n        "
                for row in rows)))
            for sector, rows in group["sectors"]
        ]


def member_line(row, categories, kinds, colon, citizen) -> str:
    """The markup inside a member's ``<li>`` on the space page (see ``describe_members``)."""
    label = escape(row["label"])
    if row["organization_id"]:
        name = f"<strong><bdi>{label}</bdi></strong>"
        if row["acronym"] and row["acronym"] != row["label"]:
            name += f" ({escape(row['acronym'])})"
    else:
        name = f'<strong><bdi>{label}</bdi></strong> <span class="muted">{citizen}</span>'
    category = "" if row["category"] == MembershipCategory.VOTING else categories.get(
        row["category"], escape(row["category"]))
    badge = f'<span class="badge">{category}</span>' if category else ""
    delegates = "".join(
        f'<br><span class="muted">{escape(f"{kinds.get(kind, kind)}{colon} {person}")}</span>'
        for kind, person, _shown in row["current_delegations"] if person != row["label"])
    return mark_safe(  # noqa: S308 (every value escaped above)
        f"{name}\n            {badge}\n            {delegates}\n          ")


def member_list_rows(space, rows) -> list[dict]:
    """The coordinator's list of members (``selectors.page_by_name``'s rows), each with its table row's
    markup (``html``) made once in Python rather than by a dozen template nodes a row: the name
    (« (citoyenne ou citoyen) » and « Nom public » for a citizen), the category, the delegates
    (« Personne déléguée : Name », « Nom public » when she agreed), since when, and the edit link."""
    categories = {value: str(label) for value, label in MembershipCategory.choices}
    kinds = {value: str(label) for value, label in Delegation.Kind.choices}
    colon = formatting.colon()
    edit = reverse("spaces:member_edit", kwargs={"territory": space.territory.slug, "space": space.slug,
                                                 "pk": 2**31 - 1}).replace(str(2**31 - 1), "%d")
    edit_label = _('Modifier<span class="visually-hidden"> %(name)s</span>')
    member, category = escape(_("Membre")), escape(_("Catégorie"))
    delegates, since = escape(_("Personne déléguée et substitut")), escape(_("Depuis"))
    citizen_text, public_text = escape(_("(citoyenne ou citoyen)")), escape(_("Nom public"))
    no_delegate_text = escape(_("Aucune personne déléguée"))
    citizen = f' <span class="muted">{citizen_text}</span>'
    public = f' <span class="badge">{public_text}</span>'
    no_delegate = f'<span class="badge badge-warn">{no_delegate_text}</span>'
    for row in rows:
        name = escape(row["label"])
        if row["person_id"]:
            name += citizen + (public if row["shown_publicly"] else "")
        lines = "<br>".join(f"{escape(f'{kinds.get(kind, kind)}{colon} {person}')}{public if shown else ''}"
                            for kind, person, shown in row["current_delegations"])
        if not lines:
            lines = no_delegate if row["organization_id"] else "—"
        start = formatting.day(row["start"], weekday=False, short=True) if row["start"] else ""
        label = edit_label % {"name": conditional_escape(row["label"])}
        row["html"] = mark_safe(  # noqa: S308 (every value escaped; the edit label is the catalog's markup)
            f'\n    <tr>\n      <td data-label="{member}">{name}</td>\n'
            f'      <td data-label="{category}">{escape(categories.get(row["category"], row["category"]))}</td>\n'
            f'      <td data-label="{delegates}">{lines}</td>\n'
            f'      <td data-label="{since}">{escape(start)}</td>\n'
            f'      <td><a href="{escape(edit % row["id"])}">{label}</a></td>\n    </tr>\n  ')
    return rows


# Members and roles ------------------------------------------------------------------------------

def organization_list_rows(territory, rows, *, can_manage: bool) -> list[dict]:
    """The territory's list of organizations (``selectors.organization_rows``), each with its edit
    link (``edit_url``, ``edit_label``) made once when the person may edit."""
    rows = list(rows)
    if can_manage:
        edit = reverse("spaces:organization_edit", kwargs={"territory": territory.slug, "pk": 2**31 - 1}
                       ).replace(str(2**31 - 1), "%d")
        edit_label = _('Modifier<span class="visually-hidden"> %(name)s</span>')
        for row in rows:
            row["edit_url"] = edit % row["id"]
            row["edit_label"] = mark_safe(edit_label % {"name": conditional_escape(row["name"])})  # noqa: S308
    return rows


def former_members(space, on: date, count: int = 50) -> list[dict]:
    """The space's last ``count`` memberships that ended before ``on``, most recent first: each
    member's name (``Membership.member_name``) and « jusqu'au 1er sept. 2025 » (``until``)."""
    until = _("jusqu'au %(date)s")
    return [
        {"name": organization_name if organization_id else (display_name or email),
         "until": mark_safe(until % {"date": conditional_escape(  # noqa: S308 (the catalog's words)
             formatting.day(end, weekday=False, short=True))})}
        for organization_id, organization_name, display_name, email, end in (
            Membership.objects.filter(space=space, end__lt=on).order_by("-end")
            .values_list("organization_id", "organization__name", "person__display_name", "person__email",
                         "end")[:count]
        )
    ]


def membership_initial(membership) -> dict:
    """The member form's initial values, with the organization's current delegate and alternate."""
    current = {d.kind: d.person for d in membership.delegations.filter(end__isnull=True).select_related("person")}
    return {
        "category": membership.category, "college": membership.college, "note": membership.note,
        "delegate": current.get(Delegation.Kind.DELEGATE), "alternate": current.get(Delegation.Kind.ALTERNATE),
    }


def roles_of(space, on: date) -> list[Role]:
    """The space's roles with every term (newest first), each flagged current or ending soon."""
    role_list = list(
        Role.objects.filter(space=space).prefetch_related(Prefetch(
            "assignments",
            queryset=RoleAssignment.objects.select_related("person", "organization").order_by("-start"),
            to_attr="all_assignments",
        )).order_by("position", "name")
    )
    for role in role_list:
        for assignment in role.all_assignments:
            assignment.flag_ending_soon = assignment.ends_soon(on)
            assignment.flag_current = assignment.is_current(on)
    return role_list


def assignment_in_space(space, pk: int) -> RoleAssignment:
    """A term of one of the space's roles, 404 when it belongs elsewhere."""
    return get_object_or_404(
        RoleAssignment.objects.select_related("role", "person", "organization"), role__space=space, pk=pk
    )


# The charter ------------------------------------------------------------------------------------

def charter_page(space, user) -> dict:
    versions = list(Charter.objects.filter(space=space).select_related("created_by").order_by("-version"))
    current = next((version for version in versions if version.in_force), None)
    return {
        "territory": space.territory, "space": space, "charter": current, "versions": versions,
        "rule_sentence": rule_sentence(current, colleges_by_slug(space.territory)),
        "rules_html": render_markdown(current.rules_text) if current else "",
        "can_edit": user.has_perm("spaces.change_charter", space),
    }


def charter_version_page(space, charter) -> dict:
    """A version of the charter beside the one before it: what changed."""
    previous = Charter.objects.filter(space=space, version__lt=charter.version).order_by("-version").first()
    colleges = colleges_by_slug(space.territory)
    return {
        "territory": space.territory, "space": space, "charter": charter, "previous": previous,
        "diff": charter_diff(previous, charter),
        "rule_sentence": rule_sentence(charter, colleges),
        "previous_sentence": rule_sentence(previous, colleges) if previous else "",
        "rules_html": render_markdown(charter.rules_text),
    }


# Invitations ------------------------------------------------------------------------------------

INVITATION_STATUS_LABELS = {
    "pending": (gettext_lazy("En attente"), "badge-warn"),
    "expired": (gettext_lazy("Expirée"), "badge-danger"),
    "accepted": (gettext_lazy("Acceptée"), "badge-ok"),
    "revoked": (gettext_lazy("Révoquée"), ""),
}


def invitations_page(space, page_number) -> dict:
    """The space's invitations, newest first, a page at a time, each with its status label and badge."""
    page = Paginator(
        Invitation.objects.filter(space=space)
        .select_related("organization", "invited_by", "accepted_by")
        .order_by("-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(page_number)
    rows = [(invitation, *INVITATION_STATUS_LABELS[invitation.status]) for invitation in page.object_list]
    return {"page": page, "rows": rows}


# The member import ------------------------------------------------------------------------------

def import_column_help(territory) -> list[dict]:
    """The columns as the upload page documents them, in the person's language."""
    accepted = {
        "organization": _("Le nom de l'organisme. Un organisme du territoire qui porte déjà ce nom est mis à jour."),
        "acronym": _("30 caractères au plus."),
        "sector": _("Un secteur qui n'existe pas encore est créé."),
        "college": _("Le nom d'un collège du territoire : %(names)s.") % {"names": _college_names(territory)},
        "website": _("Par exemple https://exemple.org; « https:// » est ajouté s'il manque."),
        "contact_email": _("L'adresse courriel générale de l'organisme."),
        "space": _("Le nom ou l'identifiant d'adresse d'un espace du territoire. Vide : l'organisme est "
                   "seulement ajouté à l'annuaire."),
        "category": _("« votant », « observateur » ou « invité » (en anglais : « voting », "
                      "« observer », « guest »). Vide : membre votant."),
        "delegate_email": _("Une personne du territoire est nommée tout de suite; toute autre personne "
                             "reçoit une invitation et prend ce siège en l'acceptant."),
        "delegate_name": _("Pour vous repérer dans l'aperçu; chaque personne garde le nom de son compte."),
        "alternate_email": _("Une personne du territoire est nommée tout de suite; toute autre personne "
                              "reçoit une invitation et prend ce siège en l'acceptant."),
        "alternate_name": _("Pour vous repérer dans l'aperçu; chaque personne garde le nom de son compte."),
        "start": _("Le début de l'adhésion, écrit AAAA-MM-JJ (par exemple 2025-09-18). Vide : aujourd'hui."),
    }
    return [{"header": column.header(), "other": column.header("fr" if english() else "en"),
             "required": column.required, "help": accepted.get(column.key, "")}
            for column in COLUMNS]


def _college_names(territory) -> str:
    names = list(College.objects.filter(territory=territory).values_list("name", flat=True))
    return ", ".join(quote(name) for name in names) or _("aucun pour l'instant")


# The audit log ----------------------------------------------------------------------------------

@dataclass
class AuditFilters:
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.action or self.date_from or self.date_to)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_audit_filters(params) -> AuditFilters:
    action = params.get("action", "")
    return AuditFilters(
        action=action if audit.is_action(action) else "",
        date_from=_date(params.get("from")),
        date_to=_date(params.get("to")),
    )


def events_of_territory(territory_id: int, filters: AuditFilters):
    events = AuditEvent.objects.filter(territory_id=territory_id).select_related("actor")
    if filters.action:
        events = events.filter(action=filters.action)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        events = events.filter(created_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=zone))
    if filters.date_to:
        events = events.filter(created_at__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min,
                                                               tzinfo=zone))
    return events.order_by("-created_at", "-id")


def target_type_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name) if label else ""
    except (LookupError, ValueError):
        return label



def audit_page(territory, filters: AuditFilters, page_number):
    """A page of the territory's audit log, each event with its target's type and its details."""
    page = Paginator(events_of_territory(territory.pk, filters), PAGE_SIZE).get_page(page_number)
    for event in page.object_list:
        event.type_label = target_type_label(event.target_type)
    audit.describe_events(page.object_list)
    return page
