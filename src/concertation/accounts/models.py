from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    FRENCH = "fr-ca", _("Français")
    ENGLISH = "en", _("English")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def get(self, *args, **kwargs):
        """``get(pk=…)``, as Django's authentication loads the signed-in person on every request,
        runs the statement the ORM compiled once (core/one_row.py); any other ``get`` as usual, and
        every ``get`` of a related manager (``territory.coordinators``: a subclass made by Django),
        whose relation's filter the plain statement would skip."""
        if type(self) is not UserManager or args or len(kwargs) != 1 or "pk" not in kwargs:
            return super().get(*args, **kwargs)
        from concertation.core.one_row import get_one

        user = get_one(self.model, self.db, pk=kwargs["pk"])
        if user is None:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The e-mail address is the login; the display name is what others see."""

    email = models.EmailField(_("adresse courriel"), unique=True)
    display_name = models.CharField(_("nom affiché"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("langue préférée"), max_length=8, choices=Language.choices, default=Language.FRENCH
    )
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    # Law 25 (Québec): public pages show organizations, not people, unless the person agreed.
    shown_publicly = models.BooleanField(
        _("nom visible publiquement"),
        default=False,
        help_text=_("Sur les pages publiques, afficher votre nom plutôt que celui de votre organisme."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("accès à l'administration"),
        default=False,
        help_text=_("Les administratrices et administrateurs de l'instance y ont accès."),
    )
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["display_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def save(self, *args, **kwargs):
        # One address, one spelling: sign-in and invitations compare addresses in lower case.
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return str(self)

    def get_short_name(self):
        return str(self)
