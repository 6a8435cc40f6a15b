"""restore and thaw: an upgrade brings archived results back, once, on both backends."""

from __future__ import annotations

import dataclasses
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from gas import aws
from gas.accounts import FREE, PREMIUM
from gas.archive import EXPEDITED, STANDARD
from gas.messages import RestoreRequest, ThawRequest, decode
from gas.worker import Retry
from tests.workers.workers_support import (
    BACKENDS,
    RESULT_BYTES,
    counting,
    delivery,
    expedited_refused,
    hooked,
    queue_bodies,
    read_result,
    thaw_until_done,
)
from util import archive, restore, thaw

# Behaviour that reaches the archive backend runs on both; pure row logic on the default one.
both_backends = pytest.mark.parametrize("backend", BACKENDS)
RETRIEVAL_CALL = {"glacier-vault": ("glacier", "glacier.InitiateJob"),
                  "s3-glacier": ("s3", "s3.RestoreObject")}
PUT_BACK_CALLS = {"glacier-vault": ("s3", "s3.PutObject", "s3.CreateMultipartUpload"),
                  "s3-glacier": ("s3", "s3.CopyObject")}


def archived_job(deps, make_user, make_job, role: str = PREMIUM) -> dict:
    """A completed job whose result file the archive worker archived; its owner has `role`."""
    user_id = make_user(deps)
    job = make_job(deps, user_id)
    message = archive.JobResult(job_id=job["job_id"], user_id=user_id, status="COMPLETED",
                                complete_time=job["complete_time"])
    archive.handle(deps, message, delivery(message))
    if role == PREMIUM:
        deps.accounts.set_role(user_id, PREMIUM)
    return deps.store.get(job["job_id"])


def upgrade(deps, user_id: str) -> None:
    """Deliver the restore message the web publishes on /subscribe."""
    message = RestoreRequest(user_id=user_id, requested_at=int(time.time()))
    restore.handle(deps, message, delivery(message))


def retrieval_calls(deps):
    """Count the backend's retrieval-starting calls."""
    service, operation = RETRIEVAL_CALL[deps.settings.archive_backend]
    return counting(aws.client(service, deps.settings), operation), operation


@both_backends
def test_refused_expedited_falls_back_to_standard(deps, make_user, make_job):
    job = archived_job(deps, make_user, make_job)
    with expedited_refused(deps.settings):
        upgrade(deps, job["user_id"])
    assert deps.store.get(job["job_id"])["restore"]["tier"] == STANDARD


@both_backends
def test_a_retrieval_not_finished_returns_the_message_with_a_delay(deps, make_user, make_job):
    job = archived_job(deps, make_user, make_job)
    upgrade(deps, job["user_id"])
    row = deps.store.get(job["job_id"])
    message = ThawRequest(job_id=job["job_id"], user_id=job["user_id"],
                          retrieval=row["restore"]["retrieval"], tier=row["restore"]["tier"],
                          requested_at=row["restore"]["requested_at"])
    s3 = aws.client("s3", deps.settings)

    def still_restoring(parsed: dict, **_kwargs) -> None:
        if parsed.get("StorageClass") == "GLACIER":  # the emulator's S3 restores at once
            parsed["Restore"] = 'ongoing-request="true"'

    with hooked(s3, "after-call.s3.HeadObject", still_restoring), pytest.raises(Retry) as retry:
        thaw.handle(deps, message, delivery(message))
    assert retry.value.delay_seconds == thaw.MIN_POLL_SECONDS
    assert deps.store.get(job["job_id"])["results_file_archive_id"]


@both_backends
def test_duplicate_upgrades_start_one_retrieval(deps, make_user, make_job):
    job = archived_job(deps, make_user, make_job)
    counter, operation = retrieval_calls(deps)
    with counter as calls, ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: _try_upgrade(deps, job["user_id"]), range(3)))
        upgrade(deps, job["user_id"])
    assert calls[operation] == 1


def _try_upgrade(deps, user_id: str) -> None:
    """An upgrade delivery that may find another delivery holding the start claim."""
    try:
        upgrade(deps, user_id)
    except Retry:
        pass


@both_backends
def test_an_upgrade_restores_the_file_once_despite_duplicate_thaws(deps, make_user, make_job):
    job = archived_job(deps, make_user, make_job)
    upgrade(deps, job["user_id"])
    row = deps.store.get(job["job_id"])
    assert row["restore"]["tier"] == EXPEDITED and row["restore_announced_at"]
    service, *operations = PUT_BACK_CALLS[deps.settings.archive_backend]
    # Counted on the result's key: thaw also rebuilds the bgzip copy and index next to it.
    key = job["s3_key_result_file"] if service == "s3" else None
    with counting(aws.client(service, deps.settings), *operations, key=key) as calls, \
            ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: thaw_until_done(deps, job["job_id"]), range(3)))
    assert sum(calls.values()) == 1
    assert read_result(deps.settings, job) == (RESULT_BYTES, "STANDARD")
    row = deps.store.get(job["job_id"])
    assert "results_file_archive_id" not in row and "restore" not in row and row["restored_at"]


@both_backends
def test_an_upgrade_while_archiving_ends_restored(deps, make_user, make_job):
    user_id = make_user(deps)
    job = make_job(deps, user_id)
    backend = archive.backend_for(deps.settings)
    real_archive = backend.archive

    def archive_then_upgrade(row):
        archived = real_archive(row)
        deps.accounts.set_role(user_id, PREMIUM)
        upgrade(deps, user_id)  # the restore worker runs now and finds nothing archived yet
        return archived

    backend.archive = archive_then_upgrade
    archive.archive(deps, deps.store.get(job["job_id"]), backend)
    assert deps.store.get(job["job_id"])["results_file_archive_id"]
    [body] = queue_bodies(deps.settings, "restore", containing=user_id)  # from the archive worker
    request = decode(body)
    restore.handle(deps, request, delivery(request))
    thaw_until_done(deps, job["job_id"])
    assert read_result(deps.settings, job)[0] == RESULT_BYTES


def test_a_user_who_is_free_again_gets_nothing_restored(deps, make_user, make_job, caplog):
    caplog.set_level(logging.INFO)
    job = archived_job(deps, make_user, make_job, role=FREE)
    counter, operation = retrieval_calls(deps)
    with counter as calls:
        upgrade(deps, job["user_id"])
    assert calls[operation] == 0 and "not Premium now" in caplog.text


def test_a_restore_that_died_before_publishing_publishes_again(deps, make_user, make_job):
    job = archived_job(deps, make_user, make_job)
    upgrade(deps, job["user_id"])
    deps.store.update(job["job_id"], remove=("restore_announced_at",))
    counter, operation = retrieval_calls(deps)
    with counter as calls:
        upgrade(deps, job["user_id"])
    assert calls[operation] == 0
    assert deps.store.get(job["job_id"])["restore_announced_at"]


@both_backends
def test_a_lost_retrieval_is_started_again(deps, make_user, make_job):
    job = archived_job(deps, make_user, make_job)
    upgrade(deps, job["user_id"])
    old = deps.store.get(job["job_id"])["restore"]["retrieval"]
    glacier, s3 = aws.client("glacier", deps.settings), aws.client("s3", deps.settings)

    def job_expired(**_kwargs):
        raise glacier.exceptions.ResourceNotFoundException(
            {"Error": {"Code": "ResourceNotFoundException", "Message": "expired"}}, "DescribeJob")

    def restore_expired(parsed: dict, **_kwargs) -> None:
        parsed.pop("Restore", None)

    with hooked(glacier, "before-call.glacier.DescribeJob", job_expired), \
            hooked(s3, "after-call.s3.HeadObject", restore_expired):
        message = ThawRequest(job_id=job["job_id"], user_id=job["user_id"], retrieval=old,
                              tier=EXPEDITED, requested_at=int(time.time()))
        thaw.handle(deps, message, delivery(message))
    row = deps.store.get(job["job_id"])
    assert row["restore"]["retrieval"] != old and row["restore_announced_at"]


def test_deleted_jobs_are_skipped_with_a_log_line(deps, make_user, make_job, caplog):
    caplog.set_level(logging.INFO)
    job = archived_job(deps, make_user, make_job)
    upgrade(deps, job["user_id"])
    restore_record = deps.store.get(job["job_id"])["restore"]
    deps.store._ddb.delete_item(TableName=deps.settings.jobs_table,
                                Key={"job_id": {"S": job["job_id"]}})
    message = ThawRequest(job_id=job["job_id"], user_id=job["user_id"],
                          retrieval=restore_record["retrieval"], tier=restore_record["tier"],
                          requested_at=restore_record["requested_at"])
    thaw.handle(deps, message, delivery(message))
    upgrade(deps, job["user_id"])
    assert "no longer exists" in caplog.text


@both_backends
def test_a_late_archive_message_leaves_a_file_being_thawed_alone(deps, make_user, make_job):
    job = archived_job(deps, make_user, make_job)
    upgrade(deps, job["user_id"])
    row = deps.store.get(job["job_id"])
    backend = archive.backend_for(deps.settings, row["archive_backend"])
    wait_until_retrieved(backend, row)
    backend.finish(row, row["restore"]["retrieval"])  # thaw put the file back; row not cleared
    late = archive.JobResult(job_id=job["job_id"], user_id=job["user_id"], status="COMPLETED",
                             complete_time=job["complete_time"])
    archive.handle(deps, late, delivery(late))
    assert read_result(deps.settings, job) == (RESULT_BYTES, "STANDARD")


def wait_until_retrieved(backend, row: dict) -> None:
    """Poll the backend until the row's retrieval has finished."""
    deadline = time.monotonic() + 20
    while backend.retrieval_status(row, row["restore"]["retrieval"]) != "done":
        assert time.monotonic() < deadline, "retrieval did not finish"
        time.sleep(0.5)


def test_deep_archive_is_restored_at_standard_tier(deps, make_user, make_job):
    deep = dataclasses.replace(
        deps, settings=dataclasses.replace(deps.settings, archive_storage_class="DEEP_ARCHIVE"))
    job = archived_job(deep, make_user, make_job)
    assert aws.client("s3", deps.settings).head_object(
        Bucket=deps.settings.results_bucket, Key=job["s3_key_result_file"]
    )["StorageClass"] == "DEEP_ARCHIVE"
    upgrade(deep, job["user_id"])  # no Expedited tier for DEEP_ARCHIVE: Standard at once
    assert deps.store.get(job["job_id"])["restore"]["tier"] == STANDARD
    thaw_until_done(deep, job["job_id"])
    assert read_result(deps.settings, job) == (RESULT_BYTES, "STANDARD")
