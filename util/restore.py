"""restore: when a user becomes Premium, start retrieving each of their archived result files.

    python -m util.restore

Per archived job: claim the start (conditional write, so duplicate upgrade messages ask once),
start the retrieval Expedited and Standard when refused, record {tier, requested_at, retrieval}
on the row, then publish a ThawRequest and record that it went out. A redelivery finding a
retrieval recorded but not announced publishes again (the thaw worker is idempotent).
"""

from __future__ import annotations

import logging
import time
import uuid

from gas.archive_backends import EXPEDITED, STANDARD, ArchiveBackend, CapacityError, backend_for
from gas.jobs import COMPLETED
from gas.logs import job_context
from gas.messages import Message, RestoreRequest, ThawRequest, publish
from gas.worker import Delivery, Retry
from util import Deps, expect, run

log = logging.getLogger("util.restore")
CLAIM_STALE_SECONDS = 120  # a start claim older than this belonged to a worker that died


class RestoreIncomplete(RuntimeError):
    """Some of the user's jobs could not be handled; the message is retried for them."""


def start_retrieval(backend: ArchiveBackend, job: dict) -> dict:
    """Start a retrieval, Expedited first and Standard when refused; the `restore` record."""
    try:
        tier, retrieval = EXPEDITED, backend.start_retrieval(job, EXPEDITED)
    except CapacityError as exc:
        log.info("job %s: Expedited refused (%s); asking for Standard", job["job_id"], exc)
        tier, retrieval = STANDARD, backend.start_retrieval(job, STANDARD)
    return {"tier": tier, "requested_at": int(time.time()), "retrieval": retrieval}


def announce(deps: Deps, job: dict, restore: dict) -> None:
    """Publish the thaw request for this retrieval and record that it went out."""
    publish(deps.settings, ThawRequest(
        job_id=job["job_id"], user_id=job["user_id"], retrieval=restore["retrieval"],
        tier=restore["tier"], requested_at=restore["requested_at"],
    ))
    deps.store.mark_restore_announced(job["job_id"], restore["retrieval"])


def handle(deps: Deps, message: Message, delivery: Delivery) -> None:
    """Start a retrieval for every archived job of a user who is Premium now."""
    expect(message, RestoreRequest)
    if not deps.is_premium(message.user_id):
        log.info("user %s is not Premium now (downgraded since?); nothing restored",
                 message.user_id)
        return
    failed, busy = [], []
    for listed in deps.store.all_for_user(message.user_id):
        if listed["job_status"] != COMPLETED or listed.get("restored_at"):
            continue
        with job_context(listed["job_id"]):
            try:
                # The user index is eventually consistent: read the row itself.
                job = deps.store.get(listed["job_id"])
                if job is None:
                    log.info("job %s was deleted; nothing to restore", listed["job_id"])
                elif job.get("results_file_archive_id") and not restore_job(deps, job):
                    busy.append(listed["job_id"])
            except Exception:  # one job's failure must not stop the user's other jobs
                log.exception("restore of job %s failed; will retry", listed["job_id"])
                failed.append(listed["job_id"])
    if failed:
        raise RestoreIncomplete(f"restore failed for jobs {', '.join(failed)}")
    if busy:
        # Come back: if the claim holder died, its claim goes stale and this message takes over.
        raise Retry(CLAIM_STALE_SECONDS, f"another worker is starting jobs {', '.join(busy)}")


def restore_job(deps: Deps, job: dict) -> bool:
    """Start, record and announce one job's retrieval, unless one was started before.

    Returns False when another worker holds the start claim (the caller comes back later).
    """
    store = deps.store
    if job.get("restore"):
        if not job.get("restore_announced_at"):
            announce(deps, job, job["restore"])  # an earlier attempt died before publishing
            log.info("job %s: restoring; thaw request published again", job["job_id"])
        else:
            log.info("job %s is being restored already", job["job_id"])
        return True
    token = str(uuid.uuid4())
    if store.claim_restore(job["job_id"], token, int(time.time()) - CLAIM_STALE_SECONDS) is None:
        current = store.get(job["job_id"]) or {}
        if current.get("restore") or not current.get("results_file_archive_id"):
            return True  # a duplicate delivery started it meanwhile (or the job changed)
        log.info("job %s: another worker is starting its retrieval", job["job_id"])
        return False
    try:
        restore = start_retrieval(backend_for(deps.settings, job.get("archive_backend")), job)
    except Exception:
        store.release_restore_claim(job["job_id"], token)
        raise
    recorded = store.record_retrieval(job["job_id"], token, restore)
    if recorded is None:
        log.warning("job %s: start claim lost while starting retrieval %s; it is not recorded",
                    job["job_id"], restore["retrieval"])
        return True
    announce(deps, recorded, restore)
    log.info("job %s: %s retrieval %s started", job["job_id"], restore["tier"],
             restore["retrieval"])
    return True


def main() -> None:
    """Run the restore worker."""
    run("restore", handle, RestoreRequest)


if __name__ == "__main__":
    main()
