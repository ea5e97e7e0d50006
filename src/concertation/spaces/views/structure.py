"""Screens of the structure: territories, spaces, members, roles, charters.

Views stay thin: load what the person may see (404 otherwise), call a service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concertation.core import formatting
from concertation.core.errors import DomainError, add_domain_error
from concertation.directory.models import Organization

from .. import invitations, pages, rotation, selectors, services
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
from ..models import Charter, Membership, MembershipCategory, Role
from ..pages import PAGE_SIZE
from .announcements import announcement_form
from .common import base_url, get_in_space, load_space, load_territory

SEARCH_MAX_LENGTH = 100


def territories(request):
    return render(request, "spaces/territories.html", {"territories": selectors.visible_territories(request.user)})


def territory_overview(request, territory):
    """The governance of the territory at a glance: spaces tree, members, roles and rules."""
    territory = load_territory(request, territory)
    return render(request, "spaces/territory_overview.html", pages.territory_overview(territory, request.user))


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
    context = pages.space_page(
        space, request.user, full_list=request.GET.get("tous") == "1", page_number=request.GET.get("page"))
    context["announcement_form"] = announcement_form(request.user, space)
    return render(request, "spaces/space_detail.html", context)


@login_required
def space_edit(request, territory, space):
    space = load_space(request, territory, space, perm="spaces.change_space")
    form = SpaceForm(request.POST or None, instance=space, territory=space.territory)
    if request.method == "POST" and form.is_valid():
        try:
            services.space_update(space=selectors.space_as_stored(space), **{
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
    can_manage = request.user.has_perm("directory.manage_organizations", territory)
    return render(request, "spaces/organizations.html", {
        "territory": territory,
        "page": page,
        "organizations": pages.organization_list_rows(territory, page.object_list, can_manage=can_manage),
        "query": query,
        "can_manage": can_manage,
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
    page = selectors.page_by_name(rows, request.GET.get("page"), PAGE_SIZE, on=today, viewer=request.user)
    return render(request, "spaces/members.html", {
        "territory": space.territory, "space": space, "page": page,
        "memberships": pages.member_list_rows(space, page.object_list),
        "former": pages.former_members(space, today), "query": query, "category": category, "categories": MembershipCategory.choices,
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
                base_url=base_url(request), by=request.user,
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
    form = MemberEditForm(request.POST or None, membership=membership, initial=pages.membership_initial(membership))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_edit(membership=membership, category=data["category"], college=data["college"],
                                     note=data["note"], delegate=data["delegate"], alternate=data["alternate"])
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
    return render(request, "spaces/roles.html", {
        "territory": space.territory, "space": space, "roles": pages.roles_of(space, today), "today": today,
        "ending_soon": rotation.ending_within_notice(space, on=today),
    })


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
    assignment = pages.assignment_in_space(space, pk)
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
    return render(request, "spaces/charter.html", pages.charter_page(space, request.user))


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
    return render(request, "spaces/charter_version.html", pages.charter_version_page(space, charter_obj))
