"""The API: the same reach as the pages (a permission grid over every endpoint), tokens, writes
through the apps' services, pagination, the one error format, rate limits."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from concertation.api.models import AccessToken, token_hash
from concertation.core.models import AuditEvent
from concertation.decisions.models import Ballot
from concertation.meetings.models import FollowUp, Rsvp
from concertation.planning.models import Measurement
from tests.api.conftest import API, Api
from tests.security.conftest import (
    DRAFT_MEETING_MARK,
    DRAFT_PROPOSAL_MARK,
    MEMBERS_ONLY_MARK,
    MISSING_ID,
    OTHER_MARK,
    PRIVATE_MARK,
)

pytestmark = pytest.mark.django_db

KINDS = ["anonymous", "outsider", "foreigner", "observer", "delegate", "citizen", "facilitator", "coordinator",
         "admin"]


# The same reach as the pages --------------------------------------------------------------------

def pairs(w):
    """(API path, the page that shows the same object) for every kind of object of every place."""
    rows = []
    for space in (w.assembly, w.committee, w.group, w.other_space):
        page = reverse("spaces:space", kwargs={"territory": space.territory.slug, "space": space.slug})
        rows += [(f"/spaces/{space.pk}", page), (f"/spaces/{space.pk}/memberships", page),
                 (f"/spaces/{space.pk}/roles", page), (f"/spaces/{space.pk}/documents", page),
                 (f"/spaces/{space.pk}/meetings", page), (f"/spaces/{space.pk}/plans", page),
                 (f"/spaces/{space.pk}/proposals", page), (f"/spaces/{space.pk}/follow-ups", page)]
    for territory in (w.territory, w.other_territory):
        overview = reverse("spaces:territory", kwargs={"territory": territory.slug})
        rows += [(f"/territories/{territory.pk}", overview), (f"/territories/{territory.pk}/spaces", overview),
                 (f"/territories/{territory.pk}/decisions", overview),
                 (f"/territories/{territory.pk}/organizations",
                  reverse("spaces:organizations", kwargs={"territory": territory.slug}))]
    for o in (w.public, w.private, w.other):
        where = {"territory": o.territory.slug, "space": o.space.slug}
        for meeting in (o.draft_meeting, o.convened_meeting, o.held_meeting):
            rows.append((f"/meetings/{meeting.pk}", reverse("meetings:meeting", kwargs={**where, "pk": meeting.pk})))
        for proposal in (o.draft_proposal, o.open_proposal, o.decided_proposal):
            rows.append((f"/proposals/{proposal.pk}",
                         reverse("decisions:proposal", kwargs={**where, "pk": proposal.pk})))
        for plan in (o.plan, o.draft_plan):
            page = reverse("planning:plan", kwargs={**where, "plan": plan.pk})
            rows += [(f"/plans/{plan.pk}", page), (f"/plans/{plan.pk}/items", page),
                     (f"/plans/{plan.pk}/indicators", page)]
        page = reverse("planning:indicator", kwargs={**where, "plan": o.plan.pk, "indicator": o.indicator.pk})
        rows += [(f"/indicators/{o.indicator.pk}", page), (f"/indicators/{o.indicator.pk}/measurements", page)]
        rows.append((f"/documents/{o.document.pk}", reverse("documents:document", kwargs={**where, "pk": o.document.pk})))
    doc = w.public.members_only_document
    rows.append((f"/documents/{doc.pk}", reverse("documents:document", kwargs={
        "territory": w.territory.slug, "space": w.assembly.slug, "pk": doc.pk})))
    return rows


@pytest.mark.parametrize("kind", ["anonymous", "foreigner", "delegate", "coordinator"])
def test_the_api_reaches_exactly_what_the_pages_show(kind, matrix_world, api_as, client_as):
    api, browser = api_as(kind), client_as(kind)
    differences = []
    pages = {}
    for path, page in pairs(matrix_world):
        api_status = api.get(path).status_code
        if page not in pages:
            pages[page] = browser.get(page).status_code
        page_status = pages[page]
        assert api_status in (200, 404), (path, api_status)
        if (api_status == 200) != (page_status == 200):
            differences.append((path, api_status, page, page_status))
    assert differences == []


def allowed_marks(kind) -> set[str]:
    marks = set()
    if kind in {"delegate", "coordinator", "admin"}:
        marks.add(PRIVATE_MARK)
    if kind in {"foreigner", "admin"}:
        marks.add(OTHER_MARK)
    if kind in {"coordinator", "admin"}:
        marks |= {DRAFT_MEETING_MARK, DRAFT_PROPOSAL_MARK}
    if kind in {"citizen", "delegate", "foreigner"}:
        marks.add(DRAFT_PROPOSAL_MARK)  # the authors of the drafts
    if kind in {"delegate", "citizen", "observer", "coordinator", "admin"}:
        marks.add(MEMBERS_ONLY_MARK)  # members of the public assembly and who runs it
    return marks


def every_list(w) -> list[str]:
    paths = ["/territories"]
    for territory in (w.territory, w.other_territory, ):
        paths += [f"/territories/{territory.pk}/{name}" for name in ("spaces", "decisions", "organizations")]
    for space in (w.assembly, w.committee, w.group, w.other_space):
        paths += [f"/spaces/{space.pk}/{name}" for name in
                  ("memberships", "roles", "documents", "meetings", "plans", "proposals", "follow-ups")]
    for o in (w.public, w.private, w.other):
        paths += [f"/plans/{o.plan.pk}/items", f"/plans/{o.plan.pk}/indicators",
                  f"/indicators/{o.indicator.pk}/measurements", f"/meetings/{o.convened_meeting.pk}"]
    return paths


@pytest.mark.parametrize("kind", KINDS)
def test_no_list_shows_what_the_caller_may_not_see(kind, matrix_world, api_as):
    api = api_as(kind)
    allowed = allowed_marks(kind)
    for path in every_list(matrix_world):
        text = api.get(path, limit=200).content.decode()
        for mark in {PRIVATE_MARK, OTHER_MARK, DRAFT_MEETING_MARK, DRAFT_PROPOSAL_MARK} - allowed:
            assert mark not in text, (path, mark)


def test_the_meeting_lists_only_the_documents_the_caller_may_see(matrix_world, api_as):
    w = matrix_world
    hidden = w.public.members_only_document.pk
    shown = {kind: {pk for item in api_as(kind).get(f"/meetings/{w.public.convened_meeting.pk}").json()["agenda"]
                    for pk in item["document_ids"]} for kind in ("anonymous", "outsider", "delegate")}
    assert hidden not in shown["anonymous"] | shown["outsider"]
    assert hidden in shown["delegate"]


# Tokens -----------------------------------------------------------------------------------------

def test_tokens_are_stored_as_a_hash_and_refused_once_revoked_or_expired(matrix_world, tokens):
    w = matrix_world
    read, _write = tokens["delegate"]
    stored = AccessToken.objects.get(digest=token_hash(read))
    assert not AccessToken.objects.filter(digest=read).exists() and read not in stored.hint
    assert Api(read).get("/territories").status_code == 200
    assert AccessToken.objects.get(pk=stored.pk).last_used_at is not None

    AccessToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Api(read).get(f"/spaces/{w.assembly.pk}")
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")

    AccessToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() + timedelta(days=1),
                                                    revoked_at=timezone.now())
    assert Api(read).get(f"/spaces/{w.assembly.pk}").status_code == 401
    for header in ("Bearer", "Bearer cct_nope", "Basic abc", "Bearer " + "x" * 500):
        response = Client().get(API + "/territories", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert set(response.json()) == {"error"}


def test_a_read_token_cannot_write_and_writing_needs_a_token(matrix_world, tokens, client_as):
    w = matrix_world
    path = f"/meetings/{w.public.convened_meeting.pk}/rsvp"
    before = list(Rsvp.objects.filter(meeting=w.public.convened_meeting).values_list("answer", "answered_at"))
    response = Api(tokens["delegate"][0]).post(path, {"answer": "yes"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "read_only_token"
    assert Api().post(path, {"answer": "yes"}).status_code == 401
    # A session reads (the documentation page) but does not write: no CSRF question arises.
    session = client_as("delegate")
    assert session.get(API + f"/spaces/{w.committee.pk}").status_code == 200
    assert session.post(API + path, {"answer": "yes"}, content_type="application/json").status_code == 401
    after = list(Rsvp.objects.filter(meeting=w.public.convened_meeting).values_list("answer", "answered_at"))
    assert after == before


def test_errors_speak_the_callers_language(matrix_world, tokens):
    w = matrix_world
    w.coordinator.preferred_language = "en"
    w.coordinator.save(update_fields=["preferred_language"])
    path = f"/indicators/{w.public.indicator.pk}/measurements"
    future = {"date": "2999-01-01", "value": "1"}
    response = Api(tokens["coordinator"][1]).post(path, future)
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("The ")  # the service's message, in English
    response = Api(tokens["admin"][1]).post(path, future)
    assert response.json()["error"]["message"].startswith("La date")


def test_the_token_page_shows_a_new_token_once_and_revokes(matrix_world, client_as):
    w = matrix_world
    browser = client_as("citizen")
    page = reverse("api_tokens:tokens")
    response = browser.post(page, {"name": "Mon tableur", "scope": "read", "days": "30"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("cct_") and secret in response.content.decode()
    token = AccessToken.objects.get(owner=w.citizen, name="Mon tableur")
    assert token.digest == token_hash(secret) and token.scope == "read"
    assert secret not in browser.get(page).content.decode()
    assert Api(secret).get("/territories").status_code == 200
    assert AuditEvent.objects.filter(action="api.token_created", target_id=token.pk).exists()

    # Another person cannot revoke it; its owner can.
    assert client_as("delegate").post(reverse("api_tokens:revoke", kwargs={"pk": token.pk})).status_code == 404
    assert browser.post(reverse("api_tokens:revoke", kwargs={"pk": token.pk})).status_code == 302
    assert Api(secret).get("/territories").status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoked", target_id=token.pk).exists()
    # (The module's other tests may have given her tokens too: count them before.)
    held = AccessToken.objects.filter(owner=w.citizen).count()
    refused = browser.post(page, {"name": "", "scope": "write-all", "days": "9999"})
    assert refused.status_code == 400 and AccessToken.objects.filter(owner=w.citizen).count() == held


# Writes -----------------------------------------------------------------------------------------

def test_an_rsvp_through_the_meetings_service(matrix_world, api_as):
    w = matrix_world
    path = f"/meetings/{w.public.convened_meeting.pk}/rsvp"
    response = api_as("delegate", write=True).post(path, {"answer": "maybe", "accessibility": "Rampe"})
    assert response.status_code == 200, response.content
    rsvp = Rsvp.objects.get(meeting=w.public.convened_meeting, person=w.delegate)
    assert (rsvp.answer, rsvp.accessibility) == ("maybe", "Rampe")
    assert api_as("outsider", write=True).post(path, {"answer": "yes"}).status_code == 403
    assert api_as("citizen", write=True).post(f"/meetings/{w.private.convened_meeting.pk}/rsvp",
                                             {"answer": "yes"}).status_code == 404
    held = api_as("citizen", write=True).post(f"/meetings/{w.public.held_meeting.pk}/rsvp", {"answer": "yes"})
    assert held.status_code == 422 and held.json()["error"]["message"]


def test_a_ballot_through_the_decisions_service(matrix_world, api_as):
    w = matrix_world
    proposal = w.public.open_proposal
    api = api_as("delegate", write=True)
    response = api.post(f"/proposals/{proposal.pk}/ballot", {"value": "disagree", "reason": "Trop tôt.",
                                                             "organization_id": w.org.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"proposal_id", "round", "receipt", "cast_at"}  # never the ballot itself
    assert Ballot.objects.get(proposal=proposal, voter_key=f"o:{w.org.pk}").value == "disagree"
    # The charter's rules apply: who may not vote is refused, with the page's message.
    refused = api_as("outsider", write=True).post(f"/proposals/{proposal.pk}/ballot", {"value": "agree"})
    assert refused.status_code == 422 and refused.json()["error"]["message"]
    assert api.post(f"/proposals/{proposal.pk}/ballot", {"value": {"x": 1}}).status_code == 422
    assert api.post(f"/proposals/{w.other.open_proposal.pk}/ballot", {"value": "agree"}).status_code == 404
    foreign = api.post(f"/proposals/{proposal.pk}/ballot", {"value": "agree",
                                                            "organization_id": w.other_organization.pk})
    assert foreign.status_code == 422 and OTHER_MARK not in foreign.content.decode()
    closed = api.post(f"/proposals/{w.public.closed_proposal.pk}/ballot", {"value": "agree"})
    assert closed.status_code == 422


def test_a_measurement_through_the_planning_service(matrix_world, api_as):
    w = matrix_world
    path = f"/indicators/{w.public.indicator.pk}/measurements"
    created = api_as("coordinator", write=True).post(path, {"date": "2025-09-30", "value": "260.5", "note": "T3"})
    assert created.status_code == 201, created.content
    assert Measurement.objects.filter(indicator=w.public.indicator, date=date(2025, 9, 30)).exists()
    again = api_as("coordinator", write=True).post(path, {"date": "2025-09-30", "value": "261"})
    assert again.status_code == 422 and again.json()["error"]["field"] == "date"
    future = api_as("coordinator", write=True).post(path, {"date": "2999-01-01", "value": "1"})
    assert future.status_code == 422
    assert api_as("citizen", write=True).post(path, {"date": "2025-10-30", "value": "1"}).status_code == 403
    assert api_as("citizen", write=True).post(f"/indicators/{w.other.indicator.pk}/measurements",
                                             {"date": "2025-10-30", "value": "1"}).status_code == 404


def test_follow_ups_through_the_meetings_service(matrix_world, api_as):
    w = matrix_world
    mine = f"/follow-ups/{w.public.follow_up.pk}/status"
    assert api_as("citizen", write=True).post(mine, {"status": "done"}).status_code == 200
    assert FollowUp.objects.get(pk=w.public.follow_up.pk).status == "done"
    assert api_as("outsider", write=True).post(mine, {"status": "open"}).status_code == 403
    assert api_as("citizen", write=True).post(f"/follow-ups/{w.private.follow_up.pk}/status",
                                             {"status": "done"}).status_code == 404
    item = w.public.live_item
    body = {"item_id": item.pk, "what": "Envoyer le compte rendu", "person_id": w.citizen.pk}
    assert api_as("citizen", write=True).post("/follow-ups", body).status_code == 403
    created = api_as("coordinator", write=True).post("/follow-ups", body)
    assert created.status_code == 201, created.content
    assert FollowUp.objects.filter(item=item, what="Envoyer le compte rendu", person=w.citizen).exists()
    stranger = api_as("coordinator", write=True).post("/follow-ups", {**body, "person_id": w.foreigner.pk})
    assert stranger.status_code == 422 and stranger.json()["error"]["field"] == "person_id"
    assert api_as("coordinator", write=True).post("/follow-ups", {**body, "item_id": w.other.live_item.pk}
                                                  ).status_code == 404


# Pagination, errors, limits, documentation ------------------------------------------------------

def test_cursor_pagination_walks_every_row_once(matrix_world, api_as):
    w = matrix_world
    api = api_as("coordinator")
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get(f"/spaces/{w.assembly.pk}/proposals", **params).json()
        seen += [row["id"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    everything = [row["id"] for row in api.get(f"/spaces/{w.assembly.pk}/proposals", limit=200).json()["items"]]
    assert seen == everything == sorted(everything) and len(everything) > 2
    bad = api.get("/territories", cursor="pas-un-curseur")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_cursor"
    assert api.get("/territories", limit=0).json()["error"]["field"] == "limit"


def test_one_error_format_everywhere(matrix_world, api_as):
    api = api_as("delegate")
    for response in (api.get(f"/spaces/{MISSING_ID}"), api.get("/inconnu"), api.get("/territories", limit="x"),
                     api.client.delete(API + "/territories"), Client().get("/api/v2/territories")):
        assert set(response.json()) == {"error"}, response.content
        assert {"code", "message", "field"} == set(response.json()["error"])


@override_settings(API_RATE_LIMITS={"anonymous": "3/m/ip", "token": "2/m/key", "write": "1/m/key",
                                    "session": "2/m/key"})
def test_rate_limits_answer_429_in_the_one_format(matrix_world, api_as):
    anonymous = api_as("anonymous")
    statuses = [anonymous.get("/territories").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = anonymous.get("/territories")
    assert response.json()["error"]["code"] == "rate_limited" and response["Retry-After"]
    token = api_as("delegate")
    assert [token.get("/territories").status_code for _ in range(3)] == [200, 200, 429]


def test_the_documentation_is_served_from_the_instance(matrix_world):
    response = Client().get(API + "/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert "http://" not in html and "https://" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    document = json.loads(Client().get(API + "/openapi.json").content)
    for item in document["paths"].values():
        for operation in item.values():
            assert {"401", "403", "404", "422", "429"} <= set(operation["responses"]), operation["operationId"]


def test_an_erased_account_loses_its_tokens(matrix_world, tokens):
    from concertation.accounts.services import user_erase

    read, _write = tokens["observer"]
    assert Api(read).get("/territories").status_code == 200
    user_erase(user=matrix_world.observer)
    assert not AccessToken.objects.filter(owner=matrix_world.observer).exists()
    assert Api(read).get("/territories").status_code == 401


def test_the_grid_covers_every_endpoint(matrix_world):
    """Every GET of the document is in the grid (pairs or every_list), every POST has a test of its
    refusals above: a new endpoint must join them."""
    import re

    document = json.loads(Client().get(API + "/openapi.json").content)
    templates = {re.sub(r"\d+", "{}", path) for path, _page in pairs(matrix_world)}
    templates |= {re.sub(r"\d+", "{}", path) for path in every_list(matrix_world)}
    gets = {re.sub(r"\{\w+\}", "{}", path.removeprefix(API)) for path, item in document["paths"].items()
            if "get" in item}
    posts = {re.sub(r"\{\w+\}", "{}", path.removeprefix(API)) for path, item in document["paths"].items()
             if "post" in item}
    assert gets <= templates, sorted(gets - templates)
    assert posts == {"/meetings/{}/rsvp", "/proposals/{}/ballot", "/indicators/{}/measurements", "/follow-ups",
                     "/follow-ups/{}/status"}
