"""JSON API v1: list, show and submit jobs (session cookie or `Authorization: Bearer`)."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, g, jsonify, request, session
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from gas.keys import ForgedKeyError
from gas.submit import SubmissionError, submit_job
from web import services
from web.auth import current_profile, login_required
from web.extensions import csrf
from web.globus_auth import Identity, Introspector
from web.jobviews import api_view, get_job_or_404

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer-token clients have no CSRF token; session POSTs are checked below
API_PAGE_SIZE = 100


def _introspector() -> Introspector:
    """One introspection cache per app."""
    if "gas_introspector" not in current_app.extensions:
        current_app.extensions["gas_introspector"] = Introspector(services.settings())
    return current_app.extensions["gas_introspector"]


def _bearer_token() -> str | None:
    """The token of an `Authorization: Bearer` header."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


@bp.before_request
def authenticate() -> None:
    """A bearer token, when sent, decides who the caller is (it must be active)."""
    token = _bearer_token()
    if token is not None:
        identity: Identity | None = _introspector().identity(token)
        if identity is None:
            abort(401, "The bearer token is not active.")
        g.user = identity
    elif request.method not in ("GET", "HEAD", "OPTIONS") and session.get("user"):
        try:  # a browser session must prove the request came from our pages
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError as exc:
            raise CSRFError(str(exc)) from None


@bp.get("/jobs")
@login_required
def list_jobs():
    """The caller's jobs, newest first (`next` names the following page)."""
    jobs, next_token = services.job_store().list_for_user(
        g.user.identity_id, API_PAGE_SIZE, request.args.get("page") or None
    )
    settings = services.settings()
    return jsonify({"jobs": [api_view(settings, job) for job in jobs], "next": next_token})


@bp.get("/jobs/<job_id>")
@login_required
def show_job(job_id: str):
    """One job of the caller's."""
    return jsonify(api_view(services.settings(), get_job_or_404(job_id)))


@bp.post("/jobs")
@login_required
def create_job():
    """Submit an uploaded key: `{"key": "..."}` (the same checks as the browser upload)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("key"), str):
        abort(400, 'Send JSON {"key": "<the uploaded input key>"}.')
    settings = services.settings()
    limit = services.accounts().max_upload_bytes(current_profile(), settings)
    try:
        job = submit_job(settings, user_id=g.user.identity_id, key=body["key"], max_bytes=limit)
    except (ForgedKeyError, SubmissionError) as exc:
        abort(400, str(exc))
    return jsonify(api_view(settings, job)), 201
