"""Globus Auth through globus-sdk: the authorization-code flow, ID tokens, introspection, logout.

Locally `GLOBUS_SDK_SERVICE_URL_AUTH` points globus-sdk at the development identity provider, so
the same calls run in tests as in production.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import globus_sdk
import jwt
from globus_sdk.config.environments import get_service_url

from gas.config import Settings

SCOPES = "openid profile email"
AUTH_RESOURCE_SERVER = "auth.globus.org"
REFUSED_CACHE_SECONDS = 60  # inactive tokens are remembered this long (they stay inactive)
REFUSED_CACHE_MAX = 1000


class SignInError(Exception):
    """The provider's answer cannot sign anybody in; the message says why."""


@dataclass(frozen=True)
class Identity:
    """Who signed in, from a verified ID token or a token introspection."""

    identity_id: str
    name: str | None
    email: str | None
    organization: str | None = None


def auth_client(settings: Settings) -> globus_sdk.ConfidentialAppAuthClient:
    """A fresh client (its flow manager is per-request state)."""
    if not settings.globus_client_id or not settings.globus_client_secret:
        raise SignInError("sign-in is not configured (GLOBUS_CLIENT_ID / GLOBUS_CLIENT_SECRET)")
    return globus_sdk.ConfidentialAppAuthClient(
        settings.globus_client_id, settings.globus_client_secret
    )


def authorize_url(settings: Settings, redirect_uri: str, state: str) -> str:
    """Where to send the browser to sign in."""
    client = auth_client(settings)
    client.oauth2_start_flow(redirect_uri, requested_scopes=SCOPES, state=state)
    return client.oauth2_get_authorize_url()


def exchange_code(settings: Settings, redirect_uri: str, code: str) -> tuple[Identity, list[str]]:
    """Trade the code for tokens, verify the ID token; return the identity and tokens to revoke."""
    client = auth_client(settings)
    client.oauth2_start_flow(redirect_uri, requested_scopes=SCOPES)
    try:
        tokens = client.oauth2_exchange_code_for_tokens(code)
        claims = tokens.decode_id_token()  # signature, audience, issuer and expiry checked
    except (globus_sdk.GlobusAPIError, globus_sdk.NetworkError) as exc:
        raise SignInError(f"the sign-in could not be completed ({exc.__class__.__name__})") from exc
    except jwt.PyJWTError as exc:
        raise SignInError("the identity provider's ID token did not verify") from exc
    identity = Identity(claims["sub"], claims.get("name"), claims.get("email"),
                        claims.get("organization"))
    revocable = [data["access_token"] for data in tokens.by_resource_server.values()]
    revocable += [d["refresh_token"] for d in tokens.by_resource_server.values()
                  if d.get("refresh_token")]
    return identity, revocable


def revoke(settings: Settings, tokens: list[str]) -> None:
    """Revoke tokens at logout; a provider that is down must not keep the user signed in here."""
    client = auth_client(settings)
    for token in tokens:
        try:
            client.oauth2_revoke_token(token)
        except (globus_sdk.GlobusAPIError, globus_sdk.NetworkError):
            pass  # the local session is cleared anyway; the token expires on its own


def logout_url(return_to: str) -> str:
    """The provider's logout page, which links back to GAS."""
    base = get_service_url("auth").rstrip("/")
    return f"{base}/v2/web/logout?" + urlencode({"redirect_uri": return_to, "redirect_name": "GAS"})


class Introspector:
    """Bearer-token introspection. Active answers are never cached, so a token revoked at Globus
    fails on its next request; only refusals are remembered (a dead token never comes back), so
    a flood of made-up tokens does not become a flood of calls to Globus."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._refused: dict[str, float] = {}
        self._lock = threading.Lock()

    def identity(self, token: str) -> Identity | None:
        """The identity an active token belongs to, or None for an inactive/unknown token."""
        digest = hashlib.sha256(token.encode()).hexdigest()  # never keep raw tokens around
        now = time.monotonic()
        with self._lock:
            if self._refused.get(digest, 0.0) > now:
                return None
        found = self._introspect(token)
        if found is None:
            with self._lock:
                if len(self._refused) >= REFUSED_CACHE_MAX:
                    self._refused.clear()
                self._refused[digest] = now + REFUSED_CACHE_SECONDS
        return found

    def _introspect(self, token: str) -> Identity | None:
        """Ask the provider about one token; SignInError when it cannot be asked."""
        try:
            data = auth_client(self._settings).oauth2_token_introspect(token)
        except (globus_sdk.GlobusAPIError, globus_sdk.NetworkError) as exc:
            raise SignInError(f"token introspection failed ({exc.__class__.__name__})") from exc
        if not data.get("active") or not data.get("sub"):
            return None
        ours = self._settings.globus_client_id
        if ours != data.get("client_id") and ours not in (data.get("aud") or []):
            return None  # a token for another app is not a GAS token
        return Identity(data["sub"], data.get("name"), data.get("email"))
