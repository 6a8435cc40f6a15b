"""Probes on sign-in, sessions, CSRF, redirects and bearer tokens."""

from __future__ import annotations

import base64
import re
import zlib
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import pytest
import requests

from gas.config import read_env_file
from tests.attacks.support import HTTP_TIMEOUT_SECONDS, User

# Enough requests that both gunicorn workers answer at least once (connections are not kept
# between these requests, so the kernel spreads them).
EVERY_WORKER = 6


def _fresh(stack, cookie: str | None = None) -> User:
    """Another browser, optionally replaying a saved session cookie."""
    other = User(stack.web_url, "replay@example.org", "Replay")
    if cookie is not None:
        other.http.cookies.set("gas_session", cookie)
    return other


def _on_every_worker(stack, path: str, cookie: str | None = None, **kwargs) -> set[int]:
    """The status codes of EVERY_WORKER separate requests."""
    codes = set()
    for _ in range(EVERY_WORKER):
        with requests.Session() as http:
            if cookie:
                http.cookies.set("gas_session", cookie)
            codes.add(http.get(stack.web_url + path, allow_redirects=False,
                               timeout=HTTP_TIMEOUT_SECONDS, **kwargs).status_code)
    return codes


# --- OAuth -----------------------------------------------------------------------------------
def test_a_forged_state_is_refused(visitor):
    visitor.get("/login")
    response = visitor.get("/authcallback?code=anything&state=forged")
    assert response.status_code == 400 and visitor.get("/annotations").status_code == 302


def test_a_callback_that_was_not_started_here_is_refused(visitor):
    assert visitor.get("/authcallback?code=x&state=y").status_code == 400


def test_a_used_code_cannot_sign_anyone_in_again(stack, visitor):
    to_provider = visitor.get("/login").headers["Location"]
    answer = requests.post(to_provider, data={"email": visitor.email}, allow_redirects=False,
                           timeout=HTTP_TIMEOUT_SECONDS)
    callback = urlsplit(answer.headers["Location"])
    assert visitor.get(f"{callback.path}?{callback.query}").status_code == 302
    thief = _fresh(stack)
    state = parse_qs(urlsplit(thief.get("/login").headers["Location"]).query)["state"][0]
    code = parse_qs(callback.query)["code"][0]
    stolen = thief.get("/authcallback?" + urlencode({"code": code, "state": state}))
    assert stolen.status_code == 400 and thief.get("/annotations").status_code == 302


def test_a_provider_error_is_shown_not_crashed_on(visitor):
    visitor.get("/login")
    response = visitor.get("/authcallback?error=access_denied&error_description=%3Cb%3Eno")
    assert response.status_code == 400 and "&lt;b&gt;no" in response.text


# --- CSRF ------------------------------------------------------------------------------------
CSRF_FORMS = {
    "sign out": ("/logout", {}),
    "upgrade": ("/subscribe", {}),
    "downgrade": ("/unsubscribe", {}),
    "profile edit": ("/profile/edit", {"name": "Pwned", "email": "x@evil.example",
                                       "institution": "Evil"}),
    "token create": ("/profile/tokens", {"name": "pwned"}),
    "token revoke": ("/profile/tokens/" + "0" * 32 + "/revoke", {}),
}


@pytest.mark.parametrize("form", list(CSRF_FORMS))
@pytest.mark.parametrize("token", ["none", "forged", "another user's"])
def test_forms_posted_from_elsewhere_are_refused(newcomer, mallory, form, token):
    path, data = CSRF_FORMS[form]
    if token == "forged":
        data = {**data, "csrf_token": "IjAwMDAi.forged.token"}
    elif token == "another user's":
        data = {**data, "csrf_token": mallory.csrf()}
    response = newcomer.post(path, data=data, headers={"Origin": "https://evil.example"})
    assert response.status_code == 400
    after = newcomer.get("/profile")
    assert after.status_code == 200  # still signed in
    assert "Pwned" not in after.text and "pwned" not in after.text
    assert re.search(r'id="plan">\s*Free', after.text)


def test_an_api_write_with_the_session_cookie_needs_the_csrf_header(newcomer):
    response = newcomer.post("/api/v1/jobs", json={"key": "x"})
    assert response.status_code == 400 and "did not come from this site" in response.json()[
        "message"]


# --- sessions --------------------------------------------------------------------------------
def _decodings(value: str) -> list[bytes]:
    """What an attacker tries on a Flask cookie: base64 of each part, inflated when it can be."""
    found = []
    for part in value.lstrip(".").split("."):
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            continue
        found.append(raw)
        try:
            found.append(zlib.decompress(raw))
        except zlib.error:
            pass
    return found


def test_the_session_cookie_is_a_random_id_and_carries_no_token(newcomer):
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", newcomer.cookie)
    decoded = b"".join(_decodings(newcomer.cookie))
    assert b"token" not in decoded and b"identity" not in decoded and b"user" not in decoded


def test_a_cookie_saved_before_sign_out_is_worth_nothing_after(stack, newcomer):
    saved = newcomer.cookie
    assert _on_every_worker(stack, "/api/v1/jobs", saved) == {200}
    form = {"csrf_token": newcomer.csrf("/logout")}
    assert newcomer.post("/logout", data=form).status_code == 302
    assert _on_every_worker(stack, "/api/v1/jobs", saved) == {401}
    assert _on_every_worker(stack, "/annotations", saved) == {302}


def test_a_planted_cookie_does_not_become_a_signed_in_session(stack, visitor):
    visitor.get("/login")
    planted = visitor.cookie
    assert planted
    visitor.sign_in()
    assert visitor.cookie != planted
    assert _on_every_worker(stack, "/annotations", planted) == {302}


@pytest.mark.parametrize("cookie", ["A" * 43, "' OR 1=1 --", "x" * 3000, "..%2f..%2f"])
def test_a_made_up_session_cookie_is_an_anonymous_visitor(stack, cookie):
    assert _on_every_worker(stack, "/annotations", cookie) == {302}


# --- redirects and odd paths ------------------------------------------------------------------
OFF_SITE = ["/%09/evil.example", "/%0A/evil.example", "/%0D/evil.example", "//evil.example",
            "/\\evil.example", "https://evil.example/", "/%5C%5Cevil.example",
            "/%E3%80%82/evil.example", "javascript:alert(1)"]


def _stays_here(location: str) -> bool:
    """True when a browser following `location` stays on this site (it drops tab, CR, LF)."""
    cleaned = "".join(ch for ch in unquote(location) if ch not in "\t\r\n").replace("\\", "/")
    parts = urlsplit(cleaned)
    return cleaned.startswith("/") and not parts.scheme and not parts.netloc


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_site(alice, target):
    response = alice.get("/login?next=" + target)
    assert response.status_code == 302 and _stays_here(response.headers["Location"])


@pytest.mark.parametrize("target", OFF_SITE[:4])
def test_a_full_sign_in_never_returns_off_site(visitor, target):
    response = visitor.sign_in(start="/login?next=" + target)
    assert response.status_code == 302 and _stays_here(response.headers["Location"])


@pytest.mark.parametrize("path", ["/%0A", "/%0D", "/%0D%0ASet-Cookie:%20x=1", "/annotations/%0A",
                                  "/%00", "/static/..%2f..%2fgas%2fconfig.py",
                                  "/static/%2e%2e/%2e%2e/gas/config.py"])
def test_odd_paths_are_not_a_server_error_and_leak_nothing(alice, path):
    response = alice.get(path)
    assert response.status_code in (302, 400, 404)
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]
    assert "SECRET_KEY" not in response.text


def test_forwarded_host_headers_are_not_trusted(visitor):
    response = visitor.get("/login", headers={"X-Forwarded-Host": "evil.example",
                                              "X-Forwarded-Proto": "https"})
    redirect_uri = parse_qs(urlsplit(response.headers["Location"]).query)["redirect_uri"][0]
    assert urlsplit(redirect_uri).hostname == "127.0.0.1"


# --- bearer tokens ---------------------------------------------------------------------------
def _new_token(user: User, name: str = "script") -> str:
    """Create a personal token on the profile page and read it off the page (shown once)."""
    response = user.post("/profile/tokens", data={"name": name, "csrf_token": user.csrf()})
    assert response.status_code == 303
    return re.search(r'id="new-token-value">(gas_[^<]+)<', user.get("/profile").text).group(1)


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_personal_token_sees_only_its_owners_jobs(stack, mallory, alice_job):
    token = _new_token(mallory)
    script = _fresh(stack)
    listed = script.get("/api/v1/jobs", headers=_bearer(token)).json()["jobs"]
    assert alice_job["job_id"] not in [job["job_id"] for job in listed]
    assert script.get(f"/api/v1/jobs/{alice_job['job_id']}",
                      headers=_bearer(token)).status_code == 404


def test_a_revoked_personal_token_fails_at_once_everywhere(stack, newcomer):
    token = _new_token(newcomer)
    assert _on_every_worker(stack, "/api/v1/jobs", headers=_bearer(token)) == {200}
    revoke = re.search(r'action="(/profile/tokens/[0-9a-f]{32}/revoke)"',
                       newcomer.get("/profile").text).group(1)
    assert newcomer.post(revoke, data={"csrf_token": newcomer.csrf()}).status_code == 303
    assert _on_every_worker(stack, "/api/v1/jobs", headers=_bearer(token)) == {401}


def test_a_personal_token_is_never_shown_twice(newcomer):
    token = _new_token(newcomer)
    assert token not in newcomer.get("/profile").text


def _globus_token(stack, email: str) -> tuple[str, tuple[str, str]]:
    """An access token for GAS's client straight from the provider, as a script gets one."""
    env = read_env_file(stack.data_dir / "stack.env")
    client = (env["GLOBUS_CLIENT_ID"], env["GLOBUS_CLIENT_SECRET"])
    redirect_uri = "http://127.0.0.1:9/callback"
    authorize = f"{stack.idp_url}/v2/oauth2/authorize?" + urlencode(
        {"client_id": client[0], "redirect_uri": redirect_uri, "response_type": "code",
         "scope": "openid profile email", "state": "s"})
    answer = requests.post(authorize, data={"email": email}, allow_redirects=False,
                           timeout=HTTP_TIMEOUT_SECONDS)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = requests.post(f"{stack.idp_url}/v2/oauth2/token", auth=client, timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}).json()
    return tokens["access_token"], client


def test_a_revoked_globus_token_fails_at_once_everywhere(stack):
    token, client = _globus_token(stack, "script@example.org")
    assert _on_every_worker(stack, "/api/v1/jobs", headers=_bearer(token)) == {200}
    requests.post(f"{stack.idp_url}/v2/oauth2/token/revoke", auth=client, data={"token": token},
                  timeout=HTTP_TIMEOUT_SECONDS).raise_for_status()
    assert _on_every_worker(stack, "/api/v1/jobs", headers=_bearer(token)) == {401}


@pytest.mark.parametrize("token", ["gas_" + "A" * 43, "made-up", "gas_", "Bearer", "a" * 5000])
def test_made_up_bearer_tokens_are_refused_even_beside_a_session(alice, token):
    assert alice.get("/api/v1/jobs", headers=_bearer(token)).status_code == 401
