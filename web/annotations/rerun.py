"""Run a failed job again with other options: a new job on the same uploaded input."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for

from gas.submit import SubmissionError, rerun
from web import services
from web.annotations import bp
from web.auth import login_required
from web.forms import ConfirmForm
from web.jobviews import get_job_or_404
from web.page_cache import forget_job_lists


@bp.post("/annotations/<job_id>/rerun")
@login_required
def rerun_job(job_id: str):
    """The failed job page's "Run again" form → the new job's page."""
    job = get_job_or_404(job_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form has expired. Reload the page and try again.")
    try:
        fresh, created = rerun(services.settings(), services.job_store(), job,
                               request.form.get("assembly", ""))
    except SubmissionError as exc:
        abort(400, f"This job cannot be run again: {exc}.")
    if created:
        forget_job_lists(g.user.identity_id)  # the user's next list here shows it
    else:
        flash("This job was already run again with these options.", "info")
    return redirect(url_for("annotations.job", job_id=fresh["job_id"]), code=303)
