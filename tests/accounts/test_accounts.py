import pytest
from django.core import mail

from concertation.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "motdepasse-solide-123"


def verified_user(**kwargs):
    from allauth.account.models import EmailAddress

    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_email_is_the_login_and_is_case_insensitive(client):
    user = verified_user(email="Amina@Example.org")
    assert user.email == "amina@example.org"
    response = client.post("/compte/login/", {"login": "AMINA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"].is_authenticated


def test_a_wrong_password_is_refused_with_a_message(client):
    verified_user(email="gilles@example.org")
    response = client.post("/compte/login/", {"login": "gilles@example.org", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_sign_in_attempts_are_rate_limited(client):
    verified_user(email="rosa@example.org")
    for _ in range(5):
        client.post("/compte/login/", {"login": "rosa@example.org", "password": "wrong"})
    response = client.post("/compte/login/", {"login": "rosa@example.org", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert not response.wsgi_request.user.is_authenticated


def test_language_switch_is_remembered_on_the_account(client):
    user = verified_user(email="philippe@example.org")
    client.force_login(user)
    response = client.post("/langue/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "en"
    client.cookies.clear()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Sign out" in html


def test_language_switch_refuses_an_external_next(client):
    response = client.post("/langue/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_interface_is_french_by_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="fr-ca">' in html and "Se connecter" in html


def test_password_reset_sends_an_email(client):
    verified_user(email="marie@example.org")
    response = client.post("/compte/password/reset/", {"email": "marie@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "marie@example.org" in mail.outbox[0].to


def test_signup_asks_for_email_confirmation(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = True  # by invitation by default (test_account_pages.py)
    response = client.post("/compte/signup/", {
        "email": "nouvelle@example.org", "password1": "un-mot-de-passe-long-42", "password2": "un-mot-de-passe-long-42",
        "display_name": "Nouvelle Personne", "preferred_language": "en",
    })
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.org")
    assert user.display_name == "Nouvelle Personne" and user.preferred_language == "en"
    assert len(mail.outbox) == 1


def test_common_passwords_are_refused(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = True
    response = client.post("/compte/signup/", {
        "email": "faible@example.org", "password1": "password123", "password2": "password123",
        "display_name": "Faible", "preferred_language": "fr-ca",
    })
    assert response.status_code == 200 and response.context["form"].errors.get("password1")
    assert not User.objects.filter(email="faible@example.org").exists()


def test_profile_page_updates_name_and_language(client):
    user = verified_user(email="julien@example.org")
    client.force_login(user)
    response = client.post("/compte/profil/", {"display_name": "Julien G.", "preferred_language": "fr-ca",
                                               "phone": ""})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Julien G."


@pytest.mark.django_db
def test_person_for_email_finds_the_same_person_whatever_the_case_and_verifies_the_address():
    from allauth.account.models import EmailAddress

    from concertation.accounts.services import person_for_email

    first = person_for_email("Marie.Roy@Example.org ", display_name="Marie Roy")
    assert first.email == "marie.roy@example.org"
    assert not first.has_usable_password()  # nobody signs in with an account they did not set up
    again = person_for_email("MARIE.ROY@example.org", display_name="Marie Roy-Tremblay", password="x9!Kq2#vLm")
    assert again.pk == first.pk
    assert again.display_name == "Marie Roy-Tremblay" and again.check_password("x9!Kq2#vLm")
    assert EmailAddress.objects.filter(user=first, verified=True, primary=True).count() == 1
    kept = person_for_email("marie.roy@example.org", display_name="Marie Roy-Tremblay")
    assert kept.check_password("x9!Kq2#vLm")  # password=None keeps an existing person's password
