"""Fixtures for the `gas` command: a deployment on the emulator with accounts, users, jobs."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import pytest

from gas import aws, keys
from gas.accounts import Accounts
from gas.cli import main
from gas.jobs import COMPLETED, JobStore

RESULT = (b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
          b"1\t5\t.\tA\tG\t.\t.\tGENE=X\n")


@pytest.fixture
def accounts(settings) -> Iterator[Accounts]:
    """The deployment's accounts database, migrated (what `gas init` leaves)."""
    made = Accounts(settings.database_url)
    made.migrate()
    yield made
    made.dispose()


@pytest.fixture
def gas(capsys) -> Callable[..., tuple[int, str, str]]:
    """Run `gas ARGS` in this process; (exit status, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def make_user(accounts) -> Callable[..., str]:
    """A signed-in user (a Globus-style identity id); returns the identity id."""

    def make(email: str | None = None) -> str:
        identity_id = str(uuid.uuid4())
        accounts.upsert_from_login(identity_id, name="Ada", email=email or f"{identity_id}@x.org")
        return identity_id

    return make


@pytest.fixture
def make_job(settings) -> Callable[..., dict]:
    """A job row as the job runner leaves it, with its result files in S3 when COMPLETED."""

    def make(user_id: str, status: str = COMPLETED, file_name: str = "my sample.vcf",
             submitted: int | None = None, **extra) -> dict:
        job_id = keys.new_job_id()
        store = JobStore(settings)
        store.create({
            "job_id": job_id, "user_id": user_id, "input_file_name": file_name,
            "s3_inputs_bucket": settings.inputs_bucket,
            "s3_results_bucket": settings.results_bucket,
            "s3_key_input_file": keys.input_key(settings.key_prefix, user_id, job_id, file_name),
            "submit_time": submitted or int(time.time()),
        })
        values = {"job_status": status, **extra}
        if status == COMPLETED:
            result_keys = keys.result_keys(settings.key_prefix, user_id, job_id, file_name)
            for field, key in result_keys.items():
                body = RESULT if field == "s3_key_result_file" else f"{field}\n".encode()
                aws.client("s3", settings).put_object(Bucket=settings.results_bucket, Key=key,
                                                      Body=body)
            values |= {**result_keys, "complete_time": int(time.time())}
        return store.update(job_id, values)

    return make
