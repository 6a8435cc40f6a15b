"""Dead-letter queues: what is in them, and sending it back to its source queue after a fix.

Every queue `Q` has `Q_dlq`. The worker loop puts a message there with the reason in the
`gas_error` attribute; SQS's redrive policy puts one there without it (a worker died handling
it). Looking does not consume: listed messages are made visible again at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gas import aws
from gas.config import Settings
from gas.resources import QUEUES

log = logging.getLogger(__name__)
DLQ_SUFFIX = "_dlq"
LIST_HOLD_SECONDS = 30  # listed messages stay hidden this long at most, so none is listed twice
POLL_SECONDS = 1  # a long poll asks every SQS server; a short one may miss messages
BATCH = 10  # SQS ReceiveMessage / ChangeMessageVisibilityBatch maximum


class UnknownQueue(ValueError):
    """Not one of GAS's queues; the message lists them."""


@dataclass(frozen=True)
class DeadLetter:
    """One message on a dead-letter queue."""

    message_id: str
    body: str
    reason: str
    sent_at: float  # epoch seconds it reached the dead-letter queue
    receipt_handle: str


def source_queue(name: str) -> str:
    """The logical source queue of `name` (`notify` or `notify_dlq`); UnknownQueue otherwise."""
    queue = name.removesuffix(DLQ_SUFFIX)
    if queue not in QUEUES:
        raise UnknownQueue(f"no queue {name!r}; the queues are {', '.join(QUEUES)}")
    return queue


def _receive(settings: Settings, queue: str, hold_seconds: int) -> list[DeadLetter]:
    """Up to BATCH messages of `queue`'s dead-letter queue, hidden for `hold_seconds`."""
    got = aws.client("sqs", settings).receive_message(
        QueueUrl=aws.queue_url(settings, queue + DLQ_SUFFIX), MaxNumberOfMessages=BATCH,
        WaitTimeSeconds=POLL_SECONDS, VisibilityTimeout=hold_seconds,
        MessageAttributeNames=["All"], MessageSystemAttributeNames=["SentTimestamp"],
    )
    return [DeadLetter(
        message_id=raw["MessageId"], body=raw["Body"], receipt_handle=raw["ReceiptHandle"],
        reason=raw.get("MessageAttributes", {}).get("gas_error", {}).get(
            "StringValue", "moved by the queue's redrive policy (a worker died handling it)"),
        sent_at=int(raw.get("Attributes", {}).get("SentTimestamp", 0)) / 1000,
    ) for raw in got.get("Messages", [])]


def list_dead_letters(settings: Settings, name: str) -> list[DeadLetter]:
    """Every message on the queue's dead-letter queue, oldest first, left there."""
    queue = source_queue(name)
    found: list[DeadLetter] = []
    while batch := _receive(settings, queue, LIST_HOLD_SECONDS):
        found.extend(batch)
    sqs, url = aws.client("sqs", settings), aws.queue_url(settings, queue + DLQ_SUFFIX)
    for start in range(0, len(found), BATCH):
        sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
            {"Id": str(n), "ReceiptHandle": letter.receipt_handle, "VisibilityTimeout": 0}
            for n, letter in enumerate(found[start:start + BATCH])
        ])
    return sorted(found, key=lambda letter: letter.sent_at)


def redrive(settings: Settings, name: str) -> int:
    """Move every message on the dead-letter queue back to its source queue; how many moved.

    Each is sent before it is deleted: a crash in between leaves a copy on both queues, which
    is safe because every worker is idempotent.
    """
    queue = source_queue(name)
    sqs = aws.client("sqs", settings)
    source, dlq = aws.queue_url(settings, queue), aws.queue_url(settings, queue + DLQ_SUFFIX)
    moved = 0
    while batch := _receive(settings, queue, LIST_HOLD_SECONDS):
        for letter in batch:
            sqs.send_message(QueueUrl=source, MessageBody=letter.body)
            sqs.delete_message(QueueUrl=dlq, ReceiptHandle=letter.receipt_handle)
            moved += 1
    log.info("%d message(s) moved from %s back to %s", moved, queue + DLQ_SUFFIX, queue)
    return moved
