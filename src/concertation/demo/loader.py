"""Build the demo territory: the Table de quartier Pointe-aux-Hérons of DOMAIN.md.

Everything is fictional. The loader is idempotent: when the territory already exists it only makes
sure the demo accounts exist and sign in with the demo password. ``reset=True`` deletes the demo
territory and every demo person first, then rebuilds.

The demo is built by the functions of ``STEPS``, in order, each receiving a ``DemoContext``. Later
parts of the product (meetings, proposals, the plan) add their own step functions to ``STEPS``;
if their data must be deleted before the territory (a ``PROTECT`` foreign key), they add a function
to ``RESET_STEPS``, which run first on ``reset=True``.

Every write goes through the services of ``concertation.spaces.services`` so that the demo follows
the domain's rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from concertation.core.dates import add_months
from concertation.decisions import services as decisions
from concertation.decisions.ballots import ballot_cast
from concertation.decisions.models import Proposal
from concertation.demo.documents import document_bytes
from concertation.demo.timeline import Timeline
from concertation.directory.models import Affiliation, College, Organization, Sector, Territory
from concertation.spaces import services
from concertation.spaces.models import (
    Charter,
    Delegation,
    Membership,
    MembershipCategory,
    Role,
    RoleAssignment,
    Space,
)
from concertation.spaces.selectors import assignment_current_q, current_q

NBSP = "\u00a0"
DEMO_PASSWORD = "demo-concertation-2025"
TERRITORY_SLUG = "pointe-aux-herons"
TERRITORY_NAME = "Table de quartier Pointe-aux-Hérons"
DEMO_DOMAIN = "demo.concertation.quebec"
ARRONDISSEMENT = "arrondissement de Rivière-des-Hérons"


def fr(text: str) -> str:
    """French typography: non-breaking spaces before « : » and « % » and inside guillemets."""
    return (
        text.replace(" :", f"{NBSP}:")
        .replace(" %", f"{NBSP}%")
        .replace("« ", f"«{NBSP}")
        .replace(" »", f"{NBSP}»")
        .replace(" $", f"{NBSP}$")
    )


# The demo accounts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoAccount:
    kind: str  # coordinator, facilitator, delegate, citizen, observer, admin
    email: str
    name: str
    role_fr: str
    role_en: str
    is_admin: bool = False


_ACCOUNTS = [
    DemoAccount(
        "coordinator", f"coordination@{DEMO_DOMAIN}", "Nadia Ouellet",
        "Coordonnatrice de la Table : coordination du territoire et de l'Assemblée des partenaires",
        "Coordinator of the Table: territory coordinator, holds the Coordination role of the assembly",
    ),
    DemoAccount(
        "facilitator", f"animation@{DEMO_DOMAIN}", "Julien Gagnon",
        "Animation du comité « Habiter dignement », coprésidence du Comité de coordination; "
        "délégué du Comité logement",
        "Facilitator of the working group “Habiter dignement”, co-chair of the coordination committee; "
        "delegate of the Comité logement",
    ),
    DemoAccount(
        "delegate", f"delegue@{DEMO_DOMAIN}", "Marie-Claude Roy",
        "Déléguée du Carrefour familial des Hérons (membre votant)",
        "Delegate of the Carrefour familial des Hérons (voting member)",
    ),
    DemoAccount(
        "citizen", f"citoyenne@{DEMO_DOMAIN}", "Amina Belkacem",
        "Citoyenne, membre votante de l'Assemblée et du Comité de coordination (collège citoyen)",
        "Citizen, voting member of the assembly and the coordination committee (citizen college)",
    ),
    DemoAccount(
        "observer", f"observateur@{DEMO_DOMAIN}", "Philippe Lavoie",
        "Délégué de Centraide, membre observateur de l'Assemblée",
        "Delegate of Centraide, an observer member of the assembly",
    ),
    DemoAccount(
        "admin", f"admin@{DEMO_DOMAIN}", "Admin Concertation",
        "Administration de l'instance (accès à l'administration Django)",
        "Instance administrator (Django admin access)",
        is_admin=True,
    ),
]
# One account per kind of user; the README and the tests read this list.
DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(a.kind, a.email, a.name, fr(a.role_fr), a.role_en, a.is_admin) for a in _ACCOUNTS
]
ACCOUNT_EMAILS = {account.kind: account.email for account in DEMO_ACCOUNTS}


# The territory's data ---------------------------------------------------------------------------

TERRITORY_DESCRIPTION = (
    "Quartier (fictif) de l'arrondissement de Rivière-des-Hérons, où agit la Table de quartier "
    "Pointe-aux-Hérons (TQPAH).\n\n"
    "Portrait : 38 200 personnes; 72 % des ménages sont locataires; 36 % des ménages locataires "
    "consacrent 30 % ou plus de leur revenu au loyer; 29 % de la population vit sous la mesure de "
    "faible revenu; 41 % des personnes sont immigrantes; 19 % des jeunes quittent l'école sans diplôme."
)

# slug → (name, kind)
COLLEGES = {
    "communautaire": ("Communautaire", College.Kind.COMMUNITY),
    "institutionnel": ("Institutionnel", College.Kind.INSTITUTIONAL),
    "municipal": ("Municipal", College.Kind.MUNICIPAL),
    "citoyen": ("Citoyen", College.Kind.CITIZEN),
    "prive": ("Privé", College.Kind.PRIVATE),
    "bailleur": ("Bailleur de fonds", College.Kind.FUNDER),
}

SECTORS = [
    "Famille",
    "Sécurité alimentaire",
    "Logement",
    "Emploi et insertion",
    "Éducation populaire et alphabétisation",
    "Personnes aînées",
    "Accueil des personnes immigrantes",
    "Jeunesse",
    "Santé et services sociaux",
    "Éducation",
    "Développement social",
    "Finance solidaire",
    "Philanthropie",
]


@dataclass(frozen=True)
class DemoPerson:
    first: str
    last: str
    title: str = ""
    email: str = ""  # by default prenom.nom@<domain of the organization>

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def email_at(self, domain: str) -> str:
        return self.email or f"{slugify(self.first)}.{slugify(self.last)}@{domain}"


@dataclass(frozen=True)
class DemoOrganization:
    key: str
    name: str
    acronym: str
    sector: str
    college: str
    domain: str
    street: str
    phone: str
    description: str
    delegate: DemoPerson
    alternate: DemoPerson
    observer: bool = False

    @property
    def address(self) -> str:
        return f"{self.street}, {ARRONDISSEMENT} (Québec)"


ORGANIZATIONS: list[DemoOrganization] = [
    DemoOrganization(
        "cfh", "Carrefour familial des Hérons", "CFH", "Famille", "communautaire",
        "carrefourfamilial.example", "1250, rue des Hérons", "514 555-0101",
        "Maison de la famille : halte-garderie, ateliers parents-enfants, soutien aux familles "
        "nouvellement arrivées. Fiduciaire de la Table de quartier.",
        DemoPerson("Marie-Claude", "Roy", "Directrice générale", email=f"delegue@{DEMO_DOMAIN}"),
        DemoPerson("Stéphane", "Bouchard", "Responsable de l'administration"),
    ),
    DemoOrganization(
        "marmite", "Cuisines collectives La Marmite solidaire", "La Marmite", "Sécurité alimentaire",
        "communautaire", "marmitesolidaire.example", "88, rue du Quai", "514 555-0102",
        "Cuisines collectives, ateliers de cuisine pour les familles et les personnes aînées, "
        "repas communautaires mensuels.",
        DemoPerson("Josée", "Lachance", "Coordonnatrice"),
        DemoPerson("Karim", "Haddad", "Animateur en cuisine collective"),
    ),
    DemoOrganization(
        "panier", "Épicerie solidaire Le Panier du Héron", "Le Panier", "Sécurité alimentaire",
        "communautaire", "panierduheron.example", "410, boulevard de la Pointe", "514 555-0103",
        "Épicerie à prix modulés selon le revenu, paniers de fruits et légumes, achats groupés.",
        DemoPerson("Luc", "Bergeron", "Directeur"),
        DemoPerson("Nathalie", "Côté", "Responsable des bénévoles"),
    ),
    DemoOrganization(
        "clpah", "Comité logement Pointe-aux-Hérons", "CLPAH", "Logement", "communautaire",
        "comitelogement-pah.example", "2045, rue Sainte-Claire", "514 555-0104",
        "Information et défense des droits des locataires, clinique locataires, mobilisation pour "
        "le logement social.",
        DemoPerson("Julien", "Gagnon", "Organisateur communautaire", email=f"animation@{DEMO_DOMAIN}"),
        DemoPerson("Sophie", "Morin", "Intervenante en droit du logement"),
    ),
    DemoOrganization(
        "hdq", "Habitations du Quai", "HDQ", "Logement", "communautaire",
        "habitationsduquai.example", "15, place du Quai", "514 555-0105",
        "OBNL d'habitation : 96 logements abordables pour familles et personnes seules, soutien "
        "communautaire aux locataires.",
        DemoPerson("François", "Pelletier", "Directeur général"),
        DemoPerson("Isabelle", "Gauthier", "Intervenante en soutien communautaire"),
    ),
    DemoOrganization(
        "cje", "Carrefour jeunesse-emploi des Rivières", "CJE des Rivières", "Emploi et insertion",
        "communautaire", "cjedesrivieres.example", "3300, boulevard des Rivières", "514 555-0106",
        "Accompagnement des 16 à 35 ans vers l'emploi, le retour aux études et l'entrepreneuriat.",
        DemoPerson("Mélanie", "Fortin", "Directrice adjointe"),
        DemoPerson("Olivier", "Caron", "Conseiller en emploi"),
    ),
    DemoOrganization(
        "ceph", "Centre d'éducation populaire des Hérons", "CEP des Hérons",
        "Éducation populaire et alphabétisation", "communautaire", "cepherons.example",
        "740, rue Saint-Joseph", "514 555-0107",
        "Alphabétisation, francisation et ateliers d'éducation populaire pour les adultes.",
        DemoPerson("Claire", "Dubé", "Coordonnatrice pédagogique"),
        DemoPerson("Mamadou", "Diallo", "Formateur en alphabétisation"),
    ),
    DemoOrganization(
        "mah", "Maison des aînés du Héron", "MAH", "Personnes aînées", "communautaire",
        "maisondesaines.example", "560, rue des Érables", "514 555-0108",
        "Milieu de vie pour les personnes aînées : repas, visites d'amitié, lutte contre l'isolement.",
        DemoPerson("Denise", "Lapointe", "Directrice"),
        DemoPerson("Robert", "Girard", "Président du conseil d'administration"),
    ),
    DemoOrganization(
        "passerelle", "Passerelle Hérons", "Passerelle", "Accueil des personnes immigrantes",
        "communautaire", "passerelleherons.example", "1890, rue Notre-Dame-des-Hérons", "514 555-0109",
        "Accueil et accompagnement des personnes immigrantes : installation, démarches, "
        "jumelage interculturel.",
        DemoPerson("Yasmina", "Cherif", "Directrice"),
        DemoPerson("Daniel", "Nguyen", "Intervenant en établissement"),
    ),
    DemoOrganization(
        "escale", "Maison de jeunes L'Escale", "L'Escale", "Jeunesse", "communautaire",
        "mdjlescale.example", "275, rue du Parc-Riverain", "514 555-0110",
        "Lieu de rencontre pour les 12 à 17 ans : activités, prévention, aide aux devoirs.",
        DemoPerson("Kevin", "Paquette", "Coordonnateur"),
        DemoPerson("Audrey", "Simard", "Animatrice jeunesse"),
    ),
    DemoOrganization(
        "clsc", "CLSC des Hérons, CIUSSS", "CLSC des Hérons", "Santé et services sociaux",
        "institutionnel", "ciusss-herons.example", "5000, boulevard de la Pointe", "514 555-0111",
        "Services de santé et services sociaux de première ligne; organisation communautaire.",
        DemoPerson("Geneviève", "Bélanger", "Organisatrice communautaire"),
        DemoPerson("Marc-André", "Leblanc", "Chef de programme, santé publique"),
    ),
    DemoOrganization(
        "cssr", "Centre de services scolaire des Rivières", "CSS des Rivières", "Éducation",
        "institutionnel", "cssdesrivieres.example", "1200, avenue de l'École", "514 555-0112",
        "Écoles primaires et secondaires du quartier; persévérance scolaire et formation des adultes.",
        DemoPerson("Patrick", "Lévesque", "Conseiller pédagogique"),
        DemoPerson("Chantal", "Boucher", "Directrice d'école primaire"),
    ),
    DemoOrganization(
        "arrondissement", "Arrondissement de Rivière-des-Hérons, Division du développement social",
        "Arrondissement", "Développement social", "municipal", "riviere-des-herons.example",
        "3800, boulevard des Rivières", "514 555-0113",
        "Division du développement social de l'arrondissement : soutien aux organismes, budget "
        "participatif, politique de développement social.",
        DemoPerson("Valérie", "Poirier", "Conseillère en développement communautaire"),
        DemoPerson("Éric", "Bérubé", "Chef de division"),
    ),
    DemoOrganization(
        "caisse", "Caisse Desjardins des Hérons", "Caisse des Hérons", "Finance solidaire", "prive",
        "caissedesherons.example", "900, boulevard de la Pointe", "514 555-0114",
        "Caisse populaire du quartier : fonds d'aide au développement du milieu, éducation financière.",
        DemoPerson("Louise", "Martel", "Conseillère, engagement dans le milieu"),
        DemoPerson("Jean-François", "Dion", "Directeur général adjoint"),
        observer=True,
    ),
    DemoOrganization(
        "centraide", "Centraide", "Centraide", "Philanthropie", "bailleur",
        "centraide.example", "600, rue de la Concorde", "514 555-0115",
        "Bailleur de fonds : soutien financier aux tables de quartier et aux organismes communautaires.",
        DemoPerson("Philippe", "Lavoie", "Conseiller en développement social", email=f"observateur@{DEMO_DOMAIN}"),
        DemoPerson("Catherine", "Giroux", "Conseillère en développement social"),
        observer=True,
    ),
]

CITIZENS = [
    DemoPerson("Amina", "Belkacem", email=f"citoyenne@{DEMO_DOMAIN}"),
    DemoPerson("Gilles", "Tremblay", email="gilles.tremblay@courriel.example"),
    DemoPerson("Rosa", "Martínez", email="rosa.martinez@courriel.example"),
]

# The delegate of Habitations du Quai before the current one (a delegation that ended).
FORMER_HDQ_DELEGATE = DemoPerson("Réjean", "Fournier", "Ancien directeur général")

ASSEMBLY = "assemblee-des-partenaires"
COMMITTEE = "comite-de-coordination"
HOUSING = "habiter-dignement"
FOOD = "se-nourrir-ensemble"
SCHOOL = "reussir-et-s-inserer"

# slug → (name, kind, parent slug, visibility, mandate)
SPACES = {
    ASSEMBLY: (
        "Assemblée des partenaires", Space.Kind.ASSEMBLY, None, Space.Visibility.PUBLIC,
        "Instance décisionnelle de la Table de quartier : elle adopte le plan de quartier, "
        "en suit la réalisation, élit le Comité de coordination et les sièges citoyens et fait le "
        "bilan annuel. Elle se réunit trois fois par année.",
    ),
    COMMITTEE: (
        "Comité de coordination", Space.Kind.COORDINATION_COMMITTEE, ASSEMBLY, Space.Visibility.MEMBERS,
        "Prépare les assemblées, suit le plan de quartier entre les assemblées, répartit les "
        "enveloppes confiées par l'Assemblée et soutient la coordination. Sept sièges : quatre "
        "organismes communautaires, deux institutions et une citoyenne ou un citoyen.",
    ),
    HOUSING: (
        "Habiter dignement", Space.Kind.WORKING_GROUP, ASSEMBLY, Space.Visibility.TERRITORY,
        "Améliorer l'accès à un logement salubre et abordable : accompagnement des locataires, "
        "clinique locataires, porte-à-porte, développement de logements sociaux et communautaires.",
    ),
    FOOD: (
        "Se nourrir ensemble", Space.Kind.WORKING_GROUP, ASSEMBLY, Space.Visibility.TERRITORY,
        "Améliorer l'accès à une alimentation saine, abordable et digne : cuisines collectives, "
        "épicerie solidaire, jardins et achats groupés.",
    ),
    SCHOOL: (
        "Réussir et s'insérer", Space.Kind.WORKING_GROUP, ASSEMBLY, Space.Visibility.TERRITORY,
        "Favoriser la persévérance scolaire et l'insertion socioprofessionnelle des jeunes et des "
        "adultes, en particulier des personnes nouvellement arrivées.",
    ),
}

# space slug → (organization keys, citizen emails, start of the memberships)
MEMBERSHIPS = {
    ASSEMBLY: (
        [organization.key for organization in ORGANIZATIONS],
        [citizen.email for citizen in CITIZENS],
        date(2022, 9, 15),
    ),
    COMMITTEE: (["clpah", "cfh", "marmite", "cje", "clsc", "cssr"], [f"citoyenne@{DEMO_DOMAIN}"], date(2025, 9, 18)),
    HOUSING: (["clpah", "hdq", "passerelle", "clsc", "arrondissement"], ["gilles.tremblay@courriel.example"],
              date(2023, 10, 5)),
    FOOD: (["marmite", "panier", "mah", "cfh", "clsc"], ["rosa.martinez@courriel.example"], date(2023, 10, 12)),
    SCHOOL: (["cje", "ceph", "escale", "cssr", "passerelle"], [f"citoyenne@{DEMO_DOMAIN}"], date(2024, 1, 18)),
}
# Members who joined the assembly later than the founding members.
LATER_ASSEMBLY_STARTS = {"passerelle": date(2023, 9, 21), "caisse": date(2024, 9, 19), "centraide": date(2024, 9, 19)}
CITIZEN_SEATS_ELECTED = date(2025, 9, 18)
HDQ_DELEGATE_CHANGED = date(2025, 1, 15)

ASSEMBLY_RULES = """## Règles de fonctionnement de l'Assemblée des partenaires

### Mission
L'Assemblée des partenaires réunit les organismes, les institutions et les citoyennes et citoyens de Pointe-aux-Hérons qui agissent ensemble pour améliorer les conditions de vie du quartier. Elle adopte le plan de quartier, en suit la réalisation et en fait le bilan.

### Membres
- **Membres votants** : les organismes communautaires, les institutions publiques, l'arrondissement et trois citoyennes ou citoyens élus sur des sièges réservés.
- **Membres observateurs** : les partenaires privés et les bailleurs de fonds. Ils prennent la parole, mais ne votent pas.
- Chaque organisme membre désigne une personne déléguée et un substitut.

### Rencontres
L'Assemblée se réunit au moins trois fois par année. La convocation et l'ordre du jour sont envoyés au moins dix jours à l'avance; tout membre votant peut proposer un point à l'ordre du jour.

### Prise de décision
1. Nous cherchons d'abord le consensus.
2. À défaut de consensus, la décision est prise par un vote aux deux tiers des membres votants présents, à raison d'une voix par organisme.
3. Le quorum est de 50 % + 1 des membres votants, dont au moins une citoyenne ou un citoyen.

### Conflits d'intérêts
Une personne en conflit d'intérêts le déclare, puis se retire de la délibération et du vote sur la question. Le compte rendu en fait mention.

### Modification des règles
Ces règles sont modifiées par l'Assemblée, sur avis envoyé avec l'ordre du jour.
"""

COMMITTEE_RULES = """## Règles de fonctionnement du Comité de coordination

### Mandat
Le Comité de coordination prépare les assemblées, suit le plan de quartier entre les assemblées, répartit les enveloppes que lui confie l'Assemblée et soutient la coordination.

### Composition
Sept sièges élus par l'Assemblée des partenaires pour deux ans : quatre organismes communautaires, deux institutions et une citoyenne ou un citoyen. La coprésidence est partagée entre un organisme communautaire et une institution.

### Prise de décision
Les règles de l'Assemblée s'appliquent : consensus d'abord; à défaut, vote aux deux tiers des membres votants présents, une voix par organisme. Quorum : 50 % + 1 des membres votants, dont au moins une citoyenne ou un citoyen.

### Conflits d'intérêts
Quand une décision touche un financement destiné à son organisme, la personne déléguée le déclare et se retire de la délibération et du vote.

### Comptes rendus
Le compte rendu est transmis aux membres de l'Assemblée dans les deux semaines qui suivent la rencontre.
"""

WORKING_GROUP_RULES = """## Règles de fonctionnement du comité « {name} »

- Le comité décide par consentement : une proposition est adoptée quand personne n'y voit d'objection majeure.
- Si le consentement n'est pas atteint, la décision est prise à la majorité simple des voix exprimées, une voix par personne.
- L'animation tourne tous les six mois entre les membres.
- Le comité rend compte de ses travaux au Comité de coordination et à l'Assemblée des partenaires.
"""

CHARTER_ADOPTED_ON = date(2025, 9, 18)
CHARTER_ADOPTION_NOTE = "Assemblée des partenaires du {2025-09-18}"


# The context and the summary --------------------------------------------------------------------

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

    def on(self, day: date) -> date:
        """The date a date of the story falls on (demo/timeline.py)."""
        return self.timeline.on(day)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return self.timeline.at(day, hour, minute)

    def t(self, text: str) -> str:
        """A text of the story, its dates written out, in French typography (with amounts)."""
        return money(self.timeline.text(text))

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
        name = ORGANIZATION_BY_KEY[key].name
        return self._get("organization", key, lambda: Organization.objects.get(territory=self.territory, name=name))

    def person(self, email: str):
        User = get_user_model()
        return self._get("person", email.lower(), lambda: User.objects.get(email__iexact=email))

    def space(self, slug: str) -> Space:
        return self._get("space", slug, lambda: Space.objects.get(territory=self.territory, slug=slug))

    def delegate_of(self, key: str):
        organization = ORGANIZATION_BY_KEY[key]
        return self.person(organization.delegate.email_at(organization.domain))

    def alternate_of(self, key: str):
        organization = ORGANIZATION_BY_KEY[key]
        return self.person(organization.alternate.email_at(organization.domain))


ORGANIZATION_BY_KEY = {organization.key: organization for organization in ORGANIZATIONS}


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


# Helpers ----------------------------------------------------------------------------------------

def all_demo_people() -> list[tuple[DemoPerson, str]]:
    """Every fictional person of the demo, with their e-mail address (demo accounts excluded)."""
    people = []
    for organization in ORGANIZATIONS:
        for person in (organization.delegate, organization.alternate):
            people.append((person, person.email_at(organization.domain)))
    people.append((FORMER_HDQ_DELEGATE, FORMER_HDQ_DELEGATE.email_at(ORGANIZATION_BY_KEY["hdq"].domain)))
    people.extend((citizen, citizen.email) for citizen in CITIZENS)
    return people


def demo_emails() -> set[str]:
    emails = {email.lower() for _person, email in all_demo_people()}
    emails |= {account.email.lower() for account in DEMO_ACCOUNTS}
    return emails


def _verify_email(user) -> None:
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(primary=False)
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])


def _person(email: str, name: str, *, password: str | None = None, is_admin: bool = False):
    """The person with this address, created if missing; ``password=None`` leaves it unusable."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email.lower())
    user.display_name = name
    user.is_active = True
    if is_admin:
        user.is_staff = True
        user.is_superuser = True
    if password is not None:
        user.set_password(password)
    elif not user.pk:
        user.set_unusable_password()
    user.save()
    _verify_email(user)
    return user


def _days(today: date, n: int) -> date:
    return today + timedelta(days=n)


def _past(day: date, today: date) -> date:
    """A fixed date of the story, never later than yesterday (members must be current today)."""
    return min(day, today - timedelta(days=1))


# The steps --------------------------------------------------------------------------------------

def ensure_demo_accounts(ctx: DemoContext) -> None:
    """The six demo accounts exist, are active, verified and sign in with the demo password."""
    for account in DEMO_ACCOUNTS:
        user = _person(account.email, account.name, password=DEMO_PASSWORD, is_admin=account.is_admin)
        ctx.remember("person", account.email.lower(), user)


def build_territory(ctx: DemoContext) -> None:
    ctx.territory = Territory.objects.create(
        name=TERRITORY_NAME, slug=TERRITORY_SLUG, kind=Territory.Kind.NEIGHBOURHOOD,
        description=fr(TERRITORY_DESCRIPTION),
    )
    for name in SECTORS:
        ctx.remember("sector", name, Sector.objects.create(territory=ctx.territory, name=name))
    for slug, (name, kind) in COLLEGES.items():
        ctx.remember("college", slug, College.objects.create(territory=ctx.territory, name=name, slug=slug, kind=kind))


def build_people(ctx: DemoContext) -> None:
    """Delegates, alternates and citizens; only the demo accounts can sign in."""
    account_emails = {account.email.lower() for account in DEMO_ACCOUNTS}
    for person, email in all_demo_people():
        if email.lower() in account_emails:
            continue
        ctx.remember("person", email.lower(), _person(email, person.name))


def build_organizations(ctx: DemoContext) -> None:
    for data in ORGANIZATIONS:
        organization = services.organization_save(
            territory=ctx.territory,
            name=data.name,
            acronym=data.acronym,
            sector=ctx.sector(data.sector),
            college=ctx.college(data.college),
            description=fr(data.description),
            website=f"https://{data.domain}/",
            address=data.address,
            contact_name=data.delegate.name,
            contact_email=f"info@{data.domain}",
            contact_phone=data.phone,
        )
        ctx.remember("organization", data.key, organization)
        for person in (data.delegate, data.alternate):
            Affiliation.objects.create(
                person=ctx.person(person.email_at(data.domain)), organization=organization, title=person.title,
                start=_past(ctx.on(date(2021, 9, 1)), ctx.today),
            )
    hdq = ORGANIZATION_BY_KEY["hdq"]
    Affiliation.objects.create(
        person=ctx.person(FORMER_HDQ_DELEGATE.email_at(hdq.domain)), organization=ctx.organization("hdq"),
        title=FORMER_HDQ_DELEGATE.title, start=_past(ctx.on(date(2015, 3, 1)), ctx.today),
        end=_past(ctx.on(HDQ_DELEGATE_CHANGED), ctx.today) - timedelta(days=1),
    )


def build_spaces(ctx: DemoContext) -> None:
    for position, (slug, (name, kind, parent, visibility, mandate)) in enumerate(SPACES.items()):
        space = services.space_create(
            territory=ctx.territory, name=name, kind=kind, parent=ctx.space(parent) if parent else None,
            mandate=fr(mandate), visibility=visibility, slug=slug,
        )
        services.space_update(space=space, position=position)
        ctx.remember("space", slug, space)


def build_memberships(ctx: DemoContext) -> None:
    for slug, (organization_keys, citizen_emails, start) in MEMBERSHIPS.items():
        space = ctx.space(slug)
        for key in organization_keys:
            data = ORGANIZATION_BY_KEY[key]
            joined = _past(ctx.on(LATER_ASSEMBLY_STARTS.get(key, start) if slug == ASSEMBLY else start), ctx.today)
            delegate = ctx.delegate_of(key)
            if key == "hdq" and joined < _past(ctx.on(HDQ_DELEGATE_CHANGED), ctx.today):
                delegate = ctx.person(FORMER_HDQ_DELEGATE.email_at(data.domain))
            membership = services.membership_add(
                space=space, organization=ctx.organization(key),
                category=MembershipCategory.OBSERVER if data.observer else MembershipCategory.VOTING,
                delegate=delegate, alternate=ctx.alternate_of(key), start=joined,
                college=ctx.college(data.college),
            )
            if delegate != ctx.delegate_of(key):
                # Habitations du Quai changed its delegate: the former one's term ends.
                services.delegation_set(
                    membership=membership, kind=Delegation.Kind.DELEGATE, person=ctx.delegate_of(key),
                    start=_past(ctx.on(HDQ_DELEGATE_CHANGED), ctx.today),
                )
        for email in citizen_emails:
            services.membership_add(
                space=space, person=ctx.person(email), category=MembershipCategory.VOTING,
                start=_past(ctx.on(max(start, CITIZEN_SEATS_ELECTED) if slug in (ASSEMBLY, COMMITTEE) else start),
                            ctx.today),
                college=ctx.college("citoyen"), note=fr("Siège citoyen"),
            )


def build_roles(ctx: DemoContext) -> None:
    today = ctx.today
    assembly, committee = ctx.space(ASSEMBLY), ctx.space(COMMITTEE)

    def role(space, name, kind, purpose, responsibilities, term_months=None, seats=1, position=0):
        return services.role_save(
            space=space, name=name, kind=kind, purpose=fr(purpose), responsibilities=fr(responsibilities),
            term_months=term_months, seats=seats, position=position,
        )

    def term(months: int, start: date) -> tuple[date, date]:
        return start, add_months(start, months) - timedelta(days=1)

    coordination = role(
        assembly, "Coordination", Role.Kind.COORDINATION,
        "Faire vivre la concertation au quotidien entre les rencontres.",
        "Préparer et convoquer les rencontres avec l'animation; tenir à jour les membres, les rôles et "
        "les chartes; suivre le plan de quartier; assurer le lien avec les bailleurs de fonds.",
        position=0,
    )
    services.role_assign(role=coordination, person=ctx.person(ACCOUNT_EMAILS["coordinator"]),
                         start=_past(ctx.on(date(2022, 8, 29)), today))

    secretary = role(
        assembly, "Secrétariat", Role.Kind.SECRETARY,
        "Garder la mémoire des décisions de l'Assemblée.",
        "Rédiger le compte rendu et le registre des décisions; le transmettre dans les deux semaines.",
        term_months=12, position=1,
    )
    start, end = term(12, _days(today, -150))
    services.role_assign(role=secretary, person=ctx.delegate_of("ceph"), organization=ctx.organization("ceph"),
                         start=start, end=end)

    spokesperson = role(
        assembly, "Porte-parole", Role.Kind.SPOKESPERSON,
        "Porter publiquement les positions adoptées par l'Assemblée.",
        "Représenter la Table auprès des médias et de l'arrondissement, selon les positions adoptées.",
        term_months=24, position=2,
    )
    start, end = term(24, _days(today, -200))
    services.role_assign(role=spokesperson, person=ctx.delegate_of("passerelle"),
                         organization=ctx.organization("passerelle"), start=start, end=end)

    sponsor = role(
        assembly, "Fiduciaire", Role.Kind.FISCAL_SPONSOR,
        "Recevoir et gérer les fonds de la Table, qui n'est pas constituée en personne morale.",
        "Signer les conventions de financement; employer la coordination; rendre compte de "
        "l'utilisation des fonds à l'Assemblée.",
        term_months=36, position=3,
    )
    start, end = term(36, _days(today, -400))
    services.role_assign(role=sponsor, organization=ctx.organization("cfh"), start=start, end=end)

    treasurer = role(
        assembly, "Trésorerie", Role.Kind.TREASURER,
        "Suivre le budget de la Table avec le fiduciaire.",
        "Présenter l'état des revenus et des dépenses à chaque assemblée; préparer le budget annuel.",
        term_months=12, position=4,
    )
    start, end = term(12, _days(today, -150))
    services.role_assign(role=treasurer, person=ctx.alternate_of("cfh"), organization=ctx.organization("cfh"),
                         start=start, end=end)

    co_chair = role(
        committee, "Coprésidence", Role.Kind.CO_CHAIR,
        "Présider le Comité de coordination à deux voix : un organisme communautaire et une institution.",
        "Animer les rencontres du comité; préparer l'ordre du jour avec la coordination; veiller au "
        "respect de la charte.",
        term_months=24, seats=2, position=0,
    )
    start, end = term(24, _days(today, -200))
    services.role_assign(role=co_chair, person=ctx.delegate_of("clpah"), organization=ctx.organization("clpah"),
                         start=start, end=end)
    services.role_assign(role=co_chair, person=ctx.delegate_of("clsc"), organization=ctx.organization("clsc"),
                         start=start, end=end)

    def facilitation(slug):
        return role(
            ctx.space(slug), "Animation", Role.Kind.FACILITATION,
            "Animer les rencontres du comité; l'animation tourne tous les six mois entre les membres.",
            "Préparer l'ordre du jour avec la coordination; animer les échanges; veiller à ce que "
            "chaque personne puisse prendre la parole; faire le suivi des décisions.",
            term_months=6, position=0,
        )

    housing = facilitation(HOUSING)
    start, end = term(6, _days(today, -40))
    services.role_assign(role=housing, person=ctx.person(ACCOUNT_EMAILS["facilitator"]),
                         organization=ctx.organization("clpah"), start=start, end=end)

    # Se nourrir ensemble: the facilitation rotates; the current term ends this month.
    food = facilitation(FOOD)
    end = ctx.timeline.month_end()
    start = add_months(end + timedelta(days=1), -6)
    previous_end = start - timedelta(days=1)
    previous_start = add_months(previous_end + timedelta(days=1), -6)
    previous = services.role_assign(role=food, person=ctx.delegate_of("panier"), organization=ctx.organization("panier"),
                                    start=previous_start, end=previous_end)
    services.role_assignment_end(assignment=previous, ended_on=previous_end,
                                 reason=RoleAssignment.EndReason.TERM_COMPLETED)
    services.role_assign(role=food, person=ctx.delegate_of("marmite"), organization=ctx.organization("marmite"),
                         start=start, end=end)

    school = facilitation(SCHOOL)
    start, end = term(6, _days(today, -100))
    services.role_assign(role=school, person=ctx.delegate_of("cje"), organization=ctx.organization("cje"),
                         start=start, end=end)


def build_charters(ctx: DemoContext) -> None:
    coordinator = ctx.person(ACCOUNT_EMAILS["coordinator"])
    table_rules = {
        "method": "consensus",
        "fallback_method": "majority",
        "threshold": Charter.Threshold.TWO_THIRDS,
        "base": Charter.Base.PRESENT,
        "voting_unit": Charter.VotingUnit.ORGANIZATION,
        "quorum_kind": Charter.QuorumKind.MAJORITY,
        "college_minimums": {"citoyen": 1},
        "conflict_rule": Charter.ConflictRule.RECUSE_ALL,
        "agenda_proposers": Charter.AgendaProposers.VOTING,
        "adopted_on": ctx.on(CHARTER_ADOPTED_ON),
        "adoption_note": ctx.t(CHARTER_ADOPTION_NOTE),
    }
    services.charter_adopt(space=ctx.space(ASSEMBLY), by=coordinator, rules_text=fr(ASSEMBLY_RULES), **table_rules)
    services.charter_adopt(space=ctx.space(COMMITTEE), by=coordinator, rules_text=fr(COMMITTEE_RULES), **table_rules)
    for slug in (HOUSING, FOOD, SCHOOL):
        space = ctx.space(slug)
        services.charter_adopt(
            space=space, by=coordinator,
            method="consent",
            fallback_method="majority",
            threshold=Charter.Threshold.SIMPLE,
            base=Charter.Base.CAST,
            voting_unit=Charter.VotingUnit.PERSON,
            quorum_kind=Charter.QuorumKind.NONE,
            college_minimums={},
            conflict_rule=Charter.ConflictRule.RECUSE_ALL,
            agenda_proposers=Charter.AgendaProposers.ALL_MEMBERS,
            rules_text=fr(WORKING_GROUP_RULES.format(name=space.name)),
            adopted_on=ctx.on(CHARTER_ADOPTED_ON),
            adoption_note=ctx.t(CHARTER_ADOPTION_NOTE),
        )


def build_coordinators(ctx: DemoContext) -> None:
    ctx.territory.coordinators.add(ctx.person(ACCOUNT_EMAILS["coordinator"]))


# Proposals and decisions ------------------------------------------------------------------------

# The assembly's voting organizations that took part in the charter's adoption (L'Escale was absent;
# the borough stood aside).
CHARTER_AGREE = ["cfh", "marmite", "panier", "clpah", "hdq", "cje", "ceph", "mah", "passerelle", "clsc", "cssr"]
COMMITTEE_RECUSED = ["marmite", "cje"]  # would receive part of the envelope: they step out
COMMITTEE_VOTERS = ["clpah", "cfh", "clsc", "cssr"]
LETTER_RECUSED = "mah"  # the letter supports its own project
LETTER_AGREE = ["cfh", "marmite", "panier", "clpah", "hdq", "cje", "ceph", "passerelle", "clsc"]
OPEN_PROPOSAL_VOTES = {"marmite": "agree", "clpah": "agree", "hdq": "agree", "clsc": "stand_aside"}
OPEN_PROPOSAL_TITLE = "Appui au mémoire sur le budget participatif"
OPEN_PROPOSAL_DAYS = 5  # it closes this many days after the demo is loaded
OPEN_PROPOSAL_OPENED_DAYS_AGO = 2
PLAN_PROPOSAL_TITLE = "Adoption du plan de quartier {plan}"

CHARTER_PROPOSAL_BODY = """Adopter les règles de fonctionnement de l'Assemblée des partenaires (version 1) : membres votants et observateurs, une voix par organisme, consensus d'abord et, à défaut, vote aux deux tiers des membres votants présents; quorum de 50 % + 1 des membres votants, dont au moins une citoyenne ou un citoyen; retrait en cas de conflit d'intérêts."""

ENVELOPE_BODY = """Répartir l'enveloppe de 120 000 $ que l'Assemblée a confiée au Comité de coordination pour l'année :

- 50 000 $ à La Marmite solidaire pour les cuisines collectives (priorité « Se nourrir ensemble »);
- 45 000 $ au CJE des Rivières pour l'accompagnement des jeunes (priorité « Réussir et s'insérer »);
- 25 000 $ réservés à un appel de projets en logement, lancé en {2026-03-02:my}."""

LETTER_BODY = """Appuyer la demande de financement de la Maison des aînés du Héron pour une navette solidaire qui conduit les personnes aînées à l'épicerie solidaire et au CLSC, et mandater la coordination pour signer la lettre d'appui au nom de la Table."""

OPEN_PROPOSAL_BODY = """Appuyer le mémoire que la Table dépose à l'arrondissement dans le cadre du budget participatif {2025-11-25:y+1}. Le mémoire demande que 30 % de l'enveloppe soit réservé aux projets des secteurs où vivent le plus de ménages locataires à faible revenu, et que les comités de résidents puissent déposer des projets sans être constitués en organisme.

Le texte complet du mémoire a été présenté à la plénière du {2025-11-25}. Faites connaître votre position d'ici la fermeture : d'accord, en retrait, en désaccord ou blocage (avec votre raison)."""


def money(text: str) -> str:
    """fr() plus non-breaking spaces between groups of digits: « 120 000 $ »."""
    return fr(re.sub(r"(?<=\d) (?=\d{3}\b)", NBSP, text))


PLAN_PROPOSAL_BODY = """Adopter le plan de quartier {plan} : la vision, les trois priorités (Habiter dignement, Se nourrir ensemble, Réussir et s'insérer), leurs objectifs, stratégies et activités avec leurs porteurs, et les indicateurs avec leurs cibles. Le plan est suivi par le Comité de coordination et ajusté chaque année, à la lumière du bilan."""
PLAN_AGREE = [*CHARTER_AGREE, "arrondissement"]


def _vote(ctx: DemoContext, proposal: Proposal, key: str, value, when: datetime, reason: str = "") -> None:
    """The ballot of a member organization, cast by its delegate."""
    ballot_cast(proposal=proposal, person=ctx.delegate_of(key), organization=ctx.organization(key), value=value,
                reason=fr(reason), now=when)


def _citizen_vote(ctx: DemoContext, proposal: Proposal, email: str, value, when: datetime) -> None:
    ballot_cast(proposal=proposal, person=ctx.person(email), value=value, now=when)


def build_proposals(ctx: DemoContext) -> None:
    """Four decisions in the register (the charter's and the plan's adoptions among them) and one open
    proposal, closing in a few days."""
    if Proposal.objects.filter(space__territory=ctx.territory).exists():
        return
    coordinator = ctx.person(ACCOUNT_EMAILS["coordinator"])
    assembly, committee = ctx.space(ASSEMBLY), ctx.space(COMMITTEE)
    gilles, rosa = "gilles.tremblay@courriel.example", "rosa.martinez@courriel.example"
    amina = ACCOUNT_EMAILS["citizen"]

    # The September assembly (18 September 2025 in the story): the charter is adopted by consensus.
    opened = ctx.at(CHARTER_ADOPTED_ON, 19, 15)
    charter = Charter.objects.get(space=assembly, in_force=True)
    proposal = decisions.proposal_create(
        space=assembly, author=coordinator, title="Adoption de la charte de l'Assemblée des partenaires",
        body=fr(CHARTER_PROPOSAL_BODY), origin=Proposal.Origin.MEETING, adopts_charter=charter,
    )
    proposal = decisions.proposal_open(proposal=proposal, by=coordinator, now=opened,
                                       closes_at=opened + timedelta(hours=1))
    for n, key in enumerate(CHARTER_AGREE):
        _vote(ctx, proposal, key, "agree", opened + timedelta(minutes=10 + n))
    _vote(ctx, proposal, "arrondissement", "stand_aside", opened + timedelta(minutes=25),
          "L'arrondissement appuie la démarche, mais ne peut pas s'engager sur le mode de décision de la Table.")
    _citizen_vote(ctx, proposal, gilles, "agree", opened + timedelta(minutes=26))
    _citizen_vote(ctx, proposal, rosa, "agree", opened + timedelta(minutes=27))
    closed = opened + timedelta(minutes=30)
    proposal = decisions.proposal_close(proposal=proposal, by=coordinator, now=closed)
    decisions.proposal_decide(
        proposal=proposal, by=coordinator, now=closed,
        outcome=fr("La charte de l'Assemblée des partenaires (règles de fonctionnement, version 1) est adoptée "
                   "par consensus. Elle entre en vigueur immédiatement."),
        dissent=fr("L'arrondissement se tient en retrait : il appuie la démarche, mais ne peut pas s'engager "
                   "sur le mode de décision de la Table."),
    )

    # The same evening, under the new charter: the plan de quartier is adopted by consensus.
    opened = ctx.at(PLAN_ADOPTED_ON, 19, 50)
    proposal = decisions.proposal_create(
        space=assembly, author=coordinator, title=ctx.t(PLAN_PROPOSAL_TITLE), body=ctx.t(PLAN_PROPOSAL_BODY),
        origin=Proposal.Origin.MEETING,
    )
    proposal = decisions.proposal_open(proposal=proposal, by=coordinator, now=opened,
                                       closes_at=opened + timedelta(hours=1))
    for n, key in enumerate(PLAN_AGREE):
        _vote(ctx, proposal, key, "agree", opened + timedelta(minutes=5 + n))
    for n, email in enumerate((amina, gilles, rosa)):
        _citizen_vote(ctx, proposal, email, "agree", opened + timedelta(minutes=20 + n))
    closed = opened + timedelta(minutes=25)
    proposal = decisions.proposal_close(proposal=proposal, by=coordinator, now=closed)
    decisions.proposal_decide(
        proposal=proposal, by=coordinator, now=closed,
        outcome=ctx.t("Le plan de quartier {plan} est adopté par consensus, avec ses trois priorités, ses "
                      "activités et ses cibles. Le Comité de coordination en suit la réalisation."),
    )

    # 7 October 2025 in the story, coordination committee: the envelope of 120 000 $. Two members declare a
    # conflict of interest and step out; consensus is not reached, so the charter's fallback vote
    # (two thirds of the voting members present) decides: carried 5-0-0.
    opened = ctx.at(date(2025, 10, 7), 9, 45)
    title = money("Répartition de l'enveloppe de 120 000 $")
    proposal = decisions.proposal_create(space=committee, author=coordinator, title=title,
                                         body=ctx.t(ENVELOPE_BODY), origin=Proposal.Origin.MEETING)
    proposal = decisions.proposal_open(proposal=proposal, by=coordinator, now=opened,
                                       closes_at=opened + timedelta(hours=1))
    reason = fr("L'organisme recevrait une part de l'enveloppe : il se retire de la délibération et du vote.")
    for key in COMMITTEE_RECUSED:
        decisions.recusal_declare(proposal=proposal, by=coordinator, organization=ctx.organization(key), reason=reason)
    for n, key in enumerate(["clpah", "cfh", "clsc"]):
        _vote(ctx, proposal, key, "agree", opened + timedelta(minutes=5 + n))
    _vote(ctx, proposal, "cssr", "disagree", opened + timedelta(minutes=9),
          "Nous aurions souhaité réserver une part à la persévérance scolaire.")
    _citizen_vote(ctx, proposal, amina, "agree", opened + timedelta(minutes=10))
    proposal = decisions.proposal_close(proposal=proposal, by=coordinator, now=opened + timedelta(minutes=15))
    vote = Proposal.objects.get(pk=proposal.result["fallback_proposal"])
    # The fallback vote is taken in the same meeting, on the same conflicts of interest.
    Proposal.objects.filter(pk=vote.pk).update(origin=Proposal.Origin.MEETING)
    for key in COMMITTEE_RECUSED:
        decisions.recusal_declare(proposal=vote, by=coordinator, organization=ctx.organization(key), reason=reason)
    for n, key in enumerate(COMMITTEE_VOTERS):
        _vote(ctx, vote, key, "yes", opened + timedelta(minutes=20 + n))
    _citizen_vote(ctx, vote, amina, "yes", opened + timedelta(minutes=25))
    closed = opened + timedelta(minutes=30)
    vote = decisions.proposal_close(proposal=vote, by=coordinator, now=closed)
    decisions.proposal_decide(
        proposal=vote, by=coordinator, now=closed,
        outcome=ctx.t("L'enveloppe de 120 000 $ est répartie ainsi : 50 000 $ à La Marmite solidaire pour les "
                   "cuisines collectives, 45 000 $ au CJE des Rivières pour l'accompagnement des jeunes et "
                   "25 000 $ réservés à un appel de projets en logement ({2026-03-02:my}). Adoptée à 5 voix contre 0, "
                   "sans abstention; La Marmite solidaire et le CJE des Rivières se sont retirés pour conflit "
                   "d'intérêts."),
        dissent=fr("Le Centre de services scolaire aurait souhaité réserver une part à la persévérance "
                   "scolaire; il s'est rallié au vote."),
    )

    # 25 November 2025 in the story, plenary: a support letter, by consensus; the Maison des aînés
    # steps out.
    opened = ctx.at(date(2025, 11, 25), 20, 10)
    proposal = decisions.proposal_create(
        space=assembly, author=coordinator, title="Lettre d'appui à la navette solidaire de la Maison des aînés",
        body=fr(LETTER_BODY), origin=Proposal.Origin.MEETING,
    )
    proposal = decisions.proposal_open(proposal=proposal, by=coordinator, now=opened,
                                       closes_at=opened + timedelta(hours=1))
    decisions.recusal_declare(proposal=proposal, by=coordinator, organization=ctx.organization(LETTER_RECUSED),
                              reason=fr("La lettre appuie un projet de l'organisme."))
    for n, key in enumerate(LETTER_AGREE):
        _vote(ctx, proposal, key, "agree", opened + timedelta(minutes=5 + n))
    _citizen_vote(ctx, proposal, amina, "agree", opened + timedelta(minutes=15))
    _citizen_vote(ctx, proposal, gilles, "agree", opened + timedelta(minutes=16))
    closed = opened + timedelta(minutes=20)
    proposal = decisions.proposal_close(proposal=proposal, by=coordinator, now=closed)
    decisions.proposal_decide(
        proposal=proposal, by=coordinator, now=closed,
        outcome=ctx.t("L'Assemblée appuie la demande de financement de la Maison des aînés du Héron pour une "
                      "navette solidaire. La coordination signe et envoie la lettre d'appui au nom de la Table "
                      "avant le {2025-12-05}."),
    )

    # Online, opened two days ago and closing in a few days: one open proposal. Some organizations
    # have taken position; the Carrefour familial (the demo delegate) and the demo citizen have not yet.
    now = timezone.now()
    opened = now - timedelta(days=OPEN_PROPOSAL_OPENED_DAYS_AGO)
    proposal = decisions.proposal_create(space=assembly, author=coordinator, title=OPEN_PROPOSAL_TITLE,
                                         body=ctx.t(OPEN_PROPOSAL_BODY), origin=Proposal.Origin.ONLINE)
    proposal = decisions.proposal_open(proposal=proposal, by=coordinator, now=opened,
                                       closes_at=now + timedelta(days=OPEN_PROPOSAL_DAYS))
    for n, (key, value) in enumerate(OPEN_PROPOSAL_VOTES.items()):
        _vote(ctx, proposal, key, value, opened + timedelta(hours=3 + 7 * n))


def delete_proposals(ctx: DemoContext) -> None:
    """Proposals PROTECT their space and charter: delete them before the territory."""
    if ctx.territory is not None:
        Proposal.objects.filter(space__territory=ctx.territory).delete()


# The past meetings (the story's autumn) ---------------------------------------------------------

@dataclass(frozen=True)
class DemoItem:
    title: str
    kind: str
    minutes: int
    notes: str = ""
    outcome: str = ""
    presenter: str = ""  # e-mail of the person presenting
    presenter_org: str = ""  # key of the organization presenting
    proposal: str = ""  # which decision of build_proposals the item carries
    conflicts: tuple = ()  # organization keys stepping out
    dissent: str = ""
    documents: tuple = ()  # DemoDocument: real small files, downloaded through the meeting's page


@dataclass(frozen=True)
class DemoDocument:
    title: str
    filename: str
    paragraphs: tuple = ()


@dataclass(frozen=True)
class DemoFollowUp:
    what: str
    due: date
    status: str = "open"
    person: str = ""  # e-mail
    organization: str = ""  # key
    item: int | None = None  # index of the meeting's own item it was decided under


@dataclass(frozen=True)
class DemoMeeting:
    key: str
    space: str
    title: str
    kind: str
    day: date
    start: tuple
    end: tuple
    address: str
    room: str
    facilitator: str  # e-mail
    secretary: str  # e-mail
    present: tuple  # organization keys represented by their delegate
    citizens: tuple  # e-mails of citizens present
    meal: str = ""
    childcare: bool = False
    transit: bool = False
    interpretation: str = ""
    late: tuple = ()  # e-mails of people arriving late (citizens or delegates already listed)
    excused: tuple = ()  # organization keys or citizen e-mails
    absent: tuple = ()
    observers: tuple = ()  # observer organization keys present
    standard_notes: dict = field(default_factory=dict)  # standard role or title → notes
    items: tuple = ()
    follow_ups: tuple = ()
    scores: tuple = ()  # (objectives, speak, useful, plus, delta) per evaluation


MEETING_ADDRESS_CEP = "Centre d'éducation populaire des Hérons, 740, rue Saint-Joseph"
MEETING_ADDRESS_CFH = "Carrefour familial des Hérons, 1250, rue des Hérons"
MEETING_ACCESSIBILITY = "Entrée de plain-pied par la rue Saint-Joseph, ascenseur, toilettes adaptées."
AMINA, GILLES, ROSA = f"citoyenne@{DEMO_DOMAIN}", "gilles.tremblay@courriel.example", "rosa.martinez@courriel.example"
COORDINATION, FACILITATION = f"coordination@{DEMO_DOMAIN}", f"animation@{DEMO_DOMAIN}"


def _delegate_email(key: str) -> str:
    organization = ORGANIZATION_BY_KEY[key]
    return organization.delegate.email_at(organization.domain)


def _alternate_email(key: str) -> str:
    organization = ORGANIZATION_BY_KEY[key]
    return organization.alternate.email_at(organization.domain)


ASSEMBLY_VOTERS = ["cfh", "marmite", "panier", "clpah", "hdq", "cje", "ceph", "mah", "passerelle", "clsc", "cssr",
                   "arrondissement"]

DEMO_MEETINGS = [
    DemoMeeting(
        "assembly-september", ASSEMBLY, "Assemblée des partenaires : bilan et plan de quartier {plan}",
        "annual_general", date(2025, 9, 18), (18, 30), (21, 30), MEETING_ADDRESS_CEP, "Grande salle",
        COORDINATION, _delegate_email("ceph"),
        present=tuple(ASSEMBLY_VOTERS), citizens=(AMINA, GILLES, ROSA), late=(AMINA,), excused=("escale",),
        observers=("centraide",), absent=("caisse",),
        meal="Souper communautaire préparé par La Marmite solidaire", childcare=True, transit=True,
        interpretation="arabe, espagnol",
        standard_notes={
            "adopt_agenda": "L'ordre du jour est adopté tel que présenté.",
            "adopt_minutes": "Le procès-verbal de l'assemblée du {2025-06-05} est adopté tel que présenté.",
            "follow_ups": "Les suivis de l'assemblée du {2025-06-05:dm} sont faits; le bilan en rend compte.",
        },
        items=(
            DemoItem("Bilan {2025-09-18:y-1}-{2025-09-18:y} de la Table", "information", 25,
                     notes="La coordination présente le bilan de l'année : 14 rencontres de comités, 6 projets "
                           "concertés et 1 180 ménages joints par les activités alimentaires. Les membres "
                           "soulignent la participation citoyenne en hausse (31 % des personnes présentes aux "
                           "assemblées).", presenter=COORDINATION,
                     documents=(DemoDocument("Bilan {2025-09-18:y-1}-{2025-09-18:y} de la Table",
                                             "Bilan {2025-09-18:y-1}-{2025-09-18:y}.pdf", (
                         "14 rencontres de comités, 6 projets concertés et 1 180 ménages joints par les activités "
                         "alimentaires.",
                         "La participation citoyenne est en hausse : 31 % des personnes présentes aux assemblées.",
                     )),)),
            DemoItem("Adoption de la charte de l'Assemblée des partenaires", "decision", 20,
                     notes="Les règles de fonctionnement sont lues et discutées point par point.",
                     proposal="charter"),
            DemoItem("Priorités et plan de quartier {plan}", "decision", 40,
                     notes="Les trois priorités (Habiter dignement, Se nourrir ensemble, Réussir et s'insérer), "
                           "leurs stratégies, leurs activités et leurs cibles sont présentées et discutées en "
                           "ateliers, puis le plan est adopté selon la charte adoptée au point précédent.",
                     outcome="Le plan de quartier {plan} est adopté.", presenter=COORDINATION, proposal="plan"),
            DemoItem("Élection des sièges citoyens", "decision", 15,
                     notes="Trois candidatures pour trois sièges : Amina Belkacem, Gilles Tremblay et Rosa "
                           "Martínez sont élus par acclamation pour deux ans.", outcome="Trois sièges pourvus."),
        ),
        follow_ups=(
            DemoFollowUp("Publier le plan de quartier {plan} sur le site de la Table", date(2025, 10, 15),
                         "done", person=COORDINATION, item=2),
            DemoFollowUp("Transmettre le bilan {2025-09-18:y-1}-{2025-09-18:y} à Centraide", date(2025, 10, 31), "done",
                         organization="cfh", item=0),
            DemoFollowUp("Convoquer la première rencontre du Comité de coordination élu", date(2025, 9, 30), "done",
                         person=COORDINATION),
            DemoFollowUp("Préparer une trousse d'accueil pour les personnes élues aux sièges citoyens",
                         date(2025, 11, 20), person=_delegate_email("passerelle"), organization="passerelle",
                         item=3),
            DemoFollowUp("Former un comité de suivi des indicateurs du plan", date(2026, 3, 31),
                         organization="clsc", item=2),
        ),
        scores=((4, 4, 4, "Le souper ensemble avant l'assemblée.", "Trop de présentations avant la pause."),
                (4, 3, 4, "Les ateliers sur les priorités.", "La salle était trop petite."),
                (5, 4, 4, "", "Envoyer les documents plus tôt."),
                (4, 4, 5, "L'interprétation en arabe et en espagnol.", ""),
                (4, 4, 3, "", ""),
                (3, 4, 4, "La halte-garderie.", "Finir à l'heure."),
                (4, 5, 4, "", ""),
                (4, 4, 4, "Le bilan clair et illustré.", "")),
    ),
    DemoMeeting(
        "committee-october", COMMITTEE, "Comité de coordination : répartition de l'enveloppe de 120 000 $",
        "regular", date(2025, 10, 7), (9, 30), (11, 30), MEETING_ADDRESS_CFH, "Salle du conseil",
        FACILITATION, _delegate_email("cfh"),
        present=("clpah", "cfh", "marmite", "cje", "clsc", "cssr"), citizens=(AMINA,),
        meal="Café, fruits et muffins",
        standard_notes={
            "adopt_agenda": "L'ordre du jour est adopté tel que présenté.",
            "adopt_minutes": "Première rencontre du comité élu : aucun procès-verbal à adopter.",
            "follow_ups": "Aucun suivi en attente.",
        },
        items=(
            DemoItem("Répartition de l'enveloppe de 120 000 $", "decision", 60,
                     notes="La coordination présente les trois scénarios étudiés et les besoins exprimés par les "
                           "comités. La Marmite solidaire et le CJE des Rivières déclarent un conflit d'intérêts "
                           "et quittent la salle pour la délibération et le vote. Le consensus n'est pas atteint "
                           "(le Centre de services scolaire est en désaccord) : le comité passe au vote de repli "
                           "prévu par la charte.", proposal="envelope", conflicts=("marmite", "cje"),
                     documents=(
                         DemoDocument("Scénarios de répartition (confidentiel)", "budget-confidentiel.pdf", (
                             "Document de travail réservé aux membres du comité de coordination.",
                             "Scénario A : 40 000 $ à la sécurité alimentaire, 35 000 $ à l'insertion, 25 000 $ "
                             "au logement, 20 000 $ en réserve.",
                             "Scénario B : parts égales entre les trois priorités du plan de quartier.",
                             "Scénario C : appel de projets ouvert pour toute l'enveloppe.",
                         )),
                         DemoDocument("Besoins exprimés par les comités", "besoins-des-comites.txt", (
                             "Se nourrir ensemble : prolonger le frigo communautaire et les cuisines collectives.",
                             "Habiter dignement : financer le porte-à-porte auprès des locataires.",
                             "Réussir et s'insérer : accompagner 40 jeunes vers un premier emploi.",
                         )),
                     )),
            DemoItem("Calendrier des rencontres de l'année", "information", 10,
                     notes="Le comité se réunira le premier mardi de chaque mois, sauf en janvier et en juillet."),
        ),
        follow_ups=(
            DemoFollowUp("Envoyer les lettres d'octroi à La Marmite solidaire et au CJE des Rivières",
                         date(2025, 10, 20), "done", person=COORDINATION, item=0),
            DemoFollowUp("Rédiger l'appel de projets en logement (25 000 $)", date(2026, 2, 23),
                         person=FACILITATION, organization="clpah", item=0),
            DemoFollowUp("Présenter la répartition à l'Assemblée du {2025-11-25:dm}", date(2025, 11, 25), "done",
                         person=_delegate_email("clsc"), organization="clsc", item=0),
            DemoFollowUp("Préparer le calendrier détaillé des rencontres de l'année", date(2025, 12, 15),
                         person=COORDINATION, item=1),
        ),
        scores=((5, 4, 5, "Les conflits d'intérêts ont été gérés avec clarté.", ""),
                (4, 5, 5, "", "Recevoir les scénarios une semaine avant."),
                (5, 4, 4, "Une rencontre efficace.", ""),
                (4, 4, 5, "", ""),
                (5, 5, 4, "", "")),
    ),
    DemoMeeting(
        "housing-october", HOUSING, "Habiter dignement : plan de porte-à-porte",
        "workshop", date(2025, 10, 21), (18, 0), (20, 0), "Comité logement Pointe-aux-Hérons, 2045, rue Sainte-Claire",
        "Salle communautaire", FACILITATION, _alternate_email("clpah"),
        present=("clpah", "hdq", "passerelle", "clsc"), citizens=(GILLES,), excused=("arrondissement",),
        meal="Soupe et sandwichs",
        standard_notes={
            "adopt_agenda": "L'ordre du jour est adopté en ajoutant un point sur les données d'insalubrité.",
            "adopt_minutes": "Le procès-verbal de la rencontre du {2025-09-16} est adopté.",
            "follow_ups": "La liste des immeubles prioritaires est à jour.",
        },
        items=(
            DemoItem("Plan de porte-à-porte", "decision", 45,
                     notes="Le comité convient par consentement de visiter 600 logements des îlots Sainte-Claire "
                           "et du Quai, du {2025-11-03:dm} au {2025-11-29:dm}, en équipes de deux (une personne intervenante et une "
                           "personne bénévole), avec un dépliant en cinq langues.",
                     outcome="Plan adopté par consentement."),
            DemoItem("Partage de pratique : la Clinique locataires", "practice_sharing", 30,
                     notes="Sophie Morin présente la Clinique locataires du Comité logement : accueil sans "
                           "rendez-vous le mardi, aide aux démarches au Tribunal administratif du logement, "
                           "accompagnement lors des hausses de loyer. Le comité souhaite en faire une fiche de "
                           "pratique pour les autres quartiers.", presenter=_alternate_email("clpah"),
                     presenter_org="clpah"),
        ),
        follow_ups=(
            DemoFollowUp("Imprimer 2 000 dépliants en cinq langues", date(2025, 11, 1), "done",
                         organization="hdq", item=0),
            DemoFollowUp("Recruter douze personnes bénévoles pour le porte-à-porte", date(2025, 10, 31), "done",
                         person=_delegate_email("passerelle"), organization="passerelle", item=0),
            DemoFollowUp("Rédiger la fiche de pratique « Clinique locataires »", date(2025, 11, 30),
                         person=_alternate_email("clpah"), organization="clpah", item=1),
            DemoFollowUp("Demander à l'arrondissement les données d'insalubrité par îlot", date(2025, 11, 10),
                         "dropped", organization="arrondissement", item=0),
        ),
        scores=((4, 5, 4, "La présentation de la Clinique locataires.", ""),
                (4, 4, 4, "", "Commencer à l'heure."),
                (5, 4, 4, "Un plan concret.", ""),
                (4, 4, 4, "", "")),
    ),
    DemoMeeting(
        "food-november", FOOD, "Se nourrir ensemble : bilan des cuisines et rotation de l'animation",
        "regular", date(2025, 11, 4), (13, 30), (15, 30), "Épicerie solidaire Le Panier du Héron, 410, boulevard de la Pointe",
        "Arrière-boutique", _delegate_email("panier"), _delegate_email("mah"),
        present=("marmite", "panier", "mah", "cfh", "clsc"), citizens=(ROSA,), late=(ROSA,),
        meal="Collation préparée par les cuisines collectives",
        standard_notes={
            "adopt_agenda": "L'ordre du jour est adopté tel que présenté.",
            "adopt_minutes": "Le procès-verbal de la rencontre du {2025-10-07} est adopté.",
        },
        items=(
            DemoItem("Bilan des cuisines collectives", "information", 25,
                     notes="Dix-huit groupes de cuisine ont préparé 2 400 portions depuis {2025-09-01:m}; la liste "
                           "d'attente compte 35 familles.", presenter_org="marmite"),
            DemoItem("Rotation de l'animation", "other", 10,
                     notes="Comme le prévoit la charte du comité, l'animation tourne tous les six mois : Luc "
                           "Bergeron (Le Panier du Héron) passe l'animation à Josée Lachance (La Marmite "
                           "solidaire) à compter de la prochaine rencontre."),
            DemoItem("Achats groupés de légumes", "consultation", 25,
                     notes="Les membres proposent des achats groupés de courges et de légumes racines; Le Panier "
                           "coordonne les commandes."),
        ),
        follow_ups=(
            DemoFollowUp("Organiser l'achat groupé de courges et de légumes racines", date(2025, 11, 20), "done",
                         organization="panier", item=2),
            DemoFollowUp("Mettre à jour la carte des ressources alimentaires du quartier", date(2026, 3, 13),
                         organization="clsc", item=0),
            DemoFollowUp("Trouver une cuisine pour les ateliers des personnes aînées", date(2026, 1, 15),
                         person=_delegate_email("mah"), organization="mah", item=0),
        ),
        scores=((4, 4, 4, "", "Trop de points pour le temps prévu."),
                (4, 3, 4, "La rotation de l'animation bien préparée.", ""),
                (4, 4, 3, "", ""),
                (4, 4, 4, "Les chiffres du bilan.", "")),
    ),
    DemoMeeting(
        "assembly-november", ASSEMBLY, "Assemblée des partenaires : plénière",
        "regular", date(2025, 11, 25), (18, 30), (21, 0), MEETING_ADDRESS_CEP, "Grande salle",
        COORDINATION, _delegate_email("ceph"),
        present=("cfh", "marmite", "panier", "clpah", "hdq", "cje", "ceph", "passerelle", "clsc", "mah",
                 "arrondissement"),
        citizens=(AMINA, GILLES), excused=("cssr", ROSA), absent=("escale", "caisse"), observers=("centraide",),
        meal="Repas partagé", childcare=True, transit=True, interpretation="arabe, espagnol",
        standard_notes={
            "adopt_agenda": "L'ordre du jour est adopté tel que présenté.",
            "follow_ups": "Les suivis de l'assemblée du {2025-09-18:dm} sont passés en revue : ceux qui restent à "
                          "faire sont reportés.",
        },
        items=(
            DemoItem("Portrait de santé du quartier (CLSC)", "information", 30,
                     notes="Le CLSC présente le portrait de santé de Pointe-aux-Hérons : espérance de vie "
                           "inférieure de quatre ans à la moyenne montréalaise, 22 % des personnes aînées vivent "
                           "seules, insécurité alimentaire en hausse.", presenter=_delegate_email("clsc"),
                     presenter_org="clsc"),
            DemoItem("Mémoire au budget participatif de l'arrondissement", "consultation", 30,
                     notes="Les membres commentent la version préliminaire du mémoire. La version finale sera "
                           "soumise à l'Assemblée par un vote en ligne avant son dépôt.", proposal="open"),
            DemoItem("Lettre d'appui à la navette solidaire de la Maison des aînés", "decision", 15,
                     notes="La Maison des aînés du Héron présente son projet de navette, puis déclare un conflit "
                           "d'intérêts et se retire de la délibération et du vote.", proposal="letter",
                     conflicts=("mah",)),
        ),
        follow_ups=(
            DemoFollowUp("Envoyer la lettre d'appui à la Maison des aînés du Héron", date(2025, 12, 5), "done",
                         person=COORDINATION, item=2),
            DemoFollowUp("Déposer le mémoire à l'arrondissement", date(2026, 3, 6), person=COORDINATION, item=1),
            DemoFollowUp("Recueillir les idées de projets des comités de résidents pour le budget participatif",
                         date(2026, 3, 2), person=AMINA, item=1),
            DemoFollowUp("Diffuser le portrait de santé aux membres", date(2025, 12, 5), organization="clsc",
                         item=0),
            DemoFollowUp("Convoquer l'assemblée du {2026-02-26:dm}", date(2026, 2, 14), "done", person=COORDINATION),
        ),
        # Ten evaluations whose overall average is 4,3 / 5.
        scores=((5, 5, 4, "Le portrait de santé, très clair.", ""),
                (4, 5, 4, "", "Plus de temps pour le mémoire."),
                (4, 4, 5, "Le repas partagé.", ""),
                (5, 4, 4, "", ""),
                (4, 5, 4, "Les échanges en petits groupes.", "La salle était froide."),
                (4, 4, 4, "", ""),
                (5, 4, 4, "L'accueil des nouvelles personnes.", ""),
                (4, 4, 5, "", "Envoyer le mémoire avant la rencontre."),
                (4, 5, 4, "", ""),
                (4, 4, 4, "", "")),
    ),
]
DEMO_MINUTES_COMMENT = ("Au point sur le portrait de santé, préciser que les données viennent de l'enquête "
                        "régionale de {2025-11-25:y-1}.")


def _demo_proposals(ctx: DemoContext) -> dict:
    """The decisions that build_proposals put in the register, to link them to their meeting items."""
    assembly, committee = ctx.space(ASSEMBLY), ctx.space(COMMITTEE)
    proposals = Proposal.objects.filter(space__in=[assembly, committee])
    return {
        "charter": proposals.filter(space=assembly, adopts_charter__isnull=False).order_by("pk").first(),
        "plan": proposals.filter(space=assembly, title=ctx.t(PLAN_PROPOSAL_TITLE)).order_by("pk").first(),
        "envelope": proposals.filter(space=committee, status=Proposal.Status.DECIDED).order_by("-pk").first(),
        "letter": proposals.filter(space=assembly, status=Proposal.Status.DECIDED, adopts_charter__isnull=True)
        .order_by("-decided_at").first(),
        "open": proposals.filter(space=assembly, status=Proposal.Status.OPEN).order_by("-pk").first(),
    }


def _build_meeting(ctx: DemoContext, data: DemoMeeting, proposals: dict):
    from concertation.meetings.models import (
        AgendaItem,
        Attendance,
        ConflictDeclaration,
        FollowUp,
        Meeting,
    )
    from concertation.meetings.services import agenda as services_agenda
    from concertation.meetings.services.evaluation import evaluation_submit

    coordinator = ctx.person(ACCOUNT_EMAILS["coordinator"])
    space = ctx.space(data.space)
    starts_at, ends_at = ctx.at(data.day, *data.start), ctx.at(data.day, *data.end)
    meeting = services_agenda.meeting_create(
        space=space, by=coordinator, title=ctx.t(data.title), starts_at=starts_at, ends_at=ends_at,
        kind=data.kind, address=f"{data.address}, {ARRONDISSEMENT}", room=data.room,
        accessibility=MEETING_ACCESSIBILITY, childcare=data.childcare, transit_tickets=data.transit,
        interpretation=bool(data.interpretation), interpretation_languages=data.interpretation, meal=data.meal,
        facilitator=ctx.person(data.facilitator), secretary=ctx.person(data.secretary),
    )
    items = []
    for entry in data.items:
        proposal = proposals.get(entry.proposal) if entry.proposal else None
        item = services_agenda.item_add(
            meeting=meeting, by=coordinator, kind=entry.kind, title=ctx.t(entry.title),
            minutes_allotted=entry.minutes, expected_outcome=ctx.t(entry.outcome), proposal=proposal,
            presenter=ctx.person(entry.presenter) if entry.presenter else None,
            presenter_organization=ctx.organization(entry.presenter_org) if entry.presenter_org else None,
        )
        notes = ctx.t(entry.notes)
        if entry.proposal and proposal is None and entry.outcome:
            notes += "\n\n" + ctx.t(entry.outcome)
        AgendaItem.objects.filter(pk=item.pk).update(notes=notes, dissent=fr(entry.dissent))
        for document in entry.documents:
            title, filename = ctx.t(document.title), ctx.timeline.text(document.filename)
            content = document_bytes(filename, title, [ctx.t(text) for text in document.paragraphs])
            services_agenda.item_document_add(item=item, by=coordinator, title=title,
                                              file=ContentFile(content, name=filename))
        for key in entry.conflicts:
            ConflictDeclaration.objects.create(
                item=item, organization=ctx.organization(key),
                reason=fr("L'organisme est directement concerné par la décision."),
            )
        items.append(item)
    for role, notes in data.standard_notes.items():
        if role and notes:
            AgendaItem.objects.filter(meeting=meeting, standard_role=role).update(notes=ctx.t(notes))

    # Attendance: delegates for their organization, citizens in person.
    late = set(data.late)
    rows = []
    for key in data.present:
        email = _delegate_email(key)
        rows.append(Attendance(meeting=meeting, person=ctx.person(email), organization=ctx.organization(key),
                               status=Attendance.Status.LATE if email in late else Attendance.Status.PRESENT))
    for key in data.observers:
        rows.append(Attendance(meeting=meeting, person=ctx.delegate_of(key), organization=ctx.organization(key)))
    for email in data.citizens:
        rows.append(Attendance(meeting=meeting, person=ctx.person(email),
                               status=Attendance.Status.LATE if email in late else Attendance.Status.PRESENT))
    for keys, status in ((data.excused, Attendance.Status.EXCUSED), (data.absent, Attendance.Status.ABSENT)):
        for key in keys:
            if "@" in key:
                rows.append(Attendance(meeting=meeting, person=ctx.person(key), status=status))
            else:
                rows.append(Attendance(meeting=meeting, person=ctx.delegate_of(key),
                                       organization=ctx.organization(key), status=status))
    Attendance.objects.bulk_create(rows)

    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.HELD, convened_at=starts_at - timedelta(days=12), opened_at=starts_at,
        closed_at=ends_at - timedelta(minutes=5),
    )
    meeting.refresh_from_db()
    for entry in data.follow_ups:
        done = entry.status == FollowUp.Status.DONE
        FollowUp.objects.create(
            space=space, meeting=meeting, item=items[entry.item] if entry.item is not None else None,
            what=ctx.t(entry.what), person=ctx.person(entry.person) if entry.person else None,
            organization=ctx.organization(entry.organization) if entry.organization else None,
            due_on=ctx.on(entry.due), status=entry.status, done_on=min(ctx.on(entry.due), ctx.today) if done else None,
        )
    # The evaluation, anonymous (the answers keep no link to the people). The last people listed
    # answer, so that the demo delegate, listed first, may still try the form.
    attendees = [row.person for row in rows if row.status in (Attendance.Status.PRESENT, Attendance.Status.LATE)]
    attendees.reverse()
    for person, (objectives, speak, useful, plus, delta) in zip(attendees, data.scores, strict=False):
        evaluation_submit(meeting=meeting, person=person, answers={
            "objectives_met": objectives, "everyone_could_speak": speak, "useful_to_my_organization": useful,
            "plus": fr(plus), "delta": fr(delta),
        })
    return meeting


def build_meetings(ctx: DemoContext) -> None:
    """The five meetings of the story's autumn with their agendas, attendance, decisions, follow-ups, evaluations and
    minutes: adopted, except those of the last plenary, which circulate for comment."""
    from django.utils import translation

    from concertation.meetings.models import Meeting, Minutes
    from concertation.meetings.services import minutes as minutes_services

    if Meeting.objects.filter(space__territory=ctx.territory).exists():
        return
    proposals = _demo_proposals(ctx)
    with translation.override("fr-ca"):
        meetings = {data.key: _build_meeting(ctx, data, proposals) for data in DEMO_MEETINGS}
        plenary = meetings["assembly-november"]
        for key, meeting in meetings.items():
            if key != "assembly-november":
                minutes_services.minutes_regenerate(meeting=meeting)
        # The September assembly's minutes: circulated, then adopted by the plenary, the next
        # meeting of the same space, under its « adoption du procès-verbal » item.
        september = Minutes.objects.get(meeting=meetings["assembly-september"])
        minutes_services.minutes_circulate(minutes=september)
        Minutes.objects.filter(pk=september.pk).update(
            circulated_at=meetings["assembly-september"].closed_at + timedelta(days=6))
        minutes_services.minutes_adopt(minutes=september, at_meeting=plenary, now=plenary.starts_at)
        # The committees have no later meeting in the demo: their minutes were adopted on the day of
        # the plenary (recorded as such, without an adopting meeting of their own space).
        for key in ("committee-october", "housing-october", "food-november"):
            minutes = Minutes.objects.get(meeting=meetings[key])
            Minutes.objects.filter(pk=minutes.pk).update(
                status=Minutes.Status.ADOPTED, adopted_body=minutes.body,
                circulated_at=meetings[key].closed_at + timedelta(days=5),
                adopted_at=plenary.starts_at,
            )
            Meeting.objects.filter(pk=minutes.meeting_id).update(status=Meeting.Status.MINUTES_ADOPTED)
        # The plenary's minutes circulate; a member has commented.
        minutes = minutes_services.minutes_regenerate(meeting=plenary)
        minutes = minutes_services.minutes_circulate(minutes=minutes)
        Minutes.objects.filter(pk=minutes.pk).update(circulated_at=plenary.closed_at + timedelta(days=4))
        minutes_services.minutes_comment(minutes=minutes, author=ctx.person(_delegate_email("clsc")),
                                         body=ctx.t(DEMO_MINUTES_COMMENT))


def delete_meetings(ctx: DemoContext) -> None:
    """Meetings PROTECT their space: delete them before the territory."""
    from concertation.meetings.models import ItemDocument, Meeting

    if ctx.territory is not None:
        documents = ItemDocument.objects.filter(item__meeting__space__territory=ctx.territory).exclude(file="")
        for document in documents:
            # The files go once the rows are gone for good (a failed reset keeps them).
            transaction.on_commit(lambda name=document.file.name, storage=document.file.storage: storage.delete(name))
        Meeting.objects.filter(space__territory=ctx.territory).delete()


# The plan de quartier ----------------------------------------------------------------------------
# Five years from the first day of the month of the story's 1 September 2025 (Timeline.plan_starts).

PLAN_TITLE = "Plan de quartier {plan}"
PLAN_ADOPTED_ON = date(2025, 9, 18)
PLAN_VISION = """En {plan_end}, Pointe-aux-Hérons est un quartier où chaque ménage se loge dignement et à un coût abordable, où l'on se nourrit sainement et ensemble, et où les jeunes comme les adultes trouvent leur place à l'école et au travail.

Nous y arriverons ensemble : organismes, institutions, arrondissement et citoyennes et citoyens, en mesurant nos progrès et en ajustant le plan chaque année, à la lumière du bilan."""


@dataclass(frozen=True)
class DemoActivity:
    title: str
    lead: str
    co_leads: tuple = ()
    partners: tuple = ()
    budget: str = ""
    funder: str = ""
    starts: date | None = None
    ends: date | None = None
    status: str = "planned"
    news: tuple = ()  # (date, text, percent)
    description: str = ""


@dataclass(frozen=True)
class DemoIndicator:
    key: str
    name: str
    unit: str
    baseline: tuple  # (value, date)
    target: tuple  # (value, date)
    frequency: str
    source: str
    responsible: str = ""  # organization key
    direction: str = "increase"
    measurements: tuple = ()  # (date, value)
    # The baseline's and the measurements' dates are quarter ends (moved by whole quarters) or, for
    # "story", dates of the story (the assemblies); targets are always quarter ends.
    dated_by: str = "quarter"


# priority → working group, objectives: (title, strategy, [activities], [indicator keys])
PLAN_PRIORITIES = [
    ("Habiter dignement", HOUSING, "Des logements salubres et abordables, et des locataires qui connaissent leurs droits.", [
        ("Prévenir les évictions et améliorer la salubrité des logements",
         "Informer et accompagner les locataires dans la défense de leurs droits", [
             DemoActivity("Clinique locataires hebdomadaire", "clpah", ("passerelle",), ("clsc", "hdq"), "38000",
                          "Centraide", date(2025, 9, 1), date(2030, 6, 30), "in_progress",
                          ((date(2025, 12, 10), "La clinique a reçu 74 ménages depuis {2025-09-01:m}; l'interprétation en arabe "
                            "et en espagnol est offerte un mardi sur deux.", 20),),
                          "Accueil sans rendez-vous le mardi, aide aux démarches au Tribunal administratif du "
                          "logement, accompagnement lors des hausses de loyer."),
             DemoActivity("Porte-à-porte dans les îlots Sainte-Claire et du Quai", "clpah", ("hdq",),
                          ("passerelle", "arrondissement"), "12000", "Arrondissement de Rivière-des-Hérons",
                          date(2025, 11, 3), date(2025, 11, 29), "done",
                          ((date(2025, 11, 29), "612 logements visités en équipes de deux, avec un dépliant en cinq "
                            "langues; 85 ménages dirigés vers la clinique locataires.", 100),)),
         ], ["households"]),
        ("Augmenter l'offre de logements sociaux et communautaires",
         "Développer des projets de logements sociaux avec les partenaires du quartier", [
             DemoActivity("Repérer les terrains et les immeubles propices au logement social", "hdq", ("clpah",),
                          ("arrondissement",), "8000", "Caisse Desjardins des Hérons", date(2025, 9, 1),
                          date(2026, 6, 30), "in_progress",
                          ((date(2025, 12, 5), "Onze sites repérés; trois sont retenus pour une étude de "
                            "faisabilité.", 45),)),
             DemoActivity("Projet « Quai 48 » : 48 logements sociaux et communautaires", "hdq", (),
                          ("arrondissement", "caisse"), "25000", "Appel de projets en logement de la Table ({2026-03-02:my})",
                          date(2026, 4, 1), date(2028, 12, 31), "planned"),
         ], ["social_units"]),
    ]),
    ("Se nourrir ensemble", FOOD, "Une alimentation saine, abordable et digne, et des repas partagés.", [
        ("Améliorer l'accès à une alimentation saine, abordable et digne",
         "Renforcer l'épicerie solidaire et les achats groupés", [
             DemoActivity("Épicerie solidaire à prix modulés selon le revenu", "panier", (), ("caisse", "clsc"),
                          "60000", "Centraide", date(2025, 9, 1), date(2030, 6, 30), "in_progress",
                          ((date(2025, 11, 20), "Achat groupé de courges et de légumes racines : 140 familles "
                            "servies.", 25),)),
             DemoActivity("Navette solidaire vers l'épicerie et le CLSC", "panier", (), ("clsc",), "18000",
                          "Programme Québec ami des aînés (demande en cours)", date(2026, 3, 1),
                          date(2027, 2, 28), "planned",
                          description="Une navette conduit chaque semaine les personnes aînées à l'épicerie "
                                      "solidaire et au CLSC."),
         ], ["food_households"]),
        ("Cuisiner et manger ensemble pour briser l'isolement",
         "Développer les cuisines collectives et les repas communautaires", [
             DemoActivity("Cuisines collectives pour les familles et les personnes aînées", "marmite", ("cfh",),
                          ("mah",), "50000", "Enveloppe du Comité de coordination ({2025-10-07})",
                          date(2025, 10, 15), date(2027, 6, 30), "in_progress",
                          ((date(2025, 11, 4), "Dix-huit groupes de cuisine ont préparé 2 400 portions depuis "
                            "{2025-09-01:m}; la liste d'attente compte 35 familles.", 30),)),
             DemoActivity("Repas communautaires mensuels", "marmite", ("mah",), ("panier",), "9000",
                          "Caisse Desjardins des Hérons", date(2025, 9, 1), date(2026, 6, 30), "in_progress",
                          ((date(2026, 1, 29), "Cinq repas tenus sur dix, 65 personnes en moyenne.", 50),)),
         ], []),
    ]),
    ("Réussir et s'insérer", SCHOOL, "La persévérance scolaire et l'insertion des jeunes et des adultes.", [
        ("Favoriser la persévérance et la réussite scolaires",
         "Accompagner les jeunes et leurs familles tout au long du parcours scolaire", [
             DemoActivity("Aide aux devoirs à la Maison de jeunes", "escale", ("cssr",), ("ceph",), "22000",
                          "Centraide", date(2025, 9, 1), date(2030, 6, 30), "in_progress"),
             DemoActivity("Ateliers parents-école pour les familles nouvellement arrivées", "passerelle", ("cfh",),
                          ("cssr",), "15000", "Ministère de l'Immigration, de la Francisation et de l'Intégration",
                          date(2025, 9, 15), date(2026, 1, 31), "in_progress",
                          ((date(2026, 2, 10), "Six ateliers tenus sur huit; les deux derniers sont reportés "
                            "faute d'interprète.", 75),)),
         ], ["dropout"]),
        ("Soutenir l'insertion socioprofessionnelle des jeunes et des adultes",
         "Accompagner vers l'emploi et le retour aux études", [
             DemoActivity("Accompagnement individuel des 16 à 35 ans", "cje", (), ("escale", "passerelle"), "45000",
                          "Enveloppe du Comité de coordination ({2025-10-07})", date(2025, 10, 15),
                          date(2027, 6, 30), "in_progress"),
             DemoActivity("Stages d'un jour dans les commerces du quartier", "cje", ("ceph",),
                          ("arrondissement", "caisse"), "6000", "Caisse Desjardins des Hérons", date(2025, 10, 1),
                          date(2025, 11, 30), "done",
                          ((date(2025, 11, 28), "18 jeunes ont fait un stage d'un jour dans 12 commerces.", 100),)),
         ], ["youth"]),
    ]),
]

PLAN_INDICATORS = {
    "households": DemoIndicator(
        "households", "Ménages locataires accompagnés", "ménages (12 derniers mois)", (236, date(2024, 6, 30)),
        (300, date(2030, 6, 30)), "quarterly", "Registre de la clinique locataires", "clpah",
        measurements=((date(2024, 3, 31), 228), (date(2024, 6, 30), 236), (date(2024, 9, 30), 241),
                      (date(2024, 12, 31), 247), (date(2025, 3, 31), 252), (date(2025, 6, 30), 259),
                      (date(2025, 9, 30), 266), (date(2025, 12, 31), 272))),
    "social_units": DemoIndicator(
        "social_units", "Logements sociaux et communautaires engagés", "logements (cumul)", (0, date(2024, 12, 31)),
        (48, date(2028, 12, 31)), "yearly", "Habitations du Quai et arrondissement", "hdq",
        measurements=((date(2024, 12, 31), 0), (date(2025, 12, 31), 8))),
    "food_households": DemoIndicator(
        "food_households", "Ménages joints par les activités alimentaires", "ménages (12 derniers mois)",
        (1050, date(2024, 6, 30)), (1200, date(2030, 6, 30)), "quarterly",
        "Registres de l'épicerie solidaire et des cuisines collectives", "panier",
        measurements=((date(2024, 3, 31), 1020), (date(2024, 6, 30), 1050), (date(2024, 9, 30), 1085),
                      (date(2024, 12, 31), 1110), (date(2025, 3, 31), 1140), (date(2025, 6, 30), 1180),
                      (date(2025, 9, 30), 1195), (date(2025, 12, 31), 1205))),
    "portions": DemoIndicator(
        "portions", "Portions préparées par les cuisines collectives", "portions par trimestre",
        (1800, date(2024, 6, 30)), (2600, date(2027, 6, 30)), "quarterly", "Registre de La Marmite solidaire",
        "marmite",
        measurements=((date(2024, 3, 31), 1760), (date(2024, 6, 30), 1800), (date(2024, 9, 30), 1850),
                      (date(2024, 12, 31), 1900), (date(2025, 3, 31), 1950), (date(2025, 6, 30), 1980),
                      (date(2025, 9, 30), 2050), (date(2025, 12, 31), 2400))),
    "dropout": DemoIndicator(
        "dropout", "Taux de sortie sans diplôme ni qualification", "%", (19, date(2024, 6, 30)),
        (15, date(2030, 6, 30)), "yearly", "Ministère de l'Éducation, indicateurs par école secondaire", "cssr",
        direction="decrease", measurements=((date(2024, 6, 30), "19"), (date(2025, 6, 30), "18.5"))),
    "youth": DemoIndicator(
        "youth", "Jeunes accompagnés vers l'emploi ou les études", "jeunes par année", (110, date(2024, 6, 30)),
        (150, date(2030, 6, 30)), "yearly", "CJE des Rivières", "cje",
        measurements=((date(2024, 6, 30), 110), (date(2025, 6, 30), 113))),
    "citizens": DemoIndicator(
        "citizens", "Part des personnes citoyennes aux assemblées", "% des personnes présentes",
        (24, date(2024, 6, 5)), (30, date(2027, 6, 30)), "quarterly", "Feuilles de présence des assemblées",
        measurements=((date(2024, 3, 14), 22), (date(2024, 6, 5), 24), (date(2024, 9, 19), 26),
                      (date(2025, 3, 13), 27), (date(2025, 6, 5), 29), (date(2025, 9, 18), 31)),
        dated_by="story"),
}
# The activity an indicator follows (the others follow their objective, or the whole plan).
PLAN_ACTIVITY_INDICATORS = {"portions": "Cuisines collectives pour les familles et les personnes aînées"}
PLAN_CROSS_CUTTING_INDICATORS = ["citizens"]
NAVETTE = "Navette solidaire vers l'épicerie et le CLSC"
NAVETTE_REASON = ("L'Assemblée appuie la demande de financement de la Maison des aînés du Héron pour la navette "
                  "solidaire : la Maison des aînés porte désormais l'action, avec Le Panier du Héron comme "
                  "coporteur.")
FOOD_TARGET_REASON = ("Avec la navette solidaire appuyée par l'Assemblée le {2025-11-25:dm} et les 50 000 $ accordés "
                      "aux cuisines collectives, la cible passe de 1 200 à 1 300 ménages joints par année.")
PLAN_REVISED_AT = (date(2025, 11, 26), 10)


def _plan_decisions(ctx: DemoContext) -> tuple[Proposal | None, Proposal | None]:
    """The assembly's own decision that adopts the plan (18 September 2025 in the story, after the
    charter's), and the plenary's decision (25 November 2025) that the revisions cite."""
    decided = Proposal.objects.filter(space=ctx.space(ASSEMBLY), status=Proposal.Status.DECIDED)
    adoption = decided.filter(title=ctx.t(PLAN_PROPOSAL_TITLE)).order_by("pk").first()
    plenary = decided.filter(adopts_charter__isnull=True).order_by("-decided_at").first()
    return adoption, plenary


def build_plan(ctx: DemoContext) -> None:
    """The plan de quartier of the assembly: three priorities, each with two objectives, a strategy per
    objective and two activities per strategy (leads, co-leads, partners, budgets, working group),
    seven indicators with two years of measurements up to the last quarter, adopted by its own
    decision at the September assembly; then two revisions authorised by the plenary's decision."""
    from concertation.planning import services as planning
    from concertation.planning.models import Activity, Plan

    if Plan.objects.filter(space__territory=ctx.territory).exists():
        return
    adoption, plenary = _plan_decisions(ctx)
    if adoption is None:
        return
    coordinator = ctx.person(ACCOUNT_EMAILS["coordinator"])
    timeline = ctx.timeline
    plan = planning.plan_create(space=ctx.space(ASSEMBLY), title=ctx.t(PLAN_TITLE), starts_on=timeline.plan_starts,
                                ends_on=timeline.plan_ends, vision=ctx.t(PLAN_VISION), by=coordinator)
    activities, objectives = {}, {}
    for title, group, description, branches in PLAN_PRIORITIES:
        priority = planning.priority_add(plan=plan, title=title, description=fr(description), by=coordinator)
        for objective_title, strategy_title, items, indicator_keys in branches:
            objective = planning.objective_add(priority=priority, title=fr(objective_title), by=coordinator)
            strategy = planning.strategy_add(plan=plan, objective=objective, title=fr(strategy_title),
                                             by=coordinator)
            for key in indicator_keys:
                objectives[key] = objective
            for item in items:
                activity = planning.activity_add(
                    strategy=strategy, title=fr(item.title), description=fr(item.description),
                    lead=ctx.organization(item.lead), co_leads=[ctx.organization(k) for k in item.co_leads],
                    partners=[ctx.organization(k) for k in item.partners],
                    budget_amount=item.budget or None, funder=ctx.t(item.funder), starts_on=ctx.on(item.starts),
                    ends_on=ctx.on(item.ends), working_group=ctx.space(group), by=coordinator,
                )
                activities[item.title] = activity
                for day, text, percent in item.news:
                    if ctx.on(day) <= ctx.today:
                        planning.progress_add(activity=activity, date=ctx.on(day), text=ctx.t(text), percent=percent,
                                              by=ctx.delegate_of(item.lead))
                if item.status != Activity.Status.PLANNED:
                    planning.activity_status_set(activity=activity, status=item.status, by=coordinator)
    def dated(data: DemoIndicator, day: date) -> date:
        return ctx.on(day) if data.dated_by == "story" else timeline.quarter(day)

    created = {}
    for key, data in PLAN_INDICATORS.items():
        level = {}
        if key in PLAN_ACTIVITY_INDICATORS:
            level["activity"] = activities[PLAN_ACTIVITY_INDICATORS[key]]
        elif key not in PLAN_CROSS_CUTTING_INDICATORS:
            level["objective"] = objectives[key]
        created[key] = planning.indicator_add(
            plan=plan, name=fr(data.name), unit=fr(data.unit), baseline_value=data.baseline[0],
            baseline_date=dated(data, data.baseline[1]), target_value=data.target[0],
            target_date=timeline.quarter(data.target[1]),
            direction=data.direction, frequency=data.frequency, source=fr(data.source),
            responsible=ctx.organization(data.responsible) if data.responsible else None, by=coordinator, **level,
        )
    plan = planning.plan_adopt(plan=plan, decision=adoption, on=ctx.on(PLAN_ADOPTED_ON), by=coordinator)
    for key, data in PLAN_INDICATORS.items():
        recorder = ctx.delegate_of(data.responsible) if data.responsible else coordinator
        for day, value in data.measurements:
            if dated(data, day) <= ctx.today:
                planning.measurement_add(indicator=created[key], date=dated(data, day), value=value, by=recorder,
                                         today=ctx.today)
    if plenary is None:
        return
    # The plenary (25 November 2025 in the story) supports the Maison des aînés' shuttle: it becomes the lead,
    # and the food target is raised. Two revisions, each citing that decision.
    day, hour = PLAN_REVISED_AT
    planning.activity_edit(
        activity=activities[NAVETTE], lead=ctx.organization("mah"), co_leads=[ctx.organization("panier")],
        reason=ctx.t(NAVETTE_REASON), decision=plenary, by=coordinator, now=ctx.at(day, hour),
    )
    planning.indicator_edit(
        indicator=created["food_households"], target_value=1300, reason=ctx.t(FOOD_TARGET_REASON),
        decision=plenary, by=coordinator, now=ctx.at(day, hour, 5),
    )


def delete_plan(ctx: DemoContext) -> None:
    """Plans PROTECT their space, and their revisions the decisions they cite: delete them first."""
    from concertation.planning.models import Plan

    if ctx.territory is not None:
        Plan.objects.filter(space__territory=ctx.territory).delete()


def build_next_meeting(ctx: DemoContext) -> None:
    # Imported here: demo.upcoming reads this module's data.
    from concertation.demo.upcoming import build_next_meeting as build

    build(ctx)


Step = tuple[str, Callable[[DemoContext], None]]

# Later issues append their steps here (meetings, proposals, the plan…).
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
    ("Propositions et décisions / proposals and decisions", build_proposals),
    ("Rencontres passées / past meetings", build_meetings),
    ("Plan de quartier / the neighbourhood plan", build_plan),
    ("Prochaine assemblée, convoquée / the next assembly, convened", build_next_meeting),
]

# Run first on reset=True, before the territory is deleted (for data that PROTECTs it).
RESET_STEPS: list[Step] = [
    ("Plan de quartier / the neighbourhood plan", delete_plan),
    ("Rencontres / meetings", delete_meetings),
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
    summary.delegations = Delegation.objects.filter(
        current_q(), membership__space__territory=territory
    ).count()
    summary.roles = Role.objects.filter(space__territory=territory).count()
    summary.role_assignments = RoleAssignment.objects.filter(
        assignment_current_q(), role__space__territory=territory
    ).count()
    summary.charters = Charter.objects.filter(space__territory=territory, in_force=True).count()
    proposals = Proposal.objects.filter(space__territory=territory)
    summary.decisions = proposals.filter(status=Proposal.Status.DECIDED).count()
    summary.open_proposals = proposals.filter(status=Proposal.Status.OPEN).count()
    return summary


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
            for label, step in STEPS:
                ctx.say(f"  - {label}")
                step(ctx)
    return summarize(summary)
