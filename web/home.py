"""The home page and the favicon."""

from flask import Blueprint, current_app, g, render_template, send_from_directory

from web import services
from web.auth import current_profile

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """What GAS does, and the plan limits."""
    profile = current_profile() if g.user else None
    settings = services.settings()
    return render_template(
        "home.html", profile=profile,
        free_limit=settings.free_user_max_upload_bytes,
        premium_limit=settings.premium_user_max_upload_bytes,
        retention=settings.free_user_data_retention,
    )


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for it at the root."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon")
