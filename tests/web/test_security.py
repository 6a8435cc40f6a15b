"""Headers, cookies, CSRF, error pages and proxy trust."""

from __future__ import annotations

import dataclasses

import pytest
from werkzeug.exceptions import InternalServerError

from gas.config import SettingsError, load_settings
from web import create_app


def test_content_security_policy_allows_only_self_the_upload_endpoint_and_sign_out(
    client, web_settings, idp
):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    # The sign-out form's redirect ends at the identity provider: form-action must allow it.
    assert directives["form-action"] == f"'self' {web_settings.aws_endpoint_url} {idp}"
    assert directives["connect-src"] == f"'self' {web_settings.aws_endpoint_url}"
    assert directives["frame-ancestors"] == "'none'"


def test_session_cookie_is_httponly_and_lax_and_not_secure_over_http(client, auth, csrf):
    auth.login()
    csrf("/profile/edit")  # writes the CSRF token into the session
    cookie = client.get_cookie("gas_session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_session_cookie_is_secure_over_https(web_settings):
    https = dataclasses.replace(web_settings, base_url="https://gas.example.org")
    app = create_app({"GAS_SETTINGS": https, "GAS_MIGRATE": False})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    app.extensions["gas_accounts"].dispose()


@pytest.mark.parametrize(("path", "data"), [
    ("/subscribe", {}), ("/unsubscribe", {}), ("/logout", {}),
    ("/profile/edit", {"name": "X", "email": "x@example.org", "institution": "Y"}),
])
def test_forms_without_a_csrf_token_are_refused(client, auth, accounts, path, data):
    identity_id = auth.login()
    before = accounts.get(identity_id)
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    after = accounts.get(identity_id)
    assert (after.name, after.role) == (before.name, before.role)


def test_forms_with_a_wrong_csrf_token_are_refused(client, auth):
    auth.login()
    assert client.post("/subscribe", data={"csrf_token": "forged"}).status_code == 400


@pytest.mark.parametrize(("method", "path", "code"), [
    ("GET", "/no-such-page", 404), ("DELETE", "/annotations", 405), ("PUT", "/", 405)])
def test_error_pages(client, auth, method, path, code):
    auth.login()
    response = client.open(path, method=method)
    assert response.status_code == code
    assert f"({code})" in response.get_data(as_text=True) and response.mimetype == "text/html"


def test_unexpected_errors_are_a_500_page_without_a_traceback(app, client, auth, monkeypatch):
    auth.login()

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("web.annotations.pages.services.job_store", broken)
    response = client.get("/annotations")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "secret internals" not in page
    assert InternalServerError.description in page


def test_api_errors_are_json(client, auth):
    auth.login()
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404 and response.get_json()["error"] == "Not found"


@pytest.mark.parametrize(("value", "hops"), [(None, 0), ("", 0), ("1", 1), ("2", 2), ("10", 10)])
def test_trusted_proxy_hops_come_from_the_settings(tmp_path, value, hops):
    environ = {"GAS_DATA_DIR": str(tmp_path)}
    if value is not None:
        environ["GAS_TRUSTED_PROXIES"] = value
    assert load_settings(environ).trusted_proxies == hops


@pytest.mark.parametrize("value", ["yes", "-1", "11", "1.5"])
def test_bad_trusted_proxy_setting_fails_at_start_with_the_range(tmp_path, value):
    with pytest.raises(SettingsError, match=r"GAS_TRUSTED_PROXIES.*\[0, 10\]"):
        load_settings({"GAS_DATA_DIR": str(tmp_path), "GAS_TRUSTED_PROXIES": value})


@pytest.mark.parametrize(("hops", "expected"), [(0, "http://localhost/authcallback"),
                                                (1, "https://gas.example.org/authcallback")])
def test_forwarded_headers_are_trusted_only_when_configured(web_settings, hops, expected):
    app = create_app({"GAS_SETTINGS": dataclasses.replace(web_settings, trusted_proxies=hops)})
    client = app.test_client()
    response = client.get("/login", headers={"X-Forwarded-Proto": "https",
                                             "X-Forwarded-Host": "gas.example.org"})
    assert response.status_code == 302
    from urllib.parse import parse_qs, urlsplit

    assert parse_qs(urlsplit(response.location).query)["redirect_uri"] == [expected]
    app.extensions["gas_accounts"].dispose()


@pytest.mark.parametrize(("code", "title"), [(400, "Bad request"), (403, "Forbidden"),
                                             (404, "Not found"), (405, "Method not allowed"),
                                             (500, "Something went wrong")])
def test_render_error_gives_one_page_per_code(app, code, title):
    from web.errors import render_error

    with app.test_request_context("/annotations"):
        body, status = render_error(code, "details <b>escaped</b>")
    assert status == code and f"{title} <small" in body
    assert "details &lt;b&gt;escaped&lt;/b&gt;" in body
