"""Downloads: each click gets a fresh short-lived presigned link (pages may stay open long)."""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template

from web import services
from web.annotations import bp
from web.auth import current_profile, login_required
from web.jobviews import (
    extra_result_url,
    get_job_or_404,
    is_archived,
    log_url,
    presigned_get,
    restore_state,
    result_url,
)
from web.plan_effects import RESTORE_WAIT
from web.results import read_summary


@bp.get("/annotations/<job_id>/input")
@login_required
def download_input(job_id: str):
    """The uploaded input file."""
    job = get_job_or_404(job_id)
    return redirect(presigned_get(services.settings(), job["s3_inputs_bucket"],
                                  job["s3_key_input_file"]))


def _archived_page(job: dict):
    """What an archived result's links answer: when it was archived, what upgrading does."""
    return render_template("archived.html", job=job, profile=current_profile(),
                           restore=restore_state(job), restore_wait=RESTORE_WAIT), 410


@bp.get("/annotations/<job_id>/result")
@login_required
def download_result(job_id: str):
    """The annotated VCF; once archived, a page saying when and what upgrading does (410)."""
    job = get_job_or_404(job_id)
    if is_archived(job):
        return _archived_page(job)
    url = result_url(services.settings(), job)
    if url is None:
        abort(404, "The result file is not available (not finished, or archived).")
    return redirect(url)


EXTRA_FILES = {"bgzip": "s3_key_result_bgzip", "tbi": "s3_key_result_index"}


@bp.get("/annotations/<job_id>/result.<what>")
@login_required
def download_extra(job_id: str, what: str):
    """The result bgzip-compressed, or its tabix index (while the result is downloadable)."""
    job = get_job_or_404(job_id)
    if what not in EXTRA_FILES:
        abort(404, "There is no such result file.")
    if is_archived(job):
        return _archived_page(job)
    url = extra_result_url(services.settings(), job, EXTRA_FILES[what])
    if url is None:
        abort(404, "This file is not available (not finished, or made before GAS wrote it).")
    return redirect(url)


@bp.get("/annotations/<job_id>/log.txt")
@login_required
def download_log(job_id: str):
    """The count log as a file."""
    url = log_url(services.settings(), get_job_or_404(job_id))
    if url is None:
        abort(404, "The log file is not available yet.")
    return redirect(url)


@bp.get("/annotations/<job_id>/summary.json")
@login_required
def summary(job_id: str):
    """The summary the charts draw (the job page fetches it when the job completes)."""
    data = read_summary(services.settings(), get_job_or_404(job_id))
    if data is None:
        abort(404, "This job has no summary.")
    return jsonify(data)
