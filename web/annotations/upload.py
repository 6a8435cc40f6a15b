"""Direct upload to S3 with a presigned POST, and the redirect target that submits the job."""

from __future__ import annotations

import logging

from flask import abort, g, redirect, render_template, request, url_for

from gas.keys import ForgedKeyError
from gas.submit import SubmissionError, submit_job, upload_form
from web import services
from web.annotations import bp
from web.auth import current_profile, login_required
from web.page_cache import forget_job_lists

log = logging.getLogger(__name__)
ASSEMBLY_LABELS = {
    "auto": "Detect from the file (default)",
    "GRCh37": "GRCh37 (hg19)",
    "GRCh38": "GRCh38 (hg38)",
    "NCBI36": "NCBI36 (hg18), lifted to GRCh37",
}


def _max_bytes() -> int:
    """The signed-in user's upload limit."""
    return services.accounts().max_upload_bytes(current_profile(), services.settings())


@bp.get("/annotate")
@login_required
def annotate():
    """A form that sends the file straight to S3 (size checked in the page, then again here)."""
    max_bytes = _max_bytes()
    form = upload_form(services.settings(), g.user.identity_id, max_bytes,
                       url_for("annotations.submit", _external=True))
    return render_template("annotate.html", form=form, max_bytes=max_bytes,
                           profile=current_profile(), assemblies=ASSEMBLY_LABELS.items())


@bp.get("/annotate/job")
@login_required
def submit():
    """S3 sends the browser here after an upload: check the key and size, create the job."""
    settings = services.settings()
    bucket, key = request.args.get("bucket", ""), request.args.get("key", "")
    if bucket != settings.inputs_bucket or not key:
        abort(400, "The upload did not name a GAS input file.")
    try:
        job = submit_job(settings, user_id=g.user.identity_id, key=key, max_bytes=_max_bytes())
    except ForgedKeyError as exc:
        log.warning("refused upload key from %s: %s", g.user.identity_id, exc)
        abort(400, f"This upload cannot be used: {exc}.")
    except SubmissionError as exc:
        abort(400, f"This upload cannot be annotated: {exc}.")
    forget_job_lists(g.user.identity_id)  # the user's next list here shows it
    return redirect(url_for("annotations.job", job_id=job["job_id"]), code=303)
