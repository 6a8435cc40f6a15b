"""Sign-in with Globus Auth (/login, /authcallback, /logout) and the signed-in user of a request."""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from gas.accounts import Profile
from web import services
from web.forms import ConfirmForm
from web.globus_auth import Identity, SignInError, authorize_url, exchange_code, logout_url, revoke

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


@bp.before_app_request
def load_user() -> None:
    """Take the signed-in identity from the session (the API may set it from a bearer token)."""
    user = session.get("user")
    g.user = Identity(**user) if user else None


def login_required(view: Callable) -> Callable:
    """Send anonymous visitors to sign in (the API answers 401 instead)."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            if request.path.startswith("/api/"):
                abort(401, "Sign in, or send an Authorization: Bearer token.")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)

    return wrapped


def current_profile() -> Profile:
    """The signed-in user's profile, created if the accounts database has none yet."""
    profile = services.accounts().get(g.user.identity_id)
    if profile is None:
        profile = services.accounts().upsert_from_login(
            g.user.identity_id, name=g.user.name, email=g.user.email
        )
    return profile


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths may be returned to after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


@bp.get("/login")
def login():
    """Start the authorization-code flow with a fresh `state`."""
    if g.user is not None:
        return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    state = secrets.token_urlsafe(32)
    session["oauth_state"] = state
    session["next"] = _safe_next(request.args.get("next"))
    try:
        url = authorize_url(services.settings(), url_for("auth.callback", _external=True), state)
    except SignInError as exc:
        abort(500, str(exc))
    return redirect(url)


@bp.get("/authcallback")
def callback():
    """Finish sign-in: check state, exchange the code, verify the ID token, upsert the profile."""
    expected = session.pop("oauth_state", None)
    if request.args.get("error"):
        abort(400, f"Sign-in was not completed: {request.args.get('error_description') or ''}")
    given = request.args.get("state", "")
    if not expected or not secrets.compare_digest(given, expected):
        abort(400, "This sign-in link is stale or was not started here. Please sign in again.")
    try:
        identity, tokens = exchange_code(
            services.settings(), url_for("auth.callback", _external=True),
            request.args.get("code", ""),
        )
    except SignInError as exc:
        log.warning("sign-in failed: %s", exc)
        abort(400, str(exc))
    next_page = session.pop("next", None)
    session.clear()  # a new session for the signed-in user
    session["user"] = {"identity_id": identity.identity_id, "name": identity.name,
                       "email": identity.email}
    session["tokens"] = tokens
    profile = services.accounts().upsert_from_login(
        identity.identity_id, name=identity.name, email=identity.email,
        institution=identity.organization,
    )
    if not (profile.name and profile.email and profile.institution):
        flash("Welcome! Please complete your profile.", "info")
        return redirect(url_for("profile.edit"))
    flash(f"Signed in as {profile.name}.", "success")
    return redirect(next_page or url_for("annotations.index"))


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """GET asks to confirm; POST revokes the tokens, clears the session, leaves via Globus."""
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("logout.html", form=form)
    tokens = session.get("tokens", [])
    session.clear()
    if tokens:
        revoke(services.settings(), tokens)
    return redirect(logout_url(url_for("home.index", _external=True)))
