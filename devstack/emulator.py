"""The local stack's AWS emulator: moto server on loopback, its state kept in a directory.

    python -m devstack.emulator --host 127.0.0.1 --port 5010 --state-dir .gas/emulator

At start the state saved in the directory is loaded (one pickle of every moto service; a pickle
written by another moto version is refused and set aside). On SIGTERM/SIGINT the server stops
taking requests, saves the state and exits 0: a clean stop loses nothing.

Every `--snapshot-seconds` (30) it also saves a snapshot, written only if the state changed,
while new requests are held back for the time the dump takes (~0.1 s for 300 objects, 3,000
items and 500 messages); SQS long polls wait outside that pause. A crash (kill -9, power loss)
therefore loses at most the last snapshot window: objects uploaded, rows written, messages sent,
and messages deleted in it (a lost delete means the message is delivered again; the workers are
idempotent). Sent mail is readable at http://HOST:PORT/gas-dev/mail.json.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import logging
import pickle
import signal
import threading
import time
from pathlib import Path
from types import FrameType
from typing import TextIO

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.sqs.models import Queue
from werkzeug.serving import BaseWSGIServer, make_server

from devstack.emulator_state import dump_state, restore_state, write_state
from devstack.mailbox import with_mailbox
from devstack.net import require_loopback
from devstack.pid_lock import LockHeld, hold_pid_lock
from devstack.request_gate import RequestGate

log = logging.getLogger("devstack.emulator")

DEFAULT_SNAPSHOT_SECONDS = 30.0
LOCK_FILE_NAME = "emulator.lock"
# What pickling an unexpected moto object or writing the file can raise.
SAVE_ERRORS = (OSError, TypeError, AttributeError, RecursionError, RuntimeError,
               pickle.PicklingError)
# How long a save waits for requests in progress (SQS long polls excepted) before giving up.
DRAIN_TIMEOUT_SECONDS = 10.0
_parking_gate: RequestGate | None = None  # the gate of the emulator serving in this process


def _one_dynamodb_call_at_a_time(app):
    """Serialise DynamoDB requests: moto checks a condition and writes without a lock, so two
    concurrent conditional updates could both succeed (AWS applies them atomically)."""
    lock = threading.Lock()

    def serialised(environ, start_response):
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return app(environ, start_response)
        with lock:
            return list(app(environ, start_response))

    return serialised


def _lock_state_dir(state_dir: Path) -> TextIO:
    """Hold the state dir's lock while this process lives: a second emulator on it would
    overwrite this one's snapshot with its own (ValueError names the holder)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    try:
        return hold_pid_lock(state_dir / LOCK_FILE_NAME)
    except LockHeld as held:
        raise ValueError(f"another emulator (pid {held.holder}) is using the state in "
                         f"{state_dir}; stop it first or give another --state-dir") from None


class Emulator:
    """A moto server whose requests pass through a gate, with its state saved in `state_dir`."""

    def __init__(self, host: str, port: int, state_dir: Path, snapshot_seconds: float) -> None:
        require_loopback(host)
        self.state_dir = state_dir
        self.snapshot_seconds = snapshot_seconds
        self.gate = RequestGate()
        self._dump_lock = threading.Lock()
        self._stopping = threading.Event()
        self._saved_digest = b""
        self._lock = _lock_state_dir(state_dir)
        self._park_long_polls()
        restore_state(state_dir)
        app = self.gate.wrap(_one_dynamodb_call_at_a_time(
            with_mailbox(DomainDispatcherApplication(create_backend_app))))
        self.server: BaseWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=MotoRequestHandler
        )

    def _park_long_polls(self) -> None:
        """Make SQS long polls wait outside the gate, so a snapshot need not wait 20 s for them."""
        global _parking_gate
        _parking_gate = self.gate
        if getattr(Queue.wait_for_messages, "_gas_parked", False):
            return
        original = Queue.wait_for_messages

        def wait_for_messages(queue: Queue, timeout: int) -> None:
            with _parking_gate.parked() if _parking_gate else contextlib.nullcontext():
                original(queue, timeout)

        wait_for_messages._gas_parked = True  # type: ignore[attr-defined]
        Queue.wait_for_messages = wait_for_messages  # type: ignore[method-assign]

    @property
    def port(self) -> int:
        """The port the server is bound to (useful with --port 0)."""
        return self.server.server_address[1]

    def save(self, final: bool = False) -> None:
        """Dump the state while requests are held back, then write it to disk if it changed."""
        with self._dump_lock:
            started = time.monotonic()
            with self.gate.paused(reopen=not final, timeout=DRAIN_TIMEOUT_SECONDS) as drained:
                if not drained and not final:
                    log.warning("snapshot skipped: requests still running after %.0f s",
                                DRAIN_TIMEOUT_SECONDS)
                    return
                data = dump_state()  # at the final stop, a request still running is abandoned
            paused = time.monotonic() - started
            digest = hashlib.sha256(data).digest()
            changed = digest != self._saved_digest
            if changed:
                path = write_state(self.state_dir, data)
                self._saved_digest = digest
        level = logging.INFO if final else logging.DEBUG
        log.log(level, "%s: %d bytes, %s, requests paused %.3f s",
                "saved emulator state" if final else "snapshot", len(data),
                f"written to {path}" if changed else "unchanged", paused)

    def _snapshot_loop(self) -> None:
        """Save a snapshot every `snapshot_seconds` until stopped."""
        while not self._stopping.wait(self.snapshot_seconds):
            try:
                self.save()
            except SAVE_ERRORS as error:
                # Keep serving: the next snapshot or the final dump may succeed.
                log.error("emulator snapshot failed: %s", error, exc_info=True)

    def serve(self) -> None:
        """Serve until `stop()` is called from a signal handler or another thread."""
        if self.snapshot_seconds > 0:
            threading.Thread(target=self._snapshot_loop, name="snapshots", daemon=True).start()
        host, port = self.server.server_address[:2]
        log.info("AWS emulator listening on http://%s:%d (state in %s)", host, port, self.state_dir)
        self.server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        """Stop taking requests; `serve()` then returns and the caller saves."""
        self._stopping.set()
        # shutdown() blocks until serve_forever returns, so never call it on the serving thread.
        threading.Thread(target=self.server.shutdown, name="shutdown", daemon=True).start()

    def close(self) -> bool:
        """Save the final state and release the socket; False if the state could not be saved."""
        self.server.server_close()
        try:
            self.save(final=True)
        except SAVE_ERRORS as error:
            # The previous snapshot (if any) stays in place: the file is replaced atomically.
            log.error("could not save the emulator state: %s", error, exc_info=True)
            return False
        return True


def main(argv: list[str] | None = None) -> int:
    """Run the emulator until SIGTERM/SIGINT, then save its state and exit 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5010)
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--snapshot-seconds", type=float, default=DEFAULT_SNAPSHOT_SECONDS,
                        help="seconds between crash-safety snapshots (0: only on clean stop)")
    parser.add_argument("--log-level", default="INFO", help="DEBUG also logs every snapshot")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise
    try:
        emulator = Emulator(args.host, args.port, args.state_dir.resolve(), args.snapshot_seconds)
    except ValueError as error:
        log.error("%s", error)
        return 2
    except OSError as error:
        log.error("cannot listen on %s:%d: %s", args.host, args.port, error)
        return 1

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        emulator.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    emulator.serve()
    return 0 if emulator.close() else 1


if __name__ == "__main__":
    raise SystemExit(main())
