"""The OpenAPI document (issue 10 item 5): served at /api/v1/openapi.json, covering every
/api/v1 route, and a bounded schemathesis run against it with no server errors (5xx)."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from gas.api_tokens import ApiTokens

MAX_EXAMPLES = 8  # per operation: enough to reach every validation branch, well under a minute


def test_the_document_covers_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in document["paths"].items()
                  for method in ops}
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes and routes == documented


@pytest.fixture
def token_headers(auth, accounts, make_job) -> dict:
    """A personal API token of a user who has a job of each kind to be found."""
    user = auth.login("fuzz@example.org")
    for status in ("COMPLETED", "FAILED", "PENDING"):
        make_job(user, status=status)
    _, token = ApiTokens(accounts).create(user, "schemathesis")
    return {"Authorization": f"Bearer {token}"}


def test_no_operation_answers_with_a_server_error(app, token_headers):
    # Driven through schemathesis's Python API: its pytest plugin reads a node attribute
    # that pytest 9 no longer has.
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert {op.label for op in operations} >= {  # (it leaves out the document's own path)
        "GET /api/v1/jobs", "POST /api/v1/jobs", "GET /api/v1/jobs/{job_id}",
        "POST /api/v1/jobs/{job_id}/rerun", "POST /api/v1/uploads"}
    tried: dict[str, set[int]] = {}

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(headers=token_headers)
            tried.setdefault(case.operation.label, set()).add(response.status_code)
            case.validate_response(response, checks=[not_a_server_error,
                                                     response_schema_conformance])

        check()
    assert set(tried) == {op.label for op in operations}
    assert all(code < 500 for codes in tried.values() for code in codes), tried
