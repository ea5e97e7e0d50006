"""Whose name a page shows (Québec's Law 25): the one home of the rule.

Anonymous visitors see organizations, not people: a person appears under her name on a public page
only if she agreed to (``User.shown_publicly``, off by default); otherwise she appears as the
organization she acts for, when the page knows it, or as a neutral, épicène word. Signed-in people
see names as before (what they may open is already limited to their territory and spaces).

Every page, export and feed goes through these functions — ``display_name_for`` in Python, the
``{% public_name %}`` tag in templates (accounts/templatetags/privacy.py), ``name_sql`` /
``label_sql`` in queries that build names in SQL — never through a check of its own.
"""

from __future__ import annotations

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils.translation import gettext


def neutral_name() -> str:
    """A person who did not agree to be shown, when no organization stands for her."""
    return gettext("Une personne membre")


def names_shown_to(viewer) -> bool:
    """Whether this viewer sees every person's name: anyone signed in (a member of the territory,
    or a person with an account; the pages they may open are limited already)."""
    return viewer is not None and bool(getattr(viewer, "is_authenticated", False))


def shows(person, viewer) -> bool:
    return names_shown_to(viewer) or bool(getattr(person, "shown_publicly", False))


def display_name_for(person, viewer, *, organization=None) -> str:
    """What a page shows ``viewer`` for ``person`` (a user, or None).

    With ``organization`` (the one she acts for there): « Name (Organization) » when her name may be
    shown, the organization alone otherwise. Without: her name, or the neutral word."""
    if person is None:
        return str(organization) if organization is not None else ""
    if shows(person, viewer):
        name = str(person)
        return f"{name} ({_short(organization)})" if organization is not None else name
    return str(organization) if organization is not None else neutral_name()


def _short(organization) -> str:
    return getattr(organization, "short_name", None) or str(organization)


# The same rule in SQL, for lists that build names in the query (members, roles) -----------------

def _name(prefix: str):
    """SQL for ``str(user)``: the display name, else the e-mail address."""
    return Coalesce(NullIf(F(f"{prefix}display_name"), Value("")), F(f"{prefix}email"), output_field=CharField())


def name_sql(prefix: str, viewer, *, fallback=None):
    """SQL for the name of the person at ``prefix`` (``"person__"``) as ``viewer`` may see it; for a
    person who did not agree, ``fallback`` (an expression: her organization's name) or the neutral word."""
    name = _name(prefix)
    if names_shown_to(viewer):
        return name
    hidden = Value(neutral_name()) if fallback is None else Coalesce(fallback, Value(neutral_name()))
    return Case(When(**{f"{prefix}shown_publicly": True}, then=name), default=hidden, output_field=CharField())


def name_sql_text(alias: str, viewer, *, fallback: str | None = None) -> str:
    """``name_sql`` for a statement written out by hand: the name of the person of the table alias
    ``alias`` (accounts_user) as ``viewer`` may see it; for a person who did not agree, ``fallback`` (an
    SQL expression) or the neutral word, the statement's parameter ``%(neutral_name)s``
    (``neutral_name()``). tests/spaces/test_selectors_sql.py checks both forms agree."""
    name = f"COALESCE(NULLIF({alias}.display_name, ''), {alias}.email)"
    if names_shown_to(viewer):
        return name
    hidden = "%(neutral_name)s" if fallback is None else f"COALESCE({fallback}, %(neutral_name)s)"
    return f"CASE WHEN {alias}.shown_publicly THEN {name} ELSE {hidden} END"


def label_sql(prefix: str, viewer, *, organization: str, short):
    """SQL for « Person (ORG) », the person, or the organization (a role's holder), as ``viewer`` may
    see it: the organization alone for a person who did not agree and acts for one."""
    has_person, has_org = {f"{prefix}isnull": False}, {f"{organization}isnull": False}
    with_org = Concat(_name(prefix), Value(" ("), short, Value(")"), output_field=CharField())
    agreed = {} if names_shown_to(viewer) else {f"{prefix}shown_publicly": True}
    return Case(
        When(**has_person, **has_org, **agreed, then=with_org),
        When(**has_person, **has_org, then=F(f"{organization}name")),
        When(**has_person, **agreed, then=_name(prefix)),
        When(**has_person, then=Value(neutral_name())),
        default=F(f"{organization}name"),
        output_field=CharField(),
    )


def label_sql_text(alias: str, viewer, *, organization: str) -> str:
    """``label_sql`` for a statement written out by hand, the organization short by its acronym (as
    ``spaces.roles_read.holder_label`` asks): the person of the table alias ``alias`` (accounts_user,
    joined on the row's ``person_id``) and the organization of the alias ``organization``
    (directory_organization, on its ``organization_id``); the neutral word as the parameter
    ``%(neutral_name)s``. tests/spaces/test_selectors_sql.py checks both forms agree."""
    name = f"COALESCE(NULLIF({alias}.display_name, ''), {alias}.email)"
    short = f"COALESCE(NULLIF({organization}.acronym, ''), {organization}.name)"
    agreed = "" if names_shown_to(viewer) else f" AND {alias}.shown_publicly"
    has_person, has_org = f"{alias}.id IS NOT NULL", f"{organization}.id IS NOT NULL"
    return (f"CASE WHEN {has_person} AND {has_org}{agreed} THEN {name} || ' (' || {short} || ')'"
            f" WHEN {has_person} AND {has_org} THEN {organization}.name"
            f" WHEN {has_person}{agreed} THEN {name}"
            f" WHEN {has_person} THEN %(neutral_name)s"
            f" ELSE {organization}.name END")


# Free text that names people (minutes generated from the meeting) --------------------------------

def redact(text: str, people, viewer) -> str:
    """``text`` with the people of ``people`` ([(person, organization or None)…]) who did not agree
    replaced as ``display_name_for`` would show them: « Name (Organization) » by the organization,
    the name alone by the neutral word. Text written by hand may name people in other ways: only the
    names the product itself wrote are caught."""
    if names_shown_to(viewer) or not text:
        return text
    replacements: dict[str, str] = {}
    for person, organization in people:
        if person is None or shows(person, viewer):
            continue
        name = str(person)
        if organization is not None:
            replacements[f"{name} ({organization})"] = str(organization)
            replacements[f"{name} ({_short(organization)})"] = str(organization)
        replacements.setdefault(name, neutral_name())
    for written in sorted(replacements, key=len, reverse=True):  # « Name (Org) » before « Name »
        text = text.replace(written, replacements[written])
    return text


def privacy_contact() -> dict[str, str]:
    """Law 25's person responsible for the protection of personal information, as the footer and the
    privacy page name it: {"url"} or {"email"} from PRIVACY_CONTACT, else the instance's contact
    address (INSTANCE_CONTACT_EMAIL), else {} (the pages then send to the table's coordination)."""
    from django.conf import settings

    from .signup import instance_contact

    contact = (getattr(settings, "PRIVACY_CONTACT", "") or "").strip()
    if contact.startswith(("https://", "http://")):
        return {"url": contact}
    if contact:
        return {"email": contact}
    email = instance_contact()["email"]
    return {"email": email} if email else {}
