"""The util workers (notify, archive, restore, thaw) and the wiring they share.

Each `util.<name>` module has a handler `handle(deps, message, delivery)` that tests call
directly, and a `main()` that runs it under `gas.worker.Worker` on its queue.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from gas.accounts import Accounts
from gas.config import ConfigError, Settings, load_settings
from gas.jobs import JobStore
from gas.logs import setup_logging
from gas.messages import Message
from gas.worker import Delivery, Worker

log = logging.getLogger(__name__)


class UnexpectedMessage(TypeError):
    """A well-formed message of a type this queue does not carry (retried, then dead-lettered)."""


@dataclass(frozen=True)
class Deps:
    """What every util handler uses: settings, the job store and the accounts database."""

    settings: Settings
    store: JobStore
    accounts: Accounts

    @classmethod
    def build(cls, settings: Settings) -> Deps:
        """Make the dependencies of a worker process."""
        return cls(settings, JobStore(settings), Accounts(settings.database_url))

    def is_premium(self, user_id: str) -> bool:
        """The user's role now (not at submission); no profile counts as Free."""
        profile = self.accounts.get(user_id)
        return bool(profile and profile.is_premium)


def expect(message: Message, cls: type[Message]) -> None:
    """Raise UnexpectedMessage unless `message` is a `cls`."""
    if not isinstance(message, cls):
        raise UnexpectedMessage(f"expected {cls.type}, got {message.type}")


def run(
    queue: str,
    handle: Callable[[Deps, Message, Delivery], None],
    accepts: type[Message],
    *,
    concurrency: int = 1,
) -> None:
    """Entry point of a util worker: settings, logging, dependencies, then consume `queue`.

    Messages of another type than `accepts` go to the dead-letter queue at once.
    """
    setup_logging()
    try:
        settings = load_settings()
    except ConfigError as exc:
        sys.exit(f"{queue} worker: configuration error: {exc}")
    deps = Deps.build(settings)
    handler = partial(handle, deps)
    Worker(settings, queue, handler, concurrency=concurrency, accepts=(accepts,)).run()
