"""Screens of the structure: territories, spaces, members, roles, charters.

Views stay thin: load what the person may see (404 otherwise), call a service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concertation.core import formatting
from concertation.core.errors import DomainError, add_domain_error
from concertation.core.richtext import render_markdown
from concertation.directory.models import College, Organization

from .. import invitations, selectors, services
from ..access import access_for
from ..charter_text import charter_diff, rule_sentence
from ..forms import (
    AssignmentEndForm,
    CharterForm,
    MemberAddForm,
    MemberEditForm,
    MemberEndForm,
    OrganizationForm,
    RoleAssignForm,
    RoleForm,
    SpaceForm,
)
from ..models import (
    Charter,
    Delegation,
    Membership,
    MembershipCategory,
    Role,
    RoleAssignment,
    Space,
)
from .common import get_in_space, load_space, load_territory
from .invitations import _base_url

PAGE_SIZE = 50             # rows of a list a page (members, organizations, the space's full member list)
PREVIEW_PER_COLLEGE = 30   # members of each college shown on the space page
SEARCH_MAX_LENGTH = 100


def territories(request):
    return render(request, "spaces/territories.html", {"territories": selectors.visible_territories(request.user)})


def _colleges(territory) -> dict:
    return {college.slug: college for college in College.objects.filter(territory=territory)}


def territory_overview(request, territory):
    """The governance of the territory at a glance: spaces tree, members, roles and rules."""
    territory = load_territory(request, territory)
    spaces = selectors.visible_spaces(request.user, territory, only=selectors.SPACE_LIST_FIELDS)
    ids = [space.pk for space in spaces]
    member_counts = selectors.member_counts(ids)
    roles_by_space = selectors.role_holders_by_space(ids, viewer=request.user)
    charters = selectors.charters_in_force(ids)
    colleges = _colleges(territory)
    info = {
        space.pk: {
            "counts": member_counts[space.pk],
            "roles": roles_by_space[space.pk],
            "rules": rule_sentence(charters.get(space.pk), colleges),
        }
        for space in spaces
    }

    def decorate(nodes):
        for node in nodes:
            node["info"] = info[node["space"].pk]
            decorate(node["children"])
        return nodes

    return render(request, "spaces/territory_overview.html", {
        "territory": territory,
        "tree": decorate(selectors.build_tree(spaces)),
        "can_add_space": request.user.has_perm("spaces.add_space", territory),
        "can_manage_organizations": request.user.has_perm("directory.manage_organizations", territory),
        "can_import": request.user.has_perm("directory.import_members", territory),
        "ending_soon": selectors.assignments_ending_soon(
            [space.pk for space in spaces if access_for(request.user).coordinates(space)]
        ) if request.user.has_perm("spaces.add_space", territory) else [],
    })


@login_required
def space_add(request, territory):
    territory = load_territory(request, territory, perm="spaces.add_space")
    form = SpaceForm(request.POST or None, territory=territory, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            space = services.space_create(
                territory=territory, name=data["name"], kind=data["kind"], parent=data["parent"],
                mandate=data["mandate"], visibility=data["visibility"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'espace « %(name)s » est créé.") % {"name": space.name})
            return redirect("spaces:space", territory=territory.slug, space=space.slug)
    return render(request, "spaces/space_form.html", {"territory": territory, "form": form})


def space_detail(request, territory, space):
    """The space: mandate, rules, roles, and its members by college — the first ones of each college,
    or with ``?tous=1`` every member, a page at a time."""
    space = load_space(request, territory, space)
    today = timezone.localdate()
    full_list = request.GET.get("tous") == "1"
    page = None
    if full_list:
        page = selectors.page_with_total(selectors.members_by_college(space, on=today, viewer=request.user), request.GET.get("page"),
                                         PAGE_SIZE)
        groups = selectors.group_by_college(page.object_list)
        member_count = page.paginator.count
    else:
        groups = selectors.members_preview(space, PREVIEW_PER_COLLEGE, on=today, viewer=request.user)
        member_count = sum(group["total"] for group in groups)
        for group in groups:
            group["page"] = group["offset"] // PAGE_SIZE + 1
    roles = list(selectors.roles_with_holders([space.pk], on=today, viewer=request.user))
    charter = selectors.charter_in_force(space)
    children = [child for child in space.children.all() if access_for(request.user).can_view(child)]
    return render(request, "spaces/space_detail.html", {
        "territory": space.territory,
        "space": space,
        "mandate_html": render_markdown(space.mandate),
        "groups": groups,
        "member_count": member_count,
        "full_list": full_list,
        "page": page,
        "roles": roles,
        "charter": charter,
        "rule_sentence": rule_sentence(charter, _colleges(space.territory)),
        "children": children,
        "can_manage": request.user.has_perm("spaces.manage_members", space),
        "today": today,
    })


@login_required
def space_edit(request, territory, space):
    space = load_space(request, territory, space, perm="spaces.change_space")
    form = SpaceForm(request.POST or None, instance=space, territory=space.territory)
    if request.method == "POST" and form.is_valid():
        try:
            services.space_update(space=Space.objects.get(pk=space.pk), **{
                name: form.cleaned_data[name] for name in ["name", "kind", "parent", "mandate", "visibility", "status"]
            })
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'espace est enregistré."))
            return redirect("spaces:space", territory=space.territory.slug, space=space.slug)
    return render(request, "spaces/space_form.html", {"territory": space.territory, "space": space, "form": form})


# Organizations --------------------------------------------------------------------------------

@login_required
def organizations(request, territory):
    territory = load_territory(request, territory, perm="directory.view_organizations")
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    page = Paginator(selectors.organization_rows(territory, query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "spaces/organizations.html", {
        "territory": territory,
        "page": page,
        "organizations": page.object_list,
        "query": query,
        "can_manage": request.user.has_perm("directory.manage_organizations", territory),
        "can_import": request.user.has_perm("directory.import_members", territory),
    })


@login_required
def organization_edit(request, territory, pk=None):
    territory = load_territory(request, territory, perm="directory.manage_organizations")
    organization = get_object_or_404(Organization, territory=territory, pk=pk) if pk else None
    form = OrganizationForm(request.POST or None, instance=organization, territory=territory)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.organization_save(
                territory=territory, organization=organization,
                **{name: form.cleaned_data[name] for name in OrganizationForm.Meta.fields},
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'organisme « %(name)s » est enregistré.") % {"name": saved.name})
            return redirect("spaces:organizations", territory=territory.slug)
    return render(request, "spaces/organization_form.html", {
        "territory": territory, "organization": organization, "form": form,
    })


# Members --------------------------------------------------------------------------------------

@login_required
def members(request, territory, space):
    """The coordinator's list of the members: a page of 50, searched by name, filtered by category."""
    space = load_space(request, territory, space, perm="spaces.manage_members")
    today = timezone.localdate()
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    category = request.GET.get("categorie", "")
    if category not in MembershipCategory.values:
        category = ""
    rows = selectors.member_rows([space.pk], on=today, viewer=request.user, query=query, category=category)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    former = (
        Membership.objects.filter(space=space, end__lt=today)
        .select_related("organization", "person")
        .only("id", "end", "organization", "person", "organization__name", "person__display_name",
              "person__email")
        .order_by("-end")[:50]
    )
    return render(request, "spaces/members.html", {
        "territory": space.territory, "space": space, "page": page, "memberships": page.object_list,
        "former": former, "query": query, "category": category, "categories": MembershipCategory.choices,
        "filtered": bool(query or category),
    })


@login_required
def member_add(request, territory, space):
    space = load_space(request, territory, space, perm="spaces.manage_members")
    form = MemberAddForm(request.POST or None, space=space)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership, invitation = invitations.membership_add_or_invite(
                space=space, organization=data["organization"], person=data["person"],
                category=data["category"], college=data["college"], delegate=data["delegate"],
                delegate_email=data["delegate_email"], alternate=data["alternate"], start=data["start"],
                base_url=_base_url(request), by=request.user,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if invitation is None:
                message = _("« %(name)s » est maintenant membre de l'espace.")
            else:
                # The same words whether the address has an account elsewhere or none.
                message = _("« %(name)s » est maintenant membre de l'espace. Une invitation est envoyée à "
                            "%(email)s : cette personne en deviendra la personne déléguée en l'acceptant.")
            messages.success(request, message % {
                "name": membership.member_name, "email": invitation.email if invitation else "",
            })
            return redirect("spaces:members", territory=space.territory.slug, space=space.slug)
    return render(request, "spaces/member_add.html", {"territory": space.territory, "space": space, "form": form})


@login_required
def member_edit(request, territory, space, pk):
    space = load_space(request, territory, space, perm="spaces.manage_members")
    membership = get_in_space(Membership.objects.select_related("organization", "person", "space"), space, pk=pk)
    current = {d.kind: d.person for d in membership.delegations.filter(end__isnull=True).select_related("person")}
    form = MemberEditForm(request.POST or None, membership=membership, initial={
        "category": membership.category, "college": membership.college, "note": membership.note,
        "delegate": current.get(Delegation.Kind.DELEGATE), "alternate": current.get(Delegation.Kind.ALTERNATE),
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.membership_update(membership=membership, category=data["category"],
                                           college=data["college"], note=data["note"])
                if membership.organization_id:
                    if data["delegate"] and data["alternate"] and data["delegate"].pk == data["alternate"].pk:
                        raise DomainError(
                            _("La personne déléguée et le substitut doivent être deux personnes différentes."),
                            field="alternate",
                        )
                    # End the alternate first so a swap of delegate and alternate is allowed.
                    services.delegation_set(membership=membership, kind=Delegation.Kind.ALTERNATE, person=None)
                    services.delegation_set(membership=membership, kind=Delegation.Kind.DELEGATE,
                                            person=data["delegate"])
                    services.delegation_set(membership=membership, kind=Delegation.Kind.ALTERNATE,
                                            person=data["alternate"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'adhésion est enregistrée."))
            return redirect("spaces:members", territory=space.territory.slug, space=space.slug)
    return render(request, "spaces/member_edit.html", {
        "territory": space.territory, "space": space, "membership": membership, "form": form,
        "end_form": MemberEndForm(initial={"end": timezone.localdate()}),
    })


@login_required
@require_POST
def member_end(request, territory, space, pk):
    space = load_space(request, territory, space, perm="spaces.manage_members")
    membership = get_in_space(Membership, space, pk=pk)
    form = MemberEndForm(request.POST)
    if form.is_valid():
        try:
            services.membership_end(membership=membership, end=form.cleaned_data["end"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("L'adhésion de « %(name)s » se termine le %(date)s.") % {
                "name": membership.member_name, "date": formatting.day(form.cleaned_data["end"]),
            })
    else:
        messages.error(request, _("Indiquez une date de fin valide."))
    return redirect("spaces:members", territory=space.territory.slug, space=space.slug)


# Roles ----------------------------------------------------------------------------------------

@login_required
def roles(request, territory, space):
    space = load_space(request, territory, space, perm="spaces.manage_roles")
    today = timezone.localdate()
    role_list = list(
        Role.objects.filter(space=space).prefetch_related(
            _assignments_prefetch()
        ).order_by("position", "name")
    )
    for role in role_list:
        for assignment in role.all_assignments:
            assignment.flag_ending_soon = assignment.ends_soon(today)
            assignment.flag_current = assignment.is_current(today)
    return render(request, "spaces/roles.html", {
        "territory": space.territory, "space": space, "roles": role_list, "today": today,
    })


def _assignments_prefetch():
    from django.db.models import Prefetch

    return Prefetch(
        "assignments",
        queryset=RoleAssignment.objects.select_related("person", "organization").order_by("-start"),
        to_attr="all_assignments",
    )


@login_required
def role_edit(request, territory, space, pk=None):
    space = load_space(request, territory, space, perm="spaces.manage_roles")
    role = get_in_space(Role, space, pk=pk) if pk else None
    form = RoleForm(request.POST or None, instance=role)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_save(space=space, role=role, **{name: form.cleaned_data[name] for name in RoleForm.Meta.fields})
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le rôle est enregistré."))
            return redirect("spaces:roles", territory=space.territory.slug, space=space.slug)
    return render(request, "spaces/role_form.html", {"territory": space.territory, "space": space, "role": role,
                                                     "form": form})


@login_required
def role_assign(request, territory, space, pk):
    space = load_space(request, territory, space, perm="spaces.manage_roles")
    role = get_in_space(Role.objects.select_related("space"), space, pk=pk)
    form = RoleAssignForm(request.POST or None, space=space, initial={"start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assign(role=role, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le mandat est enregistré."))
            return redirect("spaces:roles", territory=space.territory.slug, space=space.slug)
    return render(request, "spaces/role_assign.html", {"territory": space.territory, "space": space, "role": role,
                                                       "form": form})


@login_required
def assignment_end(request, territory, space, pk):
    space = load_space(request, territory, space, perm="spaces.manage_roles")
    assignment = get_object_or_404(
        RoleAssignment.objects.select_related("role", "person", "organization"), role__space=space, pk=pk
    )
    form = AssignmentEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assignment_end(assignment=assignment, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le mandat est terminé."))
            return redirect("spaces:roles", territory=space.territory.slug, space=space.slug)
    return render(request, "spaces/assignment_end.html", {"territory": space.territory, "space": space,
                                                          "assignment": assignment, "form": form})


# Charter --------------------------------------------------------------------------------------

def charter(request, territory, space):
    space = load_space(request, territory, space)
    versions = list(Charter.objects.filter(space=space).select_related("created_by").order_by("-version"))
    current = next((version for version in versions if version.in_force), None)
    return render(request, "spaces/charter.html", {
        "territory": space.territory, "space": space, "charter": current, "versions": versions,
        "rule_sentence": rule_sentence(current, _colleges(space.territory)),
        "rules_html": render_markdown(current.rules_text) if current else "",
        "can_edit": request.user.has_perm("spaces.change_charter", space),
    })


@login_required
def charter_edit(request, territory, space):
    space = load_space(request, territory, space, perm="spaces.change_charter")
    current = selectors.charter_in_force(space)
    form = CharterForm(request.POST or None, instance=current if request.method == "GET" else None,
                       initial=None if current else {"voting_categories": ["voting"]})
    if request.method == "GET" and current is not None:
        form = CharterForm(instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.charter_adopt(space=space, by=request.user, **form.charter_fields())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("La version %(version)s de la charte est en vigueur.") % {"version": new.version})
            return redirect("spaces:charter", territory=space.territory.slug, space=space.slug)
    return render(request, "spaces/charter_form.html", {"territory": space.territory, "space": space,
                                                        "charter": current, "form": form})


def charter_version(request, territory, space, version):
    space = load_space(request, territory, space)
    charter_obj = get_in_space(Charter, space, version=version)
    previous = Charter.objects.filter(space=space, version__lt=version).order_by("-version").first()
    colleges = _colleges(space.territory)
    return render(request, "spaces/charter_version.html", {
        "territory": space.territory, "space": space, "charter": charter_obj, "previous": previous,
        "diff": charter_diff(previous, charter_obj),
        "rule_sentence": rule_sentence(charter_obj, colleges),
        "previous_sentence": rule_sentence(previous, colleges) if previous else "",
        "rules_html": render_markdown(charter_obj.rules_text),
    })
