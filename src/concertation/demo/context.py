"""What the demo's builders share: the data files (demo/data/, see its README.md), French typography,
the demo's people and accounts, and the context of one load (``DemoContext``)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from concertation.accounts.services import person_for_email
from concertation.core.formatting import NBSP
from concertation.demo.timeline import Timeline
from concertation.directory.models import College, Organization, Sector, Territory
from concertation.spaces.models import Space


def fr(text: str) -> str:
    """French typography: non-breaking spaces before « : » and « % » and inside guillemets."""
    return (
        text.replace(" :", f"{NBSP}:")
        .replace(" %", f"{NBSP}%")
        .replace("« ", f"«{NBSP}")
        .replace(" »", f"{NBSP}»")
        .replace(" $", f"{NBSP}$")
    )


def money(text: str) -> str:
    """fr() plus non-breaking spaces between groups of digits: « 120 000 $ »."""
    return fr(re.sub(r"(?<=\d) (?=\d{3}\b)", NBSP, text))


@cache
def data(name: str) -> dict:
    """The data file demo/data/<name>.toml."""
    return tomllib.loads((resources.files("concertation.demo") / "data" / f"{name}.toml").read_text("utf-8"))


# The demo accounts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoAccount:
    kind: str  # coordinator, facilitator, delegate, citizen, observer, admin
    email: str
    name: str
    role_fr: str
    role_en: str
    is_admin: bool = False


DEMO_PASSWORD: str = data("accounts")["password"]
# One account per kind of user; the README, the `demo` command and the tests read this list.
DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(a["kind"], a["email"], a["name"], fr(a["role_fr"]), a["role_en"], a.get("is_admin", False))
    for a in data("accounts")["accounts"]
]
ACCOUNT_EMAILS = {account.kind: account.email for account in DEMO_ACCOUNTS}
TERRITORY_SLUG: str = data("territory")["slug"]
TERRITORY_NAME: str = data("territory")["name"]
ARRONDISSEMENT: str = data("territory")["borough"]


# The demo's people ------------------------------------------------------------------------------

@cache
def organizations() -> dict[str, dict]:
    """The organizations of territory.toml by key."""
    return {organization["key"]: organization for organization in data("territory")["organizations"]}


def full_name(person: dict) -> str:
    return f"{person['first']} {person['last']}"


def email_of(person: dict, domain: str = "") -> str:
    """A person's e-mail: the one given, or prenom.nom@<domain of the organization>."""
    return person.get("email") or f"{slugify(person['first'])}.{slugify(person['last'])}@{domain}"


def email_for(ref: str) -> str:
    """The e-mail of a person of the data files: an e-mail, or delegate:KEY / alternate:KEY."""
    kind, _, key = ref.partition(":")
    if kind in {"delegate", "alternate"} and key:
        organization = organizations()[key]
        return email_of(organization[kind], organization["domain"])
    return ref


def all_demo_people() -> list[tuple[dict, str]]:
    """Every fictional person of the demo, with their e-mail address (the demo accounts among them)."""
    people = []
    for organization in organizations().values():
        for kind in ("delegate", "alternate"):
            people.append((organization[kind], email_of(organization[kind], organization["domain"])))
    for organization in organizations().values():
        if "former_delegate" in organization:
            person = organization["former_delegate"]
            people.append((person, email_of(person, organization["domain"])))
    people.extend((citizen, citizen["email"]) for citizen in data("territory")["citizens"])
    return people


def demo_emails() -> set[str]:
    emails = {email.lower() for _person, email in all_demo_people()}
    emails |= {account.email.lower() for account in DEMO_ACCOUNTS}
    return emails


def demo_person(email: str, name: str, *, password: str | None = None, is_admin: bool = False):
    """The person with this address, created if missing, active, their address verified;
    ``password=None`` leaves a new person's password unusable (only the demo accounts sign in)."""
    return person_for_email(email, display_name=name, password=password, is_admin=is_admin)


# The context of one load -----------------------------------------------------------------------

@dataclass
class DemoContext:
    """What the steps share. Lookups read the database, so a step never depends on an earlier run."""

    today: date
    stdout: object | None = None
    territory: Territory | None = None
    _cache: dict = field(default_factory=dict)

    @property
    def timeline(self) -> Timeline:
        return Timeline(self.today)

    def on(self, spec: str) -> date:
        """The date a relative date of the data files falls on (demo/timeline.py)."""
        return self.timeline.resolve(spec)

    def past(self, spec: str) -> date:
        """A relative date, never later than yesterday (members must be current today)."""
        return min(self.on(spec), self.today - timedelta(days=1))

    def at(self, spec: str) -> datetime:
        """A relative date with its local time: ``"-22w thu 19:15"``."""
        return self.timeline.moment(spec)

    def t(self, text: str) -> str:
        """A text of the story, its dates written out, in French typography (with amounts)."""
        return money(self.timeline.text(text or ""))

    def say(self, line: str) -> None:
        if self.stdout is not None:
            self.stdout.write(line + "\n")

    def _get(self, kind: str, key, fetch):
        cache = self._cache.setdefault(kind, {})
        if key not in cache:
            cache[key] = fetch()
        return cache[key]

    def remember(self, kind: str, key, value) -> None:
        self._cache.setdefault(kind, {})[key] = value

    def college(self, slug: str) -> College:
        return self._get("college", slug, lambda: College.objects.get(territory=self.territory, slug=slug))

    def sector(self, name: str) -> Sector:
        return self._get("sector", name, lambda: Sector.objects.get(territory=self.territory, name=name))

    def organization(self, key: str) -> Organization:
        name = organizations()[key]["name"]
        return self._get("organization", key, lambda: Organization.objects.get(territory=self.territory, name=name))

    def person(self, ref: str):
        """A person of the data files: an e-mail, or delegate:KEY / alternate:KEY."""
        email = email_for(ref)
        User = get_user_model()
        return self._get("person", email.lower(), lambda: User.objects.get(email__iexact=email))

    def space(self, slug: str) -> Space:
        return self._get("space", slug, lambda: Space.objects.get(territory=self.territory, slug=slug))

    def delegate_of(self, key: str):
        return self.person(f"delegate:{key}")

    def alternate_of(self, key: str):
        return self.person(f"alternate:{key}")
