"""Personal API tokens (issue 10 item 5) and bearer revocation (issue 11 finding 9): made and
revoked on the profile page, shown once, accepted as `Authorization: Bearer` beside Globus
tokens, and a revoked token of either kind refused on its very next request."""

from __future__ import annotations

import re

import pytest

from gas.identity import identity_id_for_email
from gas.jobs import PENDING, RUNNING
from gas.keys import input_key, new_job_id
from tests.web.test_api import idp_access_token
from web.globus_auth import Introspector

TOKEN_RE = re.compile(r'id="new-token-value">(gas_[A-Za-z0-9_-]+)<')


def create_token(client, csrf, name: str = "ci-runner-7") -> str:
    """Create a token through the profile page's form; return it as the page shows it."""
    response = client.post("/profile/tokens", data={"name": name,
                                                    "csrf_token": csrf("/profile")})
    assert response.status_code == 303 and response.location.endswith("/profile#tokens")
    page = client.get("/profile").get_data(as_text=True)
    match = TOKEN_RE.search(page)
    assert match, "the new token is not shown"
    return match.group(1)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_new_token_is_shown_once_then_only_its_name_and_hint(client, auth, csrf):
    auth.login()
    token = create_token(client, csrf)
    again = client.get("/profile").get_data(as_text=True)
    assert token not in again and "ci-runner-7" in again
    assert token[:12] in again  # the hint that tells tokens apart
    assert "never" in again  # not used yet


def test_a_token_reads_and_submits_as_its_owner(app, client, auth, csrf, make_job, web_settings,
                                                s3):
    me = auth.login()
    mine = make_job(me, status=RUNNING)
    make_job(identity_id_for_email("someone@example.org"), status=RUNNING)
    token = create_token(client, csrf)
    script = app.test_client()  # no cookie, no CSRF token: just the bearer token
    jobs = script.get("/api/v1/jobs", headers=bearer(token)).get_json()["jobs"]
    assert [job["job_id"] for job in jobs] == [mine["job_id"]]
    key = input_key(web_settings.key_prefix, me, new_job_id(), "b.vcf")
    s3.put_object(Bucket=web_settings.inputs_bucket, Key=key, Body=b"##fileformat=VCFv4.2\n")
    created = script.post("/api/v1/jobs", json={"key": key}, headers=bearer(token))
    assert created.status_code == 201 and created.get_json()["status"] == PENDING


def test_last_use_shows_on_the_profile(app, client, auth, csrf):
    auth.login()
    token = create_token(client, csrf)
    assert app.test_client().get("/api/v1/jobs", headers=bearer(token)).status_code == 200
    row = re.search(r"<td>ci-runner-7</td>.*?</tr>", client.get("/profile").get_data(
        as_text=True), re.S).group(0)
    assert "never" not in row and row.count("UTC") == 2


def test_a_revoked_token_fails_on_its_next_request(app, client, auth, csrf):
    auth.login()
    token = create_token(client, csrf)
    script = app.test_client()
    assert script.get("/api/v1/jobs", headers=bearer(token)).status_code == 200
    page = client.get("/profile").get_data(as_text=True)
    revoke_url = re.search(r'action="(/profile/tokens/[0-9a-f]{32}/revoke)"', page).group(1)
    response = client.post(revoke_url, data={"csrf_token": csrf("/profile")})
    assert response.status_code == 303
    assert "revoked" in client.get("/profile").get_data(as_text=True)
    answer = script.get("/api/v1/jobs", headers=bearer(token))
    assert answer.status_code == 401 and "not active" in answer.get_json()["message"]


def test_another_user_cannot_revoke_my_token(app, client, auth, csrf):
    auth.login("ada@example.org")
    token = create_token(client, csrf)
    page = client.get("/profile").get_data(as_text=True)
    revoke_url = re.search(r'action="(/profile/tokens/[0-9a-f]{32}/revoke)"', page).group(1)
    mallory = app.test_client()
    from tests.web.conftest import AuthActions

    AuthActions(mallory, app.extensions["gas_accounts"]).login("mallory@example.org")
    mallory.post(revoke_url, data={"csrf_token": re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        mallory.get("/profile").get_data(as_text=True)).group(1)})
    assert app.test_client().get("/api/v1/jobs", headers=bearer(token)).status_code == 200
    assert "ci-runner-7" not in mallory.get("/profile").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/profile/tokens", f"/profile/tokens/{'0' * 32}/revoke"])
def test_token_forms_need_the_csrf_token(client, auth, accounts, path):
    auth.login()
    response = client.post(path, data={"name": "sneaky"})
    assert response.status_code == 400
    assert "sneaky" not in client.get("/profile").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/profile/tokens", f"/profile/tokens/{'0' * 32}/revoke"])
def test_token_forms_need_sign_in(client, path):
    assert client.post(path).status_code in (302, 400)


@pytest.mark.parametrize("name", ["", " ", "x" * 65])
def test_a_token_needs_a_sensible_name(client, auth, csrf, name):
    auth.login()
    client.post("/profile/tokens", data={"name": name, "csrf_token": csrf("/profile")})
    page = client.get("/profile").get_data(as_text=True)
    assert 'id="no-tokens"' in page and "Give the token a name" in page


def test_a_globus_token_revoked_after_use_fails_on_its_next_request(client, idp, globus_client):
    token = idp_access_token(idp, globus_client, "script@example.org")
    assert client.get("/api/v1/jobs", headers=bearer(token)).status_code == 200
    globus_client.oauth2_revoke_token(token)
    assert client.get("/api/v1/jobs", headers=bearer(token)).status_code == 401


def test_refused_tokens_are_remembered_so_junk_does_not_reach_globus(client, idp, monkeypatch):
    calls = []
    original = Introspector._introspect
    monkeypatch.setattr(Introspector, "_introspect",
                        lambda self, t: calls.append(t) or original(self, t))
    answers = [client.get("/api/v1/jobs", headers=bearer("made-up")).status_code
               for _ in range(3)]
    assert answers == [401] * 3 and calls == ["made-up"]


def test_gas_tokens_are_never_sent_to_globus(app, client, auth, csrf, monkeypatch):
    auth.login()
    token = create_token(client, csrf)
    calls = []
    monkeypatch.setattr(Introspector, "_introspect", lambda self, t: calls.append(t))
    assert app.test_client().get("/api/v1/jobs", headers=bearer(token)).status_code == 200
    assert app.test_client().get("/api/v1/jobs",
                                 headers=bearer(token + "x")).status_code == 401
    assert calls == []


def test_globus_unreachable_is_a_503_not_a_500(client, monkeypatch):
    monkeypatch.setenv("GLOBUS_SDK_SERVICE_URL_AUTH", "http://127.0.0.1:9/")
    response = client.get("/api/v1/jobs", headers=bearer("some-globus-token"))
    assert response.status_code == 503 and response.is_json
