"""Helpers for the util worker tests: deliveries, S3 reads, sent mail, queues, botocore hooks."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import unquote

import requests
from botocore.exceptions import ClientError

from gas import aws
from gas.config import Settings
from gas.mailer import MAIL_PATH
from gas.messages import Message
from gas.worker import Delivery, Retry

BACKENDS = ("s3-glacier", "glacier-vault")
RESULT_BYTES = b"##fileformat=VCFv4.2\n" + b"1\t12345\t.\tA\tG\t50\tPASS\tGENE=BRCA1\n" * 400


def delivery(message: Message, receive_count: int = 1) -> Delivery:
    """A delivery of `message` as the worker loop would pass it."""
    return Delivery(message, f"receipt-{uuid.uuid4()}", receive_count, time.time())


def read_result(settings: Settings, job: dict) -> tuple[bytes, str]:
    """The result file's bytes and storage class (raises ClientError when unreadable)."""
    s3 = aws.client("s3", settings)
    got = s3.get_object(Bucket=settings.results_bucket, Key=job["s3_key_result_file"])
    return got["Body"].read(), got.get("StorageClass", "STANDARD")


def head_result(settings: Settings, job: dict) -> dict | None:
    """HEAD of the result file, or None when it is not in S3."""
    try:
        return aws.client("s3", settings).head_object(
            Bucket=settings.results_bucket, Key=job["s3_key_result_file"])
    except ClientError:
        return None


def sent_mail(settings: Settings, address: str) -> list[dict]:
    """Mail the emulator's SES accepted for `address`."""
    response = requests.get(f"{settings.aws_endpoint_url}{MAIL_PATH}", timeout=10)
    assert response.ok, f"{MAIL_PATH}: {response.status_code} {response.text[-2000:]}"
    return [m for m in response.json()["messages"]
            if any(address in to for to in m["destinations"]["ToAddresses"])]


def queue_bodies(settings: Settings, queue: str, wait: int = 1, containing: str = "") -> list[str]:
    """Drain and return the bodies waiting on a queue (only those `containing` this text)."""
    sqs = aws.client("sqs", settings)
    url = aws.queue_url(settings, queue)
    bodies: list[str] = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait)
        mine = [m for m in got.get("Messages", []) if containing in m["Body"]]
        if not mine:
            return bodies
        for message in mine:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        wait = 0  # the emulator answers short polls exactly; only the first one waits


@contextlib.contextmanager
def hooked(client, event: str, handler: Callable) -> Iterator[None]:
    """Register a botocore event handler on a (shared) client for the block only."""
    unique = f"test-{uuid.uuid4()}"
    client.meta.events.register(event, handler, unique_id=unique)
    try:
        yield
    finally:
        client.meta.events.unregister(event, unique_id=unique)


@contextlib.contextmanager
def expedited_refused(settings: Settings) -> Iterator[None]:
    """Make AWS refuse every Expedited retrieval, as it does when capacity runs out."""
    glacier, s3 = aws.client("glacier", settings), aws.client("s3", settings)

    def refuse_vault(params: dict, **_kwargs) -> None:
        if b"Expedited" in _body(params):
            raise glacier.exceptions.InsufficientCapacityException(
                {"Error": {"Code": "InsufficientCapacityException", "Message": "no capacity"}},
                "InitiateJob")

    def refuse_s3(params: dict, **_kwargs) -> None:
        if b"Expedited" in _body(params):
            raise ClientError({"Error": {"Code": "GlacierExpeditedRetrievalNotAvailable",
                                         "Message": "no capacity"}}, "RestoreObject")

    with hooked(glacier, "before-call.glacier.InitiateJob", refuse_vault), \
            hooked(s3, "before-call.s3.RestoreObject", refuse_s3):
        yield


def _body(params: dict) -> bytes:
    """The serialised request body botocore is about to send."""
    body = params.get("body") or b""
    return body.encode() if isinstance(body, str) else bytes(body)


@contextlib.contextmanager
def counting(client, *operations: str, key: str | None = None) -> Iterator[dict[str, int]]:
    """Count calls of the named operations (e.g. "glacier.InitiateJob") made on `client`
    (with `key`: only those on that S3 key)."""
    counts = dict.fromkeys(operations, 0)

    def counter(event_name: str, params: dict | None = None, **_kwargs) -> None:
        # before-call sees the serialised request: the key is in its (quoted) URL path.
        if key is None or unquote((params or {}).get("url_path", "")).endswith(key):
            counts[event_name.removeprefix("before-call.")] += 1

    with contextlib.ExitStack() as stack:
        for operation in operations:
            stack.enter_context(hooked(client, f"before-call.{operation}", counter))
        yield counts


THAW_TIMEOUT_SECONDS = 30
MAX_TEST_POLL_SECONDS = 0.5


def thaw_message(deps, job_id: str):
    """The thaw request the restore worker published for the job's current retrieval."""
    from gas.messages import ThawRequest

    row = deps.store.get(job_id)
    restore = row["restore"]
    return ThawRequest(job_id=job_id, user_id=row["user_id"], retrieval=restore["retrieval"],
                       tier=restore["tier"], requested_at=restore["requested_at"])


def thaw_until_done(deps, job_id: str) -> int:
    """Deliver the job's thaw message until it stops asking to come back; the number of polls."""
    from util import thaw

    message = thaw_message(deps, job_id)
    deadline = time.monotonic() + THAW_TIMEOUT_SECONDS
    polls = 0
    while True:
        polls += 1
        try:
            thaw.handle(deps, message, delivery(message, receive_count=polls))
            return polls
        except Retry as retry:
            assert retry.delay_seconds >= 5
            assert time.monotonic() < deadline, "the retrieval never finished"
            time.sleep(min(retry.delay_seconds, MAX_TEST_POLL_SECONDS))
