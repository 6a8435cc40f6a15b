"""The job runner: claim a job, annotate it under a time limit, record and announce the outcome.

For a job: claim it (PENDING → RUNNING, conditional), download its input, run the engine in a
child process, upload the results, record COMPLETED or FAILED, and publish `job_results`. The
annotator worker (`ann.annotator`) calls `process_job` for every request it receives; operators
run one job by hand with `python -m ann run-job JOB_ID`. Imports run one way: worker → job
runner → engine.
"""

from __future__ import annotations

import argparse
import atexit
import json
import logging
import multiprocessing
import tempfile
import time
import uuid
from pathlib import Path

from botocore.exceptions import ClientError

from gas import aws, keys
from gas.config import Settings, load_settings
from gas.jobs import AUTO_ASSEMBLY, COMPLETED, FAILED, PENDING, RUNNING, JobStore
from gas.logs import job_context, setup_logging
from gas.messages import JobRequest, JobResult, publish
from gas.result_files import compress_and_index
from gas.worker import Retry

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0  # progress shows on the job page about once a second
NOT_FOUND_CODES = ("404", "NoSuchKey", "NotFound")  # S3's answers for a missing object
SUMMARY_FIELDS = ("assembly", "total_variants", "in_dbsnp", "in_dbsnp_pct")
# forkserver: the annotator is threaded (boto3, worker pool); forking it directly could copy
# held locks. The server process is single-threaded and has the engine pre-imported, so each job
# starts in milliseconds.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["ann.engine"])
# Engine children still running. A worker forced to stop (a second SIGTERM) exits without waiting
# for its handler threads, so their engines are stopped on the way out instead of being waited for.
_ENGINES: set = set()


class JobTimeout(Exception):
    """The engine ran past the configured time limit."""


class InvalidJobInput(Exception):
    """The input file is not a valid VCF; the message is for the user."""


class MissingInput(Exception):
    """The job's input object is not in S3 (deleted, or lost with the emulator's last minutes)."""


class LostLease(Exception):
    """Another annotator took this job over (ours stalled past the lease)."""


def _engine_main(input_path, output_path, log_path, summary_path, options, progress, outbox):
    """Child process: run the engine and report success or the error through `outbox`."""
    from ann.engine import InvalidInputError, UnsupportedAssemblyError, annotate_file

    def report(done: int) -> None:
        progress.value = done

    try:
        annotate_file(input_path, output_path, log_path=log_path, summary_path=summary_path,
                      progress=report, **options)
    except (InvalidInputError, UnsupportedAssemblyError) as exc:
        outbox.send(("invalid", str(exc)))
    except Exception as exc:  # the parent decides whether to retry; keep the message
        outbox.send(("error", f"{type(exc).__name__}: {exc}"))
    else:
        outbox.send(("ok", ""))


@atexit.register
def _stop_engines() -> None:
    """Kill engine children left behind by handler threads the exiting process does not wait for."""
    for child in list(_ENGINES):
        if child.is_alive():
            child.kill()
            child.join(timeout=10)


def annotate_with_limit(
    settings: Settings, files: dict[str, Path], on_progress, time_limit: int,
    input_name: str | None = None, assembly: str | None = None,
) -> None:
    """Run the engine in a child process, calling on_progress(done) about once a second.

    `input_name` (the user's file name) stands for the temporary input path in the outputs;
    `assembly` is the job's choice (None or "auto": detected from the header).
    """
    progress = _CONTEXT.Value("q", 0)
    inbox, outbox = _CONTEXT.Pipe(duplex=False)
    options = {"processes": settings.annotator_processes, "data_dir": settings.annotation_data,
               "input_name": input_name,
               "assembly": None if assembly in (None, AUTO_ASSEMBLY) else assembly}
    child = _CONTEXT.Process(
        target=_engine_main, name="engine",
        args=(str(files["input"]), str(files["result"]), str(files["log"]),
              str(files["summary"]), options, progress, outbox),
    )
    child.start()
    _ENGINES.add(child)
    outbox.close()
    deadline = time.monotonic() + time_limit
    outcome, detail = "error", "interrupted"
    try:
        while not inbox.poll(HEARTBEAT_SECONDS):
            on_progress(progress.value)
            if time.monotonic() > deadline:
                raise JobTimeout(f"annotation took longer than the {time_limit} s limit")
            if not child.is_alive() and not inbox.poll(0):
                raise RuntimeError(f"the engine process died (exit code {child.exitcode})")
        outcome, detail = inbox.recv()
    finally:
        # After a reply the child is exiting; otherwise (timeout, lost lease) stop it now.
        child.join(timeout=10 if outcome != "error" or detail != "interrupted" else 0)
        if child.is_alive():
            child.kill()
            child.join()
        _ENGINES.discard(child)
    if outcome == "invalid":
        raise InvalidJobInput(detail)
    if outcome != "ok":
        raise RuntimeError(detail)
    on_progress(progress.value)


def _download_input(s3, job: dict, path: Path) -> None:
    """Fetch the job's input; MissingInput if S3 says it is not there (no retry brings it back)."""
    try:
        s3.download_file(job["s3_inputs_bucket"], job["s3_key_input_file"], str(path))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in NOT_FOUND_CODES:
            raise
        raise MissingInput(f"the uploaded file {job['input_file_name']!r} is no longer in "
                           "storage; please upload it again") from None


def run_job(settings: Settings, store: JobStore, job: dict, run_id: str) -> dict:
    """Annotate a claimed job; return the details to store when it completes."""
    s3 = aws.client("s3", settings)
    result_keys = keys.result_keys(
        settings.key_prefix, job["user_id"], job["job_id"], job["input_file_name"]
    )
    with tempfile.TemporaryDirectory(prefix="gas-job-") as tmp:
        work = Path(tmp)
        files = {"input": work / "input.vcf", "result": work / "result.annot.vcf",
                 "log": work / "result.vcf.count.log", "summary": work / "result.summary.json"}
        _download_input(s3, job, files["input"])

        def on_progress(done: int) -> None:
            if not store.heartbeat(job["job_id"], run_id, done, settings.annotator_lease_seconds):
                raise LostLease("the job was taken over by another annotator")

        annotate_with_limit(settings, files, on_progress, settings.annotator_time_limit,
                            input_name=job["input_file_name"], assembly=job.get("assembly"))
        uploads = [("result", "s3_key_result_file", "text/plain"),
                   ("log", "s3_key_log_file", "text/plain"),
                   ("summary", "s3_key_summary_file", "application/json")]
        files["bgzip"], files["index"] = compress_and_index(files["result"])
        uploads.append(("bgzip", "s3_key_result_bgzip", "application/gzip"))
        if files["index"] is None:
            del result_keys["s3_key_result_index"]
        else:
            uploads.append(("index", "s3_key_result_index", "application/octet-stream"))
        for name, key_field, content_type in uploads:
            s3.upload_file(
                str(files[name]), settings.results_bucket, result_keys[key_field],
                ExtraArgs={"ServerSideEncryption": "AES256", "ContentType": content_type},
            )
        summary = json.loads(files["summary"].read_text())
    return {
        **result_keys,
        "s3_results_bucket": settings.results_bucket,
        "summary": {k: summary[k] for k in SUMMARY_FIELDS if k in summary},
        "progress": summary.get("total_variants", 0),
    }


def publish_result(settings: Settings, store: JobStore, job: dict) -> None:
    """Announce a job's final state on job_results and record that it went out."""
    publish(settings, JobResult(job_id=job["job_id"], user_id=job["user_id"],
                                status=job["job_status"], complete_time=int(job["complete_time"])))
    store.mark_published(job["job_id"])
    log.info("job %s %s; result published", job["job_id"], job["job_status"])


def process_job(settings: Settings, store: JobStore, job_id: str, user_id: str | None = None):
    """Annotate one job unless it is finished or held by a live annotator; return its row."""
    job = store.get(job_id)
    if job is None:
        log.warning("job %s does not exist; request skipped", job_id)
        return None
    if user_id is not None and job["user_id"] != user_id:
        log.warning("request names user %s who does not own job %s; skipped", user_id, job_id)
        return None
    if job["job_status"] in (COMPLETED, FAILED):
        if "result_published_at" in job:
            log.info("job %s is already %s; duplicate request skipped", job_id, job["job_status"])
        else:  # the last attempt recorded the state but died before publishing
            publish_result(settings, store, job)
        return job
    run_id = str(uuid.uuid4())
    claimed = store.claim(job_id, run_id, settings.annotator_lease_seconds)
    if claimed is None:
        current = store.get(job_id) or {}
        wait = int(current.get("lease_until", time.time())) - int(time.time()) + 1
        raise Retry(max(wait, 1), "job is running on another annotator")
    log.info("job %s claimed (%s, %d bytes)", job_id, job["input_file_name"], job["input_size"])
    final = _run_claimed(settings, store, claimed, run_id)
    if final is None:
        log.warning("job %s changed hands before its outcome was recorded", job_id)
        return store.get(job_id)
    publish_result(settings, store, final)
    return final


def _run_claimed(settings: Settings, store: JobStore, job: dict, run_id: str) -> dict | None:
    """Run a claimed job and record its outcome; transient errors release it and propagate."""
    try:
        details = run_job(settings, store, job, run_id)
    except (InvalidJobInput, JobTimeout, MissingInput) as exc:
        log.info("job %s failed: %s", job["job_id"], exc)
        return store.fail(job["job_id"], str(exc), run_id)
    except LostLease:
        return None
    except Exception:
        store.release(job["job_id"], run_id)
        raise
    return store.complete(job["job_id"], run_id, details)


def sweep(settings: Settings, store: JobStore, now: float | None = None) -> int:
    """Request again every job stalled past `stalled_job_seconds`; return how many.

    What it repairs: a job request lost (the emulator killed after the row was written, a
    message dead-lettered by hand), a RUNNING job whose annotator and message are both gone,
    and a finished job whose result was never announced. A request for a job that is fine is
    harmless: claims are conditional and finished jobs are skipped.
    """
    now = time.time() if now is None else now
    stale = now - settings.stalled_job_seconds
    count = 0
    for job in store.unsettled():
        status, job_id = job["job_status"], job["job_id"]
        if status == PENDING:
            stalled = job.get("submit_time", now) < stale
        elif status == RUNNING:
            stalled = job.get("lease_until", now) < stale
        else:
            stalled = job.get("complete_time", now) < stale
        if not stalled or store.mark_swept(job_id, int(now), int(stale)) is None:
            continue
        with job_context(job_id):
            if status in (PENDING, RUNNING):
                log.warning("job %s %s since %s with no progress: requesting it again",
                            job_id, status, time.ctime(job.get("submit_time", 0)))
                publish(settings, JobRequest(job_id=job_id, user_id=job["user_id"]))
            else:
                log.warning("job %s %s but never announced: publishing its result", job_id,
                            status)
                publish_result(settings, store, job)
        count += 1
    return count


def give_up(settings: Settings, store: JobStore, job_id: str, reason: str) -> None:
    """Mark a job FAILED after its retry budget and announce it."""
    job = store.fail(job_id, f"GAS could not process this file: {reason}")
    if job:
        publish_result(settings, store, job)


def main(argv: list[str] | None = None) -> int:
    """Run one job by id in the foreground: `python -m ann run-job JOB_ID`."""
    parser = argparse.ArgumentParser(prog="python -m ann run-job", description=main.__doc__)
    parser.add_argument("job_id")
    args = parser.parse_args(argv)
    settings = load_settings()
    setup_logging(settings.log_level)
    with job_context(args.job_id):
        job = process_job(settings, JobStore(settings), args.job_id)
    print(json.dumps(job, default=str))
    return 0 if job and job.get("job_status") == COMPLETED else 1
