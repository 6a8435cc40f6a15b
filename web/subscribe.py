"""Upgrade to Premium (role change, then a restore request for archived results) and back."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from gas.accounts import FREE, PREMIUM
from gas.roles import RestoreRequestFailed, change_role
from web import services
from web.auth import current_profile, login_required
from web.forms import ConfirmForm

log = logging.getLogger(__name__)
bp = Blueprint("subscribe", __name__)


@bp.route("/subscribe", methods=["GET", "POST"])
@login_required
def subscribe():
    """GET shows the offer; POST upgrades (idempotent: a premium user is just shown the page)."""
    profile = current_profile()
    form = ConfirmForm()
    if form.validate_on_submit() and not profile.is_premium:
        try:
            profile = change_role(services.settings(), services.accounts(), g.user.identity_id,
                                  PREMIUM)
        except RestoreRequestFailed:
            log.exception("restore request for %s not published", g.user.identity_id)
            abort(503, "The upgrade could not be completed just now. Please try again.")
        flash("You are now a Premium user. Archived results are being restored.", "success")
        return redirect(url_for("subscribe.subscribe"))
    settings = services.settings()
    return render_template(
        "subscribe.html", profile=profile, form=form, downgrade_form=ConfirmForm(),
        premium_limit=settings.premium_user_max_upload_bytes,
        free_limit=settings.free_user_max_upload_bytes,
    )


@bp.post("/unsubscribe")
@login_required
def unsubscribe():
    """Go back to the Free plan (new results follow the free retention rules)."""
    if ConfirmForm().validate_on_submit() and current_profile().is_premium:
        change_role(services.settings(), services.accounts(), g.user.identity_id, FREE)
        flash("You are back on the Free plan.", "info")
    return redirect(url_for("subscribe.subscribe"))

