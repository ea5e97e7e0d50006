"""Build the demo territory: the Table de quartier Pointe-aux-Hérons of DOMAIN.md.

Everything is fictional. The territory's content is data, in demo/data/ (see its README.md); the
builders (build_directory, build_decisions, build_meetings, build_plan) read it and write every object
through the project's services, so that the demo follows the domain's rules. Its dates are relative
to the day it is loaded (demo/timeline.py).

The loader is idempotent: when the territory already exists it only makes sure the demo accounts
exist and sign in with the demo password. ``reset=True`` deletes the demo territory and every demo
person first, then rebuilds.

The demo is built by the functions of ``STEPS``, in order, each receiving a ``DemoContext``; data
that must be deleted before the territory (a ``PROTECT`` foreign key) is deleted by the functions of
``RESET_STEPS``, which run first on ``reset=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from concertation.decisions.models import Proposal
from concertation.demo.build_announcements import build_announcements
from concertation.demo.build_assessment import build_assessment
from concertation.demo.build_decisions import build_proposals, delete_proposals, open_proposal_days
from concertation.demo.build_directory import (
    build_charters,
    build_coordinators,
    build_memberships,
    build_organizations,
    build_people,
    build_roles,
    build_spaces,
    build_territory,
    ensure_demo_accounts,
)
from concertation.demo.build_discussions import build_discussions
from concertation.demo.build_documents import build_documents, delete_documents
from concertation.demo.build_history import build_history
from concertation.demo.build_meetings import build_meetings, build_next_meeting, delete_meetings
from concertation.demo.build_plan import build_plan, delete_plan
from concertation.demo.build_portrait import build_portrait
from concertation.demo.build_practices import build_practices
from concertation.demo.build_public import build_public_pages
from concertation.demo.build_references import build_references
from concertation.demo.context import (
    ACCOUNT_EMAILS,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    TERRITORY_NAME,
    TERRITORY_SLUG,
    DemoAccount,
    DemoContext,
    demo_emails,
)
from concertation.directory.models import Organization, Territory
from concertation.search import signals as search_signals
from concertation.spaces.models import Charter, Delegation, Membership, Role, RoleAssignment, Space
from concertation.spaces.selectors import assignment_current_q, current_q

__all__ = ["ACCOUNT_EMAILS", "ASSEMBLY", "COMMITTEE", "DEMO_ACCOUNTS", "DEMO_PASSWORD", "OPEN_PROPOSAL_DAYS",
           "TERRITORY_NAME", "TERRITORY_SLUG", "DemoAccount", "DemoContext", "DemoSummary", "load_demo"]

# The slugs of two spaces of spaces.toml, which the tests look up.
ASSEMBLY = "assemblee-des-partenaires"
COMMITTEE = "comite-de-coordination"
OPEN_PROPOSAL_DAYS = open_proposal_days()  # the open proposal closes this many days after the load


@dataclass
class DemoSummary:
    territory_name: str = TERRITORY_NAME
    territory_slug: str = TERRITORY_SLUG
    already_loaded: bool = False
    reset: bool = False
    organizations: int = 0
    citizens: int = 0
    spaces: int = 0
    memberships: int = 0
    delegations: int = 0
    roles: int = 0
    role_assignments: int = 0
    charters: int = 0
    people: int = 0
    accounts: int = 0
    decisions: int = 0
    open_proposals: int = 0
    loaded_on: date | None = None  # the day its dates follow (demo/timeline.py)

    def lines(self) -> list[str]:
        return [
            f"Organismes / organizations : {self.organizations}",
            f"Citoyennes et citoyens / citizens : {self.citizens}",
            f"Espaces / spaces : {self.spaces}",
            f"Adhésions / memberships : {self.memberships}",
            f"Délégations en cours / current delegations : {self.delegations}",
            f"Rôles / roles : {self.roles} ({self.role_assignments} mandats en cours / current terms)",
            f"Chartes en vigueur / charters in force : {self.charters}",
            f"Personnes / people : {self.people} (dont {self.accounts} comptes de démo / demo accounts)",
            f"Décisions au registre / decisions in the register : {self.decisions}",
            f"Propositions ouvertes / open proposals : {self.open_proposals}",
        ]


Step = tuple[str, Callable[[DemoContext], None]]

STEPS: list[Step] = [
    ("Comptes de démo / demo accounts", ensure_demo_accounts),
    ("Territoire, secteurs et collèges / territory, sectors, colleges", build_territory),
    ("Personnes / people", build_people),
    ("Organismes / organizations", build_organizations),
    ("Espaces / spaces", build_spaces),
    ("Adhésions et délégations / memberships and delegations", build_memberships),
    ("Rôles et mandats / roles and terms", build_roles),
    ("Chartes / charters", build_charters),
    ("Coordination du territoire / territory coordinators", build_coordinators),
    ("Pages publiques / public pages", build_public_pages),
    ("Propositions et décisions / proposals and decisions", build_proposals),
    ("Bibliothèque de documents / document library", build_documents),
    ("Rencontres passées / past meetings", build_meetings),
    ("L'année précédente / the year before", build_history),
    ("Plan de quartier / the neighbourhood plan", build_plan),
    ("Fiches d'expérience / practice sheets", build_practices),
    ("Portrait du territoire / the territory's portrait", build_portrait),
    ("Discussions / discussions", build_discussions),
    ("Prochaine assemblée, convoquée / the next assembly, convened", build_next_meeting),
    ("Repères / references", build_references),
    ("Annonces / announcements", build_announcements),
    ("Autoévaluation / self-assessment", build_assessment),
]

# Run first on reset=True, before the territory is deleted (for data that PROTECTs it).
RESET_STEPS: list[Step] = [
    ("Plan de quartier / the neighbourhood plan", delete_plan),
    ("Rencontres / meetings", delete_meetings),
    ("Bibliothèque de documents / document library", delete_documents),
    ("Propositions et décisions / proposals and decisions", delete_proposals),
]


def delete_demo(ctx: DemoContext) -> None:
    """Delete the demo territory and every demo person."""
    territory = Territory.objects.filter(slug=TERRITORY_SLUG).first()
    ctx.territory = territory
    for label, step in RESET_STEPS:
        ctx.say(f"  - {label}")
        step(ctx)
    if territory is not None:
        spaces = Space.objects.filter(territory=territory)
        spaces.update(parent=None)  # the tree PROTECTs parents: flatten it, then delete
        spaces.delete()
        Organization.objects.filter(territory=territory).delete()
        territory.delete()
    get_user_model().objects.filter(email__in=demo_emails()).delete()
    ctx.territory = None
    ctx._cache.clear()


def summarize(summary: DemoSummary) -> DemoSummary:
    User = get_user_model()
    territory = Territory.objects.filter(slug=TERRITORY_SLUG).first()
    summary.accounts = User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS]).count()
    summary.people = User.objects.filter(email__in=demo_emails()).count()
    if territory is None:
        return summary
    summary.territory_name = territory.name
    summary.loaded_on = timezone.localdate(territory.created_at)
    summary.organizations = territory.organizations.count()
    summary.spaces = territory.spaces.count()
    memberships = Membership.objects.filter(space__territory=territory)
    summary.memberships = memberships.count()
    summary.citizens = memberships.filter(person__isnull=False).values("person").distinct().count()
    summary.delegations = Delegation.objects.filter(current_q(), membership__space__territory=territory).count()
    summary.roles = Role.objects.filter(space__territory=territory).count()
    summary.role_assignments = RoleAssignment.objects.filter(
        assignment_current_q(), role__space__territory=territory
    ).count()
    summary.charters = Charter.objects.filter(space__territory=territory, in_force=True).count()
    proposals = Proposal.objects.filter(space__territory=territory)
    summary.decisions = proposals.filter(status=Proposal.Status.DECIDED).count()
    summary.open_proposals = proposals.filter(status=Proposal.Status.OPEN).count()
    return summary


def _index_for_search(ctx) -> None:
    """The search index of the demo (issue 17), built once at the end (the builders write with the
    index paused, and some write dates and states with queryset updates)."""
    from concertation.knowledge.models import Reference
    from concertation.search.index import rebuild, reindex

    territory = Territory.objects.filter(slug=TERRITORY_SLUG).first()
    if territory is not None:
        ctx.say("  - index de recherche / search index")
        rebuild(territory.pk)
        for reference in Reference.objects.filter(territory__isnull=True):  # the instance's, added by the demo
            reindex(reference)


def load_demo(*, reset: bool = False, stdout=None) -> DemoSummary:
    """Build the demo territory (idempotent); ``reset=True`` deletes it first, then rebuilds. Its
    dates are relative to today (demo/timeline.py)."""
    ctx = DemoContext(today=timezone.localdate(), stdout=stdout)
    summary = DemoSummary(reset=reset)
    with transaction.atomic():
        if reset:
            ctx.say("Suppression de la démo / deleting the demo")
            delete_demo(ctx)
        if Territory.objects.filter(slug=TERRITORY_SLUG).exists():
            ctx.say("Démo déjà chargée / demo already loaded")
            ensure_demo_accounts(ctx)
            summary.already_loaded = True
        else:
            with search_signals.paused():  # one rebuild at the end instead of a reindex per row
                for label, step in STEPS:
                    ctx.say(f"  - {label}")
                    step(ctx)
            _index_for_search(ctx)
    return summarize(summary)
