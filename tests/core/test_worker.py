"""The worker loop against a real SQS emulator: delete after success, retry, dead-letter, stop."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from gas import aws, worker
from gas.messages import JobRequest, RestoreRequest, encode
from gas.worker import Retry, Worker

JOB = "0b7d3a52-6a1e-4d7b-9a8e-2f6d4c1b0a99"
USER = "6c5e1f7a-3b2d-4e8f-9a0b-1c2d3e4f5a6b"
REQUEST = JobRequest(job_id=JOB, user_id=USER)


def send(settings, body: str, queue: str = "job_requests") -> None:
    aws.client("sqs", settings).send_message(QueueUrl=aws.queue_url(settings, queue),
                                             MessageBody=body)


def queue_depth(settings, queue: str) -> int:
    attrs = aws.client("sqs", settings).get_queue_attributes(
        QueueUrl=aws.queue_url(settings, queue),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(
        attrs["ApproximateNumberOfMessagesNotVisible"])


def run_until(w: Worker, condition, timeout: float = 20) -> None:
    """Run the worker in a thread until `condition()` holds, then stop it."""
    thread = threading.Thread(target=w.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    try:
        while not condition():
            assert time.monotonic() < deadline, "condition not reached in time"
            time.sleep(0.1)
    finally:
        w.stop()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_handled_message_is_deleted(settings):
    seen = []
    send(settings, encode(REQUEST))
    w = Worker(settings, "job_requests", lambda m, d: seen.append(m), wait_seconds=1)
    run_until(w, lambda: seen)
    assert seen == [REQUEST]
    assert queue_depth(settings, "job_requests") == 0


def test_retry_waits_without_using_up_the_retry_budget(settings):
    attempts = []
    waits = settings.max_receives + 3  # more than the redrive policy allows receives

    def handler(message, delivery):
        attempts.append(delivery.receive_count)
        if len(attempts) <= waits:
            raise Retry(0, "not yet")

    send(settings, encode(REQUEST))
    run_until(Worker(settings, "job_requests", handler, wait_seconds=1),
              lambda: len(attempts) == waits + 1)
    assert attempts == [1] * (waits + 1)  # each wait is a fresh message, never a redelivery
    assert queue_depth(settings, "job_requests_dlq") == 0


def test_failures_retry_then_dead_letter_with_give_up(settings, monkeypatch):
    monkeypatch.setattr(worker, "RETRY_BASE_SECONDS", 0)
    given_up, attempts = [], []

    def handler(message, delivery):
        attempts.append(delivery.receive_count)
        raise RuntimeError("storage is down")

    send(settings, encode(REQUEST))
    w = Worker(settings, "job_requests", handler, wait_seconds=1,
               on_give_up=lambda m, exc: given_up.append((m, str(exc))))
    run_until(w, lambda: queue_depth(settings, "job_requests_dlq") == 1)
    assert attempts == list(range(1, settings.max_receives + 1))
    assert given_up == [(REQUEST, "storage is down")]
    assert queue_depth(settings, "job_requests") == 0


@pytest.mark.parametrize(
    "body",
    ["{not json", json.dumps({"type": "job_request", "version": 9}),
     encode(RestoreRequest(user_id=USER, requested_at=1))],
    ids=["garbage", "unknown-version", "wrong-type-for-queue"],
)
def test_bad_message_goes_to_dead_letter_without_handler(settings, body):
    called = []
    send(settings, body)
    w = Worker(settings, "job_requests", lambda m, d: called.append(m), wait_seconds=1,
               accepts=(JobRequest,))
    run_until(w, lambda: queue_depth(settings, "job_requests_dlq") == 1)
    assert called == []
    assert queue_depth(settings, "job_requests") == 0


def test_heartbeat_keeps_long_work_invisible(settings):
    handled = []

    def slow(message, delivery):
        time.sleep(5)  # longer than the 3 s visibility timeout
        handled.append(delivery.receive_count)

    send(settings, encode(REQUEST))
    run_until(Worker(settings, "job_requests", slow, visibility_seconds=3, wait_seconds=1,
                     concurrency=2), lambda: handled)
    time.sleep(1)
    assert handled == [1]
    assert queue_depth(settings, "job_requests") == 0


@pytest.mark.parametrize("arg", [{"concurrency": 0}, {"visibility_seconds": 1},
                                 {"wait_seconds": 21}])
def test_bad_settings_fail_at_construction(settings, arg):
    with pytest.raises(ValueError, match="must be in"):
        Worker(settings, "job_requests", lambda m, d: None, **arg)


SLOW_WORKER = """
import atexit, sys, time
from gas.config import load_settings
from gas.logs import setup_logging
from gas.worker import Worker
setup_logging()
atexit.register(print, "atexit ran", flush=True)
def handler(message, delivery):
    print("started", flush=True)
    time.sleep(float(sys.argv[1]))
    print("finished", flush=True)
try:
    Worker(load_settings(), "job_requests", handler, wait_seconds=1).run()
finally:
    print("teardown ran", flush=True)
"""


def start_slow_worker(seconds: float) -> subprocess.Popen:
    """A worker process whose handler prints "started", sleeps, then prints "finished"."""
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WORKER, str(seconds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=os.environ.copy())
    assert proc.stdout.readline().strip() == "started"
    return proc


def visible_messages(settings, queue: str) -> int:
    attrs = aws.client("sqs", settings).get_queue_attributes(
        QueueUrl=aws.queue_url(settings, queue), AttributeNames=["ApproximateNumberOfMessages"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"])


def test_sigterm_finishes_job_in_hand_then_exits(settings):
    send(settings, encode(REQUEST))
    proc = start_slow_worker(2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "finished" in out and "stopping: finishing 1 message(s) in hand" in err
    assert queue_depth(settings, "job_requests") == 0


def test_second_sigterm_exits_through_teardown_and_the_message_returns_at_once(settings):
    send(settings, encode(REQUEST))
    proc = start_slow_worker(600)  # a handler that would outlast the test if it were waited for
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)  # a third, during the teardown, changes nothing
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 1 and "finished" not in out
    assert "teardown ran" in out and "atexit ran" in out, out
    assert "Traceback" not in err, err
    # Handed back: visible now, not only after the 60 s visibility timeout.
    assert visible_messages(settings, "job_requests") == 1
