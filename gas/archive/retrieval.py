"""Starting a retrieval and announcing it to the thaw worker (restore starts them, thaw restarts
a lost one), so both workers record and publish a retrieval the same way."""

from __future__ import annotations

import logging
import time

from gas.archive.base import EXPEDITED, STANDARD, ArchiveBackend, CapacityError
from gas.config import Settings
from gas.jobs import JobStore
from gas.messages import ThawRequest, publish

log = logging.getLogger(__name__)


def start_retrieval(backend: ArchiveBackend, job: dict) -> dict:
    """Start a retrieval, Expedited first and Standard when refused; the `restore` record."""
    try:
        tier, retrieval = EXPEDITED, backend.start_retrieval(job, EXPEDITED)
    except CapacityError as exc:
        log.info("job %s: Expedited refused (%s); asking for Standard", job["job_id"], exc)
        tier, retrieval = STANDARD, backend.start_retrieval(job, STANDARD)
    return {"tier": tier, "requested_at": int(time.time()), "retrieval": retrieval}


def announce_retrieval(settings: Settings, store: JobStore, job: dict, restore: dict) -> None:
    """Publish the thaw request for this retrieval and record that it went out."""
    publish(settings, ThawRequest(
        job_id=job["job_id"], user_id=job["user_id"], retrieval=restore["retrieval"],
        tier=restore["tier"], requested_at=restore["requested_at"],
    ))
    store.mark_restore_announced(job["job_id"], restore["retrieval"])
