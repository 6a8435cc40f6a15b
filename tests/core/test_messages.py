"""Message schemas: every type round-trips; anything else is refused with a MessageError."""

import json

import pytest

from gas.messages import (
    JobRequest,
    JobResult,
    MessageError,
    RestoreRequest,
    ThawRequest,
    decode,
    encode,
)

JOB = "0b7d3a52-6a1e-4d7b-9a8e-2f6d4c1b0a99"
USER = "6c5e1f7a-3b2d-4e8f-9a0b-1c2d3e4f5a6b"

ALL = [
    JobRequest(job_id=JOB, user_id=USER),
    JobRequest(job_id=JOB, user_id=USER, assembly="NCBI36"),
    JobResult(job_id=JOB, user_id=USER, status="COMPLETED", complete_time=1700000000),
    RestoreRequest(user_id=USER, requested_at=1700000000),
    ThawRequest(job_id=JOB, user_id=USER, retrieval="r-1", tier="Expedited",
                requested_at=1700000000),
]


@pytest.mark.parametrize("message", ALL, ids=lambda m: m.type)
def test_round_trip(message):
    assert decode(encode(message)) == message


@pytest.mark.parametrize("message", ALL, ids=lambda m: m.type)
def test_sns_envelope_is_unwrapped(message):
    envelope = json.dumps({"Type": "Notification", "MessageId": "x", "Message": encode(message)})
    assert decode(envelope) == message


@pytest.mark.parametrize(
    "body",
    [
        "",
        "not json",
        "[]",
        json.dumps({"type": "job_request", "version": 3, "job_id": JOB, "user_id": USER,
                    "assembly": "auto"}),
        json.dumps({"type": "job_request", "version": 2, "job_id": JOB, "user_id": USER}),
        json.dumps({"type": "job_request", "version": 1, "job_id": JOB, "user_id": USER,
                    "assembly": "GRCh38"}),
        json.dumps({"type": "job_request", "version": 2, "job_id": JOB, "user_id": USER,
                    "assembly": "hg17"}),
        json.dumps({"type": "job_request", "version": 2, "job_id": JOB, "user_id": USER,
                    "assembly": 37}),
        json.dumps({"type": "nope", "version": 1}),
        json.dumps({"type": "job_request", "version": 1, "job_id": JOB}),
        json.dumps({"type": "job_request", "version": 1, "job_id": JOB, "user_id": USER, "x": 1}),
        json.dumps({"type": "job_request", "version": 1, "job_id": "../../etc", "user_id": USER}),
        json.dumps({"type": "job_request", "version": 1, "job_id": 7, "user_id": USER}),
        json.dumps({"type": "job_result", "version": 1, "job_id": JOB, "user_id": USER,
                    "status": "COMPLETED", "complete_time": True}),
        json.dumps({"Type": "Notification", "Message": "{broken"}),
        "x" * 300_000,
        json.dumps({"type": [0], "version": 1}),
        json.dumps({"type": "restore_request", "version": {}}),
        json.dumps({"type": "job_request", "version": 1.0, "job_id": JOB, "user_id": USER}),
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"Type": "Notification", "Message": 7}),
        json.dumps({"Type": "Notification", "Message": ["x"]}),
    ],
    ids=["empty", "text", "list", "version", "v2-without-assembly", "v1-with-assembly",
         "unknown-assembly", "int-assembly", "type", "missing", "extra", "path-id", "int-id",
         "bool-time", "envelope", "huge", "list-type", "dict-version", "float-version",
         "deeply-nested", "int-envelope", "list-envelope"],
)
def test_bad_bodies_are_refused(body):
    with pytest.raises(MessageError):
        decode(body)


def test_a_version_1_job_request_still_decodes_with_assembly_auto():
    body = json.dumps({"type": "job_request", "version": 1, "job_id": JOB, "user_id": USER})
    assert decode(body) == JobRequest(job_id=JOB, user_id=USER, assembly="auto")


def test_job_requests_are_written_as_version_2_with_their_assembly():
    data = json.loads(encode(JobRequest(job_id=JOB, user_id=USER, assembly="GRCh38")))
    assert data == {"type": "job_request", "version": 2, "job_id": JOB, "user_id": USER,
                    "assembly": "GRCh38"}
