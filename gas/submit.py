"""Job submission: the one path from an uploaded input file to a PENDING job and a job request.

The web app (browser upload and JSON API) and the `gas submit` command both call `submit_job`.
The upload carries the user's options as object metadata (the presigned POST allows exactly
these fields): `display-name` (the file name as the user named it, percent-encoded so S3
metadata stays ASCII; the key keeps only a safe version) and `assembly`.
"""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path
from urllib.parse import quote, unquote

from botocore.exceptions import ClientError

from gas import aws, keys
from gas.config import Settings
from gas.jobs import ASSEMBLIES, AUTO_ASSEMBLY, FAILED, PENDING, JobStore
from gas.messages import JobRequest, publish
from gas.progress import HEAD_BYTES, estimate_records

log = logging.getLogger(__name__)
UPLOAD_FORM_EXPIRES_SECONDS = 600
SSE = "AES256"
NOT_UPLOADED = "no uploaded file was found for this job"
# Upload form fields that become object metadata, with the value a form starts with.
META_FIELDS = {"x-amz-meta-display-name": "", "x-amz-meta-assembly": AUTO_ASSEMBLY}
MAX_DISPLAY_NAME_META_CHARS = 1024  # S3 keeps at most 2 KB of user metadata per object
RERUN_NAMESPACE = uuid.UUID("5c1f3a0e-9d8b-4f63-8f7e-2b1d6c0a9e44")


class SubmissionError(ValueError):
    """The upload cannot become a job; the message is shown to the user."""


def upload_form(
    settings: Settings, user_id: str, max_bytes: int, redirect_url: str | None = None,
    file_name: str | None = None, assembly: str = AUTO_ASSEMBLY,
) -> dict:
    """Presigned POST letting a client upload one input file straight to S3 under a new job id.

    A browser form (`redirect_url`) names the key after the chosen file (`${filename}`, replaced
    in the page by a safe name); a script's form (`file_name`) has the key filled in and S3
    answers 201 instead of redirecting.
    """
    check_assembly(assembly)
    job_id = keys.new_job_id()
    key_head = keys.input_key(settings.key_prefix, user_id, job_id, "x")[:-1]
    fields = {"x-amz-server-side-encryption": SSE, **META_FIELDS,
              "x-amz-meta-assembly": assembly}
    conditions: list = [["starts-with", "$key", key_head], {"x-amz-server-side-encryption": SSE},
                        ["content-length-range", 1, max_bytes]]
    conditions += [["starts-with", f"${name}", ""] for name in META_FIELDS]
    if redirect_url:
        fields["success_action_redirect"] = redirect_url
        conditions.append({"success_action_redirect": redirect_url})
    else:
        fields["success_action_status"] = "201"
        conditions.append({"success_action_status": "201"})
    key = key_head + "${filename}"
    if file_name is not None:
        if len(quote(file_name)) > MAX_DISPLAY_NAME_META_CHARS:
            raise SubmissionError("the file name is too long to keep; shorten it")
        key = keys.input_key(settings.key_prefix, user_id, job_id, file_name)
        fields["x-amz-meta-display-name"] = quote(file_name)
    post = aws.client("s3", settings).generate_presigned_post(
        Bucket=settings.inputs_bucket, Key=key, Fields=fields,
        Conditions=conditions, ExpiresIn=UPLOAD_FORM_EXPIRES_SECONDS,
    )
    return {"url": post["url"], "fields": post["fields"], "job_id": job_id, "key_head": key_head,
            "key": post["fields"]["key"], "expires_in": UPLOAD_FORM_EXPIRES_SECONDS}


def check_assembly(assembly: object) -> str:
    """The assembly option, or SubmissionError naming the choices."""
    if assembly not in ASSEMBLIES:
        raise SubmissionError(f"assembly must be one of {', '.join(ASSEMBLIES)}")
    return str(assembly)


def _display_name(metadata: dict, fallback: str) -> str:
    """The user's own file name from the upload's metadata (the key's safe name otherwise)."""
    try:
        name = unquote(metadata.get("display-name", ""), errors="strict")
    except UnicodeDecodeError:
        return fallback
    name = name.replace("\\", "/").rsplit("/", 1)[-1]  # a browser may send a path
    return name if keys.is_display_name(name) else fallback


def _head(settings: Settings, key: str) -> dict:
    """head_object of an uploaded input; SubmissionError when there is no such object."""
    try:
        return aws.client("s3", settings).head_object(Bucket=settings.inputs_bucket, Key=key)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            raise SubmissionError(NOT_UPLOADED) from None
        raise


def _estimate(settings: Settings, key: str, size: int) -> int | None:
    """Records in the upload, from its first bytes (for the running job's time left)."""
    body = aws.client("s3", settings).get_object(
        Bucket=settings.inputs_bucket, Key=key, Range=f"bytes=0-{HEAD_BYTES - 1}")["Body"]
    try:
        return estimate_records(body.read(HEAD_BYTES), size)
    finally:
        body.close()


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
    settings: Settings, *, user_id: str, key: str, max_bytes: int, store: JobStore | None = None,
    assembly: str | None = None,
) -> dict:
    """Create the job for an uploaded key and request its annotation; safe to call twice."""
    return submit(settings, user_id=user_id, key=key, max_bytes=max_bytes, store=store,
                  assembly=assembly)[0]


def submit(
    settings: Settings, *, user_id: str, key: str, max_bytes: int, store: JobStore | None = None,
    assembly: str | None = None,
) -> tuple[dict, bool]:
    """`submit_job` that also says whether this call created the job (False: it existed).

    `assembly` overrides the upload's own option (the JSON API's body).
    """
    if assembly is not None:
        check_assembly(assembly)
    try:
        parsed = keys.parse_input_key(settings.key_prefix, user_id, key)
    except keys.ForgedKeyError:
        _discard(settings, user_id, key)  # e.g. a name too long to be shown: still not kept
        raise
    store = store or JobStore(settings)
    existing = store.get(parsed.job_id)
    if existing and existing.get("user_id") == user_id:
        return _resubmit(settings, existing), False
    if existing:
        # Another user's job id: answered exactly as a job id with no upload, so that the
        # answer never tells whether someone else's job exists.
        _discard(settings, user_id, key)
        raise SubmissionError(NOT_UPLOADED)
    head = _head(settings, key)
    size, metadata = head["ContentLength"], head.get("Metadata", {})
    try:
        _check_size(size, max_bytes)
        chosen = check_assembly(assembly or metadata.get("assembly") or AUTO_ASSEMBLY)
    except SubmissionError:
        _discard(settings, user_id, key)
        raise
    job = {
        "job_id": parsed.job_id, "user_id": user_id,
        "input_file_name": _display_name(metadata, parsed.file_name),
        "input_size": size, "s3_inputs_bucket": settings.inputs_bucket,
        "s3_key_input_file": key, "s3_results_bucket": settings.results_bucket,
        "submit_time": int(time.time()), "progress": 0, "assembly": chosen,
    }
    estimate = _estimate(settings, key, size)
    if estimate:
        job["estimated_records"] = estimate
    return _create(settings, store, job)


def _create(settings: Settings, store: JobStore, job: dict) -> tuple[dict, bool]:
    """Insert the row and publish its request (a concurrent twin's row is returned instead)."""
    if not store.create(job):  # a concurrent submit of the same upload won the race
        winner = store.get(job["job_id"]) or {}
        if winner.get("user_id") != job["user_id"]:
            raise SubmissionError(NOT_UPLOADED)
        return _resubmit(settings, winner), False
    publish(settings, _request(job))
    log.info("job %s submitted by %s (%d bytes, assembly %s)", job["job_id"], job["user_id"],
             job["input_size"], job["assembly"])
    return store.get(job["job_id"]) or job, True


def _request(job: dict) -> JobRequest:
    """The job request message of a row."""
    return JobRequest(job_id=job["job_id"], user_id=job["user_id"],
                      assembly=job.get("assembly") or AUTO_ASSEMBLY)


def _resubmit(settings: Settings, job: dict) -> dict:
    """A repeated submit returns the user's job; a still-PENDING job's request is sent again."""
    if job.get("job_status") == PENDING:
        publish(settings, _request(job))
    return job


def rerun(settings: Settings, store: JobStore, job: dict, assembly: str) -> tuple[dict, bool]:
    """A new job on a FAILED job's input with other options (the same request twice: one job).

    The new job reads the same uploaded object (nothing is copied or uploaded again); its id
    is derived from the failed job's and the options, so a repeated click finds it.
    """
    check_assembly(assembly)
    if job.get("job_status") != FAILED:
        raise SubmissionError("only a failed job can be run again")
    job_id = str(uuid.uuid5(RERUN_NAMESPACE, f"{job['job_id']}:{assembly}"))
    fresh = {k: job[k] for k in ("user_id", "input_file_name", "input_size", "s3_inputs_bucket",
                                 "s3_key_input_file", "estimated_records") if k in job}
    fresh |= {"job_id": job_id, "s3_results_bucket": settings.results_bucket,
              "submit_time": int(time.time()), "progress": 0, "assembly": assembly,
              "rerun_of": job["job_id"]}
    existing = store.get(job_id)
    if existing:
        if existing.get("user_id") != job["user_id"]:
            raise SubmissionError("this job cannot be run again")
        return _resubmit(settings, existing), False
    return _create(settings, store, fresh)


def upload_and_submit(settings: Settings, path: Path, user_id: str, max_bytes: int,
                      assembly: str | None = None) -> dict:
    """Upload a local file under a new job id and submit it (the `gas submit` command)."""
    _check_size(path.stat().st_size, max_bytes)
    if assembly is not None:
        check_assembly(assembly)
    key = keys.input_key(settings.key_prefix, user_id, keys.new_job_id(), path.name)
    name = quote(path.name)
    metadata = {"display-name": name} if len(name) <= MAX_DISPLAY_NAME_META_CHARS else {}
    aws.client("s3", settings).upload_file(
        str(path), settings.inputs_bucket, key,
        ExtraArgs={"ServerSideEncryption": SSE, "Metadata": metadata},
    )
    return submit_job(settings, user_id=user_id, key=key, max_bytes=max_bytes, assembly=assembly)
