"""Jobs whose input or request was lost (issue 11: nothing stuck PENDING or RUNNING for ever):
a real annotator process, a real emulator; the losses are made by deleting the object or the
message, as a killed emulator's last minutes or an operator would."""

from __future__ import annotations

import time

import pytest

from ann.job_runner import sweep
from gas import aws
from gas.jobs import COMPLETED, FAILED, RUNNING, JobStore
from gas.messages import JobResult
from gas.submit import upload_and_submit

from .conftest import USER, drain, sample_vcf, wait_for_final

pytestmark = pytest.mark.integration
MAX_BYTES = 10**9


def test_a_job_whose_input_is_gone_fails_at_once_with_a_reason(settings, annotators,
                                                               known_sites, tmp_path):
    vcf = sample_vcf(tmp_path / "vanished.vcf", known_sites[:20])
    job = upload_and_submit(settings, vcf, USER, MAX_BYTES)
    aws.client("s3", settings).delete_object(Bucket=job["s3_inputs_bucket"],
                                             Key=job["s3_key_input_file"])
    annotators.start()
    final = wait_for_final(settings, job["job_id"], timeout=30)
    assert final["job_status"] == FAILED
    assert final["failure_reason"] == ("the uploaded file 'vanished.vcf' is no longer in "
                                       "storage; please upload it again")
    assert [m.status for m in drain(settings, "notify")] == [FAILED]  # the user is told
    assert drain(settings, "job_requests") == []  # and it is not retried


def test_the_sweep_requests_a_job_whose_request_was_lost(settings, gas_env, annotators,
                                                         known_sites, tmp_path):
    vcf = sample_vcf(tmp_path / "lost request.vcf", known_sites[:20])
    job = upload_and_submit(settings, vcf, USER, MAX_BYTES)
    assert len(drain(settings, "job_requests")) == 1  # the request is lost; the row stays
    store = JobStore(settings)
    now = time.time()
    assert sweep(settings, store, now) == 0  # a fresh PENDING job is left alone
    later = now + settings.stalled_job_seconds + 1
    assert sweep(settings, store, later) == 1
    assert sweep(settings, store, later) == 0  # once per period, however many annotators
    annotators.start()
    final = wait_for_final(settings, job["job_id"])
    assert final["job_status"] == COMPLETED, final.get("failure_reason")


def test_the_sweep_announces_a_finished_job_and_takes_over_a_dead_run(settings, known_sites,
                                                                       tmp_path):
    store = JobStore(settings)
    vcf = sample_vcf(tmp_path / "stuck.vcf", known_sites[:5])
    finished = upload_and_submit(settings, vcf, USER, MAX_BYTES)
    running = upload_and_submit(settings, vcf, USER, MAX_BYTES)
    drain(settings, "job_requests")
    claimed = store.claim(finished["job_id"], "run-1", 60)
    done = store.complete(finished["job_id"], "run-1", {"progress": 5})  # never published
    assert claimed and done and "result_published_at" not in done
    assert store.claim(running["job_id"], "run-2", 60)  # its annotator and message die here
    later = time.time() + 60 + settings.stalled_job_seconds + 1
    assert sweep(settings, store, later) == 2
    assert drain(settings, "notify") == [JobResult(job_id=finished["job_id"], user_id=USER,
                                                   status=COMPLETED,
                                                   complete_time=done["complete_time"])]
    assert store.get(finished["job_id"])["result_published_at"]
    assert [m.job_id for m in drain(settings, "job_requests")] == [running["job_id"]]
    assert store.get(running["job_id"])["job_status"] == RUNNING  # the request takes it over
    assert {j["job_id"] for j in store.unsettled()} == {running["job_id"]}
