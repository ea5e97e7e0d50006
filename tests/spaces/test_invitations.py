"""Invitations: a coordinator invites a person by e-mail; the link is single-use and valid 7 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import user_signed_up
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import trans_real
from django_tasks_db.models import DBTaskResult

from concertation.core.errors import DomainError
from concertation.directory.models import Affiliation
from concertation.spaces import invitations as services
from concertation.spaces import signals_invitations
from concertation.spaces.models import Delegation, Invitation, Membership, MembershipCategory
from tests.factories import (
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    SpaceFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "email"]}
}
BASE_URL = "https://concertation.example.org"
NBSP = "\u00a0"


# Fixtures -----------------------------------------------------------------------------------

@pytest.fixture
def territory():
    return TerritoryFactory(name="Pointe-aux-Hérons", slug="pointe-aux-herons")


@pytest.fixture
def space(territory):
    return SpaceFactory(territory=territory, name="Comité logement", slug="comite-logement")


@pytest.fixture
def coordinator(territory):
    user = UserFactory(display_name="Camille Coordination", email="camille@example.org")
    territory.coordinators.add(user)
    return user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def organization(territory):
    return OrganizationFactory(territory=territory, name="Centre des femmes du quartier")


def invite(space, coordinator, email="amina@example.org", **kwargs):
    return services.invitation_create(space=space, email=email, by=coordinator, **kwargs)


def accept_url(invitation):
    return reverse("spaces:invitation_accept", kwargs={"token": invitation.token})


def list_url(space):
    return reverse("spaces:invitations", kwargs={"territory": space.territory.slug, "space": space.slug})


def action_url(name, space, invitation):
    return reverse(f"spaces:{name}", kwargs={"territory": space.territory.slug, "space": space.slug,
                                             "pk": invitation.pk})


# Creating and sending -----------------------------------------------------------------------

def test_coordinator_invites_a_citizen_and_the_email_goes_out_in_french(
    coordinator_client, space, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(list_url(space), {
            "email": " Amina@Example.org ", "invited_as": "citizen", "category": "voting",
            "message": "Au plaisir de vous compter parmi nous.",
        })
    assert response.status_code == 302
    invitation = Invitation.objects.get(space=space)
    assert invitation.email == "amina@example.org"
    assert invitation.invited_by.display_name == "Camille Coordination"
    assert invitation.sent_count == 1 and invitation.last_sent_at is not None
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@example.org"]
    assert message.subject == f"Invitation à rejoindre «{NBSP}Comité logement{NBSP}» sur Concertation"
    link = f"http://testserver/invitation/{invitation.token}/"
    assert link in message.body
    assert "Camille Coordination vous invite à rejoindre" in message.body
    assert "citoyenne ou citoyen" in message.body
    assert "Au plaisir de vous compter parmi nous." in message.body
    assert "&#x27;" not in message.body  # the text part is not HTML-escaped
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert '<html lang="fr-ca">' in html


def test_the_link_uses_site_url_when_configured(
    coordinator_client, space, settings, immediate_tasks, django_capture_on_commit_callbacks
):
    settings.SITE_URL = BASE_URL
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(list_url(space), {"email": "amina@example.org", "invited_as": "citizen",
                                                  "category": "voting"})
    invitation = Invitation.objects.get(space=space)
    assert f"{BASE_URL}/invitation/{invitation.token}/" in mail.outbox[0].body


@pytest.fixture
def english_catalog():
    """English msgstrs for the e-mail, until the lead compiles the en catalog."""
    entries = {
        f"Invitation à rejoindre «{NBSP}%(space)s{NBSP}» sur Concertation": "Invitation to join “%(space)s” on Concertation",
        "Bonjour,": "Hello,",
        f"Pour accepter l'invitation, ouvrez ce lien{NBSP}:": "To accept the invitation, open this link:",
    }
    catalog = trans_real.translation("en")._catalog
    previous = {key: catalog.get(key) for key in entries}
    for key, value in entries.items():
        catalog[key] = value
    yield entries
    for key, value in previous.items():
        if value is None:
            catalog._catalogs[0].pop(key, None)
        else:
            catalog[key] = value


def test_the_email_is_in_english_for_an_existing_english_speaking_account(
    space, coordinator, immediate_tasks, english_catalog, django_capture_on_commit_callbacks
):
    UserFactory(email="sam@example.org", preferred_language="en")
    invitation = invite(space, coordinator, email="SAM@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(invitation=invitation, base_url=BASE_URL)
    message = mail.outbox[0]
    assert message.subject == "Invitation to join “Comité logement” on Concertation"
    assert message.body.startswith("Hello,")
    assert "To accept the invitation, open this link:" in message.body
    assert '<html lang="en">' in message.alternatives[0][0]
    assert message.extra_headers["Content-Language"] == "en"


def test_the_email_is_queued_on_the_email_queue_and_sent_by_the_worker(
    space, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    # The worker closes "old" connections between tasks; inside the test's transaction that would
    # close the test's own connection on PostgreSQL.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    invitation = invite(space, coordinator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.invitation_send(invitation=invitation, base_url=BASE_URL)
    assert len(callbacks) == 1  # queued after commit, not before
    queued = DBTaskResult.objects.get()
    assert queued.queue_name == "email"
    assert queued.task_path.endswith("send_invitation_email")
    assert mail.outbox == []
    call_command("db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL", (queued.status, queued.exception_class_path, queued.traceback)
    assert queued.return_value == "sent", queued.return_value
    assert len(mail.outbox) == 1
    assert f"{BASE_URL}/invitation/{invitation.token}/" in mail.outbox[0].body


def test_no_email_leaves_for_an_invitation_revoked_before_the_worker_ran(
    space, coordinator, immediate_tasks, django_capture_on_commit_callbacks
):
    invitation = invite(space, coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_send(invitation=invitation, base_url=BASE_URL)
    services.invitation_revoke(invitation=invitation, by=coordinator)
    for callback in callbacks:
        callback()
    assert mail.outbox == []


def test_a_second_pending_invitation_to_the_same_address_is_refused(space, coordinator):
    invite(space, coordinator)
    with pytest.raises(DomainError) as error:
        invite(space, coordinator, email="AMINA@example.org")
    assert error.value.field == "email"
    assert "renvoyez-la" in str(error.value)


def test_a_new_invitation_is_allowed_once_the_previous_one_expired_or_was_revoked(space, coordinator):
    first = invite(space, coordinator)
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    second = invite(space, coordinator)
    services.invitation_revoke(invitation=second, by=coordinator)
    assert invite(space, coordinator).pk not in {first.pk, second.pk}


def test_a_delegate_invitation_needs_an_organization_of_the_territory(space, coordinator):
    with pytest.raises(DomainError) as error:
        invite(space, coordinator, invited_as="delegate")
    assert error.value.field == "organization"
    elsewhere = OrganizationFactory()
    with pytest.raises(DomainError) as error:
        invite(space, coordinator, invited_as="delegate", organization=elsewhere)
    assert error.value.field == "organization"


def test_a_citizen_invitation_cannot_name_an_organization(space, coordinator, organization):
    with pytest.raises(DomainError) as error:
        invite(space, coordinator, invited_as="citizen", organization=organization)
    assert error.value.field == "organization"


def test_an_invalid_address_is_refused_next_to_the_field(coordinator_client, space):
    response = coordinator_client.post(list_url(space), {"email": "pas-une-adresse", "invited_as": "citizen",
                                                         "category": "voting"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not Invitation.objects.exists()


def test_the_form_shows_the_refusal_of_the_service(coordinator_client, space):
    response = coordinator_client.post(list_url(space), {"email": "amina@example.org", "invited_as": "delegate",
                                                         "category": "voting"})
    assert response.status_code == 200
    assert "Choisissez l'organisme" in response.context["form"].errors["organization"][0]


def test_a_coordinator_may_send_at_most_50_invitations_an_hour(space, coordinator):
    Invitation.objects.bulk_create([
        Invitation(space=space, email=f"p{n}@example.org", invited_by=coordinator, token=f"tok-{n}")
        for n in range(services.RATE_LIMIT)
    ])
    with pytest.raises(DomainError) as error:
        invite(space, coordinator, email="one-more@example.org")
    assert error.value.code == "rate_limited"
    Invitation.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert invite(space, coordinator, email="one-more@example.org").pk


# Accepting ----------------------------------------------------------------------------------

def test_a_signed_in_person_accepts_and_becomes_a_citizen_member(client, space, coordinator):
    invitation = invite(space, coordinator, category=MembershipCategory.OBSERVER)
    person = UserFactory(email="amina@example.org")
    client.force_login(person)
    page = client.get(accept_url(invitation))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Comité logement" in content and "Camille Coordination" in content
    assert "Accepter l'invitation" in content

    response = client.post(accept_url(invitation))
    assert response.status_code == 302
    assert response["Location"] == reverse("spaces:space", kwargs={"territory": space.territory.slug,
                                                                   "space": space.slug})
    membership = Membership.objects.get(space=space, person=person)
    assert membership.category == MembershipCategory.OBSERVER and membership.is_current()
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_by == person
    # The space page now opens for the new member.
    assert client.get(response["Location"]).status_code == 200


def test_accepting_as_delegate_of_a_new_organization_makes_it_a_member_with_a_current_delegate(
    space, coordinator, organization
):
    invitation = invite(space, coordinator, invited_as="delegate", organization=organization,
                        category=MembershipCategory.VOTING)
    person = UserFactory(email="amina@example.org")
    membership = services.invitation_accept(invitation_token=invitation.token, user=person)
    assert membership.organization == organization and membership.category == MembershipCategory.VOTING
    delegation = Delegation.objects.get(membership=membership, end__isnull=True)
    assert delegation.person == person and delegation.kind == Delegation.Kind.DELEGATE
    assert Affiliation.objects.filter(person=person, organization=organization, end__isnull=True).count() == 1


def test_accepting_as_delegate_replaces_the_previous_delegate_and_keeps_the_affiliation_once(space, coordinator):
    membership = MembershipFactory(space=space, category=MembershipCategory.OBSERVER)
    previous = DelegationFactory(membership=membership)
    person = UserFactory(email="amina@example.org")
    Affiliation.objects.create(person=person, organization=membership.organization)
    invitation = invite(space, coordinator, invited_as="delegate", organization=membership.organization)
    assert services.invitation_accept(invitation_token=invitation.token, user=person) == membership
    current = Delegation.objects.get(membership=membership, kind="delegate", end__isnull=True)
    assert current.person == person
    previous.refresh_from_db()
    assert previous.end is not None
    membership.refresh_from_db()
    assert membership.category == MembershipCategory.OBSERVER  # an existing membership keeps its category
    assert Affiliation.objects.filter(person=person, organization=membership.organization).count() == 1


def test_the_alternate_invited_as_delegate_moves_up(space, coordinator):
    membership = MembershipFactory(space=space)
    person = UserFactory(email="amina@example.org")
    DelegationFactory(membership=membership, person=person, kind=Delegation.Kind.ALTERNATE)
    invitation = invite(space, coordinator, invited_as="delegate", organization=membership.organization)
    services.invitation_accept(invitation_token=invitation.token, user=person)
    current = {d.kind: d.person for d in membership.delegations.filter(end__isnull=True)}
    assert current == {"delegate": person}


def test_an_ended_citizen_membership_is_reopened(space, coordinator):
    person = UserFactory(email="amina@example.org")
    old = MembershipFactory(space=space, organization=None, person=person,
                            end=timezone.localdate() - timedelta(days=30))
    invitation = invite(space, coordinator)
    assert services.invitation_accept(invitation_token=invitation.token, user=person) == old
    old.refresh_from_db()
    assert old.is_current() and old.end is None


def test_another_address_may_accept_and_is_recorded(space, coordinator, client):
    invitation = invite(space, coordinator)
    person = UserFactory(email="amina.perso@example.org")
    client.force_login(person)
    assert "la session ouverte est celle de" in client.get(accept_url(invitation)).content.decode()
    client.post(accept_url(invitation))
    invitation.refresh_from_db()
    assert invitation.accepted_by == person


# Expiry, reuse, revocation ------------------------------------------------------------------

def test_an_expired_link_is_refused(client, space, coordinator):
    invitation = invite(space, coordinator)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    person = UserFactory(email="amina@example.org")
    with pytest.raises(DomainError) as error:
        services.invitation_accept(invitation_token=invitation.token, user=person)
    assert error.value.code == "expired"
    client.force_login(person)
    for response in (client.get(accept_url(invitation)), client.post(accept_url(invitation))):
        assert response.status_code == 410
        assert "a expiré" in response.content.decode()
        assert "renvoyer" in response.content.decode()
    assert not Membership.objects.filter(space=space).exists()


def test_a_link_works_only_once(client, space, coordinator):
    invitation = invite(space, coordinator)
    first = UserFactory(email="amina@example.org")
    services.invitation_accept(invitation_token=invitation.token, user=first)
    second = UserFactory()
    with pytest.raises(DomainError) as error:
        services.invitation_accept(invitation_token=invitation.token, user=second)
    assert error.value.code == "used"
    client.force_login(second)
    response = client.post(accept_url(invitation))
    assert response.status_code == 410
    assert "déjà été utilisée" in response.content.decode()
    assert not Membership.objects.filter(space=space, person=second).exists()


def test_the_person_who_accepted_is_taken_to_the_space_when_opening_the_link_again(client, space, coordinator):
    invitation = invite(space, coordinator)
    person = UserFactory(email="amina@example.org")
    services.invitation_accept(invitation_token=invitation.token, user=person)
    client.force_login(person)
    response = client.get(accept_url(invitation))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/e/{space.slug}/")


def test_two_concurrent_accepts_claim_the_link_once(space, coordinator):
    invitation = invite(space, coordinator)
    stale_copy = Invitation.objects.get(pk=invitation.pk)  # read by a second request before the first wrote
    assert services._claim(invitation, UserFactory()) is True
    assert stale_copy.status == "pending"
    assert services._claim(stale_copy, UserFactory()) is False


def test_a_revoked_link_is_refused(client, space, coordinator):
    invitation = invite(space, coordinator)
    services.invitation_revoke(invitation=invitation, by=coordinator)
    person = UserFactory(email="amina@example.org")
    with pytest.raises(DomainError) as error:
        services.invitation_accept(invitation_token=invitation.token, user=person)
    assert error.value.code == "revoked"
    client.force_login(person)
    response = client.get(accept_url(invitation))
    assert response.status_code == 410
    assert "annulée" in response.content.decode()
    # Anonymous visitors get the same answer, and the token is not kept for sign-up.
    client.logout()
    response = client.get(accept_url(invitation))
    assert response.status_code == 410
    assert "invitation_token" not in client.session


def test_an_unknown_token_answers_404(client):
    response = client.get(reverse("spaces:invitation_accept", kwargs={"token": "nimporte-quoi"}))
    assert response.status_code == 404
    assert "demandez une nouvelle invitation" in response.content.decode()
    with pytest.raises(DomainError) as error:
        services.invitation_accept(invitation_token="nimporte-quoi", user=UserFactory())
    assert error.value.code == "unknown"


def test_revoking_an_accepted_invitation_is_refused(space, coordinator):
    invitation = invite(space, coordinator)
    services.invitation_accept(invitation_token=invitation.token, user=UserFactory())
    with pytest.raises(DomainError):
        services.invitation_revoke(invitation=invitation, by=coordinator)
    with pytest.raises(DomainError):
        services.invitation_resend(invitation=invitation, base_url=BASE_URL)


def test_a_failed_membership_leaves_the_link_usable(space, coordinator, organization):
    invitation = invite(space, coordinator, invited_as="delegate", organization=organization)
    organization.active = False
    organization.save()
    with pytest.raises(DomainError):
        services.invitation_accept(invitation_token=invitation.token, user=UserFactory())
    invitation.refresh_from_db()
    assert invitation.status == "pending"


# Resending and revoking from the list -------------------------------------------------------

def test_resending_keeps_the_token_extends_expiry_and_sends_again(
    coordinator_client, space, coordinator, immediate_tasks, django_capture_on_commit_callbacks
):
    invitation = invite(space, coordinator)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(action_url("invitation_resend", space, invitation))
    assert response.status_code == 302
    old_token = invitation.token
    invitation.refresh_from_db()
    assert invitation.token == old_token
    assert invitation.status == "pending"
    assert invitation.expires_at > timezone.now() + timedelta(days=6, hours=23)
    assert invitation.sent_count == 1
    assert len(mail.outbox) == 1 and old_token in mail.outbox[0].body


def test_resending_right_after_sending_is_refused(space, coordinator, django_capture_on_commit_callbacks):
    invitation = invite(space, coordinator)
    with django_capture_on_commit_callbacks(execute=False):
        services.invitation_send(invitation=invitation, base_url=BASE_URL)
        with pytest.raises(DomainError) as error:
            services.invitation_resend(invitation=invitation, base_url=BASE_URL)
    assert error.value.code == "too_soon"
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=False):
        assert services.invitation_resend(invitation=invitation, base_url=BASE_URL).sent_count == 2


def test_revoking_from_the_list(coordinator_client, space, coordinator):
    invitation = invite(space, coordinator)
    response = coordinator_client.post(action_url("invitation_revoke", space, invitation), follow=True)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert "ne fonctionne plus" in response.content.decode()
    # Resending a revoked invitation is refused with a message.
    response = coordinator_client.post(action_url("invitation_resend", space, invitation), follow=True)
    assert "créez-en une nouvelle" in response.content.decode()


def test_resend_and_revoke_only_accept_post(coordinator_client, space, coordinator):
    invitation = invite(space, coordinator)
    assert coordinator_client.get(action_url("invitation_revoke", space, invitation)).status_code == 405
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_the_list_shows_each_status(coordinator_client, space, coordinator):
    pending = invite(space, coordinator, email="a@example.org")
    expired = invite(space, coordinator, email="b@example.org")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    revoked = invite(space, coordinator, email="c@example.org")
    services.invitation_revoke(invitation=revoked, by=coordinator)
    accepted = invite(space, coordinator, email="d@example.org")
    services.invitation_accept(invitation_token=accepted.token, user=UserFactory())
    response = coordinator_client.get(list_url(space))
    assert response.status_code == 200
    statuses = {invitation.email: status for invitation, status, _css in response.context["rows"]}
    assert statuses == {
        pending.email: "En attente", expired.email: "Expirée", revoked.email: "Révoquée",
        accepted.email: "Acceptée",
    }
    assert pending.token not in response.content.decode()  # links are only e-mailed


# Who may do what ----------------------------------------------------------------------------

def test_people_who_do_not_coordinate_the_space_get_404(client, space, coordinator):
    invitation = invite(space, coordinator)
    member = UserFactory()
    MembershipFactory(space=space, organization=None, person=member)
    client.force_login(member)
    assert client.get(list_url(space)).status_code == 404
    assert client.post(list_url(space), {"email": "x@example.org", "invited_as": "citizen",
                                         "category": "voting"}).status_code == 404
    assert client.post(action_url("invitation_resend", space, invitation)).status_code == 404
    assert client.post(action_url("invitation_revoke", space, invitation)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending" and invitation.sent_count == 0
    assert Invitation.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, space):
    response = client.get(list_url(space))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_forged_post_with_an_invitation_of_another_space_answers_404(coordinator_client, space, coordinator):
    other_space = SpaceFactory(territory=space.territory)
    foreign = invite(other_space, coordinator)
    for name in ("invitation_resend", "invitation_revoke"):
        response = coordinator_client.post(
            reverse(f"spaces:{name}", kwargs={"territory": space.territory.slug, "space": space.slug,
                                              "pk": foreign.pk})
        )
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "pending" and foreign.sent_count == 0


def test_a_coordinator_of_another_territory_gets_404(client, space, coordinator):
    invitation = invite(space, coordinator)
    other = UserFactory()
    TerritoryFactory().coordinators.add(other)
    client.force_login(other)
    assert client.get(list_url(space)).status_code == 404
    assert client.post(action_url("invitation_revoke", space, invitation)).status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_page_has_a_bounded_query_count(coordinator_client, space, coordinator, organization, count,
                                                 django_assert_max_num_queries):
    accepter = UserFactory()
    now = timezone.now()
    Invitation.objects.bulk_create([
        Invitation(
            space=space, email=f"p{n}@example.org", invited_by=coordinator, token=f"tok-{count}-{n}",
            invited_as="delegate" if n % 2 else "citizen", organization=organization if n % 2 else None,
            accepted_at=now if n % 3 == 0 else None, accepted_by=accepter if n % 3 == 0 else None,
            revoked_at=now if n % 5 == 1 else None,
        )
        for n in range(count)
    ])
    with django_assert_max_num_queries(10):
        response = coordinator_client.get(list_url(space))
    assert response.status_code == 200
    assert len(response.context["rows"]) == count


# The invitee without an account -------------------------------------------------------------

def test_an_anonymous_visitor_is_offered_sign_up_or_sign_in(client, space, coordinator):
    invitation = invite(space, coordinator)
    response = client.get(accept_url(invitation))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Comité logement" in content and "Camille Coordination" in content
    next_query = f"?next=%2Finvitation%2F{invitation.token}%2F"
    assert f'href="{reverse("account_signup")}{next_query}"' in content
    assert f'href="{reverse("account_login")}{next_query}"' in content
    assert "Créer mon compte" in content and "J'ai déjà un compte" in content
    assert client.session["invitation_token"] == invitation.token


def test_an_anonymous_post_is_sent_to_sign_in(client, space, coordinator):
    invitation = invite(space, coordinator)
    response = client.post(accept_url(invitation))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    invitation.refresh_from_db()
    assert invitation.status == "pending"


@pytest.fixture
def invited_email_signal():
    user_signed_up.connect(signals_invitations.verify_invited_email, dispatch_uid="test_spaces_invited_email")
    yield
    user_signed_up.disconnect(dispatch_uid="test_spaces_invited_email")


def _sign_up(client, invitation, email):
    return client.post(f"{reverse('account_signup')}?next={accept_url(invitation)}", {
        "email": email, "password1": "un-mot-de-passe-solide-42", "password2": "un-mot-de-passe-solide-42",
        "display_name": "Amina Belkacem", "preferred_language": "fr-ca", "next": accept_url(invitation),
    })


def test_signing_up_with_the_invited_address_skips_confirmation_then_joins(
    client, space, coordinator, settings, invited_email_signal
):
    settings.ACCOUNT_ALLOW_SIGNUPS = False  # the invitation alone opens sign-up
    invitation = invite(space, coordinator)
    client.get(accept_url(invitation))
    response = _sign_up(client, invitation, "amina@example.org")
    assert response.status_code == 302
    assert response["Location"] == accept_url(invitation)
    assert EmailAddress.objects.get(email="amina@example.org").verified
    response = client.post(accept_url(invitation))
    assert response.status_code == 302
    assert Membership.objects.filter(space=space, person__email="amina@example.org").exists()
    assert "invitation_token" not in client.session


def test_signing_up_with_another_address_still_asks_for_confirmation(client, space, coordinator,
                                                                      invited_email_signal):
    invitation = invite(space, coordinator)
    client.get(accept_url(invitation))
    response = _sign_up(client, invitation, "autre@example.org")
    assert response.status_code == 302
    assert response["Location"] != accept_url(invitation)
    assert not EmailAddress.objects.get(email="autre@example.org").verified


def test_the_signal_ignores_a_revoked_invitation(space, coordinator, rf):
    invitation = invite(space, coordinator)
    services.invitation_revoke(invitation=invitation, by=coordinator)
    user = UserFactory(email="amina@example.org")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    request = rf.get("/")
    request.session = {"invitation_token": invitation.token}
    assert signals_invitations.verify_invited_email(request=request, user=user) is False
    assert not EmailAddress.objects.get(user=user).verified


def test_an_inviter_without_a_name_is_not_given_away_by_their_address(space, immediate_tasks,
                                                                       django_capture_on_commit_callbacks):
    """The invitation goes to whatever address was typed: it names the inviter by the name they gave,
    never by their own e-mail address."""
    from concertation.spaces import invitations

    nameless = UserFactory(display_name="", email="adresse.personnelle@example.org")
    space.territory.coordinators.add(nameless)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invitation_create(space=space, email="inconnue@example.org", by=nameless)
        invitations.invitation_send(invitation=invitation, base_url="http://testserver")
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "adresse.personnelle" not in message.body and "adresse.personnelle" not in html
    assert "Vous êtes invitée ou invité à rejoindre" in message.body
