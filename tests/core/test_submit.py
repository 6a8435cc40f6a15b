"""Submission: the one path from an uploaded key to a PENDING job and one job request."""

import pytest

from gas import aws
from gas.jobs import JobStore
from gas.keys import ForgedKeyError, input_key, new_job_id
from gas.messages import JobRequest, decode
from gas.submit import SubmissionError, submit_job, upload_and_submit

USER = "6c5e1f7a-3b2d-4e8f-9a0b-1c2d3e4f5a6b"
OTHER = "0b7d3a52-6a1e-4d7b-9a8e-2f6d4c1b0a99"
VCF = (b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
       b"1\t5\t.\tA\tG\t.\t.\t.\n")


def put_input(settings, user=USER, body=VCF, name="x.vcf"):
    key = input_key(settings.key_prefix, user, new_job_id(), name)
    aws.client("s3", settings).put_object(Bucket=settings.inputs_bucket, Key=key, Body=body)
    return key


def requests_on_queue(settings):
    sqs = aws.client("sqs", settings)
    url = aws.queue_url(settings, "job_requests")
    messages = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=1).get("Messages"):
        messages += [decode(m["Body"]) for m in batch]
    return messages


def test_submit_creates_pending_job_and_publishes_request(settings):
    key = put_input(settings)
    job = submit_job(settings, user_id=USER, key=key, max_bytes=1000)
    assert job["job_status"] == "PENDING" and job["input_size"] == len(VCF)
    assert requests_on_queue(settings) == [JobRequest(job_id=job["job_id"], user_id=USER)]


def test_repeat_submit_is_idempotent(settings):
    key = put_input(settings)
    first = submit_job(settings, user_id=USER, key=key, max_bytes=1000)
    second = submit_job(settings, user_id=USER, key=key, max_bytes=1000)
    assert first["job_id"] == second["job_id"]
    assert len(JobStore(settings).all_for_user(USER)) == 1


def test_oversize_upload_is_refused_and_deleted(settings):
    key = put_input(settings, body=VCF * 10)
    with pytest.raises(SubmissionError, match="allows 100 bytes"):
        submit_job(settings, user_id=USER, key=key, max_bytes=100)
    s3 = aws.client("s3", settings)
    assert s3.list_objects_v2(Bucket=settings.inputs_bucket).get("KeyCount") == 0
    assert JobStore(settings).all_for_user(USER) == []
    assert requests_on_queue(settings) == []


def test_another_users_key_is_refused_and_changes_nothing(settings):
    key = put_input(settings, user=OTHER)
    with pytest.raises(ForgedKeyError):
        submit_job(settings, user_id=USER, key=key, max_bytes=1000)
    assert JobStore(settings).all_for_user(USER) == []


def test_missing_object_is_refused(settings):
    key = input_key(settings.key_prefix, USER, new_job_id(), "ghost.vcf")
    with pytest.raises(SubmissionError, match="no uploaded file"):
        submit_job(settings, user_id=USER, key=key, max_bytes=1000)


def test_upload_and_submit_from_disk(settings, tmp_path):
    path = tmp_path / "sample.vcf"
    path.write_bytes(VCF)
    job = upload_and_submit(settings, path, USER, 1000)
    assert job["input_file_name"] == "sample.vcf"
    with pytest.raises(SubmissionError, match="allows 10 bytes"):
        upload_and_submit(settings, path, USER, 10)


def test_gas_submit_keeps_the_file_name_and_the_assembly(settings, tmp_path):
    path = tmp_path / "my sample (crlf).vcf"
    path.write_bytes(VCF)
    job = upload_and_submit(settings, path, USER, 1000, assembly="NCBI36")
    assert job["input_file_name"] == "my sample (crlf).vcf" and job["assembly"] == "NCBI36"
    assert job["s3_key_input_file"].endswith("~my_sample__crlf_.vcf")
    assert requests_on_queue(settings) == [JobRequest(job_id=job["job_id"], user_id=USER,
                                                      assembly="NCBI36")]


@pytest.mark.parametrize("metadata", [{"display-name": "a%2Fb%00.vcf"},
                                      {"display-name": "%ff%fe.vcf"}, {}])
def test_an_unusable_display_name_falls_back_to_the_keys_name(settings, metadata):
    key = input_key(settings.key_prefix, USER, new_job_id(), "x.vcf")
    aws.client("s3", settings).put_object(Bucket=settings.inputs_bucket, Key=key, Body=VCF,
                                          Metadata=metadata)
    assert submit_job(settings, user_id=USER, key=key, max_bytes=1000)["input_file_name"] == (
        "x.vcf")
