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

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from concertation.core.dates import add_months
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
        "Instance décisionnelle de la Table de quartier : elle adopte le plan de quartier 2025-2030, "
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
CHARTER_ADOPTION_NOTE = "Assemblée des partenaires du 18 septembre 2025"


# The context and the summary --------------------------------------------------------------------

@dataclass
class DemoContext:
    """What the steps share. Lookups read the database, so a step never depends on an earlier run."""

    today: date
    stdout: object | None = None
    territory: Territory | None = None
    _cache: dict = field(default_factory=dict)

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
                start=_past(date(2021, 9, 1), ctx.today),
            )
    hdq = ORGANIZATION_BY_KEY["hdq"]
    Affiliation.objects.create(
        person=ctx.person(FORMER_HDQ_DELEGATE.email_at(hdq.domain)), organization=ctx.organization("hdq"),
        title=FORMER_HDQ_DELEGATE.title, start=_past(date(2015, 3, 1), ctx.today),
        end=_past(HDQ_DELEGATE_CHANGED, ctx.today) - timedelta(days=1),
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
            joined = _past(LATER_ASSEMBLY_STARTS.get(key, start) if slug == ASSEMBLY else start, ctx.today)
            delegate = ctx.delegate_of(key)
            if key == "hdq" and joined < _past(HDQ_DELEGATE_CHANGED, ctx.today):
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
                    start=_past(HDQ_DELEGATE_CHANGED, ctx.today),
                )
        for email in citizen_emails:
            services.membership_add(
                space=space, person=ctx.person(email), category=MembershipCategory.VOTING,
                start=_past(max(start, CITIZEN_SEATS_ELECTED) if slug in (ASSEMBLY, COMMITTEE) else start, ctx.today),
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
                         start=_past(date(2022, 8, 29), today))

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

    # Se nourrir ensemble: the facilitation rotates; the current term ends within 30 days.
    food = facilitation(FOOD)
    end = _days(today, 18)
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
        "adopted_on": CHARTER_ADOPTED_ON,
        "adoption_note": CHARTER_ADOPTION_NOTE,
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
            adopted_on=CHARTER_ADOPTED_ON,
            adoption_note=CHARTER_ADOPTION_NOTE,
        )


def build_coordinators(ctx: DemoContext) -> None:
    ctx.territory.coordinators.add(ctx.person(ACCOUNT_EMAILS["coordinator"]))


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
]

# Run first on reset=True, before the territory is deleted (for data that PROTECTs it).
RESET_STEPS: list[Step] = []


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
    return summary


def load_demo(*, reset: bool = False, stdout=None) -> DemoSummary:
    """Build the demo territory (idempotent); ``reset=True`` deletes it first, then rebuilds."""
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
