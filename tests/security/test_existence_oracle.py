"""A hidden object answers exactly like a missing one (issue 12, defect 5).

For a members-only space, a draft proposal and a territory out of reach, compared with made-up
addresses: the same status, body and headers (once each request's own nonce and CSRF token are set
aside), and no side effect an outsider could observe. An anonymous visitor is sent to sign in for
a hidden or missing space (issue 13: members-only links), and gets 404 for a hidden or missing
object of a public space: in both cases the same answer for what exists and what does not. Refusals to anonymous visitors are not written
to the journal; refusals to a signed-in person are written at most once per person, object and day.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from concertation.core import audit
from concertation.core.models import AuditEvent
from concertation.decisions import services as decisions

pytestmark = pytest.mark.django_db

DENIED = audit.ACCESS_DENIED
# What differs from one request to the next whatever the address: the CSP nonce, the masked CSRF token.
PER_REQUEST = [
    (re.compile(r"nonce-[A-Za-z0-9_\-+/=]+"), "nonce-N"),
    (re.compile(r'nonce="[^"]*"'), 'nonce="N"'),
    (re.compile(r'(csrfmiddlewaretoken" value=")[^"]+'), r"\1T"),
    (re.compile(r'("X-CSRFToken": ")[^"]+'), r"\1T"),
]


def normalized(text: str) -> str:
    for pattern, replacement in PER_REQUEST:
        text = pattern.sub(replacement, text)
    return text


def answer(client, path):
    """The response with each request's own values and its own address (which pages repeat, e.g.
    in the sign-in link's ``next``) set aside; the addresses compared have the same length, so
    Content-Length is compared too."""
    response = client.get(path)

    def own(text):
        return normalized(text).replace(path, "@PATH@") if path != "/" else normalized(text)

    headers = {name: own(value) for name, value in response.items()}
    return response.status_code, own(response.content.decode()), headers, sorted(response.cookies)


@pytest.fixture
def draft(world):
    return decisions.proposal_create(space=world.assembly, author=world.coordinator, title="Brouillon secret")


def pairs(world, draft):
    """(hidden, made-up) addresses of the same length."""
    t, a, hidden = world.territory.slug, world.assembly.slug, world.committee.slug
    made_up = "z" * len(hidden)
    proposals = f"/t/{t}/e/{a}/propositions/"
    other_pk = draft.pk + 1 if len(str(draft.pk + 1)) == len(str(draft.pk)) else draft.pk - 1
    return {
        "members-only space": (f"/t/{t}/e/{hidden}/", f"/t/{t}/e/{made_up}/"),
        "space's page under it": (f"/t/{t}/e/{hidden}/membres/", f"/t/{t}/e/{made_up}/membres/"),
        "draft proposal": (f"{proposals}{draft.pk}/", f"{proposals}{other_pk}/"),
    }


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_hidden_space_or_draft_answers_exactly_like_a_made_up_address(world, draft, who):
    for what, (hidden, missing) in pairs(world, draft).items():
        client = Client() if who == "anonymous" else signed_in(world.outsider)
        client.get("/")  # a browser that already has its CSRF cookie
        client.get("/")
        first_missing = answer(client, missing)
        home_after_missing = answer(client, "/")
        first_hidden = answer(client, hidden)
        home_after_hidden = answer(client, "/")  # a side effect of the refusal would show here
        second_hidden = answer(client, hidden)
        second_missing = answer(client, missing)
        expected = 302 if who == "anonymous" and "space" in what else 404
        assert first_missing[0] == expected, what
        if expected == 302:
            assert first_missing[2]["Location"] == "/compte/login/?next=@PATH@", what
        assert first_hidden == first_missing, what
        assert second_hidden == second_missing == first_missing, what
        assert home_after_hidden == home_after_missing, what
        assert not any(name.lower().startswith("x-concertation") for name in home_after_hidden[2]), what


def test_refusals_to_anonymous_visitors_are_not_written_to_the_journal(world, draft):
    client = Client()
    for hidden, _missing in pairs(world, draft).values():
        for _ in range(5):
            assert client.get(hidden).status_code in (302, 404)  # 302: the page asks to sign in first
    assert client.get(f"/t/{world.other_territory.slug}/e/inexistant/").status_code == 302  # to sign in
    assert not AuditEvent.objects.filter(action=DENIED).exists()


def test_refusals_to_a_signed_in_person_are_written_once_per_person_object_and_day(world, draft):
    space_path, _ = pairs(world, draft)["members-only space"]
    draft_path, _ = pairs(world, draft)["draft proposal"]
    outsider, foreigner = signed_in(world.outsider), signed_in(world.foreigner)
    for _ in range(4):
        assert outsider.get(space_path).status_code == 404
        assert outsider.get(draft_path).status_code == 404
        assert foreigner.get(space_path).status_code == 404
    rows = AuditEvent.objects.filter(action=DENIED)
    assert sorted((row.actor_id, row.target_type, row.target_id) for row in rows) == sorted([
        (world.outsider.pk, "spaces.space", world.committee.pk),
        (world.outsider.pk, "decisions.proposal", draft.pk),
        (world.foreigner.pk, "spaces.space", world.committee.pk),
    ])

    # The next day, the same refusal is written again, once.
    later = timezone.now() + timedelta(days=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        for _ in range(3):
            assert outsider.get(space_path).status_code == 404
    assert rows.filter(actor=world.outsider, target_type="spaces.space").count() == 2
