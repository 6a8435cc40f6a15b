"""Upgrade to Premium (role change, then a restore request for archived results) and back."""

from __future__ import annotations

import logging
import time

from botocore.exceptions import BotoCoreError, ClientError
from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from gas.accounts import FREE, PREMIUM
from gas.messages import RestoreRequest, publish
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
        profile = services.accounts().set_role(g.user.identity_id, PREMIUM)
        # Ask for the user's archived results back only once the role says premium, so the
        # restore worker never sees a free user.
        try:
            publish(services.settings(),
                    RestoreRequest(user_id=g.user.identity_id, requested_at=int(time.time())))
        except (BotoCoreError, ClientError):
            # Undo, so that pressing Upgrade again also asks for the restores again.
            services.accounts().set_role(g.user.identity_id, FREE)
            log.exception("restore request for %s not published", g.user.identity_id)
            abort(503, "The upgrade could not be completed just now. Please try again.")
        log.info("user %s upgraded to premium", g.user.identity_id)
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
        services.accounts().set_role(g.user.identity_id, FREE)
        log.info("user %s returned to the free plan", g.user.identity_id)
        flash("You are back on the Free plan.", "info")
    return redirect(url_for("subscribe.subscribe"))

