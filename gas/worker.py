"""The SQS worker loop every GAS worker runs: check stop flag → receive → handle → record.

A handler that returns has made its work durable, so the message is deleted. `Retry` puts a
fresh copy of the message back with a delay (waiting never uses up the retry budget). Any other
exception leaves the message for another attempt with backoff;
once the receive count reaches the retry budget the message goes to the dead-letter queue (after
`on_give_up` has recorded the failure). A body that does not decode goes straight to the
dead-letter queue. First SIGTERM/SIGINT: finish the messages in hand, then exit. Second: exit
now, through normal teardown (SystemExit, as rq does, so `finally` blocks and atexit handlers
run): the messages in hand are made visible again at once and the handler threads, daemons,
are not waited for. Later signals are ignored while that teardown runs.
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from gas import aws
from gas.config import MAX_SQS_DELAY_SECONDS, Settings
from gas.logs import job_context
from gas.messages import Message, MessageError, decode, encode

log = logging.getLogger(__name__)

MAX_WAIT_TIME_SECONDS = 20  # SQS long-poll maximum
# Shorter than the maximum: an idle worker notices SIGTERM within this many seconds.
DEFAULT_WAIT_SECONDS = 5
MAX_MESSAGES_PER_RECEIVE = 10  # SQS ReceiveMessage maximum
MAX_VISIBILITY_SECONDS = 43_200  # SQS visibility timeout maximum (12 h)
DEFAULT_VISIBILITY_SECONDS = 60  # a dead worker's message is seen again within a minute
RETRY_BASE_SECONDS = 5


class Retry(Exception):  # a signal to the loop, not an error
    """Raised by a handler to return its message to the queue after `delay_seconds`."""

    def __init__(self, delay_seconds: int, reason: str = "") -> None:
        super().__init__(reason or f"retry in {delay_seconds}s")
        self.delay_seconds = max(0, min(int(delay_seconds), MAX_VISIBILITY_SECONDS))


@dataclass
class Delivery:
    """One received message and what SQS tells about it."""

    message: Message
    receipt_handle: str
    receive_count: int
    sent_at: float


Handler = Callable[[Message, Delivery], None]
GiveUp = Callable[[Message, Exception], None]


def job_id_of(message: Message | None) -> str:
    """The job id a message is about, or the user id for user-level messages."""
    return getattr(message, "job_id", None) or getattr(message, "user_id", None) or "-"


class _HandlerThreads:
    """Daemon threads that run handler calls: a forced stop exits without waiting for them."""

    def __init__(self, count: int, name: str) -> None:
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._serve, name=f"{name}-{n}", daemon=True)
                         for n in range(count)]
        for thread in self._threads:
            thread.start()

    def submit(self, call: Callable[..., None], *args: object) -> None:
        """Run `call(*args)` on the next free thread."""
        self._calls.put((call, args))

    def _serve(self) -> None:
        """Run calls until told to end (None)."""
        while (task := self._calls.get()) is not None:
            call, args = task
            try:
                call(*args)
            except BaseException:  # a thread that died would lose its slot for good
                log.exception("handler thread: %s escaped", call)

    def finish(self) -> None:
        """Let every submitted call complete, then end the threads."""
        for _ in self._threads:
            self._calls.put(None)
        for thread in self._threads:
            thread.join()


class Worker:
    """Consumes one queue with `concurrency` handler threads and a visibility heartbeat."""

    def __init__(
        self,
        settings: Settings,
        queue: str,
        handler: Handler,
        *,
        concurrency: int = 1,
        visibility_seconds: int = DEFAULT_VISIBILITY_SECONDS,
        wait_seconds: int = DEFAULT_WAIT_SECONDS,
        on_give_up: GiveUp | None = None,
        accepts: tuple[type[Message], ...] = (),
    ) -> None:
        if not 1 <= concurrency <= 64:
            raise ValueError(f"concurrency={concurrency} must be in [1, 64]")
        if not 3 <= visibility_seconds <= MAX_VISIBILITY_SECONDS:
            raise ValueError(f"visibility_seconds={visibility_seconds} must be in [3, 43200]")
        if not 0 <= wait_seconds <= MAX_WAIT_TIME_SECONDS:
            raise ValueError(f"wait_seconds={wait_seconds} must be in [0, 20]")
        self.settings, self.queue, self.handler = settings, queue, handler
        self.concurrency, self.visibility, self.wait = concurrency, visibility_seconds, wait_seconds
        self.on_give_up, self.accepts = on_give_up, accepts
        self.max_receives = settings.max_receives
        self._sqs = aws.client("sqs", settings)
        self._stop = threading.Event()
        self._in_hand: dict[str, float] = {}
        self._lock = threading.Lock()
        self._signals = 0
        self._forced = False

    # --- lifecycle ---------------------------------------------------------------------------
    def stop(self, signum: int | None = None, _frame=None) -> None:
        """First call: finish messages in hand and exit. Second signal: SystemExit at once."""
        self._signals += 1
        if signum is None or self._signals == 1:
            log.info("stopping: finishing %d message(s) in hand", len(self._in_hand))
            self._stop.set()
            return
        if self._forced:
            return  # the forced exit's teardown is running; a further signal must not break it
        self._forced = True
        self._stop.set()
        # Ignored, not handled: interpreter shutdown resets Python-level handlers to the
        # default (die on SIGTERM), so a further signal during teardown would kill the process.
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        log.warning("second signal: exiting now, %d message(s) go back to the queue",
                    len(self._in_hand))
        raise SystemExit(1)

    def run(self) -> None:
        """Consume until stopped."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        url = aws.queue_url(self.settings, self.queue)
        log.info("worker on %s started (concurrency %d)", self.queue, self.concurrency)
        heartbeat = threading.Thread(target=self._heartbeat, args=(url,), daemon=True)
        heartbeat.start()
        pool = _HandlerThreads(self.concurrency, self.queue)
        try:
            while not self._stop.is_set():
                free = self.concurrency - len(self._in_hand)
                if free <= 0:
                    self._stop.wait(0.05)
                    continue
                for raw in self._receive(url, min(free, MAX_MESSAGES_PER_RECEIVE)):
                    with self._lock:
                        self._in_hand[raw["ReceiptHandle"]] = time.monotonic()
                    pool.submit(self._process, url, raw)
            pool.finish()
        except SystemExit:
            self._hand_back(url)
            raise
        finally:
            log.info("worker on %s stopped", self.queue)

    def _hand_back(self, url: str) -> None:
        """Make the messages in hand visible again now (a forced stop), not after their timeout."""
        with self._lock:
            receipts = list(self._in_hand)
            self._in_hand.clear()  # the heartbeat must not hide them again
        for receipt in receipts:
            try:
                self._set_visibility(url, receipt, 0)
            except Exception:  # best effort: the visibility timeout returns it anyway
                log.warning("message could not be handed back; it returns after its timeout",
                            exc_info=True)

    # --- one message -------------------------------------------------------------------------
    def _receive(self, url: str, count: int) -> list[dict]:
        """Long-poll for up to `count` messages (empty on a transient error)."""
        try:
            response = self._sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=count, WaitTimeSeconds=self.wait,
                VisibilityTimeout=self.visibility,
                MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
            )
        except Exception:  # the loop must outlive a flaky network or endpoint
            log.warning("receive from %s failed; retrying", self.queue, exc_info=True)
            self._stop.wait(1)
            return []
        return response.get("Messages", [])

    def _process(self, url: str, raw: dict) -> None:
        """Decode, handle and record one message; never raises, always frees its slot."""
        receipt = raw["ReceiptHandle"]
        try:
            try:
                message = self._decode(raw)
            except MessageError as exc:
                log.error("bad message %s on %s: %s", raw.get("MessageId"), self.queue, exc)
                return self._dead_letter(url, raw, f"undecodable: {exc}")
            attributes = raw.get("Attributes", {})
            delivery = Delivery(
                message, receipt, int(attributes.get("ApproximateReceiveCount", 1)),
                int(attributes.get("SentTimestamp", 0)) / 1000,
            )
            with job_context(job_id_of(message)):
                self._handle(url, raw, delivery)
        except Exception:  # the loop's top: log and keep going
            log.exception("recording the outcome of message %s failed", raw.get("MessageId"))
        finally:
            # Whatever happened, the heartbeat must stop renewing this message: a slot held
            # for ever would jam the worker (the message stays invisible, no new one is taken).
            self._release(receipt)

    def _decode(self, raw: dict) -> Message:
        """Return the message of a delivery; MessageError when it is not one for this queue."""
        try:
            message = decode(raw.get("Body", ""))
        except MessageError:
            raise
        except Exception as exc:  # whatever breaks the decoder makes the body poison, not a jam
            raise MessageError(f"{type(exc).__name__}: {str(exc)[:200]}") from None
        if self.accepts and not isinstance(message, self.accepts):
            raise MessageError(f"{message.type} does not belong on {self.queue}")
        return message

    def _handle(self, url: str, raw: dict, delivery: Delivery) -> None:
        """Run the handler and turn its outcome into delete / delay / dead-letter."""
        try:
            self.handler(delivery.message, delivery)
        except Retry as retry:
            self._release(delivery.receipt_handle)
            self._requeue(url, delivery, retry)
            return
        except Exception as exc:  # per-message isolation: one bad job never stops the worker
            self._release(delivery.receipt_handle)
            if self._forced:
                # A forced stop tore the handler's resources down under it (the annotator's
                # engine child, say) and already handed the message back: not a failure.
                log.info("message %s interrupted by the forced stop: %s", raw.get("MessageId"),
                         exc)
                return
            if delivery.receive_count >= self.max_receives:
                log.error("retries exceeded for message %s (%d receives): %s",
                          raw.get("MessageId"), delivery.receive_count, exc, exc_info=True)
                if self.on_give_up:
                    self.on_give_up(delivery.message, exc)
                self._dead_letter(url, raw, f"retries exceeded: {exc}")
                return
            delay = RETRY_BASE_SECONDS * 2 ** (delivery.receive_count - 1)
            log.warning("message %s failed (receive %d of %d), retry in %ds: %s",
                        raw.get("MessageId"), delivery.receive_count, self.max_receives, delay,
                        exc, exc_info=True)
            self._set_visibility(url, delivery.receipt_handle, delay)
            return
        self._release(delivery.receipt_handle)
        self._sqs.delete_message(QueueUrl=url, ReceiptHandle=delivery.receipt_handle)

    # --- queue operations --------------------------------------------------------------------
    def _requeue(self, url: str, delivery: Delivery, retry: Retry) -> None:
        """Put a fresh, delayed copy of the message back and finish this one.

        Not a visibility change: every receive counts towards the redrive policy, so a thaw
        polling a Standard retrieval for hours (or a long archive window) would be dead-lettered
        while merely waiting. A fresh copy starts at receive count 1, so the retry budget counts
        real failures only. A crash between send and delete leaves two copies; handlers are
        idempotent. Delays past the SQS maximum come back early and the handler waits again.
        """
        delay = min(retry.delay_seconds, MAX_SQS_DELAY_SECONDS)
        self._sqs.send_message(QueueUrl=url, MessageBody=encode(delivery.message),
                               DelaySeconds=delay)
        self._sqs.delete_message(QueueUrl=url, ReceiptHandle=delivery.receipt_handle)
        log.info("message back on %s in %ds: %s", self.queue, delay, retry)

    def _dead_letter(self, url: str, raw: dict, reason: str) -> None:
        """Move a message to this queue's dead-letter queue, then delete it here."""
        dlq = aws.queue_url(self.settings, f"{self.queue}_dlq")
        self._sqs.send_message(
            QueueUrl=dlq, MessageBody=raw["Body"],
            MessageAttributes={"gas_error": {"DataType": "String", "StringValue": reason[:1000]}},
        )
        self._sqs.delete_message(QueueUrl=url, ReceiptHandle=raw["ReceiptHandle"])

    def _set_visibility(self, url: str, receipt: str, seconds: int) -> None:
        """Make a message visible again after `seconds`."""
        self._sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=receipt, VisibilityTimeout=seconds
        )

    def _release(self, receipt: str) -> None:
        """Forget a message once its outcome is recorded."""
        with self._lock:
            self._in_hand.pop(receipt, None)

    def _heartbeat(self, url: str) -> None:
        """Keep messages in hand invisible while their handlers run (long annotations)."""
        interval = max(1.0, self.visibility / 3)
        while True:
            time.sleep(interval)
            # Under the lock: a message released meanwhile must not get its visibility back.
            with self._lock:
                for receipt in self._in_hand:
                    try:
                        self._set_visibility(url, receipt, self.visibility)
                    except Exception:  # a handle that just finished is no longer valid
                        log.debug("heartbeat for a finished message skipped", exc_info=True)
