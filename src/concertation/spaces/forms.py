"""Forms of the structure screens. Validation of business rules stays in services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concertation.core.tabular import MAX_BYTES
from concertation.core.validators import guard_single_line
from concertation.directory.models import College, Organization, Sector

from .models import (
    Charter,
    Delegation,
    Invitation,
    Membership,
    MembershipCategory,
    Role,
    RoleAssignment,
    Space,
)
from .plan_changes import plan_change_choices
from .selectors import organizations_of, people_of_territory

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    """A person of the space's territory (``people_of_territory``), shown with their e-mail.

    A pick outside the territory — another territory's person, or an id that does not exist — gets
    the same message: it tells nothing about who has an account on the instance.
    """

    default_error_messages = {
        "invalid_choice": _("Cette personne ne fait pas partie du territoire : choisissez-la dans la liste, ou "
                            "invitez-la par son adresse courriel."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", User.objects.none())
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj} <{obj.email}>" if obj.display_name else obj.email


def set_people(form, territory, *names: str) -> None:
    """Offer the territory's people, and only them, in the form's person pickers."""
    people = people_of_territory(territory)
    for name in names:
        if name in form.fields:
            form.fields[name].queryset = people


class SpaceForm(forms.ModelForm):
    class Meta:
        model = Space
        fields = ["name", "kind", "parent", "mandate", "visibility", "status"]
        widgets = {"mandate": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        guard_single_line(self, "name")
        parents = Space.objects.filter(territory=territory)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = False


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name", "acronym", "sector", "college", "description", "website", "address", "contact_name",
            "contact_email", "contact_phone", "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        guard_single_line(self, "name", "acronym", "contact_name")
        self.fields["sector"].queryset = Sector.objects.filter(territory=territory)
        self.fields["college"].queryset = College.objects.filter(territory=territory)

    def validate_unique(self):
        # The territory is not a form field: uniqueness is checked by organization_save.
        pass


class MemberAddForm(forms.Form):
    """An organization with its delegate and alternate in one step — or a citizen.

    People are picked among those of the territory; a delegate who is not one yet is named by
    address and receives an invitation (see ``views.structure.member_add``).
    """

    organization = forms.ModelChoiceField(label=_("Organisme"), queryset=Organization.objects.none(), required=False)
    person = PersonChoiceField(
        label=_("Ou une citoyenne ou un citoyen"), required=False,
        help_text=_("Pour un siège citoyen, choisissez la personne plutôt qu'un organisme. Une personne qui ne "
                    "fait pas encore partie du territoire s'invite depuis la page « Invitations »."),
    )
    category = forms.ChoiceField(label=_("Catégorie"), choices=MembershipCategory.choices,
                                 initial=MembershipCategory.VOTING)
    college = forms.ModelChoiceField(
        label=_("Collège"), queryset=College.objects.none(), required=False,
        help_text=_("Laissez vide pour prendre le collège de l'organisme."),
    )
    delegate = PersonChoiceField(label=_("Personne déléguée"), required=False)
    delegate_email = forms.EmailField(
        label=_("Ou l'adresse courriel de la personne déléguée"), required=False,
        help_text=_("Si elle ne fait pas encore partie du territoire, elle reçoit une invitation et devient "
                    "personne déléguée en l'acceptant."),
    )
    alternate = PersonChoiceField(label=_("Substitut"), required=False)
    start = forms.DateField(label=_("Début"), required=False, widget=DateInput())

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        territory = space.territory
        self.fields["organization"].queryset = (
            Organization.objects.filter(territory=territory, active=True).exclude(memberships__space=space)
        )
        set_people(self, territory, "person", "delegate", "alternate")
        self.fields["college"].queryset = College.objects.filter(territory=territory)

    def clean_delegate_email(self):
        return self.cleaned_data["delegate_email"].strip().lower()

    def clean(self):
        data = super().clean()
        if not data.get("organization") and not data.get("person"):
            raise forms.ValidationError(_("Choisissez un organisme ou une personne."))
        if data.get("organization") and data.get("person"):
            raise forms.ValidationError(_("Choisissez un organisme ou une personne, pas les deux."))
        if data.get("delegate") and data.get("delegate_email"):
            self.add_error("delegate_email", _("Choisissez une personne existante ou une nouvelle adresse, pas les deux."))
        if data.get("delegate_email") and not data.get("organization"):
            self.add_error("delegate_email", _("Seul un organisme a une personne déléguée et un substitut."))
        return data


class MemberEditForm(forms.Form):
    category = forms.ChoiceField(label=_("Catégorie"), choices=MembershipCategory.choices)
    college = forms.ModelChoiceField(label=_("Collège"), queryset=College.objects.none(), required=False)
    delegate = PersonChoiceField(label=_("Personne déléguée"), required=False)
    alternate = PersonChoiceField(label=_("Substitut"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        # The current delegate and alternate belong to the territory by their delegation.
        set_people(self, membership.space.territory_id, "delegate", "alternate")
        self.fields["college"].queryset = College.objects.filter(territory_id=membership.space.territory_id)
        if membership.organization_id is None:
            del self.fields["delegate"]
            del self.fields["alternate"]


class MemberEndForm(forms.Form):
    end = forms.DateField(label=_("Date de fin"), widget=DateInput())


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["name", "kind", "purpose", "responsibilities", "term_months", "seats"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3}), "responsibilities": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_single_line(self, "name")

    def validate_unique(self):
        pass


class RoleAssignForm(forms.Form):
    person = PersonChoiceField(label=_("Personne"), required=False)
    organization = forms.ModelChoiceField(label=_("Organisme"), queryset=Organization.objects.none(), required=False,
                                          help_text=_("Pour un rôle tenu par un organisme, comme la fiducie."))
    start = forms.DateField(label=_("Début du mandat"), widget=DateInput())
    end = forms.DateField(label=_("Fin du mandat"), required=False, widget=DateInput(),
                          help_text=_("Laissez vide pour la durée de mandat prévue par le rôle."))

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        set_people(self, space.territory_id, "person")
        self.fields["organization"].queryset = Organization.objects.filter(territory_id=space.territory_id)


class AssignmentEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Date de fin"), widget=DateInput())
    reason = forms.ChoiceField(label=_("Raison"), choices=RoleAssignment.EndReason.choices)


class CharterForm(forms.ModelForm):
    college_minimums_text = forms.CharField(
        label=_("Minimums par collège"), required=False,
        help_text=_("Une ligne par collège : identifiant du collège, deux-points, nombre. Par exemple « citoyen: 1 »."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    voting_categories = forms.MultipleChoiceField(
        label=_("Catégories qui votent"), choices=MembershipCategory.choices, widget=forms.CheckboxSelectMultiple,
        initial=[MembershipCategory.VOTING],
    )

    reserved_plan_changes = forms.MultipleChoiceField(
        label=_("Changements du plan adopté réservés à une décision"), required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=plan_change_choices,  # planning registers them (spaces/plan_changes.py)
    )

    class Meta:
        model = Charter
        fields = [
            "method", "fallback_method", "voting_unit", "threshold", "threshold_numerator", "threshold_denominator",
            "base", "consensus_tolerance", "voting_categories", "quorum_kind", "quorum_count", "quorum_share_percent",
            "double_majority", "conflict_rule", "agenda_proposers", "proposals_may_override", "reserved_plan_changes",
            "rules_text",
            "adopted_on", "adoption_note",
        ]
        widgets = {"rules_text": forms.Textarea(attrs={"rows": 10}), "adopted_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.initial["college_minimums_text"] = "\n".join(
                f"{slug}: {minimum}" for slug, minimum in sorted((self.instance.college_minimums or {}).items())
            )

    def clean_college_minimums_text(self):
        minimums = {}
        for number, line in enumerate(self.cleaned_data["college_minimums_text"].splitlines(), start=1):
            if not line.strip():
                continue
            slug, sep, value = line.partition(":")
            if not sep or not value.strip().isdigit():
                raise forms.ValidationError(
                    _("Ligne %(number)s : écrivez « identifiant: nombre », par exemple « citoyen: 1 ».") % {"number": number}
                )
            minimums[slug.strip()] = int(value.strip())
        return minimums

    def charter_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["college_minimums"] = self.cleaned_data.get("college_minimums_text") or {}
        data["fallback_method"] = data.get("fallback_method") or ""
        data["consensus_tolerance"] = data.get("consensus_tolerance") or 0
        return data


DELEGATION_KINDS = Delegation.Kind


# Invitations ------------------------------------------------------------------------------------

class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse courriel de la personne invitée"), max_length=254,
        help_text=_("Le lien d'invitation y sera envoyé. Il ne sert qu'une fois et expire après 7 jours."),
    )
    invited_as = forms.ChoiceField(
        label=_("Invitée ou invité comme"), choices=Invitation.As.choices, widget=forms.RadioSelect,
        initial=Invitation.As.CITIZEN,
    )
    organization = forms.ModelChoiceField(
        label=_("Organisme représenté"), queryset=None, required=False,
        empty_label=_("Aucun (citoyenne ou citoyen)"),
        help_text=_("Obligatoire pour une personne déléguée ou un substitut. Si l'organisme n'est pas "
                    "encore membre de l'espace, il le deviendra quand l'invitation sera acceptée."),
    )
    category = forms.ChoiceField(
        label=_("Catégorie de membre"), choices=MembershipCategory.choices,
        initial=MembershipCategory.VOTING,
        help_text=_("Pour un organisme déjà membre, sa catégorie actuelle ne change pas."),
    )
    message = forms.CharField(
        label=_("Message personnel (facultatif)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ajouté au courriel d'invitation."),
    )

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_of(space.territory, active_only=True)


# Imports (the organizations here, the measurements of a plan) ------------------------------------

UPLOAD_EXTENSIONS = (".csv", ".xlsx")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier à importer"),
        help_text=_("Un fichier CSV (UTF-8) ou un classeur Excel (.xlsx), de 5 Mo et 5 000 lignes au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-"
                                                         "officedocument.spreadsheetml.sheet"}),
        error_messages={"required": _("Choisissez le fichier à importer."),
                        "empty": _("Ce fichier est vide : choisissez le fichier rempli.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(gettext("Seuls les fichiers CSV (.csv) et les classeurs Excel (.xlsx) sont "
                                          "acceptés : dans votre tableur, choisissez « Enregistrer sous », puis "
                                          "l'un de ces formats."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(gettext("Le fichier dépasse %(size)s Mo : divisez-le en plusieurs fichiers.")
                                        % {"size": MAX_BYTES // (1024 * 1024)})
        return upload


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=150)
    body = forms.CharField(
        label=_("Texte"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Court et clair. Mise en forme Markdown possible (listes, liens, **gras**)."),
    )
    whole_territory = forms.BooleanField(
        label=_("Envoyer à tout le territoire"), required=False,
        help_text=_("Tous les membres des espaces du territoire la recevront, pas seulement ceux de cet espace."),
    )

    def __init__(self, *args, territory_wide: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        guard_single_line(self, "title")
        if not territory_wide:
            del self.fields["whole_territory"]
