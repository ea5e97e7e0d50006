from django import forms
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concertation.core.validators import refuse_invisible_characters

from .models import Language
from .services import LANGUAGE_CHOSEN_KEY


class SignupExtraForm(forms.Form):
    """Extra fields of allauth's sign-up form: a name others see, and a language."""

    display_name = forms.CharField(
        label=_("Nom affiché"),
        max_length=150,
        validators=[refuse_invisible_characters],
        help_text=_("Le nom que les autres membres verront, par exemple « Amina Belkacem »."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Langue"), choices=Language.choices, initial=Language.FRENCH
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The language the person is reading now (picked with the switch, or French).
        current = translation.get_language()
        if current in Language.values:
            self.fields["preferred_language"].initial = current

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["display_name", "preferred_language"])
        # The form's answer is the latest choice: the one picked before no longer applies.
        request.session.pop(LANGUAGE_CHOSEN_KEY, None)


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Nom affiché"), max_length=150, validators=[refuse_invisible_characters])
    preferred_language = forms.ChoiceField(label=_("Langue"), choices=Language.choices)
    phone = forms.CharField(label=_("Téléphone"), max_length=40, required=False)
    shown_publicly = forms.BooleanField(
        label=_("Afficher mon nom sur les pages publiques"),
        required=False,
        help_text=_("Les pages publiques d'un espace sont lisibles sans compte. Sans votre accord, elles "
                    "montrent votre organisme, ou « Une personne membre », à la place de votre nom. Les "
                    "membres connectés voient toujours votre nom."),
    )


class EraseForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Pour confirmer que c'est bien vous."),
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que l'effacement est définitif."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(gettext("Ce mot de passe ne correspond pas à votre compte."))
        return password
