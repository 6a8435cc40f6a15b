"""Probes on the queues: duplicate deliveries change nothing, poison is dead-lettered at once and
no worker stops working (issue 11 finding 1's shapes on every queue)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import requests

from gas import aws
from gas.mailer import MAIL_PATH
from gas.messages import JobRequest, JobResult, publish
from tests.attacks.support import wait_for

QUEUES = ["job_requests", "notify", "archive", "restore", "thaw"]
SHAPES = ["type is a list", "version is an object", "nested 5000 deep", "not JSON",
          "unknown fields", "an SNS envelope around poison"]
DRAIN_TIMEOUT_SECONDS = 90


def _poison(shape: str, marker: str) -> str:
    """One undecodable or wrong-type body, made unique by `marker`."""
    return {
        "type is a list": json.dumps({"type": [0], "version": 1, "probe": marker}),
        "version is an object": json.dumps({"type": "restore_request", "version": {},
                                            "probe": marker}),
        "nested 5000 deep": "[" * 5000 + json.dumps(marker) + "]" * 5000,
        "not JSON": f"not json at all {marker} \x01",
        "unknown fields": json.dumps({"type": "job_request", "version": 1, "job_id": "../x",
                                      "user_id": marker}),
        "an SNS envelope around poison": json.dumps({"Type": "Notification",
                                                     "Message": "[" * 3000 + "]" * 3000,
                                                     "MessageId": marker}),
    }[shape]


def _mail_to(settings, address: str) -> list[dict]:
    """Mail the emulator's SES accepted for `address`."""
    response = requests.get(f"{settings.aws_endpoint_url}{MAIL_PATH}", timeout=10)
    response.raise_for_status()
    return [m for m in response.json()["messages"]
            if any(address in to for to in m["destinations"]["ToAddresses"])]


def _settled(settings, queue: str) -> bool:
    """Nothing waiting on the queue and nothing in a worker's hands."""
    attributes = aws.client("sqs", settings).get_queue_attributes(
        QueueUrl=aws.queue_url(settings, queue),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return all(value == "0" for value in attributes.values())


def _settle(settings, queue: str) -> None:
    """Wait until the queue is empty twice in a row, a second apart (a delivery in flight)."""
    def twice() -> bool:
        if not _settled(settings, queue):
            return False
        time.sleep(1)
        return _settled(settings, queue)

    wait_for(f"{queue} to drain", twice, DRAIN_TIMEOUT_SECONDS)


def send_poison(settings, prefix: str) -> dict[tuple[str, str], str]:
    """Every shape sent to every queue once; the body sent as (queue, shape)."""
    sqs = aws.client("sqs", settings)
    sent: dict[tuple[str, str], str] = {}
    for queue in QUEUES:
        for shape in SHAPES:
            body = _poison(shape, f"{prefix}-{uuid.uuid4()}")
            sqs.send_message(QueueUrl=aws.queue_url(settings, queue), MessageBody=body,
                             DelaySeconds=0)  # the archive queue delays by default
            sent[(queue, shape)] = body
    return sent


def take_dead_letters(settings, found: dict[str, str]) -> None:
    """One pass over every dead-letter queue: each body taken is deleted and noted in
    `found` with the queue it was dead-lettered from."""
    sqs = aws.client("sqs", settings)
    for queue in QUEUES:
        url = aws.queue_url(settings, f"{queue}_dlq")
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", []):
            found[message["Body"]] = queue
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture(scope="module")
def poisoned(settings, alice_job) -> dict[tuple[str, str], str | None]:
    """Every shape sent to every queue; where each body was found: its queue's DLQ or None."""
    sent = send_poison(settings, "probe")
    found: dict[str, str] = {}
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        take_dead_letters(settings, found)
        if all(body in found for body in sent.values()):
            break
    return {where: found.get(body) for where, body in sent.items()}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("queue", QUEUES)
def test_poison_is_dead_lettered_from_its_own_queue(poisoned, queue, shape):
    assert poisoned[(queue, shape)] == queue


@pytest.mark.parametrize("queue", QUEUES)
def test_no_poison_stays_in_a_workers_hands(settings, poisoned, queue):
    _settle(settings, queue)


def test_work_goes_on_after_the_poison(settings, poisoned, alice):
    job = alice.wait_until(alice.submit("after the poison.vcf"))
    assert job["status"] == "COMPLETED"
    wait_for("its e-mail", lambda: any(job["job_id"] in m["body"]
                                       for m in _mail_to(settings, alice.email)))


def test_a_duplicated_job_result_sends_no_second_email(settings, alice, alice_job):
    wait_for("the first e-mail", lambda: _mail_about(settings, alice, alice_job["job_id"]))
    again = JobResult(job_id=alice_job["job_id"], user_id=alice.identity_id,
                      status="COMPLETED", complete_time=int(alice_job["complete_time"]))
    for _ in range(3):
        publish(settings, again)
    _settle(settings, "notify")
    assert len(_mail_about(settings, alice, alice_job["job_id"])) == 1


def test_a_duplicated_job_request_does_not_run_a_finished_job_again(settings, alice, alice_job):
    before = alice.job(alice_job["job_id"])
    for _ in range(3):
        publish(settings, JobRequest(job_id=alice_job["job_id"], user_id=alice.identity_id))
    _settle(settings, "job_requests")
    after = alice.job(alice_job["job_id"])
    assert (after["status"], after["complete_time"]) == ("COMPLETED", before["complete_time"])
    _settle(settings, "notify")
    assert len(_mail_about(settings, alice, alice_job["job_id"])) == 1


def test_a_job_request_naming_another_users_job_changes_nothing(settings, mallory, alice,
                                                                alice_job):
    fields = ("status", "complete_time", "progress", "input_file_name")
    before = {k: alice.job(alice_job["job_id"])[k] for k in fields}
    publish(settings, JobRequest(job_id=alice_job["job_id"], user_id=mallory.identity_id))
    _settle(settings, "job_requests")
    assert {k: alice.job(alice_job["job_id"])[k] for k in fields} == before
    assert mallory.get(f"/api/v1/jobs/{alice_job['job_id']}").status_code == 404


def _mail_about(settings, user, job_id: str) -> list[dict]:
    """The e-mails sent to `user` that name this job."""
    return [m for m in _mail_to(settings, user.email) if job_id in m["body"]]
