"""Upgrade to Premium (role change, then a restore request for archived results) and back.

Each change is two steps: the button shows what will happen to the user's existing results,
and only the confirmation form (with `confirm=yes`) changes the plan.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from gas.accounts import FREE, PREMIUM
from gas.roles import RestoreRequestFailed, change_role
from web import services
from web.auth import current_profile, login_required
from web.forms import ConfirmForm
from web.plan_effects import RESTORE_WAIT, plan_effects

log = logging.getLogger(__name__)
bp = Blueprint("subscribe", __name__)


def _confirm(target: str):
    """The confirmation page of a plan change to `target` (FREE or PREMIUM)."""
    settings = services.settings()
    effects = plan_effects(settings, services.job_store().all_for_user(g.user.identity_id))
    return render_template(
        "plan_confirm.html", target=target, effects=effects, form=ConfirmForm(),
        restore_wait=RESTORE_WAIT, retention=settings.free_user_data_retention,
        premium_limit=settings.premium_user_max_upload_bytes,
        free_limit=settings.free_user_max_upload_bytes,
    )


def _confirmed() -> bool:
    """The posted form is the confirmation step."""
    return request.form.get("confirm") == "yes"


@bp.route("/subscribe", methods=["GET", "POST"])
@login_required
def subscribe():
    """GET shows the offer; POST asks to confirm, then upgrades (idempotent for Premium users)."""
    profile = current_profile()
    form = ConfirmForm()
    if form.validate_on_submit() and not profile.is_premium:
        if not _confirmed():
            return _confirm(PREMIUM)
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
    """Go back to the Free plan after confirming (new results follow the free retention)."""
    if ConfirmForm().validate_on_submit() and current_profile().is_premium:
        if not _confirmed():
            return _confirm(FREE)
        change_role(services.settings(), services.accounts(), g.user.identity_id, FREE)
        flash("You are back on the Free plan.", "info")
    return redirect(url_for("subscribe.subscribe"))
