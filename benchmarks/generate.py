"""Build a synthetic territory for the benchmarks, deterministically, with bulk inserts.

    python benchmarks/generate.py --scale S|M|L [--database-url URL] [--seed N]

Scale S is the demo territory (``concertation.demo.loader.load_demo()``) plus a few proposals,
ballots, comments and meetings, and its plan grows by 30 activities, 10 indicators and 200
measurements; scale L is a large territory (issue 7): 50 spaces, 500 organizations, 5 000 people,
memberships with delegates, roles with terms, versioned charters, 5 000 proposals with 200 000
ballots (results from the real tally), 20 000 comments, 2 000 meetings with 20 000 agenda items
(attendance, minutes, RSVPs, follow-ups), 14 plans (the assembly's adopted plan in force has
1 200 of the 3 000 activities and 200 of the 500 indicators) with 50 000 measurements; scale M is
built like L with about a third of everything (20 spaces, 150 organizations, 1 500 people). Everything
comes from ``random.Random(seed)``: two runs with the same seed give the same territory (only timestamps
differ; at S the demo's own receipt codes are random too).

Without ``--database-url`` (or DATABASE_URL) the database is a fresh SQLite file,
var/bench-<scale>.sqlite3, removed first if it exists. A PostgreSQL database must be empty of
Concertation data (``scripts/pg-throwaway.sh`` gives a fresh one). Migrations run first.

The work is a list of steps, ``STEPS``, each a function of the ``Context`` that returns what it
created (printed with the elapsed time). Later capabilities add their steps there (a step with no
function is printed as ``pending``), and their pages to ``benchmarks/pages.py``.

Both scales create the benchmark accounts of ``common.py``: a coordinator of the territory
(``coordination@banc.concertation.test``) and a member (``membre@banc.concertation.test``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

try:
    from benchmarks import common
except ImportError:  # run as a script: benchmarks/ is on sys.path
    import common


@dataclass(frozen=True)
class Scale:
    name: str
    spaces: int
    organizations: int
    people: int
    proposals: int
    ballots: int
    comments: int
    meetings: int = 0
    agenda_items: int = 0
    activities: int = 0
    indicators: int = 0
    measurements: int = 0
    documents: int = 0


SCALES = {
    # S: the demo (its own spaces, organizations and people) plus a little.
    "S": Scale("S", spaces=0, organizations=0, people=0, proposals=40, ballots=600, comments=150,
               meetings=12, agenda_items=80, activities=30, indicators=10, measurements=200,
               documents=60),
    # M: a mid-sized territory built like L (about a third of it): the realistic load's default.
    "M": Scale("M", spaces=20, organizations=150, people=1500, proposals=1200, ballots=40_000, comments=5000,
               meetings=500, agenda_items=5000, activities=800, indicators=120, measurements=12_000,
               documents=1500),
    "L": Scale("L", spaces=50, organizations=500, people=5000, proposals=5000, ballots=200_000, comments=20_000,
               meetings=2000, agenda_items=20_000, activities=3000, indicators=500, measurements=50_000,
               documents=5000),
}

BATCH = 2000
L_TERRITORY_SLUG = "banc-essai"
L_TERRITORY_NAME = "Territoire d'essai des Quatre-Rivières"


# -- the context every step receives ------------------------------------------------------------


@dataclass
class Voter:
    key: str
    person_id: int | None
    organization_id: int | None
    caster_id: int
    college_slug: str


@dataclass
class Context:
    scale: Scale
    seed: int
    rng: random.Random
    today: date
    now: datetime
    progress: common.Progress
    password_hash: str = ""
    unusable_hash: str = ""
    territory: object = None
    coordinator: object = None
    member: object = None
    colleges: dict = field(default_factory=dict)          # slug → College
    sectors: list = field(default_factory=list)
    people: list = field(default_factory=list)            # user ids (generated people)
    organizations: list = field(default_factory=list)     # Organization
    staff: dict = field(default_factory=dict)             # organization id → [person id…] (delegate, alternate, other)
    spaces: list = field(default_factory=list)            # Space, in order (spaces[0] is the assembly)
    # filled by collect_structure(), at both scales
    voters: dict = field(default_factory=dict)            # space id → [Voter]
    members: dict = field(default_factory=dict)           # space id → [person id] who may write there
    charters: dict = field(default_factory=dict)          # space id → Charter in force
    proposals: list = field(default_factory=list)         # Proposal
    ballots_by_proposal: dict = field(default_factory=dict)  # proposal id → count
    citizens: list = field(default_factory=list)          # person ids free to sit as citizens (L)
    option_keys: dict = field(default_factory=dict)       # proposal id → [str(option id)…]
    # filled by the plan's steps
    plans: list = field(default_factory=list)             # PlanDraft, the plans being filled

    def say(self, text: str) -> None:
        self.progress.note(text)


def bulk(model, objects, batch_size: int = BATCH) -> list:
    """bulk_create in batches; returns the objects (with their ids on SQLite ≥ 3.35 and PostgreSQL)."""
    created = []
    for start in range(0, len(objects), batch_size):
        created += model.objects.bulk_create(objects[start:start + batch_size])
    return created


# -- names ------------------------------------------------------------------------------------

FIRST = ["Amina", "Benoît", "Chantal", "Daniel", "Élise", "François", "Geneviève", "Hugo", "Isabelle", "Jamal",
         "Karine", "Louis", "Mélanie", "Nicolas", "Océane", "Patrick", "Rosalie", "Samuel", "Thi Lan", "Ulysse",
         "Valérie", "William", "Yasmine", "Zacharie", "Aïcha", "Bruno", "Carole", "Dominic", "Émilie", "Fabrice",
         "Gabrielle", "Hélène", "Ismaël", "Julie", "Kevin", "Laurence", "Mathieu", "Nadia", "Olivier", "Pascale"]
LAST = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné",
        "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette", "Girard", "Simard",
        "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Fournier", "Lapointe", "Leclerc",
        "Lefebvre", "Poulin", "Thibault", "St-Pierre", "Nadeau", "Martin", "Landry", "Martel", "Bédard",
        "Grenier", "Lessard", "Diallo", "Nguyen", "Haddad", "Cherif", "Martínez", "Joseph", "Jean-Baptiste",
        "Mercier", "Dion", "Lachance", "Turcotte", "Vachon", "Hébert", "Michaud", "Desjardins", "Proulx",
        "Savard", "Giroux", "Charbonneau", "Picard", "Benoit"]
ORG_PREFIXES = ["Centre", "Maison", "Comité", "Carrefour", "Coopérative", "Regroupement", "Association",
                "Collectif", "Réseau", "Corporation", "Service", "Halte", "Table", "Atelier", "Entraide"]
ORG_THEMES = ["des familles", "logement", "jeunesse", "des aînés", "alimentaire", "d'alphabétisation",
              "d'accueil", "d'emploi", "culturel", "de santé", "des femmes", "d'éducation populaire",
              "en environnement", "de loisirs", "en sécurité urbaine", "d'économie sociale", "en petite enfance"]
PLACES = ["du Quai", "des Hérons", "de la Pointe", "du Parc", "Saint-Joseph", "des Érables", "des Rivières",
          "du Vieux-Moulin", "de la Gare", "Sainte-Claire", "du Ruisseau", "des Îles", "du Plateau", "des Saules"]
SECTORS = ["Famille", "Sécurité alimentaire", "Logement", "Emploi et insertion", "Éducation populaire",
           "Personnes aînées", "Accueil des personnes immigrantes", "Jeunesse", "Santé et services sociaux",
           "Éducation", "Développement social", "Finance solidaire", "Philanthropie", "Environnement", "Culture"]
COLLEGES = {  # slug → (name, kind, weight of organizations)
    "communautaire": ("Communautaire", "community", 70),
    "institutionnel": ("Institutionnel", "institutional", 12),
    "municipal": ("Municipal", "municipal", 5),
    "citoyen": ("Citoyen", "citizen", 0),
    "prive": ("Privé", "private", 8),
    "bailleur": ("Bailleur de fonds", "funder", 5),
}
TABLE_THEMES = ["Logement", "Sécurité alimentaire", "Réussite éducative", "Aînés", "Mobilité", "Environnement",
                "Culture et loisirs", "Emploi", "Immigration", "Santé"]
GROUP_TOPICS = ["Plan d'action", "Mobilisation citoyenne", "Budget participatif", "Portrait de quartier",
                "Fête de quartier", "Communications", "Jardins collectifs", "Transport actif", "Friche urbaine",
                "Halte-chaleur", "Cuisine collective", "Aide aux devoirs", "Persévérance scolaire", "Bibliothèque",
                "Parc riverain", "Salubrité des logements", "Épicerie solidaire", "Accès aux services"]
PROPOSAL_VERBS = ["Adopter", "Approuver", "Reconduire", "Modifier", "Financer", "Lancer", "Prioriser", "Confier",
                  "Réviser", "Soutenir"]
PROPOSAL_OBJECTS = ["le plan d'action annuel", "le budget du projet", "la démarche de consultation",
                    "la répartition de l'enveloppe", "la lettre d'appui", "la position sur le zonage",
                    "le calendrier des rencontres", "la politique d'accueil", "le mandat du comité",
                    "la campagne de mobilisation", "le portrait du quartier", "les priorités de l'année",
                    "l'entente de partenariat", "la demande de subvention", "le bilan de l'activité"]
SENTENCES = [
    "La proposition découle des échanges de la dernière rencontre.",
    "Elle vise les ménages locataires les plus touchés par la hausse des loyers.",
    "Le budget prévu est de 12 500 $ sur deux ans.",
    "Les organismes porteurs présenteront un suivi à chaque assemblée.",
    "Un comité de suivi sera formé de trois membres votants.",
    "Cette option respecte les priorités du plan de quartier 2025-2030.",
    "Les personnes citoyennes seront consultées avant la mise en œuvre.",
    "La démarche sera évaluée après six mois.",
]
COMMENTS = [
    "Je suis d'accord avec l'orientation, mais le calendrier me semble serré.",
    "Notre organisme peut contribuer à la mobilisation.",
    "Avons-nous vérifié l'admissibilité au financement?",
    "Je propose d'ajouter une évaluation à mi-parcours.",
    "Merci pour le travail de préparation.",
    "Il faudrait inclure les personnes aînées dans la consultation.",
    "Je m'abstiendrai : conflit d'intérêts possible.",
    "Pouvons-nous reporter ce point à la prochaine rencontre?",
]
ROLES = [("Coordination", "coordination"), ("Animation", "facilitation"), ("Secrétariat", "secretary"),
         ("Coprésidence", "co_chair"), ("Porte-parole", "spokesperson"), ("Trésorerie", "treasurer"),
         ("Gardien ou gardienne du temps", "timekeeper"), ("Fiduciaire", "fiscal_sponsor"), ("Liaison", "other")]


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def paragraph(rng: random.Random, n: int = 3) -> str:
    return " ".join(rng.sample(SENTENCES, n))


# -- steps --------------------------------------------------------------------------------------


def step_migrate(ctx: Context) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from concertation.directory.models import Territory

    if Territory.objects.exists():
        raise SystemExit("generate: the database already holds territories; use a fresh one "
                         "(scripts/pg-throwaway.sh for PostgreSQL, or the default SQLite file).")
    return "applied"


def step_hashes(ctx: Context) -> dict:
    """Hash once: every generated person shares one unusable-password string (never a hash each)."""
    from django.contrib.auth.hashers import make_password

    ctx.password_hash = make_password(common.BENCH_PASSWORD)
    ctx.unusable_hash = make_password(None)
    return {"password hashes": 2}


def step_demo(ctx: Context) -> dict:
    from concertation.demo.loader import TERRITORY_SLUG, load_demo
    from concertation.directory.models import College, Organization, Territory
    from concertation.spaces.models import Space

    summary = load_demo()
    ctx.territory = Territory.objects.get(slug=TERRITORY_SLUG)
    ctx.colleges = {college.slug: college for college in College.objects.filter(territory=ctx.territory)}
    ctx.organizations = list(Organization.objects.filter(territory=ctx.territory).order_by("pk"))
    ctx.spaces = list(Space.objects.filter(territory=ctx.territory).order_by("position", "pk"))
    return {"spaces": summary.spaces, "organizations": summary.organizations, "people": summary.people,
            "memberships": summary.memberships}


def step_accounts(ctx: Context) -> dict:
    """The benchmark accounts (a known password, hashed once) and, at L, the generated people."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    ctx.coordinator = User.objects.create(email=common.COORDINATOR_EMAIL, display_name="Coordination (banc d'essai)",
                                          password=ctx.password_hash)
    ctx.member = User.objects.create(email=common.MEMBER_EMAIL, display_name="Membre (banc d'essai)",
                                     password=ctx.password_hash)
    count = ctx.scale.people - 2
    rng = ctx.rng
    users = [
        User(email=f"personne{n:05d}@{common.BENCH_DOMAIN}", display_name=person_name(rng),
             password=ctx.unusable_hash, preferred_language="en" if rng.random() < 0.1 else "fr-ca")
        for n in range(max(count, 0))
    ]
    ctx.people = [user.pk for user in bulk(User, users)]
    return {"accounts": 2, "people": len(ctx.people)}


def step_territory(ctx: Context) -> dict:
    from concertation.directory.models import College, Sector, Territory

    ctx.territory = Territory.objects.create(
        name=L_TERRITORY_NAME, slug=L_TERRITORY_SLUG, kind=Territory.Kind.MRC,
        description="Territoire fictif du banc d'essai de performance : données synthétiques.",
        public_pages=True,  # its public window (issue 18) is measured too
    )
    ctx.sectors = bulk(Sector, [Sector(territory=ctx.territory, name=name) for name in SECTORS])
    colleges = bulk(College, [College(territory=ctx.territory, name=name, slug=slug, kind=kind)
                              for slug, (name, kind, _w) in COLLEGES.items()])
    ctx.colleges = {college.slug: college for college in colleges}
    return {"territories": 1, "sectors": len(ctx.sectors), "colleges": len(colleges)}


def step_organizations(ctx: Context) -> dict:
    from concertation.directory.models import Affiliation, Organization

    rng = ctx.rng
    org_colleges = [slug for slug, (_n, _k, weight) in COLLEGES.items() if weight]
    weights = [COLLEGES[slug][2] for slug in org_colleges]
    names: set[str] = set()
    organizations = []
    for n in range(ctx.scale.organizations):
        name = f"{rng.choice(ORG_PREFIXES)} {rng.choice(ORG_THEMES)} {rng.choice(PLACES)}"
        if name in names:
            name = f"{name} {n}"
        names.add(name)
        acronym = "".join(word[0] for word in name.split() if word[0].isupper())[:8]
        organizations.append(Organization(
            territory=ctx.territory, name=name, acronym=acronym, sector=rng.choice(ctx.sectors),
            college=ctx.colleges[rng.choices(org_colleges, weights)[0]], description=paragraph(rng, 2),
            website=f"https://org{n}.example/", address=f"{rng.randint(10, 9999)}, rue {rng.choice(PLACES)[3:]}",
            contact_name=person_name(rng), contact_email=f"info@org{n}.example", contact_phone="514 555-0100",
            active=rng.random() > 0.03,
        ))
    ctx.organizations = bulk(Organization, organizations)
    # Three staff per organization: delegate, alternate, a third (a former delegate for some).
    pool = list(ctx.people)
    rng.shuffle(pool)
    affiliations = []
    cursor = 0
    for organization in ctx.organizations:
        staff = pool[cursor:cursor + 3]
        cursor += 3
        ctx.staff[organization.pk] = staff
        for person_id in staff:
            affiliations.append(Affiliation(person_id=person_id, organization=organization,
                                            title=rng.choice(["Direction", "Coordination", "Intervention"]),
                                            start=ctx.today - timedelta(days=rng.randint(200, 3000))))
    # The benchmark member is the delegate of the first organization.
    first = ctx.organizations[0]
    ctx.staff[first.pk][0] = ctx.member.pk
    affiliations.append(Affiliation(person=ctx.member, organization=first, title="Direction",
                                    start=ctx.today - timedelta(days=900)))
    ctx.citizens = pool[cursor:]
    bulk(Affiliation, affiliations)
    return {"organizations": len(ctx.organizations), "affiliations": len(affiliations)}


def step_spaces(ctx: Context) -> dict:
    from concertation.spaces.models import Space

    rng = ctx.rng
    n = ctx.scale.spaces
    assembly = Space.objects.create(
        territory=ctx.territory, name="Assemblée des partenaires", slug="assemblee", kind=Space.Kind.ASSEMBLY,
        visibility=Space.Visibility.PUBLIC, position=0, mandate=paragraph(rng, 4),
    )
    committee = Space.objects.create(
        territory=ctx.territory, parent=assembly, name="Comité de coordination", slug="comite-de-coordination",
        kind=Space.Kind.COORDINATION_COMMITTEE, visibility=Space.Visibility.MEMBERS, position=1,
        mandate=paragraph(rng, 3),
    )
    tables = []
    for i in range(min(8, max(n - 2, 0))):
        theme = TABLE_THEMES[i % len(TABLE_THEMES)]
        tables.append(Space(territory=ctx.territory, parent=assembly, name=f"Table {theme.lower()}",
                            slug=f"table-{i + 1}", kind=Space.Kind.TABLE, visibility=Space.Visibility.TERRITORY,
                            position=2 + i, mandate=paragraph(rng, 3)))
    tables = bulk(Space, tables)
    groups = []
    for i in range(max(n - 2 - len(tables), 0)):
        visibility = rng.choices(["territory", "members", "public"], [60, 30, 10])[0]
        status = rng.choices(["active", "dormant", "closed"], [88, 8, 4])[0]
        kind = rng.choice([Space.Kind.WORKING_GROUP, Space.Kind.WORKING_GROUP, Space.Kind.AD_HOC_COMMITTEE])
        groups.append(Space(territory=ctx.territory, parent=tables[i % len(tables)] if tables else assembly,
                            name=f"{GROUP_TOPICS[i % len(GROUP_TOPICS)]} {i + 1}", slug=f"groupe-{i + 1}",
                            kind=kind, visibility=visibility, status=status, position=20 + i,
                            mandate=paragraph(rng, 2)))
    groups = bulk(Space, groups)
    ctx.spaces = [assembly, committee, *tables, *groups]
    return {"spaces": len(ctx.spaces)}


def step_memberships(ctx: Context) -> dict:
    from concertation.spaces.models import Delegation, Membership

    rng = ctx.rng
    today = ctx.today
    citizen_college = ctx.colleges["citoyen"]
    memberships, former = [], []
    first = ctx.organizations[0]
    for index, space in enumerate(ctx.spaces):
        if index == 0:  # the assembly: every organization, a tenth as observers, and 60 citizens
            orgs, citizens = list(ctx.organizations), rng.sample(ctx.citizens, min(60, len(ctx.citizens)))
        elif index == 1:
            orgs, citizens = rng.sample(ctx.organizations[1:], 10) + [first], rng.sample(ctx.citizens, 3)
        elif space.kind == "table":
            orgs = rng.sample(ctx.organizations[1:], rng.randint(40, 90)) + [first]
            citizens = rng.sample(ctx.citizens, rng.randint(5, 15))
        else:
            orgs = rng.sample(ctx.organizations[1:], rng.randint(8, 35))
            if index < 13:
                orgs.append(first)
            citizens = rng.sample(ctx.citizens, rng.randint(0, 10))
        for organization in orgs:
            category = "observer" if (index == 0 and rng.random() < 0.1 and organization is not first) else (
                "guest" if rng.random() < 0.04 and organization is not first else "voting")
            memberships.append(Membership(space=space, organization=organization, category=category,
                                          start=today - timedelta(days=rng.randint(30, 2500))))
        for person_id in citizens:
            memberships.append(Membership(space=space, person_id=person_id, category="voting",
                                          college=citizen_college, note="Siège citoyen",
                                          start=today - timedelta(days=rng.randint(30, 1500))))
        # Former members: organizations that left.
        present = {organization.pk for organization in orgs}
        leavers = [o for o in rng.sample(ctx.organizations, min(12, len(ctx.organizations))) if o.pk not in present]
        for organization in leavers[: rng.randint(0, 6)]:
            start = today - timedelta(days=rng.randint(1500, 3000))
            former.append(Membership(space=space, organization=organization, category="voting", start=start,
                                     end=start + timedelta(days=rng.randint(100, 1000))))
    memberships = bulk(Membership, memberships + former)
    delegations = []
    for membership in memberships:
        if membership.organization_id is None:
            continue
        delegate, alternate, third = ctx.staff[membership.organization_id]
        end = membership.end
        delegations.append(Delegation(membership=membership, person_id=delegate, kind="delegate",
                                      start=membership.start, end=end))
        delegations.append(Delegation(membership=membership, person_id=alternate, kind="alternate",
                                      start=membership.start, end=end))
        if end is None and rng.random() < 0.15:  # a former delegate, before the current one
            delegations.append(Delegation(membership=membership, person_id=third, kind="delegate",
                                          start=membership.start - timedelta(days=800),
                                          end=membership.start - timedelta(days=1)))
    bulk(Delegation, delegations)
    return {"memberships": len(memberships), "former memberships": len(former), "delegations": len(delegations)}


def step_roles(ctx: Context) -> dict:
    from concertation.spaces.models import Membership, Role, RoleAssignment

    rng = ctx.rng
    today = ctx.today
    roles = []
    for index, space in enumerate(ctx.spaces):
        chosen = ROLES[:1] + rng.sample(ROLES[1:], rng.randint(1, 5)) if index == 0 else rng.sample(ROLES[1:], rng.randint(2, 5))
        for position, (name, kind) in enumerate(chosen):
            roles.append(Role(space=space, name=name, kind=kind, position=position,
                              purpose=paragraph(rng, 1), responsibilities=paragraph(rng, 2),
                              term_months=rng.choice([None, 6, 12, 24]), seats=2 if kind == "co_chair" else 1))
    roles = bulk(Role, roles)
    # Holders: delegates (with their organization) or citizens of the space.
    holders = defaultdict(list)
    for membership in Membership.objects.filter(end__isnull=True, space__territory=ctx.territory).values(
            "space_id", "organization_id", "person_id"):
        if membership["organization_id"]:
            holders[membership["space_id"]].append(
                (ctx.staff[membership["organization_id"]][0], membership["organization_id"]))
        else:
            holders[membership["space_id"]].append((membership["person_id"], None))
    assignments = []
    for role in roles:
        if role.kind == "coordination":
            assignments.append(RoleAssignment(role=role, person=ctx.coordinator, start=today - timedelta(days=700)))
            continue
        candidates = holders[role.space_id]
        if not candidates:
            continue
        for _seat in range(role.seats):
            person_id, organization_id = rng.choice(candidates)
            start = today - timedelta(days=rng.randint(10, 500))
            end = start + timedelta(days=30 * (role.term_months or 12)) if role.term_months else None
            if end is not None and end < today:
                end = today + timedelta(days=rng.randint(5, 200))
            assignments.append(RoleAssignment(role=role, person_id=person_id, organization_id=organization_id,
                                              start=start, end=end))
            for _previous in range(rng.randint(0, 2)):  # earlier terms, completed
                person_id, organization_id = rng.choice(candidates)
                old_start = start - timedelta(days=rng.randint(400, 900))
                ended = old_start + timedelta(days=rng.randint(100, 360))
                assignments.append(RoleAssignment(
                    role=role, person_id=person_id, organization_id=organization_id, start=old_start,
                    end=ended, ended_on=ended, end_reason=rng.choice(["term_completed", "resigned", "replaced"]),
                ))
    bulk(RoleAssignment, assignments)
    return {"roles": len(roles), "role assignments": len(assignments)}


def step_charters(ctx: Context) -> dict:
    from concertation.spaces.models import Charter

    rng = ctx.rng
    charters = []
    for index, space in enumerate(ctx.spaces):
        if space.kind in ("assembly", "coordination_committee"):
            rules = {"method": "consensus", "fallback_method": "majority", "voting_unit": "organization",
                     "threshold": "two_thirds", "base": "present", "quorum_kind": "majority",
                     "college_minimums": {"citoyen": 1} if index == 0 else {}, "proposals_may_override": True}
        elif space.kind == "table":
            rules = {"method": "majority", "fallback_method": "", "voting_unit": "organization",
                     "threshold": rng.choice(["simple", "absolute", "two_thirds"]), "base": "cast",
                     "quorum_kind": "share", "quorum_share_percent": 40, "proposals_may_override": True}
        else:
            rules = {"method": "consent", "fallback_method": "majority", "voting_unit": "person",
                     "threshold": "simple", "base": "cast", "quorum_kind": "none", "proposals_may_override": True}
        versions = rng.randint(1, 3)
        for version in range(1, versions + 1):
            charters.append(Charter(
                space=space, version=version, in_force=version == versions, created_by=ctx.coordinator,
                rules_text=f"## Règles de fonctionnement\n\n{paragraph(rng, 4)}\n\n{paragraph(rng, 3)}",
                adopted_on=ctx.today - timedelta(days=400 * (versions - version) + rng.randint(1, 300)),
                adoption_note=f"Adoptée en assemblée (version {version}).",
                conflict_rule="recuse_all", agenda_proposers="voting", **rules,
            ))
    bulk(Charter, charters)
    return {"charters": len(charters)}


def step_coordinators(ctx: Context) -> dict:
    others = ctx.rng.sample(ctx.people, 2) if ctx.people else []
    ctx.territory.coordinators.add(ctx.coordinator, *others)
    return {"coordinators": 1 + len(others)}


def step_bench_accounts_s(ctx: Context) -> dict:
    """At S: the benchmark accounts join the demo: a coordinator, and a citizen in two spaces."""
    from concertation.spaces import services
    from concertation.spaces.models import Role, RoleAssignment

    ctx.territory.coordinators.add(ctx.coordinator)
    # As at L: the coordinator also holds the Coordination role of the assembly (same access queries).
    role = Role.objects.filter(space=ctx.spaces[0], kind="coordination").first()
    if role is None:
        role = Role.objects.create(space=ctx.spaces[0], name="Coordination (banc d'essai)", kind="coordination")
    RoleAssignment.objects.create(role=role, person=ctx.coordinator, start=ctx.today - timedelta(days=700))
    joined = 0
    for space in ctx.spaces[:1] + [space for space in ctx.spaces if space.kind == "working_group"][:1]:
        services.membership_add(space=space, person=ctx.member, category="voting",
                                college=ctx.colleges.get("citoyen"), note="Siège citoyen (banc d'essai)",
                                start=ctx.today - timedelta(days=100))
        joined += 1
    return {"coordinators": 1, "coordination roles": 1, "member seats": joined}


def step_collect(ctx: Context) -> dict:
    """Who votes and who writes in each space (from the current memberships and charters)."""
    from concertation.spaces.models import Charter, Membership
    from concertation.spaces.selectors import current_q

    space_ids = [space.pk for space in ctx.spaces]
    ctx.charters = {c.space_id: c for c in Charter.objects.filter(space_id__in=space_ids, in_force=True)}
    memberships = (
        Membership.objects.filter(current_q(), space_id__in=space_ids)
        .select_related("organization__college", "college")
        .prefetch_related("delegations")
        .order_by("pk")
    )
    voters = defaultdict(list)
    members = defaultdict(list)
    for membership in memberships:
        charter = ctx.charters.get(membership.space_id)
        unit = charter.voting_unit if charter else "person"
        categories = (charter.eligible_categories if charter else ["voting"])
        college = membership.college or (membership.organization.college if membership.organization_id else None)
        slug = college.slug if college else ""
        current = sorted(
            (d for d in membership.delegations.all() if d.end is None and d.start <= ctx.today),
            key=lambda d: d.kind != "delegate",
        )
        if membership.person_id:
            members[membership.space_id].append(membership.person_id)
            if membership.category in categories:
                voters[membership.space_id].append(
                    Voter(f"u:{membership.person_id}", membership.person_id, None, membership.person_id, slug))
            continue
        members[membership.space_id] += [d.person_id for d in current]
        if membership.category not in categories or not current:
            continue
        if unit == "organization":
            voters[membership.space_id].append(
                Voter(f"o:{membership.organization_id}", None, membership.organization_id, current[0].person_id, slug))
        else:
            for delegation in current:
                voters[membership.space_id].append(
                    Voter(f"u:{delegation.person_id}", delegation.person_id, None, delegation.person_id, slug))
    for space_id, items in voters.items():  # a person voting twice in one space counts once
        seen, unique = set(), []
        for voter in items:
            if voter.key not in seen:
                seen.add(voter.key)
                unique.append(voter)
        voters[space_id] = unique
    ctx.voters, ctx.members = voters, members
    return {"spaces": len(space_ids), "voters": sum(len(v) for v in voters.values())}


METHOD_MIX = [("majority", 40), ("consent", 16), ("consensus", 10), ("gradients", 4), ("approval", 8),
              ("irv", 6), ("schulze", 4), ("score", 4), ("dot", 3), ("stv", 2), ("borda", 2), ("advice", 1)]
STATUS_MIX = [("decided", 58), ("closed", 12), ("open", 10), ("draft", 12), ("withdrawn", 8)]


def step_proposals(ctx: Context) -> dict:
    """Proposals (with versions and options); the assembly's first two are the benchmark's:
    a decided majority vote with every voter's ballot, and an open one with most of them."""
    from concertation.decisions.models import Option, Proposal, ProposalVersion

    rng = ctx.rng
    now = ctx.now
    spaces = [space for space in ctx.spaces if ctx.voters.get(space.pk)]
    weights = [len(ctx.voters[space.pk]) ** 0.5 for space in spaces]
    methods, method_weights = zip(*METHOD_MIX, strict=True)
    statuses, status_weights = zip(*STATUS_MIX, strict=True)
    assembly = ctx.spaces[0]
    proposals = []
    for n in range(ctx.scale.proposals):
        if n < 2:
            space, method, status = assembly, "majority", ("decided" if n == 0 else "open")
        else:
            space = rng.choices(spaces, weights)[0]
            method = rng.choices(methods, method_weights)[0]
            status = rng.choices(statuses, status_weights)[0]
        charter = ctx.charters.get(space.pk)
        authors = ctx.members.get(space.pk) or [ctx.coordinator.pk]
        title = f"{rng.choice(PROPOSAL_VERBS)} {rng.choice(PROPOSAL_OBJECTS)} ({n + 1})"
        if status in ("open",):
            opens_at = now - timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 23))
            closes_at = now + timedelta(days=rng.randint(1, 14))
        elif status == "draft":
            opens_at = closes_at = None
        else:
            opens_at = now - timedelta(days=rng.randint(20, 1500))
            closes_at = opens_at + timedelta(days=rng.randint(3, 14))
        proposal = Proposal(
            space=space, title=title, body=f"{paragraph(rng, 3)}\n\n- {rng.choice(SENTENCES)}\n- {rng.choice(SENTENCES)}",
            author_id=rng.choice(authors), charter=charter, method=method,
            fallback_method=(charter.fallback_method if charter else "") if method in ("consensus", "gradients") else "",
            threshold=charter.threshold if (charter and method == "majority") else "simple",
            base=charter.base if (charter and method == "majority") else "cast",
            voting_unit=charter.voting_unit if charter else "person",
            eligible_categories=charter.eligible_categories if charter else ["voting"],
            quorum_kind=charter.quorum_kind if charter else "none",
            quorum_count=charter.quorum_count if charter else None,
            quorum_share_percent=charter.quorum_share_percent if charter else None,
            college_minimums=charter.college_minimums if charter else {},
            method_settings={"seats": 2} if method == "stv" else ({"dots": 8} if method == "dot" else {}),
            opens_at=opens_at, closes_at=closes_at, status=status,
            anonymous=n >= 2 and rng.random() < 0.06,
            results_visibility="always" if n < 2 else rng.choice(["always", "after_voting", "after_closing"]),
            reason_required=method == "consent" and rng.random() < 0.2,
            closed_at=closes_at if status in ("closed", "decided") else None,
            decided_at=closes_at + timedelta(days=1) if status == "decided" else None,
            decided_by=ctx.coordinator if status == "decided" else None,
            outcome=f"L'assemblée {rng.choice(['adopte', 'reporte', 'adopte avec modifications'])} : {title}."
            if status == "decided" else "",
            version=2 if (n >= 2 and rng.random() < 0.05) else 1,
            tie_seed=f"{rng.getrandbits(64):016x}",  # seeded: a tie is broken the same way every run
        )
        proposals.append(proposal)
    ctx.proposals = bulk(Proposal, proposals)
    versions, options = [], []
    for proposal in ctx.proposals:
        for number in range(1, proposal.version + 1):
            versions.append(ProposalVersion(proposal=proposal, number=number, title=proposal.title,
                                            body=proposal.body, created_by_id=proposal.author_id,
                                            reason="Précision du budget." if number > 1 else ""))
        if proposal.method not in ("majority", "consent", "consensus", "gradients", "advice"):
            count = rng.randint(3, 6)
            for position, label in enumerate(rng.sample(PROPOSAL_OBJECTS, count)):
                options.append(Option(proposal=proposal, label=label[0].upper() + label[1:], position=position))
    bulk(ProposalVersion, versions)
    options = bulk(Option, options)
    ctx.option_keys = defaultdict(list)
    for option in options:
        ctx.option_keys[option.proposal_id].append(str(option.pk))
    return {"proposals": len(ctx.proposals), "versions": len(versions), "options": len(options)}


def ballot_value(method: str, rng: random.Random, options: list[str]):
    """A valid ballot of the method and, when the method asks for one, a reason."""
    if method == "majority":
        return rng.choices(["yes", "no", "abstain"], [65, 25, 10])[0], ""
    if method == "consent":
        value = rng.choices(["consent", "stand_aside", "objection"], [85, 10, 5])[0]
        return value, ("Le calendrier ne tient pas compte des vacances." if value == "objection" else "")
    if method == "consensus":
        value = rng.choices(["agree", "stand_aside", "disagree", "block"], [80, 12, 7, 1])[0]
        return value, ("Contraire à notre mission." if value == "block" else "")
    if method == "gradients":
        return rng.choices(range(1, 9), [30, 25, 20, 10, 6, 5, 3, 1])[0], ""
    if method == "approval":
        return rng.sample(options, rng.randint(1, len(options))), ""
    if method == "score":
        return {option: rng.randint(0, 5) for option in options}, ""
    if method == "dot":
        dots, value = 8, {}
        for option in rng.sample(options, len(options)):
            give = rng.randint(0, dots)
            if give:
                value[option] = give
                dots -= give
        return value, ""
    if method in ("irv", "schulze", "borda", "stv"):
        ranking = rng.sample(options, len(options))
        return ranking[: rng.randint(1, len(ranking))], ""
    if method == "time_poll":
        return {option: rng.choice(["yes", "if_need_be", "no"]) for option in options}, ""
    return "Avis : " + rng.choice(COMMENTS), ""  # advice


def step_ballots(ctx: Context) -> dict:
    """Ballots and participations, spread over the proposals that were open, so that the total
    comes close to the scale's figure; the decided benchmark proposal gets every voter's ballot."""
    from concertation.decisions.models import Ballot, Participation

    rng = ctx.rng
    voting = [p for p in ctx.proposals if p.status in ("open", "closed", "decided")]
    possible = sum(len(ctx.voters[p.space_id]) for p in voting)
    turnout = min(1.0, ctx.scale.ballots / possible) if possible else 0
    jitters = [rng.uniform(0.6, 1.4) for _ in voting]
    for _pass in range(3):  # calibrate the turnout against the caps
        total = sum(min(len(ctx.voters[p.space_id]), round(len(ctx.voters[p.space_id]) * turnout * j))
                    for p, j in zip(voting, jitters, strict=True))
        if not total:
            break
        turnout = min(turnout * ctx.scale.ballots / total, 1.0 / 0.6)
    receipts: set[str] = set()
    ballots, participations, written, next_report = [], [], 0, 0.25
    goal = max(ctx.scale.ballots, 1)
    for index, (proposal, jitter) in enumerate(zip(voting, jitters, strict=True)):
        voters = ctx.voters[proposal.space_id]
        count = min(len(voters), round(len(voters) * turnout * jitter))
        if index == 0:
            count = len(voters)
        elif index == 1:
            count = round(len(voters) * 0.8)
        opens_at, closes_at = proposal.opens_at, min(proposal.closes_at, ctx.now)
        span = max((closes_at - opens_at).total_seconds(), 60)
        options = ctx.option_keys.get(proposal.pk, [])
        for voter in rng.sample(voters, count):
            value, reason = ballot_value(proposal.method, rng, options)
            if proposal.reason_required and not reason:
                reason = "Cohérent avec le plan de quartier."
            receipt = f"{rng.getrandbits(48):012X}"
            while receipt in receipts:
                receipt = f"{rng.getrandbits(48):012X}"
            receipts.add(receipt)
            cast_at = opens_at + timedelta(seconds=rng.uniform(0, span))
            ballots.append(Ballot(
                proposal=proposal, round=1, voter_key=voter.key, person_id=voter.person_id,
                organization_id=voter.organization_id, cast_by_id=voter.caster_id, college_slug=voter.college_slug,
                value=value, reason=reason, receipt=receipt, cast_at=cast_at,
            ))
            participations.append(Participation(
                proposal=proposal, round=1, voter_key=voter.key, person_id=voter.person_id,
                organization_id=voter.organization_id, college_slug=voter.college_slug, first_cast_at=cast_at,
            ))
        ctx.ballots_by_proposal[proposal.pk] = count
        if len(ballots) >= BATCH * 5:
            written += len(bulk(Ballot, ballots))
            bulk(Participation, participations)
            ballots, participations = [], []
            if written / goal >= next_report:
                ctx.say(f"ballots {written:,}".replace(",", "\u202f"))
                next_report += 0.25
    written += len(bulk(Ballot, ballots))
    bulk(Participation, participations)
    return {"ballots": written, "participations": written, "proposals with ballots": len(voting)}


def step_results(ctx: Context) -> dict:
    """Closed and decided proposals get their result from the real tally (services.compute_result);
    anonymous ones then lose the link between voter and ballot, as proposal_close does."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from concertation.decisions.models import Ballot, Proposal
    from concertation.decisions.services import compute_result

    closed = [p for p in ctx.proposals if p.status in ("closed", "decided")]
    for proposal in closed:
        proposal.result = compute_result(proposal)
        proposal.keep_turnout()  # what save() does, bulk_update does not
    Proposal.objects.bulk_update(closed, ["result", "result_participants", "result_eligible", "tie_seed"],
                                 batch_size=200)
    anonymous = 0
    for proposal in closed:
        if proposal.anonymous:
            Ballot.objects.filter(proposal=proposal).update(
                person=None, organization=None, cast_by=None,
                voter_key=Concat(Value("anon:"), Cast("id", output_field=CharField())),
            )
            anonymous += 1
    return {"results": len(closed), "anonymized proposals": anonymous}


def step_recusals(ctx: Context) -> dict:
    from concertation.decisions.models import Ballot, Participation, Recusal

    rng = ctx.rng
    recusals = []
    candidates = [p for p in ctx.proposals[2:] if p.status in ("open", "draft")]
    for proposal in rng.sample(candidates, min(len(candidates), max(1, len(ctx.proposals) // 50))):
        voter = rng.choice(ctx.voters[proposal.space_id])
        recusals.append(Recusal(proposal=proposal, person_id=voter.person_id, organization_id=voter.organization_id,
                                reason="Mon organisme est visé par la demande.", declared_by_id=voter.caster_id))
        Ballot.objects.filter(proposal=proposal, voter_key=voter.key).delete()
        Participation.objects.filter(proposal=proposal, voter_key=voter.key).delete()
    bulk(Recusal, recusals)
    return {"recusals": len(recusals)}


def step_comments(ctx: Context) -> dict:
    from concertation.knowledge.models import Comment  # one discussion model since issue 15

    rng = ctx.rng
    discussed = [p for p in ctx.proposals if p.status != "draft"]
    # The benchmark proposals get a long discussion.
    comments = []
    for n in range(ctx.scale.comments):
        proposal = discussed[n % 2] if n < min(60, ctx.scale.comments // 4) else rng.choice(discussed)
        authors = ctx.members.get(proposal.space_id) or [ctx.coordinator.pk]
        comments.append(Comment(territory=ctx.territory, space_id=proposal.space_id, target_kind="proposal",
                                target_id=proposal.pk, author_id=rng.choice(authors), target_version=1,
                                body=" ".join(rng.sample(COMMENTS, rng.randint(1, 3)))))
    bulk(Comment, comments)
    return {"comments": len(comments)}


DOCUMENT_TITLES = ["Portrait du quartier", "Rapport annuel", "Procès-verbal", "Guide d'accueil", "Demande de financement",
                   "Bilan de l'activité", "Plan de communication", "Étude sur le logement"]


def step_documents(ctx: Context) -> dict:
    """The document library (issue 15): documents spread over the spaces, every kind and visibility,
    one to three versions each (rows only: the pages list them, nothing is downloaded)."""
    import secrets

    from concertation.knowledge.models import Document, DocumentVersion

    rng = ctx.rng
    kinds, visibilities = Document.Kind.values, Document.Visibility.values
    spaces = ctx.spaces or [ctx.proposals[0].space]
    documents = [Document(space=spaces[0] if n % 3 == 0 else rng.choice(spaces),
                          title=f"{rng.choice(DOCUMENT_TITLES)} {n + 1}", description=paragraph(rng, 1),
                          kind=kinds[n % len(kinds)], visibility=visibilities[n % len(visibilities)],
                          author_id=ctx.coordinator.pk)
                 for n in range(ctx.scale.documents)]
    documents = bulk(Document, documents)
    # The text read from each file, for the search (issue 17): drawn from a generator of its own, so
    # that the rest of the territory stays what it was; one document in 500 names a rare bird.
    words = random.Random(ctx.seed + 17)
    versions = [DocumentVersion(document=document, number=number, file=f"documents/{secrets.token_hex(16)}.pdf",
                                filename=f"document-{document.pk}-v{number}.pdf", size=rng.randint(20_000, 4_000_000),
                                content_type="application/pdf", uploaded_by_id=ctx.coordinator.pk,
                                text=" ".join(words.choice(SENTENCES) for _ in range(12)) + (" Un ornithorynque." if words.random() < 0.002 else ""))
                for document in documents for number in range(1, rng.randint(1, 3) + 1)]
    bulk(DocumentVersion, versions)
    return {"documents": len(documents), "document_versions": len(versions)}


MEETING_ITEMS = ["Tour de table des organismes", "Présentation du portrait de quartier", "Bilan de la fête de quartier",
                 "Consultation sur le budget participatif", "Formation : animer une rencontre inclusive",
                 "Partage de pratiques en mobilisation", "Suivi du plan d'action", "Nouvelles des comités",
                 "Demande de financement", "Varia"]


def step_meetings(ctx: Context) -> dict:
    """Meetings (issue 5's data model): past ones held, with attendance, minutes and follow-ups;
    coming ones convened, with RSVPs; agenda items with the standard ones, some carrying a
    decided proposal of the space (which then comes from a meeting)."""
    from concertation.decisions.models import Proposal
    from concertation.meetings.models import (
        AgendaItem,
        Attendance,
        FollowUp,
        Meeting,
        Minutes,
        Rsvp,
    )

    rng, now = ctx.rng, ctx.now
    spaces = [space for space in ctx.spaces if ctx.members.get(space.pk)]
    weights = [len(ctx.members[space.pk]) ** 0.5 for space in spaces]
    uids: set[str] = set()

    def unique_token(bits: int = 96) -> str:
        value = f"{rng.getrandbits(bits):024x}"
        while value in uids:
            value = f"{rng.getrandbits(bits):024x}"
        uids.add(value)
        return value

    meetings = []
    for n in range(ctx.scale.meetings):
        # The assembly's first three are the benchmark's: minutes adopted, convened, in progress.
        space = spaces[0] if n < 3 else rng.choices(spaces, weights)[0]
        members = ctx.members[space.pk]
        past = n == 0 or (n > 2 and rng.random() < 0.8)
        starts_at = (now - timedelta(days=rng.randint(1, 1500)) if past else now + timedelta(days=rng.randint(1, 90)))
        starts_at = starts_at.replace(hour=rng.choice([9, 13, 18]), minute=rng.choice([0, 30]), second=0)
        if n == 0:
            status = "minutes_adopted"
        elif n == 1:
            status = "convened"
        elif n == 2:
            status, starts_at = "in_progress", now - timedelta(minutes=40)
        elif past:
            status = rng.choices(["held", "minutes_adopted", "cancelled"], [30, 60, 10])[0]
        else:
            status = rng.choices(["convened", "draft"], [70, 30])[0]
        meetings.append(Meeting(
            space=space, title=f"Rencontre {rng.choice(['régulière', 'de travail', 'de suivi'])} no {n + 1}",
            kind=rng.choices(["regular", "extraordinary", "annual_general", "workshop"], [80, 5, 5, 10])[0],
            starts_at=starts_at, ends_at=starts_at + timedelta(minutes=rng.choice([90, 120, 150, 180])),
            address=f"{rng.randint(10, 9999)}, rue {rng.choice(PLACES)[3:]}", room="Grande salle",
            accessibility="Entrée de plain-pied, toilettes adaptées.", childcare=rng.random() < 0.3,
            transit_tickets=rng.random() < 0.3, interpretation=rng.random() < 0.1,
            facilitator_id=rng.choice(members), secretary_id=rng.choice(members), status=status,
            uid=f"{unique_token()}@{common.BENCH_DOMAIN}",
            convened_at=starts_at - timedelta(days=10) if status != "draft" else None,
            opened_at=starts_at if status in ("held", "minutes_adopted", "in_progress") else None,
            closed_at=starts_at + timedelta(minutes=120) if status in ("held", "minutes_adopted") else None,
            cancelled_reason="Quorum impossible à atteindre." if status == "cancelled" else "",
        ))
    meetings = bulk(Meeting, meetings)

    decided = defaultdict(list)
    for proposal in ctx.proposals:
        if proposal.status == "decided":
            decided[proposal.space_id].append(proposal.pk)
    per_meeting = ctx.scale.agenda_items / max(len(meetings), 1)
    items, attendances, minutes, rsvps, linked = [], [], [], [], []
    for meeting in meetings:
        members = ctx.members[meeting.space_id]
        count = max(4, round(per_meeting * rng.uniform(0.6, 1.4)))
        standard = [("adopt_agenda", "Adoption de l'ordre du jour", "decision"),
                    ("adopt_minutes", "Adoption du procès-verbal précédent", "decision"),
                    ("follow_ups", "Suivis", "follow_up")]
        for position in range(count):
            proposal_id = None
            if position < 3:
                role, title, kind = standard[position]
            elif position == count - 1:
                role, title, kind = "evaluation", "Évaluation de la rencontre", "evaluation"
            else:
                role, title = "", rng.choice(MEETING_ITEMS)
                kind = rng.choices(["information", "consultation", "decision", "practice_sharing", "training"],
                                   [35, 20, 25, 10, 10])[0]
                if kind == "decision" and decided[meeting.space_id] and meeting.status in ("held", "minutes_adopted"):
                    proposal_id = decided[meeting.space_id].pop()
                    linked.append(proposal_id)
            items.append(AgendaItem(
                meeting=meeting, position=position, kind=kind, standard_role=role, title=title,
                presenter_id=rng.choice(members), minutes_allotted=rng.choice([5, 10, 15, 20, 30]),
                description=rng.choice(SENTENCES), proposal_id=proposal_id,
                notes=paragraph(rng, 2) if meeting.status in ("held", "minutes_adopted") else "",
            ))
        # Delegates attend for their organization (what the quorum and the attendance by college read).
        organization_of = {voter.caster_id: voter.organization_id
                           for voter in ctx.voters.get(meeting.space_id, []) if voter.organization_id}
        if meeting.status == "in_progress":
            for person_id in rng.sample(members, min(len(members), 40)):
                attendances.append(Attendance(meeting=meeting, person_id=person_id, status="present",
                                              organization_id=organization_of.get(person_id),
                                              arrived_at=meeting.starts_at))
        if meeting.status in ("held", "minutes_adopted"):
            for person_id in rng.sample(members, min(len(members), rng.randint(5, 30))):
                attendances.append(Attendance(
                    meeting=meeting, person_id=person_id, organization_id=organization_of.get(person_id),
                    status=rng.choices(["present", "late", "excused", "absent"], [75, 8, 10, 7])[0],
                    arrived_at=meeting.starts_at))
            adopted = meeting.status == "minutes_adopted"
            body = f"## Procès-verbal\n\n{paragraph(rng, 4)}\n\n{paragraph(rng, 4)}"
            minutes.append(Minutes(meeting=meeting, body=body, status="adopted" if adopted else "circulated",
                                   circulated_at=meeting.starts_at + timedelta(days=5),
                                   adopted_at=meeting.starts_at + timedelta(days=40) if adopted else None,
                                   adopted_body=body if adopted else ""))
        elif meeting.status == "convened":
            for person_id in rng.sample(members, min(len(members), rng.randint(3, 25))):
                rsvps.append(Rsvp(meeting=meeting, person_id=person_id, token=unique_token(128),
                                  answer=rng.choice(["yes", "yes", "no", "maybe", ""])))
    items = bulk(AgendaItem, items)
    bulk(Attendance, attendances)
    bulk(Minutes, minutes)
    bulk(Rsvp, rsvps)
    follow_ups = []
    today = ctx.today
    for item in items:
        if item.standard_role == "" and item.meeting.status in ("held", "minutes_adopted") and rng.random() < 0.3:
            status = rng.choices(["open", "done", "dropped"], [40, 50, 10])[0]
            follow_ups.append(FollowUp(
                space_id=item.meeting.space_id, meeting_id=item.meeting_id, item=item,
                what=f"Donner suite : {item.title.lower()}", person_id=item.presenter_id,
                due_on=today + timedelta(days=rng.randint(-200, 60)), status=status,
                done_on=today - timedelta(days=rng.randint(1, 100)) if status == "done" else None,
            ))
    bulk(FollowUp, follow_ups)
    for start in range(0, len(linked), 500):
        Proposal.objects.filter(pk__in=linked[start:start + 500]).update(origin="meeting")
    # A proposal decided in a meeting was discussed online first: three comments each, drawn from a
    # generator of their own (the rest of the territory stays as it was), so that the results page
    # measured at S and at L shows the same state (a decision of a meeting, with its discussion).
    from concertation.knowledge.models import Comment

    talk = random.Random(ctx.seed + 5)
    spaces_of = dict(Proposal.objects.filter(space__territory=ctx.territory, origin="meeting")
                     .order_by("pk").values_list("pk", "space_id"))  # the demo's ones too, at S
    bulk(Comment, [Comment(territory=ctx.territory, space_id=space_id, target_kind="proposal", target_id=pk,
                           author_id=talk.choice(ctx.members.get(space_id) or [ctx.coordinator.pk]),
                           target_version=1, body=" ".join(talk.sample(COMMENTS, 2)))
                   for pk, space_id in spaces_of.items() for _ in range(3)])
    return {"meetings": len(meetings), "agenda items": len(items), "attendances": len(attendances),
            "minutes": len(minutes), "RSVPs": len(rsvps), "follow-ups": len(follow_ups),
            "proposals decided in meeting": len(linked)}


# -- the plan (issue 6) ---------------------------------------------------------------------------

PRIORITY_TITLES = ["Habiter dignement", "Se nourrir ensemble", "Réussir et s'insérer", "Vieillir dans son quartier",
                   "Se déplacer facilement", "Un quartier vert et sain", "Accueillir et inclure", "Vivre la culture",
                   "Participer à la vie du quartier", "Travailler près de chez soi"]
OBJECTIVE_TITLES = ["Prévenir les évictions", "Augmenter l'offre de logements abordables",
                    "Améliorer l'accès à une alimentation saine", "Briser l'isolement des personnes aînées",
                    "Favoriser la persévérance scolaire", "Soutenir l'insertion des jeunes",
                    "Sécuriser les déplacements actifs", "Verdir les îlots de chaleur",
                    "Faciliter l'accueil des personnes immigrantes", "Rendre la culture accessible",
                    "Renforcer la participation citoyenne", "Soutenir l'économie sociale"]
STRATEGY_TITLES = ["Informer et accompagner", "Mobiliser les partenaires", "Développer des projets collectifs",
                   "Rejoindre les personnes isolées", "Concerter les acteurs du milieu",
                   "Former les intervenantes et les intervenants", "Documenter et évaluer"]
ACTIVITY_VERBS = ["Organiser", "Tenir", "Offrir", "Développer", "Soutenir", "Animer", "Documenter", "Lancer",
                  "Étendre", "Évaluer"]
ACTIVITY_OBJECTS = ["une clinique locataires", "des ateliers de cuisine collective", "une épicerie solidaire",
                    "l'aide aux devoirs", "une navette solidaire", "un porte-à-porte", "des jardins collectifs",
                    "une fête de quartier", "des stages d'un jour", "une halte-garderie", "des cafés-rencontres",
                    "un comité de locataires", "une campagne de verdissement", "des ateliers parents-école",
                    "un répertoire des ressources"]
FUNDERS = ["Centraide", "Caisse Desjardins des Hérons", "Arrondissement", "Fondation Lucie et André Chagnon",
           "Ministère de l'Emploi et de la Solidarité sociale", "Enveloppe de la Table", ""]
NEWS = ["Les premières rencontres ont eu lieu; la participation dépasse les attentes.",
        "Le recrutement des bénévoles est terminé.", "Un retard du financement repousse la deuxième phase.",
        "Quarante ménages ont été rejoints ce trimestre.", "Le bilan de mi-parcours est présenté au comité.",
        "Les partenaires ajustent le calendrier après la consultation."]
DONE_NEWS = "L'action est réalisée : le rapport final est déposé au comité."
INDICATOR_NAMES = [  # (name, unit, direction, range of the baseline value)
    ("Ménages accompagnés", "ménages par année", "increase", (50, 2000)),
    ("Portions préparées", "portions par trimestre", "increase", (500, 5000)),
    ("Taux de sortie sans diplôme", "%", "decrease", (10, 40)),
    ("Jeunes accompagnés vers l'emploi", "jeunes par année", "increase", (20, 300)),
    ("Logements sociaux engagés", "logements (cumul)", "increase", (0, 400)),
    ("Personnes aînées rejointes", "personnes", "increase", (50, 1500)),
    ("Part des personnes citoyennes aux assemblées", "% des personnes présentes", "increase", (10, 50)),
    ("Arbres plantés", "arbres (cumul)", "increase", (100, 3000)),
    ("Ménages en situation d'insécurité alimentaire", "%", "decrease", (10, 40)),
    ("Déplacements à vélo", "déplacements par jour", "increase", (200, 5000)),
]
INDICATOR_SOURCES = ["Registre de l'organisme", "Enquête annuelle de la Table", "Statistique Canada",
                     "Ministère de l'Éducation", "Feuilles de présence", "Arrondissement"]
REVISION_REASONS = ["Le financement obtenu est moindre que prévu.", "Le porteur passe le relais à un partenaire.",
                    "Le calendrier est ajusté après le bilan de mi-parcours.",
                    "La cible est ajustée à la lumière des dernières mesures.",
                    "L'assemblée a appuyé la nouvelle répartition de l'enveloppe."]
# Measurements per indicator are weighted by frequency: a monthly one has the longest series.
FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
FREQUENCY_WEIGHT = {"monthly": 3.0, "quarterly": 1.0, "yearly": 0.3}


@dataclass
class PlanDraft:
    """A plan the plan's steps fill: its structure, then activities, indicators, measurements."""

    plan: object
    share: float                                          # of the scale's activities and indicators
    objectives: list = field(default_factory=list)        # Objective ids
    strategies: list = field(default_factory=list)        # Strategy ids
    activities: list = field(default_factory=list)        # Activity (created here)
    indicators: list = field(default_factory=list)        # (Indicator, performance)
    next_position: dict = field(default_factory=dict)     # strategy id → next activity position
    next_indicator_position: int = 1
    writers: list = field(default_factory=list)           # person ids who report progress and measures
    decisions: list = field(default_factory=list)         # [(decided_at, proposal id)] that may authorise


def split(total: int, shares: list[float]) -> list[int]:
    """``total`` split by ``shares``, exactly (the remainder to the largest parts)."""
    weight = sum(shares) or 1
    counts = [int(total * share / weight) for share in shares]
    order = sorted(range(len(shares)), key=lambda i: -shares[i])
    for n in range(total - sum(counts)):
        counts[order[n % len(order)]] += 1
    return counts


def carried_decisions(ctx: Context) -> dict:
    """{space id: [(decided_at, proposal id)…] by date}: decided proposals whose decision carried."""
    decisions = defaultdict(list)
    for proposal in ctx.proposals:
        result = proposal.result or {}
        if proposal.status == "decided" and result.get("adopted") is not False and not result.get("no_decision"):
            decisions[proposal.space_id].append((proposal.decided_at, proposal.pk))
    for items in decisions.values():
        items.sort()
    return decisions


def decision_near(decisions: list, moment: datetime, *, before: bool = True):
    """The decision taken closest before ``moment`` (or, when ``before`` is False, closest to it)."""
    candidates = [item for item in decisions if item[0] <= moment] if before else decisions
    if not candidates:
        return None
    return min(candidates, key=lambda item: abs((item[0] - moment).total_seconds()))


def month_end(day: date, months_back: int) -> date:
    """The last day of the month ``months_back`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months_back + 1  # the first day of the following month
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def _territory_plans(ctx: Context) -> list[PlanDraft]:
    """At L: the assembly's plan in force (adopted, the benchmark's), its previous one (archived),
    a plan per table (six adopted, two drafts) and four working groups' drafts."""
    from concertation.planning.models import Plan

    rng, today = ctx.rng, ctx.today
    decisions = carried_decisions(ctx)
    assembly = ctx.spaces[0]
    start = (today - timedelta(days=500)).replace(day=1)
    specs = [  # (space, title, starts_on, ends_on, status, share)
        (assembly, f"Plan de quartier {start.year}-{start.year + 5}", start, start.replace(year=start.year + 5),
         "adopted", 0.40),
        (assembly, f"Plan de quartier {start.year - 5}-{start.year}", start.replace(year=start.year - 5),
         start - timedelta(days=1), "archived", 0.10),
    ]
    tables = [space for space in ctx.spaces if space.kind == "table"]
    for index, table in enumerate(tables):
        begins = (today - timedelta(days=rng.randint(100, 700))).replace(day=1)
        specs.append((table, f"Plan d'action — {table.name} {begins.year}-{begins.year + 3}", begins,
                      begins.replace(year=begins.year + 3), "adopted" if index < 6 else "draft", 0.40 / len(tables)))
    groups = [space for space in ctx.spaces if space.kind == "working_group" and space.status == "active"][:4]
    for group in groups:
        begins = (today + timedelta(days=rng.randint(30, 200))).replace(day=1)
        specs.append((group, f"Plan de travail — {group.name}", begins, begins.replace(year=begins.year + 2),
                      "draft", 0.10 / len(groups)))
    plans, drafts = [], []
    for space, title, starts_on, ends_on, status, share in specs:
        lineage = decisions.get(space.pk, []) + (decisions.get(assembly.pk, []) if space.pk != assembly.pk else [])
        lineage.sort()
        adoption = None
        if status != "draft":
            moment = timezone_aware(starts_on + timedelta(days=17))
            adoption = decision_near(decisions.get(space.pk) or lineage, moment, before=False)
        plan = Plan(space=space, title=title, starts_on=starts_on, ends_on=ends_on, status=status,
                    vision=paragraph(rng, 2), adopted_by_id=adoption[1] if adoption else None,
                    adopted_on=(adoption[0].date() if adoption else starts_on) if status != "draft" else None)
        plans.append(plan)
        drafts.append(PlanDraft(plan=plan, share=share, writers=ctx.members.get(space.pk) or [ctx.coordinator.pk],
                                decisions=lineage))
    bulk(Plan, plans)
    return drafts


def timezone_aware(day: date) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=19))


def _structure(ctx: Context, drafts: list[PlanDraft], counts: list[int]) -> dict:
    """Priorities, objectives and strategies (with a few cross-cutting ones) for each new plan."""
    from concertation.planning.models import Objective, Priority, Strategy

    rng = ctx.rng
    priorities, by_plan = [], []
    for draft, count in zip(drafts, counts, strict=True):
        n = max(3, min(8, count // 120))
        mine = [Priority(plan=draft.plan, position=p + 1, title=title, description=paragraph(rng, 1))
                for p, title in enumerate(rng.sample(PRIORITY_TITLES, n))]
        priorities += mine
        by_plan.append(mine)
    bulk(Priority, priorities)
    objectives, owners = [], []
    for draft, mine in zip(drafts, by_plan, strict=True):
        for priority in mine:
            for o in range(rng.randint(2, 4)):
                objectives.append(Objective(priority=priority, position=o + 1, title=rng.choice(OBJECTIVE_TITLES),
                                            description=paragraph(rng, 1)))
                owners.append(draft)
    bulk(Objective, objectives)
    strategies, strategy_owners = [], []
    for objective, draft in zip(objectives, owners, strict=True):
        draft.objectives.append(objective.pk)
        for s in range(rng.randint(1, 3)):
            strategies.append(Strategy(plan=draft.plan, objective=objective, position=s + 1,
                                       title=rng.choice(STRATEGY_TITLES)))
            strategy_owners.append(draft)
    for draft in drafts:  # cross-cutting strategies
        for s in range(2):
            strategies.append(Strategy(plan=draft.plan, objective=None, position=s + 1,
                                       title=f"{rng.choice(STRATEGY_TITLES)} (transversal)"))
            strategy_owners.append(draft)
    bulk(Strategy, strategies)
    for strategy, draft in zip(strategies, strategy_owners, strict=True):
        draft.strategies.append(strategy.pk)
        draft.next_position[strategy.pk] = 1
    return {"priorities": len(priorities), "objectives": len(objectives), "strategies": len(strategies)}


def _demo_plan(ctx: Context) -> list[PlanDraft]:
    """At S: the demo's plan (adopted by the assembly) grows a little."""
    from django.db.models import Max

    from concertation.planning.models import Activity, Indicator, Objective, Plan, Strategy

    plan = Plan.objects.filter(space__territory=ctx.territory, status="adopted").order_by("pk").first()
    if plan is None:
        raise SystemExit("generate: the demo has no adopted plan to grow (load_demo changed?)")
    assembly = ctx.spaces[0]
    decisions = carried_decisions(ctx)
    draft = PlanDraft(plan=plan, share=1.0, writers=ctx.members.get(plan.space_id) or [ctx.coordinator.pk],
                      decisions=sorted(decisions.get(plan.space_id, []) + (
                          decisions.get(assembly.pk, []) if plan.space_id != assembly.pk else [])))
    draft.objectives = list(Objective.objects.filter(priority__plan=plan).order_by("pk").values_list("pk", flat=True))
    draft.strategies = list(Strategy.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True))
    last = dict(Activity.objects.filter(strategy__plan=plan).values_list("strategy_id").annotate(Max("position")))
    draft.next_position = {pk: (last.get(pk) or 0) + 1 for pk in draft.strategies}
    draft.next_indicator_position = (Indicator.objects.filter(plan=plan).aggregate(n=Max("position"))["n"] or 0) + 1
    return [draft]


def activity_status(rng: random.Random, starts_on: date | None, ends_on: date | None, today: date) -> str:
    """A status that fits the dates; some ended activities are still open (overdue)."""
    if ends_on is not None and ends_on < today:
        return rng.choices(["done", "cancelled", "in_progress", "planned", "on_hold"], [72, 5, 14, 4, 5])[0]
    if starts_on is not None and starts_on > today:
        return rng.choices(["planned", "cancelled", "on_hold"], [90, 5, 5])[0]
    return rng.choices(["in_progress", "planned", "on_hold", "done"], [75, 10, 10, 5])[0]


def step_plan_activities(ctx: Context) -> dict:
    """Plans and their activities: leads, co-leads, partners, budgets, dates, statuses (some
    overdue), progress updates, and the revisions of the adopted plans (with their decisions)."""
    from concertation.planning.models import Activity, ProgressUpdate

    rng, today = ctx.rng, ctx.today
    if ctx.scale.name == "S":
        ctx.plans = _demo_plan(ctx)
        structure = {"demo plans grown": 1}
        counts = [ctx.scale.activities]
    else:
        ctx.plans = _territory_plans(ctx)
        counts = split(ctx.scale.activities, [draft.share for draft in ctx.plans])
        structure = {"plans": len(ctx.plans), **_structure(ctx, ctx.plans, counts)}
    organizations = [organization for organization in ctx.organizations if organization.active] or ctx.organizations
    groups = [space for space in ctx.spaces if space.kind in ("working_group", "ad_hoc_committee")] or [None]
    activities, owners = [], []
    for draft, count in zip(ctx.plans, counts, strict=True):
        plan = draft.plan
        span = (plan.ends_on - plan.starts_on).days
        for n in range(count):
            strategy_id = draft.strategies[n % len(draft.strategies)] if n < len(draft.strategies) \
                else rng.choice(draft.strategies)
            position = draft.next_position[strategy_id]
            draft.next_position[strategy_id] = position + 1
            starts_on = ends_on = None
            if rng.random() > 0.05:
                starts_on = plan.starts_on + timedelta(days=rng.randint(0, int(span * 0.8)))
                ends_on = min(starts_on + timedelta(days=rng.randint(60, 900)), plan.ends_on)
            lead = rng.choice(organizations)
            status = "planned" if plan.status == "draft" else activity_status(rng, starts_on, ends_on, today)
            activities.append(Activity(
                strategy_id=strategy_id, position=position,
                title=f"{rng.choice(ACTIVITY_VERBS)} {rng.choice(ACTIVITY_OBJECTS)} ({n + 1})",
                description=paragraph(rng, 2) if rng.random() < 0.5 else "", lead=lead,
                budget_amount=rng.randrange(1000, 150_000, 500) if rng.random() < 0.8 else None,
                funder=rng.choice(FUNDERS), starts_on=starts_on, ends_on=ends_on, status=status,
                working_group=rng.choice(groups) if rng.random() < 0.5 else None,
            ))
            owners.append(draft)
    activities = bulk(Activity, activities)
    co_leads, partners, names = [], [], {}
    for activity, draft in zip(activities, owners, strict=True):
        draft.activities.append(activity)
        others = [o for o in rng.sample(organizations, min(6, len(organizations))) if o.pk != activity.lead_id]
        mine_co, mine_partners = others[:rng.randint(0, 2)], others[2:2 + rng.randint(0, 4)]
        co_leads += [Activity.co_leads.through(activity_id=activity.pk, organization_id=o.pk) for o in mine_co]
        partners += [Activity.partners.through(activity_id=activity.pk, organization_id=o.pk) for o in mine_partners]
        names[activity.pk] = {"co_leads": [o.name for o in mine_co], "partners": [o.name for o in mine_partners]}
    bulk(Activity.co_leads.through, co_leads)
    bulk(Activity.partners.through, partners)
    updates = []
    for activity, draft in zip(activities, owners, strict=True):
        if activity.status not in ("in_progress", "done", "on_hold") or activity.starts_on is None \
                or activity.starts_on > today:
            continue
        last = min(today, activity.ends_on or today)
        days = sorted(rng.sample(range((last - activity.starts_on).days + 1),
                                 min(rng.randint(1, 3), (last - activity.starts_on).days + 1)))
        percent = 0
        for index, offset in enumerate(days):
            final = activity.status == "done" and index == len(days) - 1
            percent = 100 if final else min(95, percent + rng.randint(10, 40))
            updates.append(ProgressUpdate(activity=activity, date=activity.starts_on + timedelta(days=offset),
                                          text=DONE_NEWS if final else rng.choice(NEWS), percent=percent,
                                          author_id=rng.choice(draft.writers)))
    bulk(ProgressUpdate, updates)
    revisions = _activity_revisions(ctx, names)
    return {**structure, "activities": len(activities), "co-leads": len(co_leads), "partners": len(partners),
            "progress updates": len(updates), "activity revisions": revisions}


def revision_moments(ctx: Context, draft: PlanDraft, count: int) -> list[datetime]:
    """``count`` moments after the plan's adoption (up to now, or the end of an archived plan)."""
    plan = draft.plan
    first = timezone_aware(plan.adopted_on + timedelta(days=1))
    last = ctx.now if plan.status == "adopted" else min(ctx.now, timezone_aware(plan.ends_on))
    span = max((last - first).total_seconds(), 3600)
    return sorted(first + timedelta(seconds=ctx.rng.uniform(0, span)) for _ in range(count))


def _revision(ctx: Context, draft: PlanDraft, *, kind: str, item, before: dict, after: dict, at: datetime):
    from concertation.planning.models import Revision
    from concertation.planning.revisions import diff, label_of

    decision = decision_near(draft.decisions, at) if ctx.rng.random() < 0.7 else None
    return Revision(plan=draft.plan, item_type=kind, item_id=item.pk, item_label=label_of(item), action="edit",
                    diff=diff(before, after), before=before, after=after, reason=ctx.rng.choice(REVISION_REASONS),
                    decision_id=decision[1] if decision else None, author=ctx.coordinator, made_at=at)


def _activity_revisions(ctx: Context, names: dict) -> int:
    """Edits of activities of the adopted (and archived) plans: a lead, a budget or an end date
    changed, each with its reason and, most of the time, the decision that authorised it. The
    activity as generated is the state after the edit."""
    from concertation.planning.models import Revision
    from concertation.planning.revisions import snapshot

    rng = ctx.rng
    revisions = []
    for draft in ctx.plans:
        if draft.plan.status == "draft" or not draft.activities:
            continue
        count = max(3, min(40, len(draft.activities) // 30))
        for at, activity in zip(revision_moments(ctx, draft, count),
                                rng.sample(draft.activities, min(count, len(draft.activities))), strict=False):
            after = snapshot(activity, names=names[activity.pk])
            before = dict(after)
            change = rng.choice(["lead", "budget_amount", "ends_on"])
            if change == "lead" or (change == "budget_amount" and activity.budget_amount is None) or \
                    (change == "ends_on" and activity.ends_on is None):
                other = rng.choice(ctx.organizations)
                before["lead"], before["lead_id"] = other.name, other.pk
            elif change == "budget_amount":
                before["budget_amount"] = f"{activity.budget_amount + rng.randrange(500, 20_000, 500)}.00"
            else:
                before["ends_on"] = (activity.ends_on - timedelta(days=rng.randint(30, 180))).isoformat()
            revisions.append(_revision(ctx, draft, kind="activity", item=activity, before=before, after=after, at=at))
    bulk(Revision, revisions)
    return len(revisions)


def step_plan_indicators(ctx: Context) -> dict:
    """Indicators at the three levels (objective, activity, the whole plan): baseline, target,
    direction, frequency, source, responsible; a few targets revised on the adopted plans."""
    from concertation.planning.models import Indicator, Revision
    from concertation.planning.revisions import snapshot

    rng = ctx.rng
    counts = split(ctx.scale.indicators, [draft.share for draft in ctx.plans])
    organizations = [organization for organization in ctx.organizations if organization.active] or ctx.organizations
    indicators, owners = [], []
    levels = {"objective": 0, "activity": 0, "plan": 0}
    for draft, count in zip(ctx.plans, counts, strict=True):
        plan = draft.plan
        for n in range(count):
            name, unit, direction, (low, high) = rng.choice(INDICATOR_NAMES)
            level = rng.choices(["objective", "activity", "plan"], [50, 30, 20])[0]
            if (level == "activity" and not draft.activities) or (level == "objective" and not draft.objectives):
                level = "plan"
            levels[level] += 1
            baseline_date = plan.starts_on - timedelta(days=rng.randint(0, 200))
            if unit.startswith("%"):
                baseline = Decimal(f"{rng.uniform(low, high):.1f}")
                factor = rng.uniform(1.1, 1.6) if direction == "increase" else rng.uniform(0.6, 0.9)
                target = min(baseline * Decimal(factor), Decimal(95)).quantize(Decimal("0.1"))
            else:
                baseline = Decimal(rng.randint(low, high))
                target = (baseline * Decimal(rng.uniform(1.1, 1.6)) + 10).quantize(Decimal(1))
            indicators.append(Indicator(
                plan=plan, name=f"{name} ({n + 1})", unit=unit, baseline_value=baseline,
                baseline_date=baseline_date, target_value=target,
                target_date=max(plan.ends_on - timedelta(days=rng.randint(0, 300)), baseline_date + timedelta(days=365)),
                direction=direction, frequency=rng.choices(["monthly", "quarterly", "yearly"], [50, 35, 15])[0],
                source=rng.choice(INDICATOR_SOURCES), responsible=rng.choice(organizations) if rng.random() < 0.7 else None,
                objective_id=rng.choice(draft.objectives) if level == "objective" else None,
                activity=rng.choice(draft.activities) if level == "activity" else None,
                position=draft.next_indicator_position + n,
            ))
            owners.append(draft)
    indicators = bulk(Indicator, indicators)
    revisions = []
    for indicator, draft in zip(indicators, owners, strict=True):
        draft.indicators.append((indicator, rng.uniform(0.2, 1.3)))  # how well it goes: 1 = on the path
    for draft in ctx.plans:
        if draft.plan.status == "draft" or not draft.indicators:
            continue
        count = max(1, min(10, len(draft.indicators) // 20))
        chosen = rng.sample(draft.indicators, min(count, len(draft.indicators)))
        for at, (indicator, _performance) in zip(revision_moments(ctx, draft, count), chosen, strict=False):
            after = snapshot(indicator)
            before = dict(after, target_value=f"{indicator.target_value * Decimal('0.9'):.4f}")
            revisions.append(_revision(ctx, draft, kind="indicator", item=indicator, before=before, after=after,
                                       at=at))
    bulk(Revision, revisions)
    return {"indicators": len(indicators), "objective indicators": levels["objective"],
            "activity indicators": levels["activity"], "plan indicators": levels["plan"],
            "indicator revisions": len(revisions)}


def step_plan_measurements(ctx: Context) -> dict:
    """Measurements: one per indicator per date, at the indicator's frequency (month ends), the
    longest series for the monthly ones; a quarter of the indicators are late (a measurement is
    due). Values go from the baseline towards the target, each indicator at its own pace."""
    from concertation.planning.models import Measurement

    rng, today = ctx.rng, ctx.today
    everything = [(indicator, performance, draft) for draft in ctx.plans for indicator, performance in draft.indicators]
    sizes = split(ctx.scale.measurements, [FREQUENCY_WEIGHT[indicator.frequency] for indicator, _p, _d in everything])
    anchor = month_end(today, 1)  # the last month already over
    measurements, late, written = [], 0, 0
    for (indicator, performance, draft), size in zip(everything, sizes, strict=True):
        step = FREQUENCY_MONTHS[indicator.frequency]
        if rng.random() < 0.25:
            late += 1
            behind = rng.randint(step + 1, step * 3)
        else:
            behind = rng.randint(0, step - 1)
        baseline, target = float(indicator.baseline_value), float(indicator.target_value)
        path_days = max((indicator.target_date - indicator.baseline_date).days, 1)
        for index in range(size):
            day = month_end(anchor, behind + index * step)
            progress = (day - indicator.baseline_date).days / path_days
            value = baseline + (target - baseline) * max(progress, 0) * performance
            if progress < 0:
                value -= (target - baseline) * 0.05 * -progress
            value += (target - baseline) * rng.uniform(-0.04, 0.04)
            if indicator.unit.startswith("%"):
                value = min(value, 100.0)
            measurements.append(Measurement(
                indicator=indicator, date=day, value=Decimal(f"{max(value, 0):.1f}"),
                note="Donnée provisoire." if rng.random() < 0.02 else "", recorded_by_id=rng.choice(draft.writers),
            ))
        if len(measurements) >= BATCH * 10:
            written += len(bulk(Measurement, measurements))
            ctx.say(f"measurements {written:,}".replace(",", "\u202f"))
            measurements = []
    written += len(bulk(Measurement, measurements))
    return {"measurements": written, "indicators late": late}


def step_analyze(ctx: Context) -> dict:
    """PostgreSQL: ANALYZE, as autovacuum would after a bulk load. SQLite: nothing (a real
    instance does not run ANALYZE either), so the figures are the conservative ones."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return {"analyzed databases": 1}
    return "SQLite: no ANALYZE (as in production)"


# -- the territory's portrait (issue 15) ---------------------------------------------------------

PORTRAIT_FIGURES = {"M": 200, "L": 600}  # S: the demo's own portrait
PORTRAIT_THEMES = ["Population", "Revenu et pauvreté", "Logement", "Scolarité", "Santé", "Emploi"]


def step_portrait(ctx: Context) -> dict:
    """Figures over six themes, each for the two last census years, in two geographies."""
    from decimal import Decimal

    from concertation.knowledge.models import Figure

    total = PORTRAIT_FIGURES[ctx.scale.name]
    figures = []
    for n in range(total):
        series, year = divmod(n, 2)
        figures.append(Figure(
            territory=ctx.territory, theme=PORTRAIT_THEMES[series % len(PORTRAIT_THEMES)],
            label=f"Chiffre {series // len(PORTRAIT_THEMES) + 1}", year=2016 + 5 * year,
            geography="Territoire" if series % 7 else "Région",
            value=Decimal(ctx.rng.randint(5, 95) if series % 3 else ctx.rng.randint(1000, 90_000)),
            unit="%" if series % 3 else "personnes", position=series,
            source="Statistique Canada, Recensement", source_url="https://www12.statcan.gc.ca/"))
    bulk(Figure, figures)
    return {"figures": total}


# -- the registry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    run: Callable[[Context], dict | str] | None
    scales: tuple[str, ...] = common.SCALES
    pending: str = ""   # "issue N": the step arrives with that capability
    atomic: bool = True


STEPS: list[Step] = [
    Step("migrate", "Migrations", step_migrate, atomic=False),
    Step("hashes", "Mots de passe (un hachage)", step_hashes),
    Step("demo", "Démo (load_demo)", step_demo, scales=("S",)),
    Step("accounts", "Comptes et personnes", step_accounts),
    Step("territory", "Territoire, secteurs, collèges", step_territory, scales=("M", "L")),
    Step("organizations", "Organismes et affiliations", step_organizations, scales=("M", "L")),
    Step("spaces", "Espaces", step_spaces, scales=("M", "L")),
    Step("memberships", "Adhésions et délégations", step_memberships, scales=("M", "L")),
    Step("roles", "Rôles et mandats", step_roles, scales=("M", "L")),
    Step("charters", "Chartes (versions)", step_charters, scales=("M", "L")),
    Step("coordinators", "Coordination du territoire", step_coordinators, scales=("M", "L")),
    Step("bench_s", "Comptes du banc dans la démo", step_bench_accounts_s, scales=("S",)),
    Step("collect", "Votants et membres par espace", step_collect),
    Step("proposals", "Propositions, versions, options", step_proposals),
    Step("ballots", "Bulletins et participations", step_ballots),
    Step("results", "Résultats (compute_result)", step_results),
    Step("recusals", "Retraits (conflits d'intérêts)", step_recusals),
    Step("comments", "Commentaires", step_comments),
    # Each capability adds its steps here (a Step without a function prints as pending).
    Step("meetings", "Rencontres et ordres du jour", step_meetings),  # issue 5's data model
    Step("activities", "Plans, actions, révisions", step_plan_activities),  # issue 6's data model
    Step("indicators", "Indicateurs", step_plan_indicators),
    Step("measurements", "Mesures des indicateurs", step_plan_measurements),
    Step("portrait", "Portrait du territoire", step_portrait, scales=("M", "L")),  # issue 15
    Step("documents", "Bibliothèque de documents", step_documents),  # issue 15
    Step("analyze", "Statistiques du planificateur", step_analyze, atomic=False),
]


# -- running ------------------------------------------------------------------------------------


def fresh_sqlite(url: str) -> None:
    """Remove the SQLite file of a benchmark database (only under var/ or named bench-*)."""
    if not url.startswith("sqlite:///"):
        return
    path = Path(url[len("sqlite:///"):])
    if not path.exists():
        return
    inside_var = common.VAR.resolve() in path.resolve().parents
    if not (inside_var or path.name.startswith("bench-")):
        raise SystemExit(f"generate: {path} exists and is not a benchmark database (var/ or bench-*): "
                         "remove it yourself or choose another path.")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def generate(scale_name: str, seed: int = 7, stream=None) -> dict:
    from django.db import transaction
    from django.utils import timezone

    scale = SCALES[scale_name]
    steps = [step for step in STEPS if scale_name in step.scales]
    progress = common.Progress(len(steps), stream=stream)
    ctx = Context(scale=scale, seed=seed, rng=random.Random(seed), today=timezone.localdate(),
                  now=timezone.now().replace(microsecond=0), progress=progress)
    counts: dict = {}
    for step in steps:
        started = time.perf_counter()
        if step.run is None:
            figure = getattr(scale, step.key, 0)
            progress.step(step.label, f"pending ({step.pending}; {figure:,} planned at {scale_name})"
                          .replace(",", "\u202f"), 0.0)
            continue
        if step.atomic:
            with transaction.atomic():
                result = step.run(ctx)
        else:
            result = step.run(ctx)
        if isinstance(result, dict):
            counts.update(result)
        progress.step(step.label, result, time.perf_counter() - started)
    return {"scale": scale_name, "seed": seed, "elapsed_s": round(progress.elapsed(), 1), "counts": counts,
            "territory": ctx.territory.slug if ctx.territory else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=common.SCALES, required=True)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else var/bench-<scale>.sqlite3 (recreated)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="write the counts and the elapsed time to this file")
    args = parser.parse_args(argv)

    import os

    url = args.database_url or os.environ.get("DATABASE_URL") or common.default_database_url(args.scale)
    fresh_sqlite(url)
    common.setup_django(database_url=url, scale=args.scale)
    print(f"generate: scale {args.scale}, seed {args.seed}, {common.database_label()}")
    report = generate(args.scale, seed=args.seed)
    report["database"] = common.database_label()
    report["machine"] = common.machine()
    print(f"generate: done in {report['elapsed_s']} s")
    if args.json:
        common.write_json(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
