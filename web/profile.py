"""The user's profile: view and edit (first sign-in lands on edit when details are missing)."""

from flask import Blueprint, flash, g, redirect, render_template, session, url_for

from web import services
from web.auth import current_profile, login_required
from web.bearer import api_tokens
from web.forms import ConfirmForm, ProfileForm, TokenForm
from web.tokens import NEW_TOKEN_KEY

bp = Blueprint("profile", __name__, url_prefix="/profile")


@bp.get("")
@login_required
def view():
    """Show the profile, plan and personal API tokens (a new one once, right after creation)."""
    profile = current_profile()
    limit = services.accounts().max_upload_bytes(profile, services.settings())
    return render_template(
        "profile.html", profile=profile, upload_limit=limit,
        tokens=api_tokens().list_for(g.user.identity_id),
        new_token=session.pop(NEW_TOKEN_KEY, None),
        token_form=TokenForm(), revoke_form=ConfirmForm(),
    )


@bp.route("/edit", methods=["GET", "POST"])
@login_required
def edit():
    """Edit name, e-mail and institution."""
    profile = current_profile()
    form = ProfileForm(obj=profile)
    if form.validate_on_submit():
        services.accounts().update(
            g.user.identity_id, name=form.name.data.strip(), email=form.email.data.strip(),
            institution=form.institution.data.strip(),
        )
        flash("Profile saved.", "success")
        return redirect(url_for("profile.view"))
    return render_template("profile_edit.html", form=form, profile=profile)
