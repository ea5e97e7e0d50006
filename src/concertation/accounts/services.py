"""Writes about accounts."""

from __future__ import annotations

from datetime import timedelta

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from concertation.core import audit
from concertation.core.errors import DomainError

from . import personal_data
from .models import Language, User


def user_set_language(*, user: User, language: str) -> None:
    if language not in Language.values:
        raise ValueError(f"unknown language {language!r}")
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    translation.activate(language)


# The session key of a language picked while signed out (accounts.views.set_language).
LANGUAGE_CHOSEN_KEY = "language_chosen"


def user_signed_in_language(*, request, user: User) -> str:
    """At sign-in: a language picked just before, while signed out, is kept and stored on the
    profile; otherwise the profile's language applies. Returns the language now active."""
    session = getattr(request, "session", None)
    chosen = session.pop(LANGUAGE_CHOSEN_KEY, None) if session is not None else None
    if chosen in Language.values and chosen != user.preferred_language:
        user_set_language(user=user, language=chosen)
    language = user.preferred_language if user.preferred_language in Language.values else Language.FRENCH
    translation.activate(language)
    if request is not None:
        request.LANGUAGE_CODE = translation.get_language()
    return language


def user_update_profile(*, user: User, display_name: str, preferred_language: str, phone: str,
                        shown_publicly: bool | None = None) -> None:
    user.display_name = display_name.strip()
    user.phone = phone.strip()
    fields = ["display_name", "phone"]
    if shown_publicly is not None:  # Law 25: the person's own choice, off until she says so
        user.shown_publicly = shown_publicly
        fields.append("shown_publicly")
    user.save(update_fields=fields)
    user_set_language(user=user, language=preferred_language)


ERASED_NAME = "Personne effacée"


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@invalid"


@transaction.atomic
def user_erase(*, user: User, by: User | None = None) -> User:
    """Erase a person's account: what identifies them goes, the history of the groups stays.

    The address, the name and the phone are replaced, the password made unusable and the account
    deactivated (every open session ends with it); their sign-in addresses, second factors and
    per-person secrets (a calendar feed token) are deleted. What they took part in stays, under
    « Personne effacée »: memberships, delegations, roles and affiliations are ended (kept for
    history), coordination of territories is withdrawn, ballots and minutes are untouched.

    The accounts app does not know the higher apps: their links to the person are found through
    the model's relations (a ``person`` link with an ``end`` date is a term, a one-to-one link is
    a per-person setting or secret, a link the model lists in ``ERASED_WITH_PERSON`` holds rows
    that are the person's alone).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active and user.email == erased_email(user.pk):
        return user  # erased already
    today = timezone.localdate()
    for relation in User._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many:
            getattr(user, relation.get_accessor_name()).clear()
        elif relation.one_to_one and relation.on_delete is models.CASCADE:
            model._default_manager.filter(**{relation.field.name: user}).delete()
        elif relation.field.name in getattr(model, "ERASED_WITH_PERSON", ()):
            # Rows that belong to the person alone (their notifications, their preferences): the
            # model names the link in ERASED_WITH_PERSON.
            model._default_manager.filter(**{relation.field.name: user}).delete()
        elif relation.field.name == "person" and _has_field(model, "end"):
            _end_terms(model, user, today)
    _blank_personal_fields(user)
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.email = erased_email(user.pk)
    user.display_name = ERASED_NAME
    user.phone = ""
    user.shown_publicly = False
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    audit.record(action="account.erased", actor=by, target=user, target_label=f"{ERASED_NAME} #{user.pk}",
                 by_self=by is not None and by.pk == user.pk)
    return user


EXPORTS_PER_DAY = 5


def personal_data_export(*, user: User) -> bytes:
    """The ZIP of everything the platform holds about the person (Law 25), for the person herself:
    at most EXPORTS_PER_DAY a day (each one reads every app's tables), each one in the audit log."""
    from django.utils.translation import gettext as _

    from concertation.core.models import AuditEvent

    since = timezone.now() - timedelta(days=1)
    if AuditEvent.objects.filter(action="account.data_exported", actor=user, created_at__gte=since).count() >= EXPORTS_PER_DAY:
        raise DomainError(_("Vous avez déjà téléchargé vos données %(count)s fois aujourd'hui. Réessayez demain.")
                          % {"count": EXPORTS_PER_DAY}, code="rate_limited")
    content = personal_data.archive(user)
    with transaction.atomic():
        audit.record(action="account.data_exported", actor=user, target=user, target_label=f"#{user.pk}")
    return content


def _blank_personal_fields(user: User) -> None:
    """Rows kept for the groups' history that also hold what the person said about herself (an
    answer's dietary or accessibility needs): the model names, in ``BLANKED_WITH_PERSON``, the link
    to the person and the fields to empty ({"person": {"diet": ""}}). Hidden links (related_name="+")
    included."""
    for field in User._meta.get_fields(include_hidden=True):
        if not (field.auto_created and not field.concrete and field.is_relation):
            continue
        blanked = getattr(field.related_model, "BLANKED_WITH_PERSON", {}).get(field.field.name)
        if blanked:
            field.related_model._default_manager.filter(**{field.field.name: user}).update(**blanked)


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def _end_terms(model, user: User, today) -> None:
    """End the person's open terms as of today (kept for history): they last ran yesterday, or,
    for a term that starts today or later, on its first day (an end may not precede the start)."""
    yesterday = today - timedelta(days=1)
    open_terms = model._default_manager.filter(person=user).filter(Q(end__isnull=True) | Q(end__gt=yesterday))
    has_ended_on = _has_field(model, "ended_on")
    if has_ended_on:
        open_terms = open_terms.filter(ended_on__isnull=True)
    if _has_field(model, "start"):
        late = open_terms.filter(start__gt=yesterday)
        late.update(end=F("start"), **({"ended_on": F("start"), "end_reason": "other"} if has_ended_on else {}))
        open_terms = open_terms.exclude(start__gt=yesterday)
    open_terms.update(end=yesterday, **({"ended_on": yesterday, "end_reason": "other"} if has_ended_on else {}))


def email_mark_verified(user: User) -> None:
    """The person's own address is her primary, verified address (allauth's EmailAddress)."""
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is not None and address.verified and address.primary:
        return
    EmailAddress.objects.filter(user=user, primary=True).exclude(
        pk=address.pk if address is not None else None).update(primary=False)
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    else:
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])


@transaction.atomic
def person_for_email(email: str, *, display_name: str, password: str | None = None,
                     is_admin: bool = False) -> User:
    """The person with this address (case ignored), created if missing, active, the address verified.

    For loaders that set up people an administrator vouches for (the demo, an instance's first
    accounts): people a space wants to add are *invited* instead (spaces.invitations), so nobody
    gets an account without saying yes. ``password=None`` keeps the password of an existing person
    and leaves a new one's unusable.
    """
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        user = User(email=email.strip().lower())
    user.display_name = display_name
    user.is_active = True
    if is_admin:
        user.is_staff = True
        user.is_superuser = True
    if password is not None:
        user.set_password(password)
    elif not user.pk:
        user.set_unusable_password()
    user.save()
    email_mark_verified(user)
    return user
