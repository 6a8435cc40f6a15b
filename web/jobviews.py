"""A job as the signed-in user sees it: ownership check, archive/restore state, download links."""

from __future__ import annotations

from flask import abort, g

from gas import aws, keys
from gas.accounts import Profile
from gas.config import Settings
from gas.jobs import COMPLETED, public_view
from web import services
from web.outlook import outlook
from web.page_cache import recent_owned_job, reused_link

# Download links are short-lived; one is handed out again for LINK_REUSE_SECONDS (60), so each
# still has four minutes to live when given.
PRESIGNED_URL_SECONDS = 300
# What to tell a user waiting for a restore (AWS documented retrieval times).
EXPECTED_WAIT = {
    "Expedited": "about 1–5 minutes",
    "Standard": "about 3–5 hours",
    "Bulk": "about 5–12 hours",
}


def get_job_or_404(job_id: str, recent: bool = False) -> dict:
    """The signed-in user's job; 404 for a malformed id, a missing job or another user's job.

    `recent`: for views that only show it, a finished job's row may be up to a second old
    (`web.page_cache`); what downloads or changes a job reads the row afresh.
    """
    job = None
    if keys.is_job_id(job_id):
        user_id = g.user.identity_id
        job = (recent_owned_job(job_id, user_id) if recent
               else services.job_store().get_owned(job_id, user_id))
    if job is None:
        abort(404, "There is no such annotation job in your account.")
    return job


def is_archived(job: dict) -> bool:
    """True while the result file is in the archive (not downloadable)."""
    return bool(job.get("results_file_archive_id") or job.get("archived"))


def restore_state(job: dict) -> dict | None:
    """Tier, request time and expected wait of a restore in progress."""
    restore = job.get("restore")
    if not restore:
        return None
    tier = restore.get("tier", "Standard")
    return {"tier": tier, "requested_at": restore.get("requested_at"),
            "expected_wait": EXPECTED_WAIT.get(tier, "a few hours")}


def result_available(job: dict) -> bool:
    """The annotated file can be downloaded now."""
    return (job.get("job_status") == COMPLETED and bool(job.get("s3_key_result_file"))
            and not is_archived(job))


def log_available(job: dict) -> bool:
    """The count log exists (it is never archived)."""
    return job.get("job_status") == COMPLETED and bool(job.get("s3_key_log_file"))


def download_name(key: str) -> str:
    """The file name offered to the browser: the key's tail after the job id (already safe)."""
    return keys.download_name(key)


def presigned_get(settings: Settings, bucket: str, key: str, inline: bool = False) -> str:
    """A short-lived GET link that names the file (Content-Disposition), reused for a while."""
    disposition = "inline" if inline else "attachment"
    return reused_link((bucket, key, disposition), lambda: aws.client(
        "s3", settings).generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket, "Key": key,
                "ResponseContentDisposition": f'{disposition}; filename="{download_name(key)}"'},
        ExpiresIn=PRESIGNED_URL_SECONDS,
    ))


def result_url(settings: Settings, job: dict) -> str | None:
    """Link to the annotated VCF, while downloadable."""
    if not result_available(job):
        return None
    return presigned_get(settings, job["s3_results_bucket"], job["s3_key_result_file"])


def log_url(settings: Settings, job: dict) -> str | None:
    """Link to the count log."""
    if not log_available(job):
        return None
    return presigned_get(settings, job["s3_results_bucket"], job["s3_key_log_file"])


def extra_result_url(settings: Settings, job: dict, key_field: str) -> str | None:
    """Link to the bgzip copy or its tabix index, under the same rule as the result file."""
    if not result_available(job) or not job.get(key_field):
        return None
    return presigned_get(settings, job["s3_results_bucket"], job[key_field])


def api_view(settings: Settings, job: dict, profile: Profile | None = None,
             detail: bool = False) -> dict:
    """The JSON API's job object (links only while downloadable); `detail` adds the queue."""
    view = public_view(job)
    view["archived"] = is_archived(job)
    view |= outlook(settings, services.job_store() if detail else None, job, profile)
    for name, url in (("result_url", result_url(settings, job)),
                      ("result_bgzip_url", extra_result_url(settings, job, "s3_key_result_bgzip")),
                      ("result_index_url", extra_result_url(settings, job, "s3_key_result_index")),
                      ("log_url", log_url(settings, job))):
        if url:
            view[name] = url
    return view
