"""A gate around WSGI request handling so the emulator's state can be saved between requests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any


class RequestGate:
    """Counts requests in progress; `paused()` holds new ones back until the in-flight ones end."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._active = 0
        self._closed = False
        self._inside = threading.local()

    def enter(self) -> None:
        """Wait while paused, then count this thread as handling a request."""
        with self._condition:
            self._condition.wait_for(lambda: not self._closed)
            self._active += 1
        self._inside.value = True

    def leave(self) -> None:
        """Stop counting this thread."""
        self._inside.value = False
        with self._condition:
            self._active -= 1
            self._condition.notify_all()

    @contextmanager
    def parked(self) -> Iterator[None]:
        """Let a request that is only waiting (an SQS long poll) not hold a pause back."""
        if not getattr(self._inside, "value", False):
            yield
            return
        self.leave()
        try:
            yield
        finally:
            self.enter()

    @contextmanager
    def paused(self, reopen: bool = True, timeout: float | None = None) -> Iterator[bool]:
        """Hold new requests back and wait (up to `timeout` s) for in-flight ones to end.

        Yields whether they all ended; reopens afterwards unless `reopen` is False.
        """
        with self._condition:
            self._closed = True
            drained = self._condition.wait_for(lambda: self._active == 0, timeout=timeout)
        try:
            yield drained
        finally:
            if reopen:
                with self._condition:
                    self._closed = False
                    self._condition.notify_all()

    def wrap(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        """Return a WSGI app that runs `app` inside the gate (the body included)."""

        def gated(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            self.enter()
            try:
                result = app(environ, start_response)
                try:
                    return list(result)  # moto's bodies are in memory already
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()
            finally:
                self.leave()

        return gated
