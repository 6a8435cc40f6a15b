"""Headers, cookies, CSRF, error pages and proxy trust."""

from __future__ import annotations

import dataclasses

import pytest
from werkzeug.exceptions import InternalServerError

from web import create_app
from web.security import trusted_proxy_hops


def test_content_security_policy_allows_only_self_and_the_upload_endpoint(client, web_settings):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["form-action"] == f"'self' {web_settings.aws_endpoint_url}"
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


@pytest.mark.parametrize(("value", "hops"), [(None, 0), ("", 0), ("1", 1), ("2", 2)])
def test_trusted_proxy_hops(value, hops):
    assert trusted_proxy_hops({} if value is None else {"GAS_TRUSTED_PROXIES": value}) == hops


@pytest.mark.parametrize("value", ["yes", "-1", "11"])
def test_bad_trusted_proxy_setting_fails_at_start(value):
    with pytest.raises(ValueError, match="GAS_TRUSTED_PROXIES"):
        trusted_proxy_hops({"GAS_TRUSTED_PROXIES": value})


@pytest.mark.parametrize(("hops", "expected"), [(0, "http://localhost/authcallback"),
                                                (1, "https://gas.example.org/authcallback")])
def test_forwarded_headers_are_trusted_only_when_configured(web_settings, hops, expected):
    app = create_app({"GAS_SETTINGS": web_settings, "GAS_MIGRATE": False,
                      "GAS_TRUSTED_PROXIES": hops})
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
