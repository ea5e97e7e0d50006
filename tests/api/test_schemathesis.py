"""schemathesis against the OpenAPI document, as several kinds of caller: no server error, and
every answer (status, content type, headers, body) as the document declares it.

Deterministic and short for CI: a few examples per operation (derandomized), every operation, for
an anonymous caller, a delegate and a coordinator (read-write tokens) and a citizen (read-only
token); then malformed requests (schemathesis's negative mode) as the coordinator.
``API_FUZZ_EXAMPLES=40`` runs a deeper search by hand."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.conftest import MISSING_ID

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", 3))  # more for a deeper run by hand


def real_ids(w) -> dict[str, list[int]]:
    """The ids each path parameter takes: objects of the public assembly, of the members-only
    committee, of the other territory, and one that does not exist."""
    places = (w.public, w.private, w.other)
    return {
        "territory_id": [w.territory.pk, w.other_territory.pk],
        "space_id": [w.assembly.pk, w.committee.pk, w.group.pk, w.other_space.pk],
        "meeting_id": [o.convened_meeting.pk for o in places] + [w.public.live_meeting.pk, w.public.draft_meeting.pk],
        "proposal_id": [o.open_proposal.pk for o in places] + [w.public.option.proposal_id, w.public.draft_proposal.pk],
        "plan_id": [o.plan.pk for o in places] + [w.public.draft_plan.pk],
        "indicator_id": [o.indicator.pk for o in places],
        "document_id": [o.document.pk for o in places] + [w.public.members_only_document.pk],
        "follow_up_id": [o.follow_up.pk for o in places] + [w.public.org_follow_up.pk],
    }


@pytest.fixture(scope="package")
def api_schema(matrix_world, django_db_blocker):
    """The document as the API serves it, its path parameters narrowed to the world's ids (and a
    missing one), so that the examples reach real objects in and out of the caller's reach."""
    ids = real_ids(matrix_world)
    with django_db_blocker.unblock():
        document = Client().get("/api/v1/openapi.json").json()
    for operation in (op for item in document["paths"].values() for op in item.values()):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] in ids:
                parameter["schema"] = {"type": "integer", "enum": [*ids[parameter["name"]], MISSING_ID]}
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    # As Django's test client does: the end of a request must not close the connection that holds
    # the tests' transaction (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run(schema, headers: dict, mode=GenerationMode.POSITIVE) -> int:
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            nonlocal calls
            calls += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
    return calls


@pytest.mark.parametrize(("kind", "write"), [("anonymous", False), ("delegate", True), ("coordinator", True),
                                             ("citizen", False)])
def test_the_api_keeps_its_document(api_schema, tokens, kind, write):
    headers = {} if kind == "anonymous" else {"Authorization": f"Bearer {tokens[kind][1 if write else 0]}"}
    assert run(api_schema, headers) >= len(list(api_schema.get_all_operations()))



def test_malformed_requests_are_refused_in_the_document_s_terms(api_schema, tokens):
    """Negative examples (wrong types, unreadable bodies, out-of-range values) with a read-write
    token: refused with a declared status, never a server error."""
    headers = {"Authorization": f"Bearer {tokens['coordinator'][1]}"}
    assert run(api_schema, headers, GenerationMode.NEGATIVE) > 0
