"""The util workers (notify, archive, restore, thaw) and the wiring they share.

Each `util.<name>` module has a handler `handle(deps, message, delivery)` that tests call
directly, and a `main()` that runs it under `gas.worker.Worker` on its queue. The worker loop
is the one place that checks a message's type: anything but `accepts` is dead-lettered there,
so a handler only ever sees the message type it is written for.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from gas.accounts import Accounts
from gas.config import Settings, SettingsError, load_settings
from gas.jobs import JobStore
from gas.logs import setup_logging
from gas.messages import Message
from gas.worker import Delivery, Worker

log = logging.getLogger(__name__)


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

    def job(self, job_id: str, outcome: str) -> dict | None:
        """The job row, or None (logged with what is therefore not done) when it is gone."""
        job = self.store.get(job_id)
        if job is None:
            log.info("job %s no longer exists; %s", job_id, outcome)
        return job


@dataclass(frozen=True)
class UtilWorker:
    """One util worker: its queue, its handler, the one message type it accepts."""

    queue: str
    handle: Callable[[Deps, Any, Delivery], None]
    accepts: type[Message]
    concurrency: int = 1

    def worker(self, deps: Deps, **options: Any) -> Worker:
        """The worker loop for this handler; messages of another type are dead-lettered."""
        options.setdefault("concurrency", self.concurrency)
        return Worker(deps.settings, self.queue, partial(self.handle, deps),
                      accepts=(self.accepts,), **options)

    def main(self) -> None:
        """Entry point of the worker process: settings, logging, dependencies, then consume."""
        try:
            settings = load_settings()
        except SettingsError as exc:
            sys.exit(f"{self.queue} worker: configuration error: {exc}")
        setup_logging(settings.log_level)
        self.worker(Deps.build(settings)).run()
