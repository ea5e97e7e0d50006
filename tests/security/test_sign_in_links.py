"""Members-only links (issue 13, item 3): the link of a notice, opened by somebody not signed in yet,
leads to the sign-in page and back to the page once signed in; a made-up address answers the same,
so nothing tells a visitor which spaces exist; a signed-in outsider keeps the 404."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from concertation.meetings.services import agenda as services
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SITE = "https://concertation.example.org"
IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "email"]}
}
LOGIN = "/compte/login/"
# What differs from one request to the next whatever the address: the CSP nonce, the CSRF token.
PER_REQUEST = re.compile(r'(nonce-|nonce="|csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9_\-+/=]+')


@pytest.fixture
def committee_meeting(world, settings, django_capture_on_commit_callbacks):
    """A meeting of the members-only committee, convened: its notice goes to the delegate."""
    settings.SITE_URL = SITE
    settings.TASKS = IMMEDIATE_TASKS
    starts = timezone.now() + timedelta(days=10)
    meeting = services.meeting_create(space=world.committee, by=world.coordinator, title="Rencontre du comité restreint",
                                      starts_at=starts, ends_at=starts + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_convene(meeting=meeting, by=world.coordinator, base_url=SITE)
    return meeting


def notice_link(meeting, address: str) -> str:
    """The address of the meeting's page, as the notice sent to ``address`` gives it."""
    message = next(message for message in mail.outbox if message.to == [address])
    path = f"/t/{meeting.space.territory.slug}/e/{meeting.space.slug}/rencontres/{meeting.pk}/"
    assert f"{SITE}{path}" in message.body
    return path


def comparable(response, path: str) -> tuple:
    """Status, headers (the address and per-request tokens set aside), cookies and body."""
    def own(text: str) -> str:
        return PER_REQUEST.sub(r"\1N", text.replace(quote(path, safe="/"), "@PATH@"))

    headers = {name: own(value) for name, value in response.items()}
    return response.status_code, headers, sorted(response.cookies), own(response.content.decode())


def test_a_notice_link_opened_anonymously_leads_to_sign_in_and_back(world, committee_meeting):
    EmailAddress.objects.create(user=world.delegate, email=world.delegate.email, verified=True, primary=True)
    path = notice_link(committee_meeting, world.delegate.email)
    client = Client()

    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={quote(path, safe='/')}"
    sign_in_page = client.get(response["Location"])
    assert sign_in_page.status_code == 200
    assert f'value="{path}"' in sign_in_page.content.decode()  # the form carries the address on

    signed_in = client.post(response["Location"], {"login": world.delegate.email, "password": PASSWORD,
                                                   "next": path})
    assert signed_in.status_code == 302 and signed_in["Location"] == path
    page = client.get(path)
    assert page.status_code == 200
    assert "Rencontre du comité restreint" in page.content.decode()


def test_a_made_up_address_answers_exactly_like_the_members_only_link(world, committee_meeting):
    path = notice_link(committee_meeting, world.delegate.email)
    made_up_space = path.replace(f"/e/{world.committee.slug}/", "/e/" + "z" * len(world.committee.slug) + "/")
    made_up_meeting = path.replace(f"/{committee_meeting.pk}/", f"/{committee_meeting.pk + 1000}/")
    made_up_territory = path.replace(f"/t/{world.territory.slug}/", "/t/" + "y" * len(world.territory.slug) + "/")
    client = Client()
    reference = comparable(client.get(path), path)
    assert reference[0] == 302
    for other in (made_up_space, made_up_meeting, made_up_territory):
        assert comparable(client.get(other), other) == reference, other


def test_a_signed_in_outsider_still_gets_404(world, committee_meeting):
    path = notice_link(committee_meeting, world.delegate.email)
    client = Client()
    client.force_login(world.outsider)
    assert client.get(path).status_code == 404
    assert client.get(path.replace(f"/{committee_meeting.pk}/", f"/{committee_meeting.pk + 1000}/")).status_code == 404


def test_in_a_public_space_a_missing_or_hidden_object_keeps_its_404(world):
    """The space is public: the visitor may see it, the object simply is not there (a draft meeting
    answers like a made-up id)."""
    starts = timezone.now() + timedelta(days=10)
    draft = services.meeting_create(space=world.assembly, by=world.coordinator, title="Brouillon",
                                    starts_at=starts, ends_at=starts + timedelta(hours=2))
    base = f"/t/{world.territory.slug}/e/{world.assembly.slug}/rencontres/"
    hidden, missing = f"{base}{draft.pk}/", f"{base}{draft.pk + 1}/"  # nothing was created after the draft
    client = Client()
    assert client.get(hidden).status_code == 404
    if len(str(draft.pk)) == len(str(draft.pk + 1)):  # the same length: Content-Length compares too
        assert comparable(client.get(hidden), hidden) == comparable(client.get(missing), missing)


def test_a_post_from_an_anonymous_visitor_is_not_sent_to_sign_in(world, committee_meeting):
    """After signing in, the visitor would land on an address that only answers a form."""
    path = notice_link(committee_meeting, world.delegate.email)
    # Opening the meeting is a post that asks for no account first: out of reach, it is a 404.
    assert Client().post(f"{path}ouvrir/").status_code == 404
