"""JSON API v1: list, show and submit jobs, upload forms for scripts, runs again (session cookie
or `Authorization: Bearer`, decided in `web.bearer`). `openapi.json` describes every route."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, g, jsonify, request, url_for

from gas.keys import ForgedKeyError, is_display_name
from gas.submit import SubmissionError, rerun, submit, upload_form
from web import services
from web.auth import current_profile, login_required
from web.extensions import csrf
from web.jobviews import api_view, get_job_or_404
from web.openapi import document
from web.page_cache import forget_job_lists, recent_job_list

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer-token clients have no CSRF token; web.bearer checks session POSTs
API_PAGE_SIZE = 100


def _body(required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    """The JSON object body with string members `required` (and `optional`); 400 otherwise."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "Send a JSON object with " + ", ".join(f'"{n}"' for n in required) + ".")
    for name in required:
        if not isinstance(body.get(name), str):
            abort(400, f'Send JSON with "{name}" as a string.')
    for name in optional:
        if name in body and not isinstance(body[name], str):
            abort(400, f'"{name}" must be a string.')
    return body


def _job_response(job: dict, created: bool):
    """201 with a Location for a new job, 200 for one that already existed."""
    response = jsonify(api_view(services.settings(), job, current_profile()))
    response.status_code = 201 if created else 200
    if created:
        forget_job_lists(g.user.identity_id)  # the caller's next list here shows it
        response.headers["Location"] = url_for("api.show_job", job_id=job["job_id"])
    return response


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document of this API (public: it holds no user data)."""
    return jsonify(document())


@bp.get("/jobs")
@login_required
def list_jobs():
    """The caller's jobs, newest first (`next` names the following page)."""
    jobs, next_token = recent_job_list(g.user.identity_id, API_PAGE_SIZE,
                                       request.args.get("page") or None)
    settings, profile = services.settings(), current_profile()
    return jsonify({"jobs": [api_view(settings, job, profile) for job in jobs],
                    "next": next_token})


@bp.get("/jobs/<job_id>")
@login_required
def show_job(job_id: str):
    """One job of the caller's; `?queue=true` adds a PENDING job's queue position (a scan)."""
    return jsonify(api_view(services.settings(), get_job_or_404(job_id, recent=True),
                            current_profile(),
                            detail=request.args.get("queue") == "true"))


@bp.post("/uploads")
@login_required
def create_upload():
    """A presigned upload form for a new job: POST the fields and the file to `url`."""
    body = _body(("file_name",), ("assembly",))
    if not is_display_name(body["file_name"]):
        abort(400, "file_name must be a file name (1–255 characters, no path or control "
                   "characters).")
    settings = services.settings()
    limit = services.accounts().max_upload_bytes(current_profile(), settings)
    try:
        form = upload_form(settings, g.user.identity_id, limit, file_name=body["file_name"],
                           assembly=body.get("assembly", "auto"))
    except SubmissionError as exc:
        abort(400, str(exc))
    return jsonify({"url": form["url"], "fields": form["fields"], "key": form["key"],
                    "job_id": form["job_id"], "max_bytes": limit,
                    "expires_in": form["expires_in"]}), 201


@bp.post("/jobs")
@login_required
def create_job():
    """Submit an uploaded key: `{"key": "...", "assembly": "..."}`; a repeat answers 200."""
    body = _body(("key",), ("assembly",))
    settings = services.settings()
    limit = services.accounts().max_upload_bytes(current_profile(), settings)
    try:
        job, created = submit(settings, user_id=g.user.identity_id, key=body["key"],
                              max_bytes=limit, assembly=body.get("assembly"))
    except (ForgedKeyError, SubmissionError) as exc:
        abort(400, str(exc))
    return _job_response(job, created)


@bp.post("/jobs/<job_id>/rerun")
@login_required
def rerun_job(job_id: str):
    """Run a FAILED job again on the same input with `{"assembly": "..."}`: a new job."""
    body = _body(("assembly",))
    job = get_job_or_404(job_id)
    try:
        fresh, created = rerun(services.settings(), services.job_store(), job, body["assembly"])
    except SubmissionError as exc:
        abort(400, str(exc))
    return _job_response(fresh, created)
