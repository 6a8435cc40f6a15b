"""The fault suite (issue 11 item 2, `make test-faults`): the local stack with real processes
(devstack's supervisor: emulator, identity provider, web under gunicorn, two annotators, the
four util workers), broken on purpose. Each test records a row — fault, tries, outcome, jobs
lost — and the terminal summary prints the table; a lost job fails its test as well."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from devstack.stack import LocalStack
from gas import aws
from gas.config import Settings, load_settings
from gas.jobs import COMPLETED, JobStore
from gas.mailer import MAIL_PATH
from tests.attacks.support import User

REPO = Path(__file__).resolve().parents[2]
INJECT = Path(__file__).parent / "inject"  # sitecustomize.py: botocore hooks, env-activated
STOP_TIMEOUT_SECONDS = 8.0
JOB_TIMEOUT_SECONDS = 150
# Short enough for a test to see the repairs happen: a lease (a dead annotator's job taken
# over), the stalled-job sweep, the crash snapshot and a Free user's archive window.
FAULT_ENV = {"GAS_ANNOTATOR_LEASE_SECONDS": "6", "GAS_STALLED_JOB_SECONDS": "12",
             "GAS_EMULATOR_SNAPSHOT_SECONDS": "2", "GUNICORN_WORKERS": "2",
             "GUNICORN_THREADS": "4", "GAS_MAX_RECEIVES": "5"}
_rows: list[tuple[str, int, str, int]] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every fault test starts real processes and takes a while."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.integration)
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter) -> None:
    """The table: fault, tries, outcome, jobs lost."""
    if not _rows:
        return
    width = max(len(row[0]) for row in _rows)
    told = max(len(row[2]) for row in _rows)
    terminalreporter.write_sep("=", "fault suite")
    terminalreporter.write_line(f"{'fault':<{width}}  tries  {'outcome':<{told}}  jobs lost")
    for fault, tries, outcome, lost in _rows:
        terminalreporter.write_line(f"{fault:<{width}}  {tries:>5}  {outcome:<{told}}  {lost:>9}")
    total = sum(row[3] for row in _rows)
    terminalreporter.write_line(f"{len(_rows)} faults, {total} jobs lost")


def record(fault: str, tries: int, outcome: str, lost: int) -> None:
    """Add a row to the table (before the test's assertions, so a failure shows too)."""
    _rows.append((fault, tries, outcome, lost))


def annotation_data() -> Path:
    """The bundle the annotators need (skip the suite when it is not built)."""
    data = Path(os.environ.get("GAS_ANNOTATION_DATA", REPO / ".cache" / "annotation-data"))
    if not (data / "manifest.json").is_file():
        pytest.skip(f"no annotation bundle at {data}: run `python -m ann build-data` first")
    return data


def stack_environ(name: str, **extra: str) -> dict[str, str]:
    """The environment a fault stack's processes start from."""
    environ = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return {**environ, **FAULT_ENV, "GAS_NAME": f"{name}{uuid.uuid4().hex[:6]}",
            "GAS_ANNOTATION_DATA": str(annotation_data()), "PYTHONPATH": str(INJECT), **extra}


@contextmanager
def running_stack(data_dir: Path, environ: dict[str, str], **options) -> Iterator[LocalStack]:
    """A whole local stack (two annotators) until the block ends."""
    options.setdefault("annotators", 2)
    with LocalStack(data_dir, environ=environ, stop_timeout=STOP_TIMEOUT_SECONDS,
                    snapshot_seconds=float(environ["GAS_EMULATOR_SNAPSHOT_SECONDS"]),
                    **options) as stack:
        from devstack.net import wait_until_up

        wait_until_up(stack.web_url + "/", timeout=60)
        yield stack


def settings_of(stack: LocalStack) -> Settings:
    """The settings the stack's processes read (stack.env)."""
    aws.reset_clients()
    return load_settings({"GAS_DATA_DIR": str(stack.data_dir)})


def signed_in(stack: LocalStack, email: str | None = None) -> User:
    """A user signed in through the identity provider (a Free user)."""
    user = User(stack.web_url, email or f"fault-{uuid.uuid4().hex[:8]}@example.org", "Fault")
    assert user.sign_in().status_code == 302
    return user


def wait_all(store: JobStore, job_ids: list[str], timeout: float = JOB_TIMEOUT_SECONDS,
             states: tuple[str, ...] = (COMPLETED,)) -> dict[str, dict]:
    """Wait until every job is in one of `states`; return the rows then (or at the timeout)."""
    deadline = time.monotonic() + timeout
    rows: dict[str, dict] = {}
    while time.monotonic() < deadline:
        rows = {job_id: store.get(job_id) or {} for job_id in job_ids}
        if all(row.get("job_status") in states for row in rows.values()):
            break
        time.sleep(0.5)
    return rows


def mail_for(settings: Settings, job_id: str) -> list[dict]:
    """The e-mails the emulator's SES accepted that name this job."""
    response = requests.get(f"{settings.aws_endpoint_url}{MAIL_PATH}", timeout=10)
    response.raise_for_status()
    return [m for m in response.json()["messages"] if job_id in m["body"]]


def lost_jobs(settings: Settings, rows: dict[str, dict]) -> list[str]:
    """Jobs not COMPLETED with their input, result and log objects all in S3."""
    s3 = aws.client("s3", settings)
    lost = []
    for job_id, row in rows.items():
        if row.get("job_status") != COMPLETED:
            lost.append(job_id)
            continue
        try:
            s3.head_object(Bucket=row["s3_inputs_bucket"], Key=row["s3_key_input_file"])
            for key in ("s3_key_result_file", "s3_key_log_file"):
                s3.head_object(Bucket=row["s3_results_bucket"], Key=row[key])
        except s3.exceptions.ClientError:
            lost.append(job_id)
    return lost


def calls(path: Path, operation: str) -> list[str]:
    """The successful calls of one operation (inject/sitecustomize.py): `key storage-class`."""
    if not path.is_file():
        return []
    pattern = re.compile(rf"^\d+ {operation} (.*) 2\d\d$")  # RestoreObject answers 202
    return [m.group(1) for line in path.read_text().splitlines() if (m := pattern.match(line))]


def vcf(variants: int) -> bytes:
    """A GRCh37 VCF of `variants` SNVs on chromosome 1 (a course sample has ~1,000)."""
    header = (b"##fileformat=VCFv4.0\n##reference=human_g1k_v37\n"
              b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNA00001\n")
    rows = b"".join(b"1\t%d\t.\tA\tG\t50\tPASS\tDP=10\tGT\t0/1\n" % (10_000 + 7 * n)
                    for n in range(variants))
    return header + rows


def log_lines(stack: LocalStack, text: str) -> list[str]:
    """Lines of the stack's output (DATA_DIR/stack.log) containing `text`."""
    return [line for line in (stack.data_dir / "stack.log").read_text(errors="replace")
            .splitlines() if text in line]


def program_of(stack: LocalStack, text: str) -> str | None:
    """The program (output prefix) that logged the last line containing `text`."""
    found = log_lines(stack, text)
    return found[-1].split("|", 1)[0].strip() if found else None
