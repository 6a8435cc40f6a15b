"""Who calls the JSON API: `Authorization: Bearer` with a personal GAS token or a Globus access
token, else the browser session, whose writes must then carry the page's CSRF token."""

from __future__ import annotations

import logging

from flask import abort, current_app, g, request
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from gas.api_tokens import ApiTokens, is_gas_token
from web import services
from web.globus_auth import Identity, Introspector, SignInError

log = logging.getLogger(__name__)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _introspector() -> Introspector:
    """One introspector per app (it remembers refused tokens)."""
    if "gas_introspector" not in current_app.extensions:
        current_app.extensions["gas_introspector"] = Introspector(services.settings())
    return current_app.extensions["gas_introspector"]


def api_tokens() -> ApiTokens:
    """The personal-token store of this app's accounts database."""
    if "gas_api_tokens" not in current_app.extensions:
        current_app.extensions["gas_api_tokens"] = ApiTokens(services.accounts())
    return current_app.extensions["gas_api_tokens"]


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer` header."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def token_identity(token: str) -> Identity | None:
    """The identity behind a live token: GAS's own (checked here) or Globus's (introspected)."""
    if is_gas_token(token):
        identity_id = api_tokens().identify(token)
        if identity_id is None:
            return None
        profile = services.accounts().get(identity_id)
        return Identity(identity_id, profile.name if profile else None,
                        profile.email if profile else None)
    try:
        return _introspector().identity(token)
    except SignInError as exc:
        log.warning("bearer token not checked: %s", exc)
        abort(503, "Globus could not be asked about this token just now. Try again shortly.")


def authenticate_api() -> None:
    """For an API request: a bearer token, when sent, decides who the caller is."""
    token = bearer_token()
    if token is not None:
        identity = token_identity(token)
        if identity is None:
            abort(401, "The bearer token is not active (revoked, expired or unknown).")
        g.user, g.profile = identity, None
    elif request.method not in SAFE_METHODS and g.get("user") is not None:
        try:  # a browser session must prove the request came from our pages
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError as exc:
            raise CSRFError(str(exc)) from None
