"""The user's job list, a job's page (status, results, charts, preview) and its log."""

from __future__ import annotations

import re
import time

from flask import Response, abort, g, render_template, request, stream_with_context

from gas.jobs import COMPLETED
from web import services
from web.annotations import bp
from web.annotations.upload import ASSEMBLY_LABELS
from web.auth import current_profile, login_required
from web.forms import ConfirmForm
from web.jobviews import (
    download_name,
    get_job_or_404,
    is_archived,
    log_available,
    restore_state,
    result_available,
)
from web.outlook import outlook
from web.page_cache import recent_job_list
from web.preview import MAX_SCANNED_VARIANTS, PAGE_SIZE, PreviewPage, VariantFilter
from web.results import ResultMissing, export_tsv, preview, read_log, read_summary

JOBS_PER_PAGE = 20
FILTERS = ("gene", "region", "rsid", "consequence", "impact")
MAX_FILTER_CHARS = 100
MAX_PREVIEW_PAGE = MAX_SCANNED_VARIANTS // PAGE_SIZE  # beyond this, download the file


@bp.get("/annotations")
@login_required
def index():
    """The user's jobs, newest first, a page at a time."""
    jobs, next_token = recent_job_list(g.user.identity_id, JOBS_PER_PAGE,
                                       request.args.get("page") or None)
    return render_template("annotations.html", jobs=jobs, next_token=next_token,
                           first_page=not request.args.get("page"))


def requested_filter() -> VariantFilter:
    """The preview filters of the query string (each cut to MAX_FILTER_CHARS)."""
    return VariantFilter(**{k: request.args.get(k, "").strip()[:MAX_FILTER_CHARS]
                            for k in FILTERS})


def _preview(job: dict) -> tuple[VariantFilter, PreviewPage | None]:
    """The filtered preview page asked for in the query string (None when not readable)."""
    wanted = requested_filter()
    page = request.args.get("p", "1")
    if not re.fullmatch(r"[0-9]{1,9}", page) or not 1 <= int(page) <= MAX_PREVIEW_PAGE:
        abort(400, "The preview page number is not valid.")
    if not result_available(job):
        return wanted, None
    try:
        return wanted, preview(services.settings(), job, wanted, int(page))
    except ResultMissing:
        return wanted, None


@bp.get("/annotations/<job_id>")
@login_required
def job(job_id: str):
    """Status (refreshed in the page by job.js), downloads, charts and a preview of the result."""
    row = get_job_or_404(job_id, recent=True)
    wanted, page = _preview(row)
    settings, profile = services.settings(), current_profile()
    return render_template(
        "annotation.html", job=row, profile=profile,
        archived=is_archived(row), restore=restore_state(row),
        summary=read_summary(settings, row) if row.get("job_status") == COMPLETED else None,
        wanted=wanted, preview=page, max_scanned=MAX_SCANNED_VARIANTS,
        outlook=outlook(settings, services.job_store(), row, profile),
        rerun_form=ConfirmForm(), assemblies=ASSEMBLY_LABELS, now=int(time.time()),
    )


@bp.get("/annotations/<job_id>/variants.tsv")
@login_required
def export(job_id: str):
    """The filtered variants as TSV (all of them: streamed, not limited to the preview)."""
    job = get_job_or_404(job_id)
    if not result_available(job):
        abort(404, "The result file is not available (not finished, or archived).")
    try:
        body = export_tsv(services.settings(), job, requested_filter())
    except ResultMissing:
        abort(404, "The result file is missing.")
    name = download_name(job["s3_key_result_file"]).removesuffix(".vcf") + ".variants.tsv"
    return Response(stream_with_context(body), mimetype="text/tab-separated-values",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/annotations/<job_id>/log")
@login_required
def log(job_id: str):
    """The count log's text."""
    job = get_job_or_404(job_id, recent=True)
    if not log_available(job):
        abort(404, "This job has no log yet.")
    try:
        text, truncated = read_log(services.settings(), job)
    except ResultMissing:
        abort(404, "The log file is missing.")
    return render_template("log.html", job=job, text=text, truncated=truncated)
