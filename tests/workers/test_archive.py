"""archive: Free users' result files go cold after the window; Premium users' stay."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from gas import aws
from gas.accounts import FREE, PREMIUM
from gas.archive import backend_for
from gas.jobs import FAILED
from gas.messages import JobResult
from gas.worker import Retry
from tests.workers.workers_support import BACKENDS, counting, delivery, head_result
from util import archive


def result_of(job: dict) -> JobResult:
    """The job_results message the annotator publishes for this job."""
    return JobResult(job_id=job["job_id"], user_id=job["user_id"], status=job["job_status"],
                     complete_time=job["complete_time"])


def run_archive(deps, job: dict) -> None:
    """Deliver the job's archive message once."""
    archive.handle(deps, result_of(job), delivery(result_of(job)))


def test_inside_the_window_the_message_comes_back_when_it_closes(deps, make_user, make_job):
    job = make_job(deps, make_user(deps), age=100)
    with pytest.raises(Retry) as retry:
        run_archive(deps, job)
    assert 195 <= retry.value.delay_seconds <= 202  # 300 s window, completed 100 s ago
    assert "results_file_archive_id" not in deps.store.get(job["job_id"])


def test_a_window_longer_than_the_queue_delay_is_waited_out(deps, make_user, make_job):
    day = 86400
    long_window = dataclasses.replace(
        deps, settings=dataclasses.replace(deps.settings, free_user_data_retention=day))
    waiting = make_job(deps, make_user(deps), age=900)
    with pytest.raises(Retry) as retry:
        run_archive(long_window, waiting)
    assert retry.value.delay_seconds == 43200  # SQS visibility maximum; asked again later
    passed = make_job(deps, make_user(deps), age=day + 1)
    run_archive(long_window, passed)
    assert deps.store.get(passed["job_id"])["results_file_archive_id"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_free_users_result_file_is_archived_and_the_log_stays(deps, make_user, make_job):
    job = make_job(deps, make_user(deps, role=FREE))
    run_archive(deps, job)
    row = deps.store.get(job["job_id"])
    assert row["results_file_archive_id"]
    assert row["archive_backend"] == deps.settings.archive_backend
    head = head_result(deps.settings, job)
    assert head is None if deps.settings.archive_backend == "glacier-vault" else (
        head["StorageClass"] == "GLACIER")
    s3 = aws.client("s3", deps.settings)
    for key in (job["s3_key_log_file"], job["s3_key_summary_file"]):
        assert "StorageClass" not in s3.head_object(Bucket=deps.settings.results_bucket, Key=key)


def test_a_premium_user_at_the_end_of_the_window_keeps_the_file(deps, make_user, make_job):
    job = make_job(deps, make_user(deps, role=PREMIUM))
    run_archive(deps, job)
    assert "results_file_archive_id" not in deps.store.get(job["job_id"])
    assert "StorageClass" not in head_result(deps.settings, job)


def test_an_upgrade_inside_the_window_means_never_archived(deps, make_user, make_job):
    user_id = make_user(deps)
    job = make_job(deps, user_id, age=10)
    with pytest.raises(Retry):
        run_archive(deps, job)
    deps.accounts.set_role(user_id, PREMIUM)
    deps.store.update(job["job_id"], {"complete_time": job["complete_time"] - 400})
    run_archive(deps, deps.store.get(job["job_id"]))
    assert "results_file_archive_id" not in deps.store.get(job["job_id"])


def test_back_to_free_later_results_follow_the_free_rules(deps, make_user, make_job):
    user_id = make_user(deps, role=PREMIUM)
    kept = make_job(deps, user_id)
    run_archive(deps, kept)
    deps.accounts.set_role(user_id, FREE)
    later = make_job(deps, user_id)
    run_archive(deps, later)
    assert "results_file_archive_id" not in deps.store.get(kept["job_id"])
    assert deps.store.get(later["job_id"])["results_file_archive_id"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_duplicate_deliveries_archive_once(deps, make_user, make_job):
    job = make_job(deps, make_user(deps))
    client = aws.client("glacier" if deps.settings.archive_backend == "glacier-vault" else "s3",
                        deps.settings)
    operation = ("glacier.UploadArchive" if deps.settings.archive_backend == "glacier-vault"
                 else "s3.CopyObject")
    with counting(client, operation) as calls:
        for _ in range(3):
            run_archive(deps, job)
    assert calls[operation] == 1
    assert deps.store.get(job["job_id"])["results_file_archive_id"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_attempt_that_loses_the_race_discards_its_archive(deps, make_user, make_job):
    job = make_job(deps, make_user(deps))
    backend = backend_for(deps.settings)
    first = backend.archive(job)
    deps.store.mark_archived(job["job_id"], backend.name, first)
    run_archive(deps, job)  # a late duplicate that still saw the job unarchived
    assert deps.store.get(job["job_id"])["results_file_archive_id"] == first.archive_id


def test_failed_deleted_and_restored_jobs_are_skipped_with_a_log_line(
    deps, make_user, make_job, caplog
):
    caplog.set_level(logging.INFO)
    user_id = make_user(deps)
    failed = make_job(deps, user_id, status=FAILED)
    restored = make_job(deps, user_id)
    deps.store.update(restored["job_id"], {"restored_at": 1})
    deleted = make_job(deps, user_id)
    deps.store._ddb.delete_item(TableName=deps.settings.jobs_table,
                                Key={"job_id": {"S": deleted["job_id"]}})
    for job in (failed, restored, deleted):
        run_archive(deps, job)
    for job in (failed, restored):
        assert "results_file_archive_id" not in deps.store.get(job["job_id"])
    assert "only completed results" in caplog.text
    assert "stays in S3" in caplog.text and "no longer exists" in caplog.text
