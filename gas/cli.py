"""The operator command `gas`: init, submit, status (also `python -m gas`)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from gas.config import Settings, SettingsError, load_settings
from gas.jobs import COMPLETED, FAILED, JobStore, public_view
from gas.logs import setup_logging

log = logging.getLogger("gas.cli")
WAIT_POLL_SECONDS = 0.25


def _init(settings: Settings, _args: argparse.Namespace) -> int:
    """Create every AWS resource and the accounts schema (idempotent)."""
    from gas.accounts import Accounts
    from gas.resources import ensure_resources

    ensure_resources(settings)
    Accounts(settings.database_url).migrate()
    print(json.dumps({"initialised": settings.name}))
    return 0


def _submit(settings: Settings, args: argparse.Namespace) -> int:
    """Upload a file for a user (created if new) and submit it; print the job as JSON."""
    from gas.accounts import Accounts
    from gas.submit import SubmissionError, upload_and_submit

    path = Path(args.path)
    if not path.is_file():
        print(f"gas: {path}: no such file", file=sys.stderr)
        return 2
    accounts = Accounts(settings.database_url)
    accounts.migrate()
    profile = accounts.get_or_create_by_email(args.user)
    try:
        job = upload_and_submit(settings, path, profile.identity_id,
                                accounts.max_upload_bytes(profile, settings))
    except SubmissionError as exc:
        print(f"gas: {path}: {exc}", file=sys.stderr)
        return 2
    if args.wait:
        job = _wait(JobStore(settings), job["job_id"], args.timeout)
    print(json.dumps(public_view(job)))
    return 0 if job["job_status"] != FAILED else 1


def _wait(store: JobStore, job_id: str, timeout: float) -> dict:
    """Poll the job row until it is COMPLETED or FAILED (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    while True:
        job = store.get(job_id)
        if job["job_status"] in (COMPLETED, FAILED) or time.monotonic() > deadline:
            return job
        time.sleep(WAIT_POLL_SECONDS)


def _status(settings: Settings, args: argparse.Namespace) -> int:
    """Print one job as JSON."""
    job = JobStore(settings).get(args.job_id)
    if job is None:
        print(f"gas: no job {args.job_id}", file=sys.stderr)
        return 1
    print(json.dumps(public_view(job)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line of `gas`."""
    parser = argparse.ArgumentParser(prog="gas", description="GAS operator commands")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create AWS resources and the accounts schema").set_defaults(
        func=_init)
    submit = sub.add_parser("submit", help="upload a VCF and submit a job")
    submit.add_argument("path")
    submit.add_argument("--user", required=True, help="the user's e-mail address")
    submit.add_argument("--wait", action="store_true", help="wait until COMPLETED or FAILED")
    submit.add_argument("--timeout", type=float, default=600, help="seconds --wait waits")
    submit.set_defaults(func=_submit)
    status = sub.add_parser("status", help="print a job as JSON")
    status.add_argument("job_id")
    status.set_defaults(func=_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `gas` console command."""
    args = build_parser().parse_args(argv)
    setup_logging("WARNING")
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"gas: configuration: {exc}", file=sys.stderr)
        return 2
    return args.func(settings, args)
