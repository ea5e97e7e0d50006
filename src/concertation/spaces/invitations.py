"""Invitations: a coordinator invites a person by e-mail to a space, as a citizen or as the delegate
(or alternate) of an organization. The link is single-use and valid 7 days; accepting it makes the
person a member.

Services follow the project's conventions: keyword-only, atomic, a DomainError with a translated
message when a rule refuses the action; the e-mail is queued after commit (see tasks.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.directory.models import Affiliation, Organization

from .access import forget_access
from .models import Delegation, Invitation, Membership, MembershipCategory, Space
from .selectors import people_of_territory
from .services import delegation_set, membership_add

logger = logging.getLogger(__name__)

VALIDITY = timedelta(days=7)
RATE_LIMIT = 50  # invitations per coordinator…
RATE_WINDOW = timedelta(hours=1)  # …per hour
RESEND_PAUSE = timedelta(minutes=2)  # a double click does not send two e-mails

ORGANIZATION_KINDS = {Invitation.As.DELEGATE, Invitation.As.ALTERNATE}


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def pending_q(now=None) -> Q:
    """Invitations whose link still works: neither accepted nor revoked, not expired."""
    now = now or timezone.now()
    return Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


def pending_sql(alias: str, now: str = "%(now)s") -> str:
    """``pending_q`` for a statement written out by hand (``now``: a placeholder)."""
    return f"{alias}.accepted_at IS NULL AND {alias}.revoked_at IS NULL AND {alias}.expires_at > {now}"


def refusal(invitation: Invitation | None) -> DomainError | None:
    """Why this invitation's link no longer works (None when it still does)."""
    if invitation is None:
        return DomainError(
            _("Ce lien d'invitation n'existe pas. Vérifiez qu'il a été copié en entier, ou demandez une "
              "nouvelle invitation à la personne qui coordonne l'espace."),
            code="unknown",
        )
    status = invitation.status
    if status == "revoked":
        return DomainError(
            _("Cette invitation a été annulée. Si vous pensez que c'est une erreur, demandez une nouvelle "
              "invitation à la personne qui coordonne l'espace."),
            code="revoked",
        )
    if status == "accepted":
        return DomainError(
            _("Cette invitation a déjà été utilisée : un lien d'invitation ne sert qu'une fois. Connectez-vous "
              "avec le compte qui l'a acceptée, ou demandez une nouvelle invitation."),
            code="used",
        )
    if status == "expired":
        return DomainError(
            _("Cette invitation a expiré : un lien d'invitation est valide 7 jours. Demandez à la personne "
              "qui coordonne l'espace de vous la renvoyer."),
            code="expired",
        )
    return None


# Create, send, resend, revoke ---------------------------------------------------------------

@transaction.atomic
def invitation_create(*, space: Space, email: str, invited_as: str = Invitation.As.CITIZEN,
                      organization: Organization | None = None, category: str = MembershipCategory.VOTING,
                      message: str = "", by, rate_limited: bool = True) -> Invitation:
    """Record an invitation (call invitation_send to e-mail it).

    ``rate_limited=False`` for the member import: one reviewed file, bounded by its row limit, may
    invite more people than the hourly limit of the invitation form."""
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Saisissez une adresse courriel valide, par exemple nom@exemple.org."),
                          field="email") from None
    if invited_as not in Invitation.As.values:
        raise DomainError(_("Choisissez à quel titre la personne est invitée."), field="invited_as")
    if category not in MembershipCategory.values:
        raise DomainError(_("Choisissez une catégorie de membre."), field="category")
    if invited_as in ORGANIZATION_KINDS:
        if organization is None:
            raise DomainError(_("Choisissez l'organisme que cette personne représentera."), field="organization")
        if organization.territory_id != space.territory_id:
            raise DomainError(_("Cet organisme n'appartient pas au territoire de l'espace."), field="organization")
        if not organization.active:
            raise DomainError(_("Cet organisme est inactif : réactivez-le avant d'inviter quelqu'un en son nom."),
                              field="organization")
    elif organization is not None:
        raise DomainError(_("Une invitation comme citoyenne ou citoyen ne nomme pas d'organisme : retirez "
                            "l'organisme choisi, ou invitez la personne comme déléguée ou substitut."), field="organization")

    now = timezone.now()
    if rate_limited and by is not None and Invitation.objects.filter(invited_by=by, created_at__gte=now - RATE_WINDOW).count() >= RATE_LIMIT:
        raise DomainError(
            _("Vous avez envoyé %(count)s invitations dans la dernière heure, le maximum permis. Réessayez plus "
              "tard.") % {"count": RATE_LIMIT},
            code="rate_limited",
        )
    if Invitation.objects.filter(pending_q(now), space=space, email__iexact=email).exists():
        raise DomainError(
            _("Une invitation à cet espace attend déjà une réponse de cette adresse : renvoyez-la plutôt que "
              "d'en créer une autre."),
            field="email",
        )
    _check_not_already_there(space=space, email=email, invited_as=invited_as, organization=organization)
    return Invitation.objects.create(
        space=space, email=email, invited_as=invited_as,
        organization=organization if invited_as in ORGANIZATION_KINDS else None,
        category=category, message=(message or "").strip(), invited_by=by, expires_at=now + VALIDITY,
    )


def _check_not_already_there(*, space, email, invited_as, organization) -> None:
    today = timezone.localdate()
    current = Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))
    if invited_as == Invitation.As.CITIZEN:
        if Membership.objects.filter(current, space=space, person__email__iexact=email).exists():
            raise DomainError(_("Cette personne est déjà membre de cet espace."), field="email")
    elif Delegation.objects.filter(
        current, membership__space=space, membership__organization=organization, kind=invited_as,
        person__email__iexact=email,
    ).exists():
        raise DomainError(_("Cette personne occupe déjà ce rôle pour cet organisme dans cet espace."), field="email")


@transaction.atomic
def membership_add_or_invite(*, space: Space, delegate_email: str = "", base_url: str | None = None, by=None,
                             **membership) -> tuple[Membership, Invitation | None]:
    """Add a member (``services.membership_add``), its delegate named by address when there is one.

    A person of the territory (``people_of_territory``) is named delegate at once, as a picked one
    would be. Anyone else — an account elsewhere on the instance or no account at all — is sent an
    invitation to become the delegate: nobody is enrolled without consent, and the coordinator is
    told the same thing in both cases.
    """
    email = normalize_email(delegate_email)
    invitation = None
    if email:
        if membership.get("delegate") is not None:
            raise DomainError(_("Choisissez une personne existante ou une nouvelle adresse, pas les deux."),
                              field="delegate_email")
        if membership.get("organization") is None:
            raise DomainError(_("Seul un organisme a une personne déléguée et un substitut."), field="delegate_email")
        membership["delegate"] = people_of_territory(space.territory_id).filter(email__iexact=email).first()
    added = membership_add(space=space, by=by, **membership)
    if email and membership["delegate"] is None:
        invitation = invitation_create(
            space=space, email=email, invited_as=Invitation.As.DELEGATE, organization=membership["organization"],
            category=added.category, by=by,
        )
        invitation_send(invitation=invitation, base_url=base_url)
    return added, invitation


def site_base_url(base_url: str | None = None) -> str:
    base = (base_url or settings.SITE_URL or "").rstrip("/")
    if not base:
        raise DomainError(_("L'adresse publique du site n'est pas configurée (SITE_URL) : impossible de "
                            "composer le lien d'invitation."))
    return base


@transaction.atomic
def invitation_send(*, invitation: Invitation, base_url: str | None = None) -> Invitation:
    """Queue the invitation e-mail (after commit) and count the sending."""
    from .tasks import send_invitation_email

    base = site_base_url(base_url)
    error = refusal(invitation)
    if error is not None:
        raise error
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_count=F("sent_count") + 1, last_sent_at=now, updated_at=now
    )
    invitation.refresh_from_db(fields=["sent_count", "last_sent_at", "updated_at"])
    invitation_id = invitation.pk
    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation_id, base))
    return invitation


@transaction.atomic
def invitation_invite(*, space: Space, email: str, invited_as: str = Invitation.As.CITIZEN,
                      organization: Organization | None = None, category: str = MembershipCategory.VOTING,
                      message: str = "", by, base_url: str | None = None) -> Invitation:
    """The invitation form: record the invitation and e-mail it, all or nothing."""
    invitation = invitation_create(space=space, email=email, invited_as=invited_as, organization=organization,
                                   category=category, message=message, by=by)
    return invitation_send(invitation=invitation, base_url=base_url)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, base_url: str | None = None) -> Invitation:
    """Send the same link again, valid 7 days from now (also revives an expired invitation)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at:
        raise DomainError(_("Cette invitation a été révoquée : créez-en une nouvelle."))
    if invitation.accepted_at:
        raise DomainError(_("Cette invitation a déjà été acceptée : il n'y a rien à renvoyer."))
    now = timezone.now()
    if invitation.last_sent_at and invitation.last_sent_at > now - RESEND_PAUSE:
        raise DomainError(_("Cette invitation vient d'être envoyée : attendez quelques minutes avant de la "
                            "renvoyer."), code="too_soon")
    base = site_base_url(base_url)
    invitation.expires_at = now + VALIDITY
    invitation.save(update_fields=["expires_at", "updated_at"])
    return invitation_send(invitation=invitation, base_url=base)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by=None) -> Invitation:
    """Cancel the link; a revoked invitation can no longer be accepted."""
    now = timezone.now()
    rows = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    if rows == 0:
        invitation.refresh_from_db()
        if invitation.accepted_at:
            raise DomainError(_("Cette invitation a déjà été acceptée : pour retirer la personne, terminez son "
                                "adhésion ou sa délégation."))
        raise DomainError(_("Cette invitation est déjà révoquée."))
    invitation.revoked_at = now
    logger.info("Invitation %s to %s revoked by %s", invitation.pk, invitation.space_id, getattr(by, "pk", None))
    return invitation


# Accept -------------------------------------------------------------------------------------

def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("space__territory", "organization", "invited_by", "accepted_by")
        .filter(token=token).first()
    )


def _claim(invitation: Invitation, user) -> bool:
    """Mark the invitation accepted if nobody did, atomically: one UPDATE guarded by its WHERE.

    Two concurrent accepts of the same link both run this statement; the database serializes them
    and only the first one changes a row.
    """
    now = timezone.now()
    rows = Invitation.objects.filter(pending_q(now), pk=invitation.pk).update(
        accepted_at=now, accepted_by=user, updated_at=now
    )
    if rows:
        invitation.accepted_at = now
        invitation.accepted_by = user
    return rows == 1


@transaction.atomic
def invitation_accept(*, invitation_token: str, user) -> Membership:
    """Use the link: the person joins the space; returns the membership concerned."""
    if user is None or not user.is_authenticated:
        raise DomainError(_("Connectez-vous ou créez votre compte pour accepter l'invitation."), code="anonymous")
    invitation = invitation_for_token(invitation_token)
    error = refusal(invitation)
    if error is not None:
        raise error
    if not _claim(invitation, user):
        invitation.refresh_from_db()
        raise refusal(invitation) or DomainError(_("Cette invitation n'est plus valide."), code="used")
    if normalize_email(user.email) != invitation.email:
        # Allowed (a person may have signed up with another address), but kept in the log.
        logger.info("Invitation %s sent to %s accepted by user %s (%s)", invitation.pk, invitation.email,
                    user.pk, user.email)
    if invitation.invited_as == Invitation.As.CITIZEN:
        membership = _join_as_citizen(invitation, user)
    else:
        membership = _join_as_representative(invitation, user)
    forget_access(user)
    return membership


def _reopen(membership: Membership, category: str) -> Membership:
    """Reactivate a membership that ended (one row per member and space)."""
    today = timezone.localdate()
    if membership.end is not None and membership.end < today:
        membership.start = today
        membership.end = None
        membership.category = category
        membership.save(update_fields=["start", "end", "category", "updated_at"])
    elif membership.start > today:
        membership.start = today
        membership.save(update_fields=["start", "updated_at"])
    return membership


def _join_as_citizen(invitation: Invitation, user) -> Membership:
    membership = Membership.objects.filter(space=invitation.space, person=user).first()
    if membership is not None:
        return _reopen(membership, invitation.category)
    return membership_add(space=invitation.space, person=user, category=invitation.category)


def _join_as_representative(invitation: Invitation, user) -> Membership:
    organization = invitation.organization
    membership = Membership.objects.filter(space=invitation.space, organization=organization).first()
    if membership is None:
        membership = membership_add(space=invitation.space, organization=organization, category=invitation.category)
    else:
        membership = _reopen(membership, invitation.category)
    kind = invitation.invited_as
    other = Delegation.Kind.ALTERNATE if kind == Delegation.Kind.DELEGATE else Delegation.Kind.DELEGATE
    if membership.delegations.filter(kind=other, person=user, end__isnull=True).exists():
        # The alternate becomes the delegate (or the reverse): that seat is left free.
        delegation_set(membership=membership, kind=other, person=None)
    delegation_set(membership=membership, kind=kind, person=user)
    if not Affiliation.objects.filter(person=user, organization=organization, end__isnull=True).exists():
        Affiliation.objects.create(person=user, organization=organization, start=timezone.localdate())
    return membership
