"""Sign-in with Globus Auth (/login, /authcallback, /logout) and the signed-in user of a request."""

from __future__ import annotations

import functools
import logging
import re
import secrets
from collections.abc import Callable

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from gas.accounts import Profile
from web import services
from web.bearer import authenticate_api
from web.forms import ConfirmForm
from web.globus_auth import Identity, SignInError, authorize_url, exchange_code, logout_url, revoke
from web.sessions import renew_session

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)
API_PREFIX = "/api/"
MAX_NEXT_CHARS = 2000
# A path on this site, in characters a URL carries as they are: no control characters or spaces
# (browsers drop tab, CR and LF, so "/\t/evil.example" became "//evil.example"), no backslash,
# not "//" (another host). Anything else is refused rather than repaired.
_SAFE_NEXT_RE = re.compile(r"^/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$")


@bp.before_app_request
def load_user() -> None:
    """Who is asking: the session's user with their current profile, or a bearer token's."""
    user = session.get("user")
    g.user, g.profile = None, None
    if user:
        profile = services.accounts().get(user["identity_id"])
        g.profile = profile
        # The profile, not the sign-in, names the user: an edit shows on every page at once.
        g.user = Identity(user["identity_id"], (profile.name if profile else None) or user["name"],
                          (profile.email if profile else None) or user["email"])
    if request.path.startswith(API_PREFIX):
        authenticate_api()


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
    profile = g.get("profile") or services.accounts().get(g.user.identity_id)
    if profile is None:
        profile = services.accounts().upsert_from_login(
            g.user.identity_id, name=g.user.name, email=g.user.email
        )
    return profile


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths may be returned to after sign-in (no open redirect)."""
    if target and len(target) <= MAX_NEXT_CHARS and _SAFE_NEXT_RE.match(target):
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
    session.clear()
    renew_session(session)  # a new id for the signed-in user: a planted cookie stays anonymous
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
    renew_session(session)  # the row is deleted: the old cookie signs nobody in, anywhere
    if tokens:
        revoke(services.settings(), tokens)
    return redirect(logout_url(url_for("home.index", _external=True)))
