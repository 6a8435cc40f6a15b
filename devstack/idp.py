"""Development identity provider speaking Globus Auth's OAuth2/OIDC endpoints, on loopback.

    GLOBUS_CLIENT_ID=... GLOBUS_CLIENT_SECRET=... \\
        python -m devstack.idp --host 127.0.0.1 --port 5020 --state-dir .gas/idp

Sign-in is a form asking for an e-mail address (name and institution optional); the identity id
(`sub`) is a stable uuid5 of the e-mail (`gas.identity.identity_id_for_email`). Point globus-sdk at
it with `GLOBUS_SDK_SERVICE_URL_AUTH=http://127.0.0.1:5020/` and the real login code runs:

    client = globus_sdk.ConfidentialAppAuthClient(client_id, client_secret)
    client.oauth2_start_flow(redirect_uri, requested_scopes="openid email profile")
    url = client.oauth2_get_authorize_url()          # send the browser there
    # ... the browser comes back to redirect_uri?code=...&state=...
    tokens = client.oauth2_exchange_code_for_tokens(code)
    identity = tokens.decode_id_token()              # sub, email, name, preferred_username
    access = tokens.by_resource_server["auth.globus.org"]["access_token"]
    info = globus_sdk.AuthClient(authorizer=globus_sdk.AccessTokenAuthorizer(access)).userinfo()
    client.oauth2_token_introspect(access)           # active, sub, email, username, scope, exp
    client.oauth2_revoke_token(access)               # at logout
    # then send the browser to the logout page (?redirect_uri=...&redirect_name=GAS), whose
    # URL is built the same way for Globus Auth and for this provider:
    logout = globus_sdk.config.get_service_url("auth") + "v2/web/logout"  # import globus_sdk.config

globus-sdk 4.x has no `oauth2_userinfo` on the confidential client: userinfo is
`AuthClient.userinfo()` with the access token, as above. globus-sdk reads the service URL when a
client is created, so set the variable before creating clients (the stack puts it in stack.env).

Accepted client credentials come from `GLOBUS_CLIENT_ID` / `GLOBUS_CLIENT_SECRET`. In dev
(`GAS_ENV=dev`, the default) it refuses to bind anything but loopback; it never runs in prod.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import threading
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
from urllib.parse import urlencode, urlsplit

import jwt
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template_string,
    request,
)
from werkzeug.serving import make_server

from devstack.idp_pages import AUTHORIZE_PAGE, ERROR_PAGE, LOGOUT_PAGE
from devstack.idp_provider import IDENTITY_PROVIDER_NAME, Provider, issuer
from devstack.net import is_loopback, require_loopback
from gas.identity import identity_id_for_email

log = logging.getLogger("devstack.idp")

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
bp = Blueprint("idp", __name__)


def _oauth_error(error: str, description: str, status: int = 400):
    """An OAuth2 JSON error response."""
    return jsonify(error=error, error_description=description), status


def _redirect_uri_allowed(uri: str) -> bool:
    """Only loopback http(s) URLs: the app it serves runs on this machine."""
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and is_loopback(parts.hostname or "")


def _provider() -> Provider:
    """The Provider of the running app."""
    return current_app.extensions["gas_idp"]


@bp.get("/.well-known/openid-configuration")
def openid_configuration() -> Response:
    """OIDC discovery document."""
    base = issuer()
    return jsonify({
        "issuer": base,
        "authorization_endpoint": f"{base}/v2/oauth2/authorize",
        "token_endpoint": f"{base}/v2/oauth2/token",
        "userinfo_endpoint": f"{base}/v2/oauth2/userinfo",
        "revocation_endpoint": f"{base}/v2/oauth2/token/revoke",
        "introspection_endpoint": f"{base}/v2/oauth2/token/introspect",
        "end_session_endpoint": f"{base}/v2/web/logout",
        "jwks_uri": f"{base}/jwk.json",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "email", "name",
                             "preferred_username", "organization"],
    })


@bp.get("/jwk.json")
def jwks() -> Response:
    """The public signing key as a JWK set."""
    provider = _provider()
    public = jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key(), as_dict=True)
    return jsonify(keys=[{**public, "alg": "RS256", "use": "sig", "kid": provider.kid}])


def _authorize_problem(params: Mapping[str, str]) -> str | None:
    """Why an authorize request cannot proceed, or None."""
    if params.get("client_id") != _provider().client_id:
        return "Unknown client_id."
    if not _redirect_uri_allowed(params.get("redirect_uri", "")):
        return "redirect_uri must be an http(s) URL on this machine (loopback)."
    if params.get("response_type", "code") != "code":
        return "Only response_type=code is supported."
    return None


@bp.route("/v2/oauth2/authorize", methods=["GET", "POST"])
def authorize():
    """The sign-in form (GET) and its submission (POST: redirect with code and state)."""
    params = request.values
    problem = _authorize_problem(params)
    if problem:
        return render_template_string(ERROR_PAGE, problem=problem), 400
    email = params.get("email", "").strip()
    if request.method == "GET" or not EMAIL_PATTERN.match(email):
        error = "Enter a valid e-mail address." if request.method == "POST" else None
        page = render_template_string(AUTHORIZE_PAGE, params=params, error=error, email=email)
        return page, 400 if error else 200
    grant = {
        "sub": identity_id_for_email(email), "email": email.lower(),
        "name": params.get("name", "").strip() or email.lower(),
        "organization": params.get("institution", "").strip() or None,
        "client_id": params["client_id"], "redirect_uri": params["redirect_uri"],
        "scope": params.get("scope") or "openid email profile",
        "state": params.get("state", "_default"),
        "offline": params.get("access_type") == "offline",
    }
    code = _provider().store.new_code(grant)
    log.info("signed in %s as %s", grant["email"], grant["sub"])
    separator = "&" if "?" in grant["redirect_uri"] else "?"
    query = urlencode({"code": code, "state": grant["state"]})
    return redirect(f"{grant['redirect_uri']}{separator}{query}")


@bp.post("/v2/oauth2/token")
def token():
    """authorization_code and refresh_token grants."""
    provider = _provider()
    if not provider.client_authenticated():
        return _oauth_error("invalid_client", "client authentication failed", 401)
    grant_type = request.form.get("grant_type")
    if grant_type == "authorization_code":
        grant = provider.store.take_code(request.form.get("code", ""))
        if grant is None or grant["redirect_uri"] != request.form.get("redirect_uri"):
            return _oauth_error("invalid_grant", "unknown, used or expired code")
        return provider.token_response(grant, with_refresh=grant["offline"])
    if grant_type == "refresh_token":
        refresh = request.form.get("refresh_token", "")
        record = provider.store.lookup(refresh, kind="refresh")
        if record is None:
            return _oauth_error("invalid_grant", "unknown or revoked refresh token")
        return provider.token_response({**record, "refresh_token": refresh}, with_refresh=True)
    return _oauth_error("unsupported_grant_type", f"grant_type {grant_type!r}")


@bp.get("/favicon.ico")
def favicon() -> Response:
    """No icon, said plainly: browsers ask for one, and a 404 reads as an error in tests."""
    return Response(status=204)


@bp.route("/v2/oauth2/userinfo", methods=["GET", "POST"])
def userinfo() -> Response:
    """OIDC userinfo for a bearer access token."""
    record = _provider().bearer_record()
    return jsonify(sub=record["sub"], email=record["email"], name=record["name"],
                   preferred_username=record["email"], organization=record["organization"],
                   identity_provider_display_name=IDENTITY_PROVIDER_NAME)


@bp.post("/v2/oauth2/token/introspect")
def introspect():
    """Token introspection (client-authenticated)."""
    provider = _provider()
    if not provider.client_authenticated():
        return _oauth_error("invalid_client", "client authentication failed", 401)
    record = provider.store.lookup(request.form.get("token", ""))
    if record is None or record["client_id"] != provider.client_id:
        return jsonify(active=False)
    return jsonify(
        active=True, sub=record["sub"], email=record["email"], username=record["email"],
        name=record["name"], scope=record["scope"], client_id=provider.client_id,
        aud=[provider.client_id], iss=issuer(), token_type="Bearer", iat=int(record["iat"]),
        nbf=int(record["iat"]), exp=int(record["exp"]) if record["exp"] else None,
        identity_set=[record["sub"]],
    )


@bp.post("/v2/oauth2/token/revoke")
def revoke():
    """Revoke an access or refresh token (RFC 7009: unknown tokens are fine)."""
    provider = _provider()
    if not provider.client_authenticated() and request.form.get("client_id") != provider.client_id:
        return _oauth_error("invalid_client", "client authentication failed", 401)
    provider.store.revoke(request.form.get("token", ""))
    return jsonify(active=False)


@bp.get("/v2/web/logout")
def logout() -> str:
    """A signed-out page linking back to `redirect_uri` (labelled `redirect_name`)."""
    target = request.args.get("redirect_uri", "")
    if target and not _redirect_uri_allowed(target):
        target = ""
    return render_template_string(LOGOUT_PAGE, target=target,
                                  target_name=request.args.get("redirect_name") or target)


def create_app(state_dir: Path, client_id: str, client_secret: str) -> Flask:
    """Build the provider's Flask app, its key and tokens kept under `state_dir`."""
    app = Flask(__name__)
    app.extensions["gas_idp"] = Provider(state_dir, client_id, client_secret)
    app.register_blueprint(bp)
    return app


def main(argv: list[str] | None = None) -> int:
    """Serve the provider until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5020)
    parser.add_argument("--state-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    env = os.environ.get("GAS_ENV", "dev")
    client_id = os.environ.get("GLOBUS_CLIENT_ID", "")
    client_secret = os.environ.get("GLOBUS_CLIENT_SECRET", "")
    try:
        if env != "dev":
            raise ValueError(f"the development identity provider never runs with GAS_ENV={env}")
        require_loopback(args.host)
        if not client_id or not client_secret:
            raise ValueError("set GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET (the accepted client)")
    except ValueError as error:
        log.error("%s", error)
        return 2
    app = create_app(args.state_dir.resolve(), client_id, client_secret)
    server = make_server(args.host, args.port, app, threaded=True)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("identity provider listening on http://%s:%d", args.host, server.server_port)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
