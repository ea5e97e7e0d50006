"""Territories, spaces, organizations, memberships and roles, as the pages show them."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema

from concertation.spaces import roles_read, selectors

from .. import lookup
from ..errors import not_found
from ..pagination import paginate
from .common import READ, ListParams, answers, list_answers

router = Router(tags=["structure"], auth=READ)


class TerritoryOut(Schema):
    id: int
    slug: str
    name: str
    kind: str


class SpaceOut(Schema):
    id: int
    territory_id: int
    parent_id: int | None
    slug: str
    name: str
    kind: str
    status: str
    visibility: str


class OrganizationOut(Schema):
    id: int
    name: str
    acronym: str
    active: bool
    website: str
    sector: str | None
    college: str | None

    @staticmethod
    def resolve_sector(obj):
        return obj.sector.name if obj.sector_id else None

    @staticmethod
    def resolve_college(obj):
        return obj.college.name if obj.college_id else None


class MembershipOut(Schema):
    id: int
    category: str
    start: date
    name: str
    organization_id: int | None
    college: str | None
    representatives: list[str]

    @staticmethod
    def resolve_name(obj):
        return obj.label or ""

    @staticmethod
    def resolve_college(obj):
        return obj.college_label

    @staticmethod
    def resolve_representatives(obj):
        return [delegation.person_name for delegation in obj.current_delegations]


class RoleOut(Schema):
    id: int
    space_id: int
    name: str
    kind: str
    holders: list[str]

    @staticmethod
    def resolve_holders(obj):
        return [assignment.holder_label for assignment in obj.current_assignments]


@router.get("/territories", response=list_answers(TerritoryOut), summary="Territories the caller may open")
def territories(request, params: Query[ListParams]):
    return paginate(selectors.visible_territories(request.user), params.cursor, params.limit)


@router.get("/territories/{territory_id}", response=answers(TerritoryOut))
def territory(request, territory_id: int):
    return lookup.territory(request.user, territory_id)


@router.get("/territories/{territory_id}/spaces", response=list_answers(SpaceOut),
            summary="The territory's spaces the caller may see")
def spaces(request, territory_id: int, params: Query[ListParams]):
    found = lookup.territory(request.user, territory_id)
    return paginate(selectors.visible_spaces(request.user, found, only=selectors.SPACE_LIST_FIELDS),
                    params.cursor, params.limit)


@router.get("/spaces/{space_id}", response=answers(SpaceOut))
def space(request, space_id: int):
    return lookup.space(request.user, space_id)


@router.get("/territories/{territory_id}/organizations", response=list_answers(OrganizationOut),
            summary="The territory's organizations (people of the territory)")
def organizations(request, territory_id: int, params: Query[ListParams]):
    found = lookup.territory(request.user, territory_id)
    if not request.user.has_perm("directory.view_organizations", found):
        raise not_found()
    return paginate(selectors.organizations_of(found), params.cursor, params.limit)


@router.get("/spaces/{space_id}/memberships", response=list_answers(MembershipOut),
            summary="Current members of the space, named as the caller may see them")
def memberships(request, space_id: int, params: Query[ListParams]):
    found = lookup.space(request.user, space_id)
    rows = selectors.member_rows([found.pk], on=timezone.localdate(), viewer=request.user)
    return paginate(rows, params.cursor, params.limit)


@router.get("/spaces/{space_id}/roles", response=list_answers(RoleOut),
            summary="Roles of the space and who holds them now")
def roles(request, space_id: int, params: Query[ListParams]):
    found = lookup.space(request.user, space_id)
    rows = roles_read.roles_with_holders([found.pk], on=timezone.localdate(), viewer=request.user)
    return paginate(rows, params.cursor, params.limit)


