"""The development identity provider's core: its key, its tokens and the client it accepts."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
from flask import Response, abort, jsonify, request

from devstack.idp_store import (
    ACCESS_TOKEN_LIFETIME_SECONDS,
    TokenStore,
    key_id,
    load_signing_key,
)

RESOURCE_SERVER = "auth.globus.org"
IDENTITY_PROVIDER_NAME = "GAS development sign-in"


def issuer() -> str:
    """This provider's base URL as the client reached it (the OIDC issuer)."""
    return request.host_url.rstrip("/")


class Provider:
    """The provider's key, issued tokens and the one client it accepts."""

    def __init__(self, state_dir: Path, client_id: str, client_secret: str) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.client_id = client_id
        self._client_secret = client_secret
        self.key = load_signing_key(state_dir)
        self.kid = key_id(self.key)
        self.store = TokenStore(state_dir)

    def client_authenticated(self) -> bool:
        """Check client_secret_basic credentials (form credentials also accepted)."""
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            given = (auth.username, auth.password)
        else:
            given = (request.form.get("client_id"), request.form.get("client_secret"))
        return given == (self.client_id, self._client_secret)

    def bearer_record(self) -> dict:
        """The active access token record named by the Authorization header, else 401."""
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        record = self.store.lookup(token, kind="access") if token else None
        if record is None:
            abort(401)
        return record

    def id_token(self, grant: dict, now: int) -> str:
        """An RS256 ID token for the grant's identity, audience the client."""
        claims = {
            "iss": issuer(), "sub": grant["sub"], "aud": self.client_id,
            "iat": now, "exp": now + 3600, "last_authentication": now,
            "email": grant["email"], "name": grant["name"],
            "preferred_username": grant["email"], "organization": grant["organization"],
            "identity_provider_display_name": IDENTITY_PROVIDER_NAME,
            "identity_set": [{"sub": grant["sub"], "email": grant["email"],
                              "name": grant["name"], "username": grant["email"]}],
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def token_response(self, grant: dict, with_refresh: bool) -> Response:
        """Issue tokens and answer as Globus Auth does."""
        issued = self.store.issue(grant, with_refresh)
        body = {
            "access_token": issued["access_token"], "expires_in": ACCESS_TOKEN_LIFETIME_SECONDS,
            "resource_server": RESOURCE_SERVER, "token_type": "Bearer", "scope": grant["scope"],
            "state": grant.get("state", "_default"), "other_tokens": [],
        }
        if "openid" in grant["scope"].split():
            body["id_token"] = self.id_token(grant, int(time.time()))
        if "refresh_token" in issued:
            body["refresh_token"] = issued["refresh_token"]
        return jsonify(body)
