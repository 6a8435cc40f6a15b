"""Fixtures for the util workers: deps on the emulator (each archive backend), users, jobs.

The tests share one deployment per session: each makes its own users and jobs (and reads
queues only for messages naming them), so they stay independent, and ~1-2 s of resource set-up
per test is saved.
"""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gas import aws, keys
from gas.accounts import FREE, PREMIUM, Accounts
from gas.config import Settings, load_settings
from gas.jobs import COMPLETED, FAILED
from gas.resources import ensure_resources
from tests.workers.workers_support import RESULT_BYTES
from util import Deps


def deployment_env(endpoint: str, data_dir: Path) -> dict[str, str]:
    """Environment of a GAS deployment with its own resource names on the emulator."""
    return {
        "GAS_ENV": "dev", "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "GAS_NAME": f"w{uuid.uuid4().hex[:10]}", "GAS_DATA_DIR": str(data_dir / "gasdata"),
        "SECRET_KEY": "test-secret", "DATABASE_URL": f"sqlite:///{data_dir / 'accounts.db'}",
        "FREE_USER_DATA_RETENTION": "300", "GAS_BASE_URL": "http://gas.test",
    }


@pytest.fixture(scope="session")
def shared_env(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One deployment, created once, that handler tests share."""
    env = deployment_env(moto_endpoint, tmp_path_factory.mktemp("workers"))
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        aws.reset_clients()
        # The vault exists only where the vault backend is configured; both are tested here.
        ensure_resources(dataclasses.replace(load_settings(env), archive_backend="glacier-vault"))
        accounts = Accounts(env["DATABASE_URL"])
        accounts.migrate()
        accounts.dispose()
    return env


@pytest.fixture
def backend() -> str:
    """The archive backend under test (parametrize `backend` to run both)."""
    return "s3-glacier"


def _deps(settings: Settings) -> Iterator[Deps]:
    """Deps on these settings, with the accounts schema in place."""
    built = Deps.build(settings)
    built.accounts.migrate()
    yield built
    built.accounts.dispose()


@pytest.fixture
def deps(shared_env: dict, backend: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deps]:
    """Worker dependencies on the shared deployment, with `backend` as the archive backend."""
    for key, value in shared_env.items():
        monkeypatch.setenv(key, value)
    aws.reset_clients()
    settings = dataclasses.replace(load_settings(os.environ), archive_backend=backend)
    yield from _deps(settings)


@pytest.fixture
def make_user() -> Callable[..., str]:
    """Create a user with a role in `deps`; returns the identity id (mail: id@example.org)."""

    def make(deps: Deps, role: str = FREE, name: str = "Ada Lovelace") -> str:
        user_id = str(uuid.uuid4())
        deps.accounts.upsert_from_login(user_id, name=name, email=f"{user_id}@example.org")
        if role == PREMIUM:
            deps.accounts.set_role(user_id, PREMIUM)
        return user_id

    return make


@pytest.fixture
def make_job() -> Callable[..., dict]:
    """Create a finished job row with its result, log and summary files in S3."""

    def make(deps: Deps, user_id: str, status: str = COMPLETED, age: int = 3600,
             content: bytes = RESULT_BYTES) -> dict:
        settings = deps.settings
        job_id = keys.new_job_id()
        result_keys = keys.result_keys(settings.key_prefix, user_id, job_id, "sample.vcf")
        s3 = aws.client("s3", settings)
        for name, key in result_keys.items():
            body = content if name == "s3_key_result_file" else f"{name}\n".encode()
            s3.put_object(Bucket=settings.results_bucket, Key=key, Body=body)
        now = int(time.time())
        deps.store.create({
            "job_id": job_id, "user_id": user_id, "input_file_name": "sample.vcf",
            "s3_inputs_bucket": settings.inputs_bucket,
            "s3_key_input_file": keys.input_key(settings.key_prefix, user_id, job_id, "sample.vcf"),
            "s3_results_bucket": settings.results_bucket, "submit_time": now - age - 60,
        })
        values = {"job_status": status, "complete_time": now - age, **result_keys}
        if status == FAILED:
            values["failure_reason"] = "line 3: not a VCF record"
        return deps.store.update(job_id, values)

    return make
