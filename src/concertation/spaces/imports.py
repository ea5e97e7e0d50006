"""Import organizations and their memberships from a coordinator's CSV or XLSX file.

One row describes an organization and, optionally, its membership in one space with its delegate
and alternate. The columns, their French and English names and the accepted values are documented
in docs/import.md. Choices made here:

- An organization is matched by name within the territory, without regard to case or accents; an
  existing one is updated with the cells that are filled (an empty cell erases nothing).
- A sector that does not exist yet is created (sectors are a free list); a college must already
  exist (colleges carry seats and quorum rules), matched by name or identifier.
- The space is matched by its address identifier (slug) or its name. Without a space, the row only
  creates or updates the organization; the membership columns then must stay empty.
- The same organization may appear on several rows to join several spaces; its details must then
  agree from row to row. The same organization twice in the same space is an error, and so is an
  organization that already has a membership in that space.
- A delegate or alternate is found by e-mail among the people of the territory
  (``selectors.people_of_territory``) and named at once. Anyone else — an account elsewhere on the
  instance or no account at all — is sent an invitation to that seat and takes it by accepting:
  nobody is enrolled without consent, and the preview and the summary say the same thing for an
  address with an account elsewhere as for an unknown one. One pending invitation per address and
  space: a second one (in the file or already sent) is a row error.
- Nothing is written unless every row is valid (``TabularImport.apply``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.tabular import (
    Column,
    Row,
    RowResult,
    TabularImport,
    english,
    normalize,
    parse_date,
    quote,
)
from concertation.directory.models import College, Organization, Sector, Territory

from . import invitations
from .models import Invitation, Membership, MembershipCategory, Space
from .selectors import people_of_territory
from .services import membership_add, organization_save

COLUMNS = [
    Column("organization", ("Organisme", "Organization", "Nom de l'organisme", "Nom", "Organisation",
                            "Organisme membre", "Organization name", "Name", "Member organization"), required=True),
    Column("acronym", ("Sigle", "Acronym", "Acronyme", "Abréviation", "Short name")),
    Column("sector", ("Secteur", "Sector", "Secteur d'activité")),
    Column("college", ("Collège", "College", "Collège électoral")),
    Column("website", ("Site web", "Website", "Site Internet", "Site", "Web", "URL")),
    Column("contact_name", ("Personne-ressource", "Contact name", "Contact", "Nom du contact", "Personne contact")),
    Column("contact_email", ("Courriel", "E-mail", "Courriel de l'organisme", "Courriel de contact",
                             "Adresse courriel", "Email", "Contact e-mail", "Organization e-mail")),
    Column("phone", ("Téléphone", "Phone", "Tél", "Tel", "Numéro de téléphone", "Phone number", "Telephone")),
    Column("address", ("Adresse", "Address", "Adresse postale", "Mailing address"), multiline=True),
    Column("description", ("Description", "Description", "Mission"), multiline=True),
    Column("space", ("Espace", "Space", "Espace de concertation", "Instance", "Comité", "Committee")),
    Column("category", ("Catégorie", "Category", "Catégorie de membre", "Statut de membre",
                        "Membership category", "Member category")),
    Column("delegate_email", ("Courriel de la personne déléguée", "Delegate e-mail", "Courriel délégué",
                              "Courriel déléguée", "Courriel du délégué", "Courriel de la déléguée",
                              "Delegate email")),
    Column("delegate_name", ("Personne déléguée", "Delegate name", "Nom de la personne déléguée", "Délégué",
                             "Déléguée", "Délégué ou déléguée", "Delegate")),
    Column("alternate_email", ("Courriel du substitut", "Alternate e-mail", "Courriel substitut",
                               "Courriel de la personne substitut", "Alternate email")),
    Column("alternate_name", ("Substitut", "Alternate name", "Nom du substitut", "Personne substitut",
                              "Alternate", "Substitute")),
    Column("start", ("Début", "Start date", "Date de début", "Date d'adhésion", "Membre depuis", "Start",
                     "Member since")),
]

CATEGORY_WORDS = {
    MembershipCategory.VOTING: ("votant", "votante", "membre votant", "membre votante", "voting", "voting member",
                                "vote"),
    MembershipCategory.OBSERVER: ("observateur", "observatrice", "observateur ou observatrice",
                                  "observatrice ou observateur", "membre observateur", "observer"),
    MembershipCategory.GUEST: ("invité", "invitée", "invité ou invitée", "invitée ou invité", "membre invité",
                               "guest", "invited"),
}
CATEGORY_BY_WORD = {normalize(word): category for category, words in CATEGORY_WORDS.items() for word in words}
MEMBERSHIP_KEYS = ("category", "delegate_email", "delegate_name", "alternate_email", "alternate_name", "start")
ORGANIZATION_TEXT = {  # key → (model field, max length)
    "acronym": ("acronym", 30), "contact_name": ("contact_name", 150), "phone": ("contact_phone", 40),
    "address": ("address", 300), "description": ("description", 5000),
}
LIST_LIMIT = 12


def column(key: str) -> Column:
    return next(col for col in COLUMNS if col.key == key)


def header(key: str) -> str:
    return column(key).header()


def category_words() -> str:
    words = ("voting", "observer", "guest") if english() else ("votant", "observateur", "invité")
    return ", ".join(quote(word) for word in words)


def listing(names) -> str:
    names = sorted(names, key=normalize)
    shown = ", ".join(quote(name) for name in names[:LIST_LIMIT])
    return shown + (" …" if len(names) > LIST_LIMIT else "")


def template_examples(territory: Territory) -> list[dict[str, str]]:
    """One example row, written with the territory's own space and college when it has some."""
    space = Space.objects.filter(territory=territory).order_by("position", "name").first()
    college = College.objects.filter(territory=territory).order_by("name").first()
    return [{
        "organization": "Carrefour familial des Hérons",
        "acronym": "CFH",
        "sector": _("Famille"),
        "college": college.name if college else "",
        "website": "https://carrefourfamilial.example.org",
        "contact_name": "Sophie Gagnon",
        "contact_email": "info@carrefourfamilial.example.org",
        "phone": "+1 514 555-0100",
        "address": _("1200, rue des Hérons, Montréal (Québec)"),
        "description": _("Soutien aux familles du quartier."),
        "space": space.slug if space else "",
        "category": "voting" if english() else "votant",
        "delegate_email": "marie.tremblay@example.org",
        "delegate_name": "Marie Tremblay",
        "alternate_email": "karim.benali@example.org",
        "alternate_name": "Karim Benali",
        "start": "2025-09-18" if space else "",
    }]


class OrganizationImport(TabularImport):
    """Organizations of a territory and their memberships, with delegates and alternates."""

    columns = COLUMNS

    def __init__(self, territory: Territory, *, base_url: str | None = None):
        self.territory = territory
        self.base_url = base_url  # for the links of the invitations (SITE_URL when None)

    # Loading: a fixed number of queries, whatever the number of rows ----------------------------

    def prepare(self, rows: list[Row]) -> None:
        territory = self.territory
        self.spaces_by_slug: dict[str, Space] = {}
        self.spaces_by_name: dict[str, list[Space]] = {}
        for space in Space.objects.filter(territory=territory):
            self.spaces_by_slug[space.slug.lower()] = space
            self.spaces_by_name.setdefault(normalize(space.name), []).append(space)
        self.colleges: dict[str, College] = {}
        for college in College.objects.filter(territory=territory):
            self.colleges.setdefault(normalize(college.name), college)
            self.colleges.setdefault(normalize(college.slug), college)
        self.college_names = sorted({college.name for college in self.colleges.values()}, key=normalize)
        self.sectors = {normalize(sector.name): sector for sector in Sector.objects.filter(territory=territory)}
        self.organizations: dict[str, list[Organization]] = {}
        for organization in Organization.objects.filter(territory=territory).select_related("sector", "college"):
            self.organizations.setdefault(normalize(organization.name), []).append(organization)
        self.memberships = set(
            Membership.objects.filter(space__territory=territory, organization__isnull=False)
            .values_list("space_id", "organization_id")
        )
        emails = {
            row.get(key).lower() for row in rows for key in ("delegate_email", "alternate_email") if row.get(key)
        }
        # Only the territory's people: whether an address has an account elsewhere must not show.
        users = people_of_territory(territory).annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
        self.users = {user.email_lower: user for user in users} if emails else {}
        # (space id, address) → the line of the file that invites it (None: an invitation already pending).
        self.invited: dict[tuple[int, str], int | None] = {
            (space_id, email.lower()): None
            for space_id, email in Invitation.objects.filter(
                invitations.pending_q(), space__territory=territory).values_list("space_id", "email")
        } if emails else {}
        # State across rows of one file
        self.first_row: dict[str, tuple[int, dict]] = {}  # organization → (line, its details)
        self.placed: dict[tuple[str, int | None], int] = {}  # (organization, space) → line
        self.new_sectors: set[str] = set()

    # Checking -------------------------------------------------------------------------------------

    def check_row(self, result: RowResult) -> None:
        row, errors, data = result.row, result.errors, result.data
        name = " ".join(row.get("organization").split())
        if not name:
            errors.append(_("Le nom de l'organisme est vide : chaque ligne doit nommer un organisme."))
            return
        if len(name) > 200:
            errors.append(_("Le nom de l'organisme dépasse 200 caractères."))
        key = normalize(name)
        data["key"] = key
        organization = self._match_organization(name, key, errors)
        data["organization"] = organization
        details = self._check_details(row, errors)
        data["details"] = details
        space = self._check_space(row, errors)
        data["space"] = space
        self._check_membership(row, space, data, errors)

        # The same organization on several rows: the same details, different spaces.
        if key in self.first_row:
            line, first = self.first_row[key]
            for field_name, value in details.items():
                if value in ("", None):
                    continue
                if first.get(field_name) in ("", None):
                    first[field_name] = value  # a later row completes the organization's details
                elif first[field_name] != value:
                    errors.append(
                        _("La colonne « %(column)s » contredit la ligne %(line)s pour le même organisme : "
                          "donnez la même valeur, ou laissez la cellule vide.")
                        % {"column": header(_detail_column(field_name)), "line": line}
                    )
            data["same_as_line"] = line
        else:
            self.first_row[key] = (row.number, details)
        place = (key, space.pk if space else None)
        if space is not None or row.get("space") == "":
            if place in self.placed:
                if space is None:
                    errors.append(_("L'organisme « %(name)s » apparaît déjà à la ligne %(line)s : "
                                    "gardez une seule ligne par organisme et par espace.")
                                  % {"name": name, "line": self.placed[place]})
                else:
                    errors.append(_("L'organisme « %(name)s » est déjà inscrit dans « %(space)s » à la ligne "
                                    "%(line)s : gardez une seule ligne par organisme et par espace.")
                                  % {"name": name, "space": space.name, "line": self.placed[place]})
            else:
                self.placed[place] = row.number
        if organization is not None and space is not None:
            if (space.pk, organization.pk) in self.memberships:
                errors.append(_("« %(name)s » a déjà une adhésion à « %(space)s » : retirez cette ligne, "
                                "ou videz la colonne « %(column)s ».")
                              % {"name": organization.name, "space": space.name, "column": header("space")})
            if not organization.active:
                errors.append(_("L'organisme « %(name)s » est inactif : réactivez-le avant de l'inscrire "
                                "dans un espace.") % {"name": organization.name})
        if not errors:
            result.actions = self._actions(name, data)

    def _match_organization(self, name: str, key: str, errors: list[str]) -> Organization | None:
        candidates = self.organizations.get(key, [])
        exact = [org for org in candidates if org.name.casefold() == name.casefold()]
        if len(exact) == 1 or len(candidates) == 1:
            return (exact or candidates)[0]
        if candidates:
            errors.append(_("Plusieurs organismes du territoire ressemblent à « %(name)s » (%(names)s) : "
                            "écrivez le nom exactement comme dans l'annuaire.")
                          % {"name": name, "names": listing(org.name for org in candidates)})
        return None

    def _check_details(self, row: Row, errors: list[str]) -> dict:
        details: dict = {}
        for key, (field_name, max_length) in ORGANIZATION_TEXT.items():
            value = row.get(key)
            if len(value) > max_length:
                errors.append(_("« %(column)s » dépasse %(max)s caractères.")
                              % {"column": header(key), "max": max_length})
            details[field_name] = value
        sector = row.get("sector")
        details["sector"] = None
        if sector:
            if len(sector) > 120:
                errors.append(_("« %(column)s » dépasse %(max)s caractères.") % {"column": header("sector"), "max": 120})
            details["sector"] = self.sectors.get(normalize(sector)) or " ".join(sector.split())
        college = row.get("college")
        details["college"] = None
        if college:
            details["college"] = self.colleges.get(normalize(college))
            if details["college"] is None:
                if self.college_names:
                    errors.append(_("Collège inconnu « %(value)s ». Collèges de ce territoire : %(names)s.")
                                  % {"value": college, "names": listing(self.college_names)})
                else:
                    errors.append(_("Collège inconnu « %(value)s » : ce territoire n'a pas encore de collège. "
                                    "Videz la colonne « %(column)s » ou créez d'abord les collèges.")
                                  % {"value": college, "column": header("college")})
        website = row.get("website")
        if website and "://" not in website:
            website = "https://" + website
        if website:
            try:
                URLValidator(schemes=["http", "https"])(website)
                if len(website) > 200:
                    raise ValidationError("too long")
            except ValidationError:
                errors.append(_("Adresse de site web invalide « %(value)s » : écrivez-la comme "
                                "https://exemple.org.") % {"value": row.get("website")})
        details["website"] = website
        details["contact_email"] = self._email(row, "contact_email", errors)
        return details

    def _email(self, row: Row, key: str, errors: list[str]) -> str:
        value = row.get(key).lower()
        if value:
            try:
                validate_email(value)
            except ValidationError:
                errors.append(_("Adresse courriel invalide « %(value)s » dans la colonne « %(column)s ».")
                              % {"value": row.get(key), "column": header(key)})
        return value

    def _check_space(self, row: Row, errors: list[str]) -> Space | None:
        value = row.get("space")
        if not value:
            filled = [header(key) for key in MEMBERSHIP_KEYS if row.get(key)]
            if filled:
                errors.append(_("Les colonnes %(columns)s décrivent une adhésion : indiquez l'espace dans la "
                                "colonne « %(space)s », ou videz-les.")
                              % {"columns": listing(filled), "space": header("space")})
            return None
        space = self.spaces_by_slug.get(value.lower())
        if space is not None:
            return space
        named = self.spaces_by_name.get(normalize(value), [])
        if len(named) == 1:
            return named[0]
        if named:
            errors.append(_("Plusieurs espaces s'appellent « %(value)s » : écrivez plutôt leur identifiant "
                            "d'adresse (%(slugs)s).") % {"value": value, "slugs": listing(s.slug for s in named)})
        else:
            names = [space.name for spaces in self.spaces_by_name.values() for space in spaces]
            errors.append(_("Espace inconnu « %(value)s ». Espaces de ce territoire : %(names)s.")
                          % {"value": value, "names": listing(names) or "—"})
        return None

    def _check_membership(self, row: Row, space: Space | None, data: dict, errors: list[str]) -> None:
        value = row.get("category")
        data["category"] = MembershipCategory.VOTING
        if value:
            category = CATEGORY_BY_WORD.get(normalize(value))
            if category is None:
                errors.append(_("Catégorie inconnue « %(value)s » : écrivez %(words)s.")
                              % {"value": value, "words": category_words()})
            else:
                data["category"] = category
        data["start"] = None
        if row.get("start"):
            try:
                data["start"] = parse_date(row.get("start"))
            except ValueError:
                errors.append(_("Date invalide « %(value)s » dans la colonne « %(column)s » : écrivez-la "
                                "AAAA-MM-JJ, par exemple 2025-09-18.")
                              % {"value": row.get("start"), "column": header("start")})
        for kind in ("delegate", "alternate"):
            email = self._email(row, f"{kind}_email", errors)
            name = " ".join(row.get(f"{kind}_name").split())
            if name and not email:
                errors.append(_("« %(name)s » n'a pas d'adresse courriel : remplissez la colonne « %(column)s ».")
                              % {"name": name, "column": header(f"{kind}_email")})
            if len(name) > 150:
                errors.append(_("« %(column)s » dépasse %(max)s caractères.")
                              % {"column": header(f"{kind}_name"), "max": 150})
            data[kind] = (email, name) if email else None
        if data["delegate"] and data["alternate"] and data["delegate"][0] == data["alternate"][0]:
            errors.append(_("La personne déléguée et le substitut doivent être deux personnes différentes."))
        elif space is not None:
            self._check_invitations(row, space, data, errors)

    def _check_invitations(self, row: Row, space: Space, data: dict, errors: list[str]) -> None:
        """An address outside the territory is invited: one pending invitation per address and space."""
        for kind in ("delegate", "alternate"):
            if not data[kind] or data[kind][0] in self.users:
                continue
            email = data[kind][0]
            key = (space.pk, email)
            if key not in self.invited:
                self.invited[key] = row.number
            elif self.invited[key] is None:
                errors.append(_("Une invitation à « %(space)s » attend déjà la réponse de %(email)s : retirez "
                                "cette adresse de la ligne, ou révoquez d'abord l'invitation.")
                              % {"space": space.name, "email": email})
            else:
                errors.append(_("%(email)s est déjà invitée ou invité à « %(space)s » à la ligne %(line)s : une "
                                "personne ne reçoit qu'une invitation par espace.")
                              % {"email": email, "space": space.name, "line": self.invited[key]})

    def _actions(self, name: str, data: dict) -> list[str]:
        actions = []
        organization, details = data["organization"], data["details"]
        if "same_as_line" in data:
            actions.append(_("Organisme de la ligne %(line)s") % {"line": data["same_as_line"]})
        elif organization is None:
            actions.append(_("Créer l'organisme « %(name)s »") % {"name": name})
        else:
            changed = [header(_detail_column(field)) for field in _changes(organization, details)]
            if changed:
                actions.append(_("Mettre à jour l'organisme existant « %(name)s » : %(fields)s")
                               % {"name": organization.name, "fields": ", ".join(changed)})
            else:
                actions.append(_("Organisme existant « %(name)s », sans changement") % {"name": organization.name})
        sector = details["sector"]
        if isinstance(sector, str) and normalize(sector) not in self.new_sectors:
            self.new_sectors.add(normalize(sector))
            actions.append(_("Créer le secteur « %(name)s »") % {"name": sector})
        space = data["space"]
        if space is not None:
            category = MembershipCategory(data["category"]).label
            if data["start"]:
                actions.append(_("Inscrire dans « %(space)s », catégorie « %(category)s », à partir du %(date)s")
                               % {"space": space.name, "category": category,
                                  "date": formatting.day(data["start"])})
            else:
                actions.append(_("Inscrire dans « %(space)s », catégorie « %(category)s »")
                               % {"space": space.name, "category": category})
            for kind, label in (("delegate", _("Personne déléguée")), ("alternate", _("Substitut"))):
                if data[kind]:
                    email, person_name = data[kind]
                    who = f"{person_name} <{email}>" if person_name else email
                    if email in self.users:
                        actions.append(_("%(role)s : %(who)s (personne du territoire)") % {"role": label, "who": who})
                    else:
                        # The same words for an account elsewhere and for an unknown address.
                        actions.append(_("%(role)s : %(who)s recevra une invitation et prendra ce "
                                         "siège en l'acceptant") % {"role": label, "who": who})
        return actions

    # Writing --------------------------------------------------------------------------------------

    def preview(self, table):
        self.stats = {"organizations_created": 0, "organizations_updated": 0, "memberships": 0, "invitations": 0,
                      "sectors": 0}
        self.done_organizations: dict[str, Organization] = {}
        return super().preview(table)

    def apply_row(self, result: RowResult, *, by=None) -> None:
        data = result.data
        organization = self.done_organizations.get(data["key"])
        if organization is None:
            organization = self._save_organization(result)
            self.done_organizations[data["key"]] = organization
        space = data["space"]
        if space is None:
            return
        people = {kind: self.users.get(data[kind][0]) if data[kind] else None for kind in ("delegate", "alternate")}
        membership = membership_add(space=space, organization=organization, category=data["category"],
                                    delegate=people["delegate"], alternate=people["alternate"], start=data["start"],
                                    by=by)
        self.stats["memberships"] += 1
        for kind in ("delegate", "alternate"):
            if data[kind] and people[kind] is None:
                invitation = invitations.invitation_create(
                    space=space, email=data[kind][0], invited_as=kind, organization=organization,
                    category=membership.category, by=by, rate_limited=False,
                )
                invitations.invitation_send(invitation=invitation, base_url=self.base_url)
                self.stats["invitations"] += 1

    def _save_organization(self, result: RowResult) -> Organization:
        data = result.data
        details = dict(data["details"])
        if isinstance(details["sector"], str):
            details["sector"] = self._sector(details["sector"])
        existing = data["organization"]
        if existing is None:
            fields = {name: value for name, value in details.items() if value not in ("", None)}
            self.stats["organizations_created"] += 1
            return organization_save(territory=self.territory, name=" ".join(result.row.get("organization").split()),
                                     **fields)
        changes = _changes(existing, details)
        if not changes:
            return existing
        self.stats["organizations_updated"] += 1
        return organization_save(territory=self.territory, organization=existing,
                                 **{name: details[name] for name in changes})

    def _sector(self, name: str) -> Sector:
        key = normalize(name)
        if key not in self.sectors:
            self.sectors[key] = Sector.objects.create(territory=self.territory, name=name)
            self.stats["sectors"] += 1
        return self.sectors[key]


def _changes(organization: Organization, details: dict) -> list[str]:
    """The fields a filled cell would change on an existing organization (empty cells erase nothing)."""
    changed = []
    for name, value in details.items():
        if value in ("", None):
            continue
        if isinstance(value, str) and name == "sector":
            changed.append(name)  # a sector that does not exist yet
        elif hasattr(value, "pk"):
            if getattr(organization, f"{name}_id") != value.pk:
                changed.append(name)
        elif getattr(organization, name) != value:
            changed.append(name)
    return changed


def _detail_column(field_name: str) -> str:
    return {"contact_phone": "phone"}.get(field_name, field_name)
