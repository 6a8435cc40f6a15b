"""`gas submit`, `gas status`, `gas jobs`, `gas download`: jobs as a person or script sees them."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
import time
from pathlib import Path

from gas import aws
from gas.cli.errors import CliError
from gas.cli.lookup import find_user, open_accounts
from gas.cli.tables import table, utc
from gas.config import Settings
from gas.jobs import COMPLETED, FAILED, STATUSES, JobStore, public_view

WAIT_POLL_SECONDS = 0.25
DEFAULT_LIST_LIMIT = 20
RESULT_FILES = {"result": "s3_key_result_file", "log": "s3_key_log_file",
                "summary": "s3_key_summary_file"}


def locations(job: dict) -> dict[str, str] | None:
    """Where a completed job's files are (s3:// URLs), None before it has any."""
    if job["job_status"] != COMPLETED:
        return None
    bucket = job["s3_results_bucket"]
    return {name: f"s3://{bucket}/{job[field]}" for name, field in RESULT_FILES.items()
            if job.get(field)}


def _get(store: JobStore, job_id: str) -> dict:
    """The job row; CliError when there is no such job."""
    job = store.get(job_id)
    if job is None:
        raise CliError(f"no job {job_id}")
    return job


def submit(settings: Settings, args: argparse.Namespace) -> int:
    """Upload a file for a user (created if new) and submit it; print the job as JSON."""
    from gas.submit import SubmissionError, upload_and_submit

    path = Path(args.path)
    if not path.is_file():
        raise CliError(f"{path}: no such file", status=2)
    # AWS first: a stack or account that cannot be reached must leave nothing behind here.
    aws.client("s3", settings).head_bucket(Bucket=settings.inputs_bucket)
    accounts = open_accounts(settings, create=True)
    found = accounts.find_by_email(args.user)
    profile = found[0] if len(found) == 1 else accounts.get_or_create_by_email(args.user)
    try:
        job = upload_and_submit(settings, path, profile.identity_id,
                                accounts.max_upload_bytes(profile, settings))
    except SubmissionError as exc:
        raise CliError(f"{path}: {exc}", status=2) from None
    if args.wait:
        job = _wait(JobStore(settings), job["job_id"], args.timeout)
    print(json.dumps({**public_view(job), "locations": locations(job)}))
    return 0 if job["job_status"] != FAILED else 1


def _wait(store: JobStore, job_id: str, timeout: float) -> dict:
    """Poll the job row until it is COMPLETED or FAILED (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    while True:
        job = _get(store, job_id)
        if job["job_status"] in (COMPLETED, FAILED) or time.monotonic() > deadline:
            return job
        time.sleep(WAIT_POLL_SECONDS)


def status(settings: Settings, args: argparse.Namespace) -> int:
    """Print one job as a JSON line, with where its result files are."""
    job = _get(JobStore(settings), args.job_id)
    print(json.dumps({**public_view(job), "locations": locations(job)}))
    return 0


def list_jobs(settings: Settings, args: argparse.Namespace) -> int:
    """Print jobs newest first: one user's (--user) or everyone's, optionally of one status."""
    if args.limit < 0:
        raise CliError("--limit must be 0 (all) or more", status=2)
    store = JobStore(settings)
    if args.user:
        user = find_user(open_accounts(settings), args.user)
        jobs = store.all_for_user(user.identity_id)
    else:
        jobs = sorted(store.every_job(), key=lambda job: job.get("submit_time", 0), reverse=True)
    matching = [job for job in jobs if not args.status or job["job_status"] == args.status]
    shown = matching[:args.limit] if args.limit else matching
    if args.json:
        for job in shown:
            print(json.dumps({**public_view(job), "user_id": job["user_id"]}))
        return 0
    if not shown:
        print("no jobs")
        return 0
    headers = ["JOB ID", "STATUS", "SUBMITTED", "FILE"]
    rows = [[job["job_id"], job["job_status"], utc(job.get("submit_time")),
             job.get("input_file_name", "")] for job in shown]
    if not args.user:
        headers.insert(3, "USER")
        for row, job in zip(rows, shown, strict=True):
            row.insert(3, job["user_id"])
    print(table(headers, rows))
    if len(shown) < len(matching):
        print(f"({len(shown)} of {len(matching)} jobs; --limit 0 shows all)")
    return 0


def _downloadable(job: dict) -> None:
    """CliError unless the job's result files can be downloaded now."""
    if job["job_status"] != COMPLETED:
        reason = f": {job['failure_reason']}" if job.get("failure_reason") else ""
        raise CliError(f"job {job['job_id']} is {job['job_status']}{reason}; only a completed "
                       "job has results")
    if job.get("results_file_archive_id"):
        if job.get("restore"):
            raise CliError(f"job {job['job_id']}'s result is being restored from the archive "
                           f"({job['restore']['tier']} retrieval); try again later")
        raise CliError(f"job {job['job_id']}'s result is archived (Free plan); it comes back "
                       "when its owner becomes Premium (`gas user role EMAIL premium`)")


def download(settings: Settings, args: argparse.Namespace) -> int:
    """Save a completed job's result file (with --all also its log and summary) into a folder."""
    job = _get(JobStore(settings), args.job_id)
    _downloadable(job)
    folder = Path(args.output)
    if not folder.is_dir():
        raise CliError(f"{folder}: no such folder", status=2)
    names = ("result", "log", "summary") if args.all else ("result",)
    keys = {name: job[RESULT_FILES[name]] for name in names}
    targets = {name: folder / key.rsplit("~", 1)[-1] for name, key in keys.items()}
    existing = [str(path) for path in targets.values() if path.exists()]
    if existing and not args.force:
        raise CliError(f"{', '.join(existing)} exists already (--force replaces it)", status=2)
    _fetch_all(settings, job["s3_results_bucket"], keys, targets)
    for path in targets.values():
        print(path)
    return 0


def _fetch_all(settings: Settings, bucket: str, keys: dict, targets: dict) -> None:
    """Download every key next to its target, then move them all in place (all or nothing)."""
    s3 = aws.client("s3", settings)
    umask = os.umask(0)
    os.umask(umask)  # reading the umask means setting it; put it straight back
    temporary: dict[str, str] = {}
    try:
        for name, key in keys.items():
            handle, temporary[name] = tempfile.mkstemp(dir=targets[name].parent,
                                                       prefix=".gas-download-")
            os.close(handle)
            s3.download_file(bucket, key, temporary[name])
            os.chmod(temporary[name], 0o666 & ~umask)  # as any new file, not mkstemp's 0600
        for name, path in temporary.items():
            os.replace(path, targets[name])
    finally:
        for path in temporary.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


def register(commands: argparse._SubParsersAction) -> None:
    """Add the job commands to `gas`."""
    command = commands.add_parser("submit", help="upload a VCF and submit a job")
    command.add_argument("path")
    command.add_argument("--user", required=True, help="the user's e-mail address")
    command.add_argument("--wait", action="store_true", help="wait until COMPLETED or FAILED")
    command.add_argument("--timeout", type=float, default=600, help="seconds --wait waits")
    command.set_defaults(func=submit)
    command = commands.add_parser("status", help="print a job as JSON, with its result location")
    command.add_argument("job_id")
    command.set_defaults(func=status)
    command = commands.add_parser("jobs", help="list jobs, newest first")
    command.add_argument("--user", help="only this user's (e-mail address or identity id)")
    command.add_argument("--status", choices=STATUSES, help="only jobs in this state")
    command.add_argument("--limit", type=int, default=DEFAULT_LIST_LIMIT,
                         help=f"at most this many (default {DEFAULT_LIST_LIMIT}; 0: all)")
    command.add_argument("--json", action="store_true", help="one JSON object per line")
    command.set_defaults(func=list_jobs)
    command = commands.add_parser("download", help="save a completed job's result file")
    command.add_argument("job_id")
    command.add_argument("-o", "--output", default=".", help="folder to save into (default .)")
    command.add_argument("--all", action="store_true", help="also the count log and summary")
    command.add_argument("--force", action="store_true", help="replace files already there")
    command.set_defaults(func=download)
