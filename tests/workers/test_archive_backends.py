"""Both archive backends pass the same tests against the emulator."""

from __future__ import annotations

import hashlib
import time

import pytest

from gas import aws
from gas.archive import (
    EXPEDITED,
    RETRIEVAL_DONE,
    RETRIEVAL_PENDING,
    STANDARD,
    CapacityError,
    IntegrityError,
    MissingResult,
    backend_for,
)
from tests.workers.workers_support import (
    BACKENDS,
    RESULT_BYTES,
    expedited_refused,
    head_result,
    read_result,
)

RETRIEVAL_TIMEOUT_SECONDS = 20
pytestmark = pytest.mark.parametrize("backend", BACKENDS)


def archived_job(deps, make_user, make_job) -> tuple[object, dict]:
    """A job whose result file was archived and recorded, and its backend."""
    job = make_job(deps, make_user(deps))
    backend = backend_for(deps.settings)
    archived = backend.archive(job)
    job = deps.store.mark_archived(job["job_id"], backend.name, archived)
    backend.release(job)
    return backend, job


def wait_done(backend, job: dict, retrieval: str) -> None:
    """Poll until the retrieval is done (emulator: ~2 s Expedited, ~5 s Standard)."""
    deadline = time.monotonic() + RETRIEVAL_TIMEOUT_SECONDS
    while backend.retrieval_status(job, retrieval) != RETRIEVAL_DONE:
        assert time.monotonic() < deadline, "retrieval did not finish"
        time.sleep(0.5)


def test_archive_records_size_and_checksum_and_takes_the_file_out_of_reach(
    deps, make_user, make_job
):
    backend, job = archived_job(deps, make_user, make_job)
    assert job["archive_size"] == len(RESULT_BYTES)
    assert job["archive_sha256"] == hashlib.sha256(RESULT_BYTES).hexdigest()
    head = head_result(deps.settings, job)
    if backend.name == "s3-glacier":
        assert job["results_file_archive_id"].startswith("s3:")
        assert head["StorageClass"] == deps.settings.archive_storage_class
    else:
        assert head is None  # the vault holds the only copy


def test_archive_is_idempotent(deps, make_user, make_job):
    job = make_job(deps, make_user(deps))
    backend = backend_for(deps.settings)
    first, second = backend.archive(job), backend.archive(job)
    assert (first.size, first.sha256) == (second.size, second.sha256)


def test_archive_of_a_missing_result_file_says_so(deps, make_user, make_job):
    job = make_job(deps, make_user(deps))
    aws.client("s3", deps.settings).delete_object(
        Bucket=deps.settings.results_bucket, Key=job["s3_key_result_file"])
    with pytest.raises(MissingResult):
        backend_for(deps.settings).archive(job)


def test_retrieval_then_finish_puts_the_same_bytes_back_verified(deps, make_user, make_job):
    backend, job = archived_job(deps, make_user, make_job)
    retrieval = backend.start_retrieval(job, EXPEDITED)
    assert backend.retrieval_status(job, retrieval) in (RETRIEVAL_PENDING, RETRIEVAL_DONE)
    wait_done(backend, job, retrieval)
    tampered = {**job, "archive_sha256": hashlib.sha256(b"something else").hexdigest()}
    with pytest.raises(IntegrityError):
        backend.finish(tampered, retrieval)
    if backend.name == "glacier-vault":
        assert head_result(deps.settings, job) is None  # nothing unverified reached the key
    backend.finish(job, retrieval)
    if backend.name == "s3-glacier":
        # A repeat finds the file back and changes nothing. (The emulator answers a second
        # vault delete_archive with HTTP 500 instead of ResourceNotFoundException.)
        backend.finish(job, retrieval)
    assert read_result(deps.settings, job) == (RESULT_BYTES, "STANDARD")


def test_refused_expedited_raises_capacity_error_and_standard_starts(deps, make_user, make_job):
    backend, job = archived_job(deps, make_user, make_job)
    with expedited_refused(deps.settings):
        with pytest.raises(CapacityError):
            backend.start_retrieval(job, EXPEDITED)
        retrieval = backend.start_retrieval(job, STANDARD)
    # S3 restores at once here.
    assert backend.retrieval_status(job, retrieval) in (RETRIEVAL_PENDING, RETRIEVAL_DONE)
