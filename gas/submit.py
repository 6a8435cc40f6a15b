"""Job submission: the one path from an uploaded input file to a PENDING job and a job request.

The web app (browser upload and JSON API) and the `gas submit` command both call `submit_job`.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from botocore.exceptions import ClientError

from gas import aws, keys
from gas.config import Settings
from gas.jobs import PENDING, JobStore
from gas.messages import JobRequest, publish

log = logging.getLogger(__name__)
UPLOAD_FORM_EXPIRES_SECONDS = 600
SSE = "AES256"
NOT_UPLOADED = "no uploaded file was found for this job"


class SubmissionError(ValueError):
    """The upload cannot become a job; the message is shown to the user."""


def upload_form(settings: Settings, user_id: str, max_bytes: int, redirect_url: str) -> dict:
    """Presigned POST letting a browser upload one input file straight to S3 under a new job id."""
    job_id = keys.new_job_id()
    key_head = keys.input_key(settings.key_prefix, user_id, job_id, "x")[:-1]
    fields = {"success_action_redirect": redirect_url, "x-amz-server-side-encryption": SSE}
    conditions = [
        ["starts-with", "$key", key_head],
        {"success_action_redirect": redirect_url},
        {"x-amz-server-side-encryption": SSE},
        ["content-length-range", 1, max_bytes],
    ]
    post = aws.client("s3", settings).generate_presigned_post(
        Bucket=settings.inputs_bucket, Key=key_head + "${filename}", Fields=fields,
        Conditions=conditions, ExpiresIn=UPLOAD_FORM_EXPIRES_SECONDS,
    )
    return {"url": post["url"], "fields": post["fields"], "job_id": job_id, "key_head": key_head}


def _object_size(settings: Settings, key: str) -> int:
    """Size of an uploaded input; SubmissionError when there is no such object."""
    try:
        head = aws.client("s3", settings).head_object(Bucket=settings.inputs_bucket, Key=key)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            raise SubmissionError(NOT_UPLOADED) from None
        raise
    return head["ContentLength"]


def _check_size(size: int, max_bytes: int) -> None:
    """Refuse empty and oversize inputs with a message that gives the limit."""
    if size <= 0:
        raise SubmissionError("the uploaded file is empty")
    if size > max_bytes:
        raise SubmissionError(
            f"the file is {size:,} bytes; your plan allows {max_bytes:,} bytes per file"
        )


def _discard(settings: Settings, user_id: str, key: str) -> None:
    """Delete a refused upload: nothing may stay behind. Only a key directly under the user's
    own prefix is deleted (as the upload form makes them): never another user's object."""
    head = keys.user_prefix(settings.key_prefix, user_id)
    if key.startswith(head) and "/" not in key[len(head):] and "\\" not in key \
            and keys.fits_a_key(key):
        aws.client("s3", settings).delete_object(Bucket=settings.inputs_bucket, Key=key)


def submit_job(
    settings: Settings, *, user_id: str, key: str, max_bytes: int, store: JobStore | None = None
) -> dict:
    """Create the job for an uploaded key and request its annotation; safe to call twice."""
    try:
        parsed = keys.parse_input_key(settings.key_prefix, user_id, key)
    except keys.ForgedKeyError:
        _discard(settings, user_id, key)  # e.g. a name too long to be shown: still not kept
        raise
    store = store or JobStore(settings)
    existing = store.get(parsed.job_id)
    if existing and existing.get("user_id") == user_id:
        return _resubmit(settings, existing)
    if existing:
        # Another user's job id: answered exactly as a job id with no upload, so that the
        # answer never tells whether someone else's job exists.
        _discard(settings, user_id, key)
        raise SubmissionError(NOT_UPLOADED)
    size = _object_size(settings, key)
    try:
        _check_size(size, max_bytes)
    except SubmissionError:
        _discard(settings, user_id, key)
        raise
    job = {
        "job_id": parsed.job_id, "user_id": user_id, "input_file_name": parsed.file_name,
        "input_size": size, "s3_inputs_bucket": settings.inputs_bucket,
        "s3_key_input_file": key, "s3_results_bucket": settings.results_bucket,
        "submit_time": int(time.time()), "progress": 0,
    }
    if not store.create(job):  # a concurrent submit of the same upload won the race
        winner = store.get(parsed.job_id) or {}
        if winner.get("user_id") != user_id:
            raise SubmissionError(NOT_UPLOADED)
        return _resubmit(settings, winner)
    publish(settings, JobRequest(job_id=parsed.job_id, user_id=user_id))
    log.info("job %s submitted by %s (%d bytes)", parsed.job_id, user_id, size)
    return store.get(parsed.job_id) or job


def _resubmit(settings: Settings, job: dict) -> dict:
    """A repeated submit returns the user's job; a still-PENDING job's request is sent again."""
    if job.get("job_status") == PENDING:
        publish(settings, JobRequest(job_id=job["job_id"], user_id=job["user_id"]))
    return job


def upload_and_submit(settings: Settings, path: Path, user_id: str, max_bytes: int) -> dict:
    """Upload a local file under a new job id and submit it (the `gas submit` command)."""
    _check_size(path.stat().st_size, max_bytes)
    key = keys.input_key(settings.key_prefix, user_id, keys.new_job_id(), path.name)
    aws.client("s3", settings).upload_file(
        str(path), settings.inputs_bucket, key, ExtraArgs={"ServerSideEncryption": SSE}
    )
    return submit_job(settings, user_id=user_id, key=key, max_bytes=max_bytes)
