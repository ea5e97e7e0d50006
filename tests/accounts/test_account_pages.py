"""Every account page (allauth's, in the product's layout and words), sign-up by invitation, the
instance's contact, and the language chosen before signing in (issue 13, item 5)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from concertation.accounts.models import User
from concertation.spaces import invitations as invitation_services
from concertation.spaces.models import Membership
from tests.factories import SpaceFactory, TerritoryFactory, UserFactory
from tests.security.test_defaults import fresh_code

pytestmark = pytest.mark.django_db
PASSWORD = "motdepasse-solide-123"
NEW_PASSWORD = "un-mot-de-passe-long-42"
LANGUAGES = ["fr-ca", "en"]


# Helpers ------------------------------------------------------------------------------------

def verified_user(email="amina@example.org", **kwargs):
    user = UserFactory(email=email, **kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def speak(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def sign_in(client, user, password=PASSWORD):
    """Through the real form, so that allauth records a recent authentication."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def reauthenticate(client, password=PASSWORD):
    """Pages that change a second factor ask for the password again (allauth's reauthentication)."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def sign_in_with_totp(client, user, secret):
    sign_in(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": fresh_code(secret)})
    assert response.status_code == 302


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


# Each page: how to reach it (the client prepared), and the answer expected ---------------------

def page_login(client):
    return reverse("account_login")


def page_signup_closed(client):
    return reverse("account_signup")


def page_signup_open(client):
    settings.ACCOUNT_ALLOW_SIGNUPS = True
    return reverse("account_signup")


def page_password_reset(client):
    return reverse("account_reset_password")


def page_password_reset_done(client):
    return reverse("account_reset_password_done")


def page_password_reset_from_key(client):
    user = verified_user()
    key = default_token_generator.make_token(user)
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    response = client.get(url)  # allauth moves the key into the session, then shows the form
    assert response.status_code == 302
    return response["Location"]


def page_password_reset_from_key_done(client):
    return reverse("account_reset_password_from_key_done")


def page_email_verification_sent(client):
    return reverse("account_email_verification_sent")


def page_confirm_email(client):
    user = UserFactory(email="nouvelle@example.org")
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return reverse("account_confirm_email", kwargs={"key": EmailConfirmationHMAC(address).key})


def page_account_inactive(client):
    return reverse("account_inactive")


def page_logout(client):
    sign_in(client, verified_user())
    return reverse("account_logout")


def page_password_change(client):
    sign_in(client, verified_user())
    return reverse("account_change_password")


def page_password_set(client):
    user = verified_user()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    return reverse("account_set_password")


def page_email(client):
    user = verified_user()
    EmailAddress.objects.create(user=user, email="autre@example.org", verified=False, primary=False)
    sign_in(client, user)
    return reverse("account_email")


def page_reauthenticate(client):
    client.force_login(verified_user())
    return reverse("account_reauthenticate")


def page_mfa_index(client):
    sign_in(client, verified_user())
    return reverse("mfa_index")


def page_mfa_activate_totp(client):
    sign_in(client, verified_user())
    reauthenticate(client)
    return reverse("mfa_activate_totp")


def signed_in_with_second_factor(client) -> None:
    """A person with TOTP on, signed in with her code, who just typed her password again: what the
    pages that change a second factor ask."""
    user = verified_user()
    sign_in_with_totp(client, user, with_totp(user))
    reauthenticate(client)


def page_mfa_deactivate_totp(client):
    signed_in_with_second_factor(client)
    return reverse("mfa_deactivate_totp")


def page_mfa_recovery_codes(client):
    signed_in_with_second_factor(client)
    return reverse("mfa_view_recovery_codes")


def page_mfa_generate_recovery_codes(client):
    signed_in_with_second_factor(client)
    return reverse("mfa_generate_recovery_codes")


def page_mfa_authenticate(client):
    user = verified_user()
    with_totp(user)
    sign_in(client, user)  # the password is right: the second step asks for the code
    return reverse("mfa_authenticate")


def page_mfa_reauthenticate(client):
    user = verified_user()
    with_totp(user)
    client.force_login(user)
    return reverse("mfa_reauthenticate")


PAGES = {name[len("page_"):]: function for name, function in list(globals().items()) if name.startswith("page_")}
# Pages with fields to fill (the others have a button, a link or nothing to do).
FORM_PAGES = {"login", "signup_open", "password_reset", "password_reset_from_key", "password_change",
              "password_set", "email", "reauthenticate", "mfa_activate_totp", "mfa_authenticate",
              "mfa_reauthenticate"}


@pytest.fixture
def open_page(client, settings):
    def open_(name, language):
        # Picked before signing in: the pages of a signed-in person follow (stored on the profile).
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        url = PAGES[name](client)
        speak(client, language)
        response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code} {response.get('Location')}"
        return response.content.decode()

    return open_


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_account_page_renders_in_the_product_s_layout(open_page, name, language):
    html = open_page(name, language)
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html and 'id="contenu"' in html  # the product's page
    assert "account-layout" in html  # the account pages' column
    assert "Menu:" not in html and "<strong>Messages" not in html  # not allauth's bare layout
    assert html.count("<h1") == 1
    assert "Création de compte" not in html
    if name in FORM_PAGES:
        assert 'class="field' in html  # the product's form component (core/forms/field.html)
        assert re.search(r'class="(button|link-button)[" ]', html)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_french_account_pages_say_courriel_and_speak_french(open_page, name):
    text = visible_text(open_page(name, "fr-ca"))
    assert not re.search(r"e-mail", text, re.I), re.search(r".{40}e-mail.{40}", text, re.I)
    # No sentence left in English (allauth's catalog lacks some, the project's fills them).
    leftovers = re.findall(r"\b(?:the|your|you|Sign|Email|Password|account|Enter)\b", text)
    assert not leftovers, (leftovers, text[:600])
    assert not re.search(r"\w \?", text), "no space before « ? » in fr-CA"


def test_the_sign_in_page_uses_the_product_s_words(client):
    html = client.get(reverse("account_login")).content.decode()
    text = visible_text(html)
    assert "Se connecter" in text and "Mot de passe oublié?" in text
    assert "Courriel" in text
    assert f'href="{reverse("account_reset_password")}"' in html


# Sign-up by invitation ----------------------------------------------------------------------

SIGNUP = {"email": "nouvelle@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
          "display_name": "Nouvelle Personne", "preferred_language": "fr-ca"}


def test_sign_up_is_by_invitation_by_default(client, settings):
    settings.INSTANCE_CONTACT_EMAIL = "table@quartier.example.org"
    assert settings.ACCOUNT_ALLOW_SIGNUPS is False  # the default (ALLOW_SIGNUPS unset)
    response = client.get(reverse("account_signup"))
    text = visible_text(response.content.decode())
    assert response.status_code == 200
    assert "Inscription sur invitation" in text and "table@quartier.example.org" in text
    assert 'name="password1"' not in response.content.decode()
    response = client.post(reverse("account_signup"), SIGNUP)
    assert not User.objects.filter(email="nouvelle@example.org").exists()


def test_the_sign_in_page_explains_invitations_when_sign_up_is_closed(client, settings):
    settings.INSTANCE_CONTACT_EMAIL = "table@quartier.example.org"
    html = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("account_signup")}' not in html
    assert "invitation" in visible_text(html) and 'href="mailto:table@quartier.example.org"' in html


def test_the_setting_opens_sign_up(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = True
    html = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("account_signup")}' in html
    response = client.get(reverse("account_signup"))
    assert 'name="password1"' in response.content.decode()
    assert "Créer mon compte" in response.content.decode()
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert User.objects.filter(email="nouvelle@example.org").exists()


@pytest.fixture
def invitation(db):
    coordinator = UserFactory(email="coord@example.org", display_name="Camille Coordination")
    territory = TerritoryFactory(name="Pointe-Test", slug="pointe-test")
    territory.coordinators.add(coordinator)
    space = SpaceFactory(territory=territory, name="Comité logement", slug="comite")
    return invitation_services.invitation_create(space=space, email="amina@example.org", invited_as="citizen",
                                                 organization=None, category="voting", message="", by=coordinator)


def test_an_invited_person_creates_an_account_and_joins(client, invitation):
    accept_url = reverse("spaces:invitation_accept", kwargs={"token": invitation.token})
    client.get(accept_url)
    response = client.get(f"{reverse('account_signup')}?next={accept_url}")
    assert 'name="password1"' in response.content.decode()
    response = client.post(f"{reverse('account_signup')}?next={accept_url}",
                           {**SIGNUP, "email": "amina@example.org", "next": accept_url})
    assert response.status_code == 302 and response["Location"] == accept_url
    response = client.post(accept_url)
    assert response.status_code == 302
    assert Membership.objects.filter(space=invitation.space, person__email="amina@example.org").exists()


@pytest.mark.parametrize("spoil", ["revoked", "expired", "accepted", "made-up"])
def test_a_dead_invitation_in_the_session_opens_nothing(client, invitation, spoil):
    accept_url = reverse("spaces:invitation_accept", kwargs={"token": invitation.token})
    client.get(accept_url)  # the token is now in the session
    if spoil == "revoked":
        invitation.revoked_at = timezone.now()
    elif spoil == "expired":
        invitation.expires_at = timezone.now() - timedelta(minutes=1)
    elif spoil == "accepted":
        invitation.accepted_at = timezone.now()
    invitation.save()
    if spoil == "made-up":
        session = client.session
        session["invitation_token"] = "pas-un-vrai-jeton"
        session.save()
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "amina@example.org"})
    assert response.status_code == 200 and "Inscription sur invitation" in response.content.decode()
    assert not User.objects.filter(email="amina@example.org").exists()


# The instance's contact ---------------------------------------------------------------------

def test_the_reset_page_gives_the_instance_s_contact(client, settings):
    settings.INSTANCE_CONTACT_EMAIL = "aide@quartier.example.org"
    settings.INSTANCE_CONTACT_NAME = "la Table de quartier"
    html = client.get(reverse("account_reset_password")).content.decode()
    assert 'href="mailto:aide@quartier.example.org"' in html
    assert "Écrivez à la Table de quartier" in visible_text(html)


def test_without_a_setting_the_contact_is_the_sender_people_read(client, settings):
    settings.INSTANCE_CONTACT_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = "Table de quartier <table@quartier.example.org>"
    html = client.get(reverse("account_reset_password")).content.decode()
    assert 'href="mailto:table@quartier.example.org"' in html


def test_a_no_reply_sender_is_never_offered_as_the_contact(client, settings):
    settings.INSTANCE_CONTACT_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = "Concertation <noreply@quartier.example.org>"
    html = client.get(reverse("account_reset_password")).content.decode()
    assert "mailto:" not in html
    assert "coordonne la concertation de votre territoire" in visible_text(html)


# The language chosen before signing in ------------------------------------------------------

def test_the_language_chosen_before_sign_in_is_stored_on_the_profile_and_kept(client):
    user = verified_user(preferred_language="fr-ca")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    sign_in(client, user)
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    # Kept on the account: another device (no cookie) gets it too.
    client.logout()
    client.cookies.clear()
    sign_in(client, user)
    assert '<html lang="en">' in client.get("/").content.decode()


def test_without_a_choice_the_profile_s_language_applies_after_sign_in(client):
    user = verified_user(preferred_language="en")
    response = sign_in(client, user)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_an_old_cookie_does_not_overwrite_the_profile(client):
    # French picked on this device long ago; English chosen since on the profile.
    user = verified_user(preferred_language="en")
    speak(client, "fr-ca")
    sign_in(client, user)
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_sign_up_form_proposes_the_language_being_read(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = True
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    form = client.get(reverse("account_signup")).context["form"]
    assert form.fields["preferred_language"].initial == "en"


def test_the_language_answered_at_sign_up_wins_over_the_one_picked_before(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = True
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("account_signup"), {**SIGNUP, "preferred_language": "fr-ca"})
    assert response.status_code == 302
    assert User.objects.get(email="nouvelle@example.org").preferred_language == "fr-ca"


def test_the_fr_ca_wording_of_allauth_is_compiled_and_keeps_placeholders():
    import gettext
    from pathlib import Path

    from tests.core.test_catalogs import PLACEHOLDER, pairs, read_po

    folder = Path(settings.BASE_DIR) / "locale_allauth" / "fr_CA" / "LC_MESSAGES"
    entries = [entry for entry in read_po(folder / "django.po") if entry["msgid"]]
    with open(folder / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    for entry in entries:
        key = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is None:
            assert compiled.get(key) == entry["msgstr"][0], f"run compilemessages: {entry['msgid']!r}"
        for source, translation in pairs(entry):
            assert "e-mail" not in translation.lower()
            assert set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(translation)), source
