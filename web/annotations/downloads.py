"""Downloads: each click gets a fresh short-lived presigned link (pages may stay open long)."""

from __future__ import annotations

from flask import abort, jsonify, redirect

from web import services
from web.annotations import bp
from web.auth import login_required
from web.jobviews import get_job_or_404, log_url, presigned_get, result_url
from web.results import read_summary


@bp.get("/annotations/<job_id>/input")
@login_required
def download_input(job_id: str):
    """The uploaded input file."""
    job = get_job_or_404(job_id)
    return redirect(presigned_get(services.settings(), job["s3_inputs_bucket"],
                                  job["s3_key_input_file"]))


@bp.get("/annotations/<job_id>/result")
@login_required
def download_result(job_id: str):
    """The annotated VCF, while it is not archived."""
    url = result_url(services.settings(), get_job_or_404(job_id))
    if url is None:
        abort(404, "The result file is not available (not finished, or archived).")
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
