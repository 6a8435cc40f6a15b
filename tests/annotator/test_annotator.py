"""The annotator end to end: real worker processes, a real emulator, real annotation data."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gas import aws
from gas.jobs import COMPLETED, FAILED, RUNNING, JobStore
from gas.messages import JobRequest, JobResult, encode
from gas.submit import upload_and_submit

from .conftest import REPO, USER, drain, sample_vcf, wait_for_final

pytestmark = pytest.mark.integration
MAX_BYTES = 10**9


def read_result(settings, job, field):
    body = aws.client("s3", settings).get_object(Bucket=job["s3_results_bucket"], Key=job[field])
    return body["Body"].read().decode()


def test_job_is_annotated_and_announced(settings, annotators, known_sites, tmp_path):
    annotators.start()
    vcf = sample_vcf(tmp_path / "course sample.vcf", known_sites, extra=1)
    job = wait_for_final(settings, upload_and_submit(settings, vcf, USER, MAX_BYTES)["job_id"])
    assert job["job_status"] == COMPLETED, job.get("failure_reason")
    records = [r for r in read_result(settings, job, "s3_key_result_file").splitlines()
               if not r.startswith("#")]
    assert len(records) == job["summary"]["total_variants"] == job["progress"]
    ids = {r.split("\t")[2] for r in records}
    assert {site[2] for site in known_sites} <= ids  # every known site got its rsID
    assert job["summary"]["in_dbsnp"] == len(known_sites)
    summary = json.loads(read_result(settings, job, "s3_key_summary_file"))
    assert summary["total_variants"] == len(records)
    assert "dbSNP" in read_result(settings, job, "s3_key_log_file")
    results = drain(settings, "notify")
    assert results == [JobResult(job_id=job["job_id"], user_id=USER, status=COMPLETED,
                                 complete_time=job["complete_time"])]


def test_invalid_vcf_fails_with_the_engines_message(settings, annotators, tmp_path):
    annotators.start()
    bad = tmp_path / "bad.vcf"
    bad.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   "1\tnot-a-number\t.\tA\tG\t.\t.\t.\n")
    job = wait_for_final(settings, upload_and_submit(settings, bad, USER, MAX_BYTES)["job_id"])
    assert job["job_status"] == FAILED
    assert "line 3" in job["failure_reason"].lower() and "POS" in job["failure_reason"]
    assert [m.status for m in drain(settings, "notify")] == [FAILED]
    assert drain(settings, "job_requests") == []  # no retry of a user error


def test_duplicate_requests_complete_the_job_once(settings, annotators, known_sites, tmp_path):
    vcf = sample_vcf(tmp_path / "a.vcf", known_sites[:20])
    job = upload_and_submit(settings, vcf, USER, MAX_BYTES)
    sqs = aws.client("sqs", settings)
    for _ in range(3):  # SQS may deliver a request more than once
        sqs.send_message(QueueUrl=aws.queue_url(settings, "job_requests"),
                         MessageBody=encode(JobRequest(job_id=job["job_id"], user_id=USER)))
    annotators.start(2)
    wait_for_final(settings, job["job_id"])
    time.sleep(3)
    assert len(drain(settings, "notify")) == 1


def test_poison_and_forged_messages_do_not_stop_the_annotator(settings, annotators, known_sites,
                                                              tmp_path):
    sqs = aws.client("sqs", settings)
    url = aws.queue_url(settings, "job_requests")
    sqs.send_message(QueueUrl=url, MessageBody="{poison")
    forged = JobRequest(job_id="0b7d3a52-6a1e-4d7b-9a8e-2f6d4c1b0a99", user_id=USER)
    sqs.send_message(QueueUrl=url, MessageBody=encode(forged))  # no such job
    annotators.start()
    vcf = sample_vcf(tmp_path / "a.vcf", known_sites[:10])
    job = wait_for_final(settings, upload_and_submit(settings, vcf, USER, MAX_BYTES)["job_id"])
    assert job["job_status"] == COMPLETED
    assert drain(settings, "job_requests_dlq", raw=True) == ["{poison"]


def test_two_annotators_complete_every_job_exactly_once(settings, annotators, known_sites,
                                                        tmp_path):
    annotators.start(2)
    vcf = sample_vcf(tmp_path / "a.vcf", known_sites[:40])
    ids = [upload_and_submit(settings, vcf, USER, MAX_BYTES)["job_id"] for _ in range(8)]
    assert all(wait_for_final(settings, i)["job_status"] == COMPLETED for i in ids)
    time.sleep(2)
    assert sorted(m.job_id for m in drain(settings, "notify")) == sorted(ids)


def test_job_of_a_killed_annotator_is_taken_over(settings, annotators, known_sites, tmp_path,
                                                 monkeypatch):
    annotators.env["GAS_ANNOTATOR_LEASE_SECONDS"] = "4"
    annotators.start()
    # ~45k records: with consequences on (the default) the engine takes several seconds on it,
    # so the job is still running when its annotator is killed.
    vcf = sample_vcf(tmp_path / "big.vcf", known_sites, extra=150)
    job_id = upload_and_submit(settings, vcf, USER, MAX_BYTES)["job_id"]
    store = JobStore(settings)
    deadline = time.monotonic() + 30
    while store.get(job_id)["job_status"] != RUNNING:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    annotators.kill(annotators.procs[0])
    killed_at = time.monotonic()
    annotators.start()
    job = wait_for_final(settings, job_id, timeout=120)
    assert job["job_status"] == COMPLETED
    assert time.monotonic() - killed_at < 60


def test_a_job_that_keeps_failing_fails_after_the_retry_budget(settings, gas_env, annotators,
                                                               known_sites, tmp_path):
    # Not a user error and not a missing input (those fail at once, see test_lost_work): the
    # annotator's bundle is missing, an operator's error that a retry might outlast.
    annotators.env["GAS_MAX_RECEIVES"] = "2"
    annotators.env["GAS_ANNOTATION_DATA"] = str(tmp_path / "no-bundle-here")
    vcf = sample_vcf(tmp_path / "a.vcf", known_sites[:5])
    job = upload_and_submit(settings, vcf, USER, MAX_BYTES)
    annotators.start()
    final = wait_for_final(settings, job["job_id"], timeout=60)
    assert final["job_status"] == FAILED
    assert "could not process" in final["failure_reason"]
    assert len(drain(settings, "job_requests_dlq", raw=True)) == 1


def _children(pid: int) -> list[int]:
    """Pids whose parent is `pid` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(after_name[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_second_sigterm_stops_the_annotator_and_its_engine_at_once(settings, annotators,
                                                                   known_sites, tmp_path):
    annotators.start()
    annotator = annotators.procs[0]
    vcf = sample_vcf(tmp_path / "big.vcf", known_sites, extra=1500)
    upload_and_submit(settings, vcf, USER, MAX_BYTES)
    deadline = time.monotonic() + 60
    engines: list[int] = []
    while not engines:  # the engine runs in a child of the annotator's forkserver
        assert time.monotonic() < deadline and annotator.poll() is None, "no engine started"
        engines = [pid for server in _children(annotator.pid) for pid in _children(server)]
        time.sleep(0.05)
    for pid in engines:
        os.kill(pid, signal.SIGSTOP)  # held: the job cannot finish on its own now
    annotator.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    annotator.send_signal(signal.SIGTERM)
    _, err = annotator.communicate(timeout=30)  # a worker that waited for the engine never ends
    assert annotator.returncode == 1, err
    assert "Traceback" not in err, err
    assert not [pid for pid in engines if _alive(pid)]


def test_operators_run_one_job_in_the_foreground(settings, gas_env, bundle_dir, known_sites,
                                                 tmp_path):
    vcf = sample_vcf(tmp_path / "a.vcf", known_sites[:10])
    job_id = upload_and_submit(settings, vcf, USER, MAX_BYTES)["job_id"]
    ran = subprocess.run([sys.executable, "-m", "ann", "run-job", job_id], cwd=REPO,
                         env={**os.environ, "GAS_ANNOTATION_DATA": str(bundle_dir)},
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    printed = json.loads(ran.stdout)
    assert (printed["job_id"], printed["job_status"]) == (job_id, COMPLETED)
    assert JobStore(settings).get(job_id)["summary"]["in_dbsnp"] == 10
    assert [m.job_id for m in drain(settings, "notify")] == [job_id]
