"""JSON API v1: list, show and submit jobs (session cookie or `Authorization: Bearer`, decided
in `web.bearer`)."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, g, jsonify, request

from gas.keys import ForgedKeyError
from gas.submit import SubmissionError, submit_job
from web import services
from web.auth import current_profile, login_required
from web.extensions import csrf
from web.jobviews import api_view, get_job_or_404

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer-token clients have no CSRF token; web.bearer checks session POSTs
API_PAGE_SIZE = 100


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
