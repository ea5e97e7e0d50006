"""Fixed addresses (core/fixed_urls.py): reverse()'s answer, kept per URL configuration only."""

from django.urls import reverse, set_script_prefix
from django.utils import translation

from concertation.core.fixed_urls import fixed_url


def test_a_fixed_address_is_reverse_s_answer_in_each_language_and_prefix():
    for name in ("home", "profile", "account_logout", "notifications:centre", "admin:index", "privacy"):
        for language in ("fr-ca", "en"):
            with translation.override(language):
                assert fixed_url(name) == reverse(name)
    try:
        set_script_prefix("/sous-dossier/")
        assert fixed_url("home") == reverse("home") == "/sous-dossier/"
    finally:
        set_script_prefix("/")
    assert fixed_url("home") == "/"


def test_another_url_configuration_gets_its_own_addresses(settings):
    before = fixed_url("home")
    settings.ROOT_URLCONF = "tests.core.urls_elsewhere"
    assert fixed_url("home") == reverse("home") == "/ailleurs/" != before
