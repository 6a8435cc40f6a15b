"""The development identity provider drives the real globus-sdk login code end to end."""

from __future__ import annotations

import signal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import globus_sdk
import pytest
import requests

from devstack.net import free_port, wait_until_up
from gas.identity import identity_id_for_email
from tests.devstack.devstack_helpers import START_TIMEOUT_SECONDS, STOP_TIMEOUT_SECONDS

pytestmark = pytest.mark.integration

REDIRECT_URI = "http://127.0.0.1:5000/auth/callback"
SCOPES = "openid email profile"


def start_idp(spawn, idp_env: dict, state_dir: Path, port: int):
    """Start the provider and wait until its discovery document answers."""
    process = spawn("devstack.idp", "--host", "127.0.0.1", "--port", str(port),
                    "--state-dir", str(state_dir), env=idp_env, log_name="idp.log")
    wait_until_up(f"http://127.0.0.1:{port}/.well-known/openid-configuration",
                  timeout=START_TIMEOUT_SECONDS)
    return process


@pytest.fixture
def idp(spawn, idp_env, tmp_path, monkeypatch) -> dict:
    """A running provider, with globus-sdk pointed at it through its service-URL setting."""
    port = free_port()
    process = start_idp(spawn, idp_env, tmp_path / "idp", port)
    monkeypatch.setenv("GLOBUS_SDK_SERVICE_URL_AUTH", f"http://127.0.0.1:{port}/")
    return {"process": process, "port": port, "state_dir": tmp_path / "idp", **idp_env}


def auth_client(idp: dict, secret: str | None = None) -> globus_sdk.ConfidentialAppAuthClient:
    """The confidential client the web app uses."""
    return globus_sdk.ConfidentialAppAuthClient(idp["GLOBUS_CLIENT_ID"],
                                                secret or idp["GLOBUS_CLIENT_SECRET"])


def sign_in(client: globus_sdk.ConfidentialAppAuthClient, email: str, **form: str) -> dict:
    """Run the browser part: fetch the form, post it, follow the redirect's code and state."""
    client.oauth2_start_flow(REDIRECT_URI, requested_scopes=SCOPES, state="xyz",
                             refresh_tokens=True)
    url = client.oauth2_get_authorize_url()
    page = requests.get(url, timeout=10)
    assert page.status_code == 200
    assert '<label for="email">' in page.text and 'name="email"' in page.text
    answer = requests.post(url, data={"email": email, **form}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]
    return {"code": query["code"][0]}


def test_globus_sdk_login_flow(idp) -> None:
    client = auth_client(idp)
    code = sign_in(client, "Ada@Example.org", name="Ada Lovelace", institution="UChicago")["code"]
    tokens = client.oauth2_exchange_code_for_tokens(code)

    identity = tokens.decode_id_token()
    assert identity["sub"] == identity_id_for_email("ada@example.org")
    assert identity["email"] == identity["preferred_username"] == "ada@example.org"
    assert identity["name"] == "Ada Lovelace"
    assert identity["aud"] == idp["GLOBUS_CLIENT_ID"]
    auth_tokens = tokens.by_resource_server["auth.globus.org"]
    access = auth_tokens["access_token"]

    user = globus_sdk.AuthClient(authorizer=globus_sdk.AccessTokenAuthorizer(access)).userinfo()
    assert (user["sub"], user["email"], user["organization"]) == (
        identity["sub"], "ada@example.org", "UChicago")
    info = client.oauth2_token_introspect(access)
    assert info["active"] is True
    assert (info["sub"], info["email"], info["username"]) == (
        identity["sub"], "ada@example.org", "ada@example.org")
    assert info["client_id"] == idp["GLOBUS_CLIENT_ID"]
    assert info["scope"] == SCOPES and info["exp"] > info["iat"]

    refreshed = client.oauth2_refresh_token(auth_tokens["refresh_token"])
    assert refreshed.by_resource_server["auth.globus.org"]["access_token"] != access

    client.oauth2_revoke_token(access)
    assert client.oauth2_token_introspect(access)["active"] is False
    client.oauth2_revoke_token(auth_tokens["refresh_token"])
    with pytest.raises(globus_sdk.AuthAPIError) as revoked:
        client.oauth2_refresh_token(auth_tokens["refresh_token"])
    assert revoked.value.http_status == 400
    with pytest.raises(globus_sdk.AuthAPIError) as reused:
        client.oauth2_exchange_code_for_tokens(code)
    assert reused.value.http_status == 400


def test_sessions_survive_a_restart(idp, spawn, idp_env) -> None:
    client = auth_client(idp)
    tokens = client.oauth2_exchange_code_for_tokens(sign_in(client, "bo@example.org")["code"])
    access = tokens.by_resource_server["auth.globus.org"]["access_token"]
    refresh = tokens.by_resource_server["auth.globus.org"]["refresh_token"]
    idp["process"].send_signal(signal.SIGTERM)
    assert idp["process"].wait(timeout=STOP_TIMEOUT_SECONDS) == 0

    start_idp(spawn, idp_env, idp["state_dir"], idp["port"])
    assert client.oauth2_token_introspect(access)["active"] is True
    assert tokens.decode_id_token()["email"] == "bo@example.org"  # same signing key
    renewed = client.oauth2_refresh_token(refresh)
    assert renewed.decode_id_token()["sub"] == identity_id_for_email("bo@example.org")


def test_rejects_a_wrong_client_secret(idp) -> None:
    code = sign_in(auth_client(idp), "cy@example.org")["code"]
    impostor = auth_client(idp, secret="not-the-secret")
    impostor.oauth2_start_flow(REDIRECT_URI, requested_scopes=SCOPES)
    with pytest.raises(globus_sdk.AuthAPIError) as refused:
        impostor.oauth2_exchange_code_for_tokens(code)
    assert refused.value.http_status == 401


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"email": "not-an-address"}, "Enter a valid e-mail address."),
        ({"client_id": "someone-else"}, "Unknown client_id."),
        ({"redirect_uri": "https://evil.example.org/cb"}, "redirect_uri must be"),
    ],
)
def test_sign_in_form_refuses_bad_requests(idp, change: dict, expected: str) -> None:
    params = {"client_id": idp["GLOBUS_CLIENT_ID"], "redirect_uri": REDIRECT_URI,
              "scope": SCOPES, "state": "s", "response_type": "code", "email": "a@example.org"}
    answer = requests.post(f"http://127.0.0.1:{idp['port']}/v2/oauth2/authorize",
                           data={**params, **change}, allow_redirects=False, timeout=10)
    assert answer.status_code == 400
    assert expected in answer.text


def test_logout_page_links_back(idp) -> None:
    page = requests.get(f"http://127.0.0.1:{idp['port']}/v2/web/logout", timeout=10, params={
        "redirect_uri": "http://127.0.0.1:5000/", "redirect_name": "GAS"})
    assert page.status_code == 200
    assert '<a href="http://127.0.0.1:5000/">Return to GAS</a>' in page.text


@pytest.mark.parametrize(
    ("host", "gas_env", "message"),
    [
        ("0.0.0.0", "dev", "refusing to listen on '0.0.0.0'"),
        ("192.168.1.10", "dev", "refusing to listen on '192.168.1.10'"),
        ("127.0.0.1", "prod", "never runs with GAS_ENV=prod"),
    ],
)
def test_refuses_to_start_outside_loopback_dev(spawn, idp_env, tmp_path, host, gas_env,
                                               message) -> None:
    process = spawn("devstack.idp", "--host", host, "--port", "0", "--state-dir",
                    str(tmp_path / "idp"), env={**idp_env, "GAS_ENV": gas_env},
                    log_name="idp.log")
    assert process.wait(timeout=STOP_TIMEOUT_SECONDS) == 2
    assert message in (tmp_path / "idp.log").read_text()
