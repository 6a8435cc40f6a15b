"""thaw: when a retrieval has finished, put the result file back in S3 and clear the marks.

    python -m util.thaw

A retrieval not finished yet sends the message back with a delay that grows with the
retrieval's age (5 s, 10 s, 20 s, ... capped at 15 min): Expedited takes minutes on AWS and
Standard hours, so the worker neither drops the message nor spins. A thaw claim on the row
makes one delivery do the copy back even when thaw messages are duplicated.
"""

from __future__ import annotations

import logging
import time
import uuid

from gas import result_files
from gas.archive import RETRIEVAL_DONE, RetrievalLost, backend_for
from gas.archive.retrieval import announce_retrieval, start_retrieval
from gas.config import MAX_SQS_DELAY_SECONDS
from gas.messages import ThawRequest
from gas.worker import Delivery, Retry
from util import Deps, UtilWorker

log = logging.getLogger("util.thaw")
CONCURRENCY = 4
MIN_POLL_SECONDS = 5
CLAIM_STALE_SECONDS = 900  # a thaw claim older than this belonged to a worker that died
BUSY_RETRY_SECONDS = 30  # another delivery is copying: check back for it finishing (or dying)


def poll_delay(age_seconds: float) -> int:
    """Seconds until the next look at a retrieval of this age: doubles the age, up to 15 min."""
    return int(min(MAX_SQS_DELAY_SECONDS, max(MIN_POLL_SECONDS, age_seconds)))


def handle(deps: Deps, message: ThawRequest, delivery: Delivery) -> None:
    """Finish the job's restore if its retrieval is done; otherwise come back later."""
    store = deps.store
    job = deps.job(message.job_id, "nothing to thaw")
    if job is None:
        return
    if not job.get("results_file_archive_id"):
        log.info("job %s is not archived (restored already); duplicate ignored", job["job_id"])
        return
    restore = job.get("restore") or {}
    if restore.get("retrieval") != message.retrieval:
        log.info("job %s: message for retrieval %s, the job's is %s; stale message dropped",
                 job["job_id"], message.retrieval, restore.get("retrieval"))
        return
    backend = backend_for(deps.settings, job.get("archive_backend"))
    try:
        status = backend.retrieval_status(job, message.retrieval)
    except RetrievalLost as exc:
        return _restart(deps, job, exc)
    if status != RETRIEVAL_DONE:
        age = time.time() - restore["requested_at"]
        raise Retry(poll_delay(age), f"{restore['tier']} retrieval not finished after {age:.0f}s")
    token = str(uuid.uuid4())
    stale = int(time.time()) - CLAIM_STALE_SECONDS
    if store.claim_thaw(job["job_id"], message.retrieval, token, stale) is None:
        raise Retry(BUSY_RETRY_SECONDS, "another delivery is putting the file back")
    try:
        backend.finish(job, message.retrieval)
        result_files.rebuild_derived(deps.settings, job)
    except Exception:
        store.release_thaw_claim(job["job_id"], token)
        raise
    store.finish_restore(job["job_id"], token)
    log.info("job %s: result file restored after %ds (%s)", job["job_id"],
             time.time() - restore["requested_at"], restore["tier"])


def _restart(deps: Deps, job: dict, reason: Exception) -> None:
    """Replace a lost retrieval (expired or failed) with a new one and announce it."""
    log.warning("job %s: retrieval %s lost (%s); starting another", job["job_id"],
                job["restore"]["retrieval"], reason)
    backend = backend_for(deps.settings, job.get("archive_backend"))
    restore = start_retrieval(backend, job)
    replaced = deps.store.replace_retrieval(job["job_id"], job["restore"]["retrieval"], restore)
    if replaced is None:
        log.info("job %s changed meanwhile; retrieval %s not used", job["job_id"],
                 restore["retrieval"])
        return
    announce_retrieval(deps.settings, deps.store, replaced, restore)


WORKER = UtilWorker("thaw", handle, ThawRequest, concurrency=CONCURRENCY)
main = WORKER.main


if __name__ == "__main__":
    main()
