"""Writes of the structure: each function checks the domain's rules and is atomic."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from concertation.core import audit
from concertation.core.dates import add_months
from concertation.core.errors import DomainError
from concertation.directory.models import Organization, Territory

from .access import forget_access
from .models import Charter, Delegation, Membership, MembershipCategory, Role, RoleAssignment, Space
from .selectors import assignment_current_q


def unique_slug(queryset, text: str, *, field: str = "slug", max_length: int = 80) -> str:
    base = slugify(text)[: max_length - 4] or "espace"
    slug, n = base, 2
    while queryset.filter(**{field: slug}).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# Spaces ---------------------------------------------------------------------------------------

@transaction.atomic
def space_create(*, territory: Territory, name: str, kind: str, parent: Space | None = None, mandate: str = "",
                 visibility: str = Space.Visibility.TERRITORY, slug: str = "") -> Space:
    if parent is not None and parent.territory_id != territory.pk:
        raise DomainError(_("L'espace parent doit appartenir au même territoire."), field="parent")
    slug = slug or unique_slug(Space.objects.filter(territory=territory), name)
    if Space.objects.filter(territory=territory, slug=slug).exists():
        raise DomainError(_("Un autre espace utilise déjà cet identifiant d'adresse."), field="slug")
    return Space.objects.create(
        territory=territory, parent=parent, name=name.strip(), kind=kind, mandate=mandate, visibility=visibility,
        slug=slug,
    )


@transaction.atomic
def space_update(*, space: Space, **fields) -> Space:
    parent = fields.get("parent", space.parent)
    if parent is not None:
        if parent.territory_id != space.territory_id:
            raise DomainError(_("L'espace parent doit appartenir au même territoire."), field="parent")
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == space.pk:
                raise DomainError(_("Un espace ne peut pas être placé sous lui-même ou sous un de ses sous-espaces."),
                                  field="parent")
            ancestor = ancestor.parent
    for name, value in fields.items():
        setattr(space, name, value)
    space.save()
    return space


# Organizations --------------------------------------------------------------------------------

@transaction.atomic
def organization_save(*, territory: Territory, organization: Organization | None = None, **fields) -> Organization:
    organization = organization or Organization(territory=territory)
    name = fields.get("name", organization.name).strip()
    if Organization.objects.filter(territory=territory, name__iexact=name).exclude(pk=organization.pk).exists():
        raise DomainError(_("Un organisme porte déjà ce nom sur ce territoire."), field="name")
    for key in ("sector", "college"):
        value = fields.get(key)
        if value is not None and value.territory_id != territory.pk:
            raise DomainError(_("Ce choix n'appartient pas à ce territoire."), field=key)
    for key, value in fields.items():
        setattr(organization, key, value)
    organization.name = name
    organization.save()
    return organization


# Memberships ----------------------------------------------------------------------------------

@transaction.atomic
def membership_add(*, space: Space, organization: Organization | None = None, person=None,
                   category: str = MembershipCategory.VOTING, delegate=None, alternate=None,
                   start: date | None = None, college=None, note: str = "", by=None) -> Membership:
    """Add an organization with its delegate and alternate (or a citizen) in one step."""
    if (organization is None) == (person is None):
        raise DomainError(_("Choisissez un organisme ou une personne, pas les deux."), field="organization")
    if organization is not None:
        if organization.territory_id != space.territory_id:
            raise DomainError(_("Cet organisme n'appartient pas au territoire de l'espace."), field="organization")
        if not organization.active:
            raise DomainError(_("Cet organisme est inactif : réactivez-le avant de l'ajouter."), field="organization")
        if Membership.objects.filter(space=space, organization=organization).exists():
            raise DomainError(_("Cet organisme est déjà membre de cet espace."), field="organization")
    if person is not None and Membership.objects.filter(space=space, person=person).exists():
        raise DomainError(_("Cette personne est déjà membre de cet espace."), field="person")
    if organization is None and (delegate or alternate):
        raise DomainError(_("Seul un organisme a une personne déléguée et un substitut."), field="delegate")
    if delegate is not None and alternate is not None and delegate.pk == alternate.pk:
        raise DomainError(_("La personne déléguée et le substitut doivent être deux personnes différentes."),
                          field="alternate")
    if college is not None and college.territory_id != space.territory_id:
        raise DomainError(_("Ce collège n'appartient pas à ce territoire."), field="college")
    start = start or timezone.localdate()
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                space=space, organization=organization, person=person, category=category, start=start,
                college=college, note=note,
            )
    except IntegrityError:
        raise DomainError(_("Ce membre est déjà inscrit dans cet espace."), field="organization") from None
    for kind, who in ((Delegation.Kind.DELEGATE, delegate), (Delegation.Kind.ALTERNATE, alternate)):
        if who is not None:
            Delegation.objects.create(membership=membership, person=who, kind=kind, start=start)
            forget_access(who)
    if person is not None:
        forget_access(person)
    audit.record(
        action="membership.added", actor=by, target=membership, territory_id=space.territory_id,
        space=space.pk, category=category, start=start, college=college.pk if college else None,
        delegate=delegate.pk if delegate else None, alternate=alternate.pk if alternate else None,
    )
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, category: str, college=None, note: str = "",
                      by=None) -> Membership:
    before = {"category": membership.category, "college": membership.college_id}
    membership.category = category
    membership.college = college
    membership.note = note
    membership.save(update_fields=["category", "college", "note", "updated_at"])
    after = {"category": membership.category, "college": membership.college_id}
    if before != after:
        audit.record(action="membership.changed", actor=by, target=membership,
                     space=membership.space_id, before=before, after=after)
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, end: date | None = None, by=None) -> Membership:
    end = end or timezone.localdate()
    if end < membership.start:
        raise DomainError(_("La fin ne peut pas précéder le début de l'adhésion."), field="end")
    membership.end = end
    membership.save(update_fields=["end", "updated_at"])
    membership.delegations.filter(end__isnull=True).update(end=end)
    audit.record(action="membership.ended", actor=by, target=membership, space=membership.space_id,
                 end=end)
    return membership


@transaction.atomic
def delegation_set(*, membership: Membership, kind: str, person, start: date | None = None,
                   by=None) -> Delegation | None:
    """Name the delegate (or alternate) of a member organization; the previous one's term ends."""
    if membership.organization_id is None:
        raise DomainError(_("Seul un organisme a une personne déléguée et un substitut."), field="person")
    start = start or timezone.localdate()
    other_kind = Delegation.Kind.ALTERNATE if kind == Delegation.Kind.DELEGATE else Delegation.Kind.DELEGATE
    if person is not None and membership.delegations.filter(
        kind=other_kind, person=person, end__isnull=True
    ).exists():
        raise DomainError(_("La personne déléguée et le substitut doivent être deux personnes différentes."),
                          field="person")
    current = membership.delegations.filter(kind=kind, end__isnull=True).first()
    if current is not None and person is not None and current.person_id == person.pk:
        return current
    if current is None and person is None:
        return None
    audit.record(action="delegation.changed", actor=by, target=membership, space=membership.space_id,
                 kind=kind, previous=current.person_id if current else None, person=person.pk if person else None,
                 start=start)
    if current is not None:
        current.end = max(start - timedelta(days=1), current.start)
        current.save(update_fields=["end", "updated_at"])
        forget_access(current.person)
    if person is None:
        return None
    forget_access(person)
    return Delegation.objects.create(membership=membership, person=person, kind=kind, start=start)



@transaction.atomic
def membership_edit(*, membership: Membership, category: str, college=None, note: str = "", delegate=None,
                    alternate=None, by=None) -> Membership:
    """The member page's form: category, college and note, and for an organization its delegate and
    alternate (two different people; a swap of the two is allowed). All or nothing."""
    membership_update(membership=membership, category=category, college=college, note=note, by=by)
    if membership.organization_id:
        if delegate and alternate and delegate.pk == alternate.pk:
            raise DomainError(_("La personne déléguée et le substitut doivent être deux personnes différentes."),
                              field="alternate")
        # End the alternate first so a swap of delegate and alternate is allowed.
        delegation_set(membership=membership, kind=Delegation.Kind.ALTERNATE, person=None, by=by)
        delegation_set(membership=membership, kind=Delegation.Kind.DELEGATE, person=delegate, by=by)
        delegation_set(membership=membership, kind=Delegation.Kind.ALTERNATE, person=alternate, by=by)
    return membership


# Roles ----------------------------------------------------------------------------------------

@transaction.atomic
def role_save(*, space: Space, role: Role | None = None, **fields) -> Role:
    role = role or Role(space=space)
    name = fields.get("name", role.name).strip()
    if Role.objects.filter(space=space, name__iexact=name).exclude(pk=role.pk).exists():
        raise DomainError(_("Cet espace a déjà un rôle de ce nom."), field="name")
    for key, value in fields.items():
        setattr(role, key, value)
    role.name = name
    if role.pk:
        current = role.assignments.filter(assignment_current_q()).count()
        if role.seats < current:
            raise DomainError(
                _("Ce rôle compte %(count)s titulaires en fonction : il faut au moins autant de sièges.")
                % {"count": current},
                field="seats",
            )
    role.save()
    return role


@transaction.atomic
def role_assign(*, role: Role, person=None, organization: Organization | None = None, start: date | None = None,
                end: date | None = None, by=None) -> RoleAssignment:
    if person is None and organization is None:
        raise DomainError(_("Indiquez la personne ou l'organisme qui occupe ce rôle."), field="person")
    if organization is not None and organization.territory_id != role.space.territory_id:
        raise DomainError(_("Cet organisme n'appartient pas au territoire de l'espace."), field="organization")
    start = start or timezone.localdate()
    if end is None and role.term_months:
        end = add_months(start, role.term_months) - timedelta(days=1)
    if end is not None and end < start:
        raise DomainError(_("La fin du mandat ne peut pas précéder son début."), field="end")
    # Seats are counted over the new term: overlapping assignments may not exceed them.
    overlapping = role.assignments.filter(ended_on__isnull=True).filter(
        **({"start__lte": end} if end else {})
    ).exclude(end__lt=start)
    if overlapping.count() >= role.seats:
        raise DomainError(
            _("Tous les sièges de ce rôle sont occupés pendant ce mandat (%(seats)s). Terminez un mandat d'abord.")
            % {"seats": role.seats},
            field="person",
        )
    if person is not None and overlapping.filter(person=person).exists():
        raise DomainError(_("Cette personne occupe déjà ce rôle pendant cette période."), field="person")
    assignment = RoleAssignment.objects.create(role=role, person=person, organization=organization, start=start,
                                               end=end)
    forget_access(person)
    audit.record(action="role.assigned", actor=by, target=assignment, territory_id=role.space.territory_id,
                 space=role.space_id, role=role.pk, kind=role.kind, person=person.pk if person else None,
                 organization=organization.pk if organization else None, start=start, end=end)
    return assignment


@transaction.atomic
def role_assignment_end(*, assignment: RoleAssignment, ended_on: date | None = None, reason: str,
                        by=None) -> RoleAssignment:
    ended_on = ended_on or timezone.localdate()
    if assignment.ended_on is not None:
        raise DomainError(_("Ce mandat est déjà terminé."))
    if ended_on < assignment.start:
        raise DomainError(_("La fin ne peut pas précéder le début du mandat."), field="ended_on")
    if reason not in RoleAssignment.EndReason.values:
        raise DomainError(_("Indiquez la raison de la fin du mandat."), field="reason")
    assignment.ended_on = ended_on
    assignment.end_reason = reason
    if assignment.end is None or assignment.end > ended_on:
        assignment.end = ended_on
    assignment.save(update_fields=["ended_on", "end_reason", "end", "updated_at"])
    forget_access(assignment.person)
    audit.record(action="role.ended", actor=by, target=assignment, role=assignment.role_id,
                 ended_on=ended_on, reason=reason)
    return assignment


# Charters -------------------------------------------------------------------------------------

CHARTER_RULE_FIELDS = [
    "method", "fallback_method", "voting_unit", "threshold", "threshold_numerator", "threshold_denominator", "base",
    "consensus_tolerance", "voting_categories", "quorum_kind", "quorum_count", "quorum_share_percent",
    "college_minimums", "double_majority", "conflict_rule", "agenda_proposers", "proposals_may_override",
    "reserved_plan_changes", "rules_text", "adopted_on", "adoption_note",
]


@transaction.atomic
def charter_adopt(*, space: Space, by=None, **fields) -> Charter:
    """Record a new version of the space's charter; it replaces the one in force."""
    unknown = set(fields) - set(CHARTER_RULE_FIELDS)
    if unknown:
        raise DomainError(_("Champs de charte inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if fields.get("threshold") == Charter.Threshold.CUSTOM:
        num, den = fields.get("threshold_numerator"), fields.get("threshold_denominator")
        if not num or not den or num > den:
            raise DomainError(_("Pour une autre fraction, indiquez un numérateur et un dénominateur (par exemple 3 sur 5)."),
                              field="threshold_numerator")
    if fields.get("quorum_kind") == Charter.QuorumKind.COUNT and not fields.get("quorum_count"):
        raise DomainError(_("Indiquez le nombre de membres votants qui fait quorum."), field="quorum_count")
    if fields.get("quorum_kind") == Charter.QuorumKind.SHARE and not (1 <= (fields.get("quorum_share_percent") or 0) <= 100):
        raise DomainError(_("Indiquez un pourcentage entre 1 et 100."), field="quorum_share_percent")
    if fields.get("fallback_method") and fields.get("fallback_method") == fields.get("method"):
        raise DomainError(_("La méthode de repli doit être différente de la méthode principale."),
                          field="fallback_method")
    minimums = fields.get("college_minimums") or {}
    if minimums:
        known = set(space.territory.colleges.values_list("slug", flat=True))
        for slug, minimum in minimums.items():
            if slug not in known:
                raise DomainError(_("Collège inconnu : %(slug)s") % {"slug": slug}, field="college_minimums")
            if not isinstance(minimum, int) or minimum < 0:
                raise DomainError(_("Le minimum par collège doit être un nombre entier positif."),
                                  field="college_minimums")
    # Lock the space's charters: concurrent adoptions must not both be "in force".
    previous = list(Charter.objects.select_for_update().filter(space=space).order_by("-version")[:1])
    version = previous[0].version + 1 if previous else 1
    Charter.objects.filter(space=space, in_force=True).update(in_force=False)
    charter = Charter.objects.create(space=space, version=version, in_force=True, created_by=by, **fields)
    audit.record(action="charter.adopted", actor=by, target=charter, territory_id=space.territory_id,
                 space=space.pk, version=version, changed=sorted(_charter_changes(previous[0] if previous else None,
                                                                                   charter)))
    return charter


def _charter_changes(before: Charter | None, after: Charter) -> set[str]:
    """The rule fields that differ from the previous version (all of them for a first charter)."""
    if before is None:
        return {name for name in CHARTER_RULE_FIELDS if getattr(after, name) not in (None, "", [], {})}
    return {name for name in CHARTER_RULE_FIELDS if getattr(before, name) != getattr(after, name)}


def charter_fields(charter: Charter) -> dict:
    return {name: getattr(charter, name) for name in CHARTER_RULE_FIELDS}


