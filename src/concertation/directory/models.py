"""Who acts on a territory: the territory itself, sectors, colleges, organizations, affiliations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from concertation.core.models import BaseModel


class Territory(BaseModel):
    class Kind(models.TextChoices):
        NEIGHBOURHOOD = "neighbourhood", _("Quartier")
        MUNICIPALITY = "municipality", _("Municipalité")
        MRC = "mrc", _("MRC")
        REGION = "region", _("Région")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.NEIGHBOURHOOD)
    description = models.TextField(_("description"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personnes à la coordination"),
        related_name="coordinated_territories",
        blank=True,
        help_text=_("Elles gèrent les espaces, les membres, les rôles et les chartes du territoire."),
    )
    public_pages = models.BooleanField(
        _("pages publiques"), default=False,
        help_text=_("La coordination publie une vitrine du territoire : ses espaces publics, leurs décisions, "
                    "leurs rencontres, leur plan et leurs documents publics."),
    )

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Sector(BaseModel):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="sectors", verbose_name=_("territoire"))
    name = models.CharField(_("nom"), max_length=120)

    class Meta:
        verbose_name = _("secteur")
        verbose_name_plural = _("secteurs")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="directory_sector_unique_name")]

    def __str__(self):
        return self.name


class College(BaseModel):
    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Communautaire")
        INSTITUTIONAL = "institutional", _("Institutionnel")
        MUNICIPAL = "municipal", _("Municipal")
        CITIZEN = "citizen", _("Citoyen")
        PRIVATE = "private", _("Privé")
        FUNDER = "funder", _("Bailleur de fonds")
        OTHER = "other", _("Autre")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="colleges", verbose_name=_("territoire"))
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=60)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        verbose_name = _("collège")
        verbose_name_plural = _("collèges")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="directory_college_unique_slug"),
            models.UniqueConstraint(fields=["territory", "name"], name="directory_college_unique_name"),
        ]

    def __str__(self):
        return self.name


class Organization(BaseModel):
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="organizations", verbose_name=_("territoire")
    )
    name = models.CharField(_("nom"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=30, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="organizations", verbose_name=_("secteur")
    )
    college = models.ForeignKey(
        College, on_delete=models.PROTECT, null=True, blank=True, related_name="organizations", verbose_name=_("collège")
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    contact_name = models.CharField(_("personne-ressource"), max_length=150, blank=True)
    contact_email = models.EmailField(_("courriel de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("organisme")
        verbose_name_plural = _("organismes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="directory_organization_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def short_name(self):
        return self.acronym or self.name


class Affiliation(BaseModel):
    """A person acts for an organization (one person may represent several)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("personne")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("organisme")
    )
    title = models.CharField(_("fonction"), max_length=150, blank=True)
    start = models.DateField(_("début"), null=True, blank=True)
    end = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization"], condition=Q(end__isnull=True), name="directory_affiliation_one_current"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="directory_affiliation_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.organization}"
