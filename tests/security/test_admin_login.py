"""The Django admin signs in through the site's own sign-in (issue 12, defect 3): the same rate
limits, the same second factor. Django's admin login form (a password alone) is never run.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests.security.test_defaults import fresh_code, verified

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide-123"


@pytest.fixture
def admin_with_totp(world):
    admin = verified(world.admin)
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    admin.totp_secret = secret
    return admin


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_admin_login_page_sends_to_the_site_s_sign_in():
    client = Client()
    response = client.get("/admin/login/?next=/admin/core/auditevent/")
    assert response.status_code == 302
    assert unquote(response["Location"]) == "/compte/login/?next=/admin/core/auditevent/"
    # The admin's index, asked for directly, ends there too.
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/compte/login/?next=")
    assert response.status_code == 200 and "login" in response.context["form"].fields


def test_a_password_alone_at_the_admin_login_never_signs_in(admin_with_totp):
    """The review: 12 wrong passwords then the right one at /admin/login/ signed in, no code asked."""
    client = Client()
    for attempt in range(12):
        response = client.post("/admin/login/", {"username": admin_with_totp.email, "password": f"faux-{attempt}"})
        assert response.status_code == 302 and response["Location"].startswith("/compte/login/")
    response = client.post("/admin/login/", {"username": admin_with_totp.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302
    assert client.get("/compte/profil/").status_code == 302  # no session anywhere


def test_the_admin_signs_in_with_the_site_s_limits_and_second_factor(admin_with_totp):
    client = Client()
    # The site's limit: after five wrong passwords even the right one waits.
    for attempt in range(5):
        response = client.post("/compte/login/?next=/admin/", {"login": admin_with_totp.email,
                                                                "password": f"faux-{attempt}"})
        assert response.status_code == 200 and not response.context["form"].has_error("__all__",
                                                                                       "too_many_login_attempts")
    response = client.post("/compte/login/?next=/admin/", {"login": admin_with_totp.email, "password": PASSWORD})
    assert response.status_code == 200 and response.context["form"].has_error("__all__", "too_many_login_attempts")
    assert not signed_in(client)

    from django.core.cache import cache

    cache.clear()  # the limit's time passes
    response = client.post("/compte/login/?next=/admin/", {"login": admin_with_totp.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/compte/2fa/authenticate/")
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302  # the password alone opens nothing
    response = client.post("/compte/2fa/authenticate/", {"code": fresh_code(admin_with_totp.totp_secret)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client) and client.get("/admin/").status_code == 200


def test_a_signed_in_staff_member_cannot_switch_accounts_at_the_admin_login(world, admin_with_totp):
    """Django's admin login form, shown to a signed-in person, takes another account's password:
    it must not be reachable, even by staff."""
    staff = verified(world.coordinator)
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(staff)
    response = client.post("/admin/login/?next=/admin/", {"username": admin_with_totp.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.session[SESSION_KEY] == str(staff.pk)
    assert client.get("/admin/login/?next=https://ailleurs.example.org/")["Location"] == "/admin/"


def test_a_signed_in_person_without_staff_status_is_refused_at_the_admin_login(world):
    client = Client()
    client.force_login(world.delegate)
    assert client.get("/admin/login/").status_code == 403
    response = client.post("/admin/login/", {"username": world.admin.email, "password": PASSWORD})
    assert response.status_code == 403
    assert client.session[SESSION_KEY] == str(world.delegate.pk)
