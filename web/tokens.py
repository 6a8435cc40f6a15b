"""Personal API tokens on the profile page: create one (shown once), revoke one."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, g, redirect, session, url_for

from gas.api_tokens import MAX_TOKENS_PER_USER, TokenLimitReached
from web.auth import current_profile, login_required
from web.bearer import api_tokens
from web.forms import ConfirmForm, TokenForm

log = logging.getLogger(__name__)
bp = Blueprint("tokens", __name__, url_prefix="/profile/tokens")
NEW_TOKEN_KEY = "new_api_token"  # the session holds a new token only until the profile shows it


def _to_profile():
    """Back to the token list on the profile page."""
    return redirect(url_for("profile.view") + "#tokens", code=303)


@bp.post("")
@login_required
def create():
    """Make a token for the signed-in user; the profile page shows it once."""
    form = TokenForm()
    if not form.validate_on_submit():
        flash("Give the token a name of up to 64 characters.", "danger")
        return _to_profile()
    current_profile()  # tokens belong to a profile row
    try:
        record, secret = api_tokens().create(g.user.identity_id, form.name.data)
    except TokenLimitReached:
        flash(f"You already have {MAX_TOKENS_PER_USER} tokens; revoke one first.", "danger")
        return _to_profile()
    session[NEW_TOKEN_KEY] = {"name": record.name, "token": secret}
    log.info("user %s created API token %s", g.user.identity_id, record.token_id)
    return _to_profile()


@bp.post("/<token_id>/revoke")
@login_required
def revoke(token_id: str):
    """Revoke one of the user's tokens (another user's, or a made-up id, changes nothing)."""
    if ConfirmForm().validate_on_submit():
        record = api_tokens().revoke(g.user.identity_id, token_id)
        if record is None:
            flash("There is no such token in your account.", "warning")
        else:
            log.info("user %s revoked API token %s", g.user.identity_id, token_id)
            flash(f"Token “{record.name}” revoked: it no longer works.", "success")
    else:
        flash("The form has expired. Reload the page and try again.", "danger")
    return _to_profile()
