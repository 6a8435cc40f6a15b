"""archive: when a Free user's window has passed, move the job's result file to cold storage.

    python -m util.archive

The archive queue delays each `job_results` message by min(window, 900 s); a longer window is
waited out with Retry. The role is looked up when the window ends, not at submission. Only the
result file is archived; the log and summary stay in S3, and the bgzip copy and its index are
deleted (thaw makes them again from the restored file).
"""

from __future__ import annotations

import logging
import time

from gas import result_files
from gas.archive import ArchiveBackend, MissingResult, backend_for
from gas.jobs import COMPLETED
from gas.messages import JobResult, RestoreRequest, publish
from gas.worker import Delivery, Retry
from util import Deps, UtilWorker

log = logging.getLogger("util.archive")
CONCURRENCY = 4


def handle(deps: Deps, message: JobResult, delivery: Delivery) -> None:
    """Archive the job's result file if its window has passed and its owner is Free now."""
    job = deps.job(message.job_id, "nothing to archive")
    if job is None:
        return
    if job["job_status"] != COMPLETED:
        log.info("job %s is %s; only completed results are archived", job["job_id"],
                 job["job_status"])
        return
    if job.get("results_file_archive_id"):
        # An earlier attempt recorded the archive and may have died before freeing S3. Not
        # while a restore runs: thaw may just have put the file back.
        if not job.get("restore") and not job.get("restore_claim"):
            backend_for(deps.settings, job.get("archive_backend")).release(job)
            result_files.drop_derived(deps.settings, job)
        log.info("job %s is archived already", job["job_id"])
        return
    if job.get("restored_at"):
        log.info("job %s was restored for a Premium user; it stays in S3", job["job_id"])
        return
    remaining = job["complete_time"] + deps.settings.free_user_data_retention - time.time()
    if remaining > 0:
        raise Retry(int(remaining) + 1, f"job {job['job_id']}: free window open {remaining:.0f}s")
    if deps.is_premium(job["user_id"]):
        log.info("job %s belongs to a Premium user; not archived", job["job_id"])
        return
    archive(deps, job, backend_for(deps.settings))


def archive(deps: Deps, job: dict, backend: ArchiveBackend) -> None:
    """Archive, record it on the row, free the S3 copy; hand over to restore on a late upgrade."""
    try:
        archived = backend.archive(job)
    except MissingResult as exc:
        log.error("job %s: %s; nothing archived", job["job_id"], exc)
        return
    marked = deps.store.mark_archived(job["job_id"], backend.name, archived)
    if marked is None:
        current = deps.store.get(job["job_id"]) or {}
        backend.discard(archived, current.get("results_file_archive_id"))
        log.info("job %s changed while archiving (deleted, restored or archived by another "
                 "delivery); this attempt's archive discarded", job["job_id"])
        return
    backend.release(marked)
    result_files.drop_derived(deps.settings, marked)  # the bgzip copy and index are rebuilt at thaw
    log.info("job %s: result file archived (%s, %d bytes) as %s", job["job_id"], backend.name,
             archived.size, archived.archive_id)
    # An upgrade that landed while we archived found nothing archived to restore: ask again.
    if deps.is_premium(job["user_id"]):
        log.info("user %s became Premium while job %s was archived; requesting restore",
                 job["user_id"], job["job_id"])
        publish(deps.settings, RestoreRequest(user_id=job["user_id"],
                                              requested_at=int(time.time())))


WORKER = UtilWorker("archive", handle, JobResult, concurrency=CONCURRENCY)
main = WORKER.main


if __name__ == "__main__":
    main()
