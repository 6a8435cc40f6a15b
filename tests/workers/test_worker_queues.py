"""The util workers on real queues: duplicates, bad messages, and waiting without dead-lettering."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid

import pytest

from gas import aws
from gas.messages import JobResult, RestoreRequest, encode
from tests.core.test_messages import ALL as EVERY_MESSAGE_TYPE
from tests.workers.workers_support import queue_bodies, sent_mail
from util import Deps, archive, notify, restore, thaw

WAIT_SECONDS = 20


def wait_until(condition, timeout: float = WAIT_SECONDS) -> None:
    """Poll `condition` until true or fail."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.2)


def run_worker(deps, util_worker, until, concurrency: int = 2):
    """Run a util worker's real wiring in a thread until `until()` holds; return the loop."""
    worker = util_worker.worker(deps, concurrency=concurrency, wait_seconds=1)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        wait_until(until)
    finally:
        worker.stop()
        thread.join(timeout=10)
    return worker


def test_notify_worker_mails_once_and_dead_letters_bad_messages(deps, make_user, make_job):
    # No other test uses the shared deployment's notify queues, so what they hold is ours.
    user_id = make_user(deps)
    job = make_job(deps, user_id)
    result = encode(JobResult(job_id=job["job_id"], user_id=user_id, status="COMPLETED",
                              complete_time=job["complete_time"]))
    wrong_type = encode(RestoreRequest(user_id=user_id, requested_at=1))
    sqs = aws.client("sqs", deps.settings)
    url = aws.queue_url(deps.settings, "notify")
    garbage = f"not a message {uuid.uuid4()}"
    for body in (result, garbage, result, wrong_type):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    dead: list[str] = []

    def settled() -> bool:
        dead.extend(queue_bodies(deps.settings, "notify_dlq", wait=0))
        return len(dead) == 2 and bool(deps.store.get(job["job_id"]).get("notified_at"))

    run_worker(deps, notify.WORKER, settled)
    assert sorted(dead) == sorted([garbage, wrong_type])
    assert len(sent_mail(deps.settings, f"{user_id}@example.org")) == 1


# Bodies that once escaped the decoder (TypeError, RecursionError) and jammed a worker for good.
POISON = ['{"type":[0],"version":1}', "[" * 50_000 + "]" * 50_000,
          '{"type":"restore_request","version":{}}', '{"Type":"Notification","Message":7}']


def test_poison_of_every_shape_is_dead_lettered_and_the_worker_keeps_working(
        deps, make_user, make_job):
    # One handler slot: a slot that poison never gives back would leave the good message unread.
    user_id = make_user(deps)
    job = make_job(deps, user_id)
    good = encode(JobResult(job_id=job["job_id"], user_id=user_id, status="COMPLETED",
                            complete_time=job["complete_time"]))
    poison = list(POISON)
    sqs = aws.client("sqs", deps.settings)
    url = aws.queue_url(deps.settings, "notify")
    for body in (*poison, good):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    dead: list[str] = []

    def settled() -> bool:
        dead.extend(queue_bodies(deps.settings, "notify_dlq", wait=0))
        return len(dead) == len(poison) and bool(deps.store.get(job["job_id"]).get("notified_at"))

    worker = run_worker(deps, notify.WORKER, settled, concurrency=1)
    assert worker._in_hand == {}, "a slot was never released"
    assert sorted(dead) == sorted(poison)
    assert len(sent_mail(deps.settings, f"{user_id}@example.org")) == 1


@pytest.mark.parametrize("age, delay", [(0, 5), (5, 5), (40, 40), (600, 600), (4 * 3600, 900)])
def test_thaw_polls_at_a_delay_that_grows_with_the_retrievals_age(age, delay):
    assert thaw.poll_delay(age) == delay




@pytest.mark.parametrize("module", [notify, archive, restore, thaw],
                         ids=["notify", "archive", "restore", "thaw"])
def test_each_worker_dead_letters_every_message_type_it_does_not_handle(settings, module):
    # The loop is the one place that checks types, so a handler never sees a foreign one. A
    # fresh deployment: the shared one's queues carry what other tests publish.
    handled: list = []
    wiring = dataclasses.replace(module.WORKER, handle=lambda _deps, m, _d: handled.append(m))
    foreign = [encode(m) for m in EVERY_MESSAGE_TYPE if not isinstance(m, wiring.accepts)]
    assert len(foreign) == len(EVERY_MESSAGE_TYPE) - 1
    url = aws.queue_url(settings, wiring.queue)
    for body in foreign:  # no delay: the archive queue's own would hold them for the window
        aws.client("sqs", settings).send_message(QueueUrl=url, MessageBody=body, DelaySeconds=0)
    dead: list[str] = []

    def settled() -> bool:
        dead.extend(queue_bodies(settings, f"{wiring.queue}_dlq", wait=0))
        return len(dead) == len(foreign)

    run_worker(Deps.build(settings), wiring, settled)
    assert sorted(dead) == sorted(foreign) and handled == []
