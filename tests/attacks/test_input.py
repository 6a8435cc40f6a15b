"""Probes with malformed input and on response headers: 400s not 500s, caching, the CSP."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
import requests

PAGES = ["/", "/annotations", "/annotate", "/profile", "/profile/edit", "/subscribe", "/logout"]


def _token(key: object) -> str:
    """A page token as the job store encodes them."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _bad_page_tokens(user_id: str) -> dict[str, str]:
    """Page tokens GAS never issued to this user."""
    job = {"S": str(uuid.uuid4())}
    return {
        "wrong type": _token({"job_id": job, "user_id": {"S": user_id},
                              "submit_time": {"S": "soon"}}),
        "not a number": _token({"job_id": job, "user_id": {"S": user_id},
                                "submit_time": {"N": "x"}}),
        "another user's": _token({"job_id": job, "user_id": {"S": str(uuid.uuid4())},
                                  "submit_time": {"N": "1"}}),
        "a list": _token([1, 2]), "garbage": "%%%", "nested": _token([[[[[]]]]] * 3),
    }


@pytest.mark.parametrize("kind", ["wrong type", "not a number", "another user's", "a list",
                                  "garbage", "nested"])
@pytest.mark.parametrize("path", ["/api/v1/jobs", "/annotations"])
def test_page_tokens_gas_did_not_issue_are_a_400(alice, path, kind):
    response = alice.get(path, params={"page": _bad_page_tokens(alice.identity_id)[kind]})
    assert response.status_code == 400


@pytest.mark.parametrize("page", ["²", "١", "0", "-1", "x", "9" * 50, "1e3"])
def test_odd_preview_page_numbers_are_a_400(alice, alice_job, page):
    assert alice.get(f"/annotations/{alice_job['job_id']}", params={"p": page}).status_code == 400


@pytest.mark.parametrize("body", ["[" * 5000 + "]" * 5000, '{"key":' * 3000 + "1" + "}" * 3000,
                                  "{", '{"key": "\\ud800"}', "null", '"key"', "1e999999"])
def test_malformed_json_to_the_api_is_a_400(alice, body):
    response = alice.post("/api/v1/jobs", data=body.encode(),
                          headers={"Content-Type": "application/json",
                                   "X-CSRFToken": alice.csrf()})
    assert response.status_code == 400 and response.json()["error"] == "Bad request"


def test_a_request_body_past_the_limit_is_refused(alice):
    # Its own connection: the server closes it without reading the body.
    response = requests.post(alice.web + "/api/v1/jobs", data=b"{" + b" " * (65 * 1024) + b"}",
                             cookies={"gas_session": alice.cookie}, timeout=15,
                             headers={"Content-Type": "application/json", "Connection": "close",
                                      "X-CSRFToken": alice.csrf()})
    assert response.status_code == 413


@pytest.mark.parametrize("path", PAGES)
def test_signed_in_pages_are_not_stored_by_caches(alice, path):
    assert "no-store" in alice.get(path).headers.get("Cache-Control", "")


@pytest.mark.parametrize("route", ["/api/v1/jobs", "/api/v1/jobs/{id}", "/annotations/{id}",
                                   "/annotations/{id}/result", "/annotations/{id}/input",
                                   "/annotations/{id}/log.txt", "/annotations/{id}/summary.json"])
def test_api_answers_and_download_redirects_are_not_stored(alice, alice_job, route):
    response = alice.get(route.format(id=alice_job["job_id"]))
    assert response.status_code in (200, 302)
    assert "no-store" in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", PAGES + ["/api/v1/jobs", "/no-such-page"])
def test_every_answer_carries_the_security_headers(alice, path):
    headers = alice.get(path).headers
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"]
                  .split(";"))
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and "unsafe" not in headers[
        "Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_the_session_cookie_is_httponly_and_samesite(visitor):
    visitor.get("/login")
    cookie = next(c for c in visitor.http.cookies if c.name == "gas_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert cookie.get_nonstandard_attr("SameSite") == "Lax"
