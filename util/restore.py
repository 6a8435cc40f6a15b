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

from gas.archive import backend_for
from gas.archive.retrieval import announce_retrieval, start_retrieval
from gas.jobs import COMPLETED
from gas.logs import job_context
from gas.messages import RestoreRequest
from gas.worker import Delivery, Retry
from util import Deps, UtilWorker

log = logging.getLogger("util.restore")
CLAIM_STALE_SECONDS = 120  # a start claim older than this belonged to a worker that died


class RestoreIncomplete(RuntimeError):
    """Some of the user's jobs could not be handled; the message is retried for them."""


def handle(deps: Deps, message: RestoreRequest, delivery: Delivery) -> None:
    """Start a retrieval for every archived job of a user who is Premium now."""
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
                job = deps.job(listed["job_id"], "nothing to restore")
                if job and job.get("results_file_archive_id") and not restore_job(deps, job):
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
            # An earlier attempt died before publishing.
            announce_retrieval(deps.settings, store, job, job["restore"])
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
    announce_retrieval(deps.settings, store, recorded, restore)
    log.info("job %s: %s retrieval %s started", job["job_id"], restore["tier"],
             restore["retrieval"])
    return True


WORKER = UtilWorker("restore", handle, RestoreRequest)
main = WORKER.main


if __name__ == "__main__":
    main()
