"""The annotator worker: job requests in, annotated results out (`python -m ann.annotator`).

For each request: claim the job (PENDING → RUNNING, conditional), run it (`ann.run.run_job`),
record COMPLETED or FAILED, publish `job_results`, and only then let the loop delete the message.
"""

from __future__ import annotations

import logging
import time
import uuid

from ann.run import InvalidJobInput, JobTimeout, LostLease, run_job
from gas.config import Settings, load_settings
from gas.jobs import COMPLETED, FAILED, JobStore
from gas.logs import setup_logging
from gas.messages import JobRequest, JobResult, Message, publish
from gas.worker import Delivery, Retry, Worker

log = logging.getLogger("ann.annotator")


def publish_result(settings: Settings, store: JobStore, job: dict) -> None:
    """Announce a job's final state on job_results and record that it went out."""
    publish(settings, JobResult(job_id=job["job_id"], user_id=job["user_id"],
                                status=job["job_status"], complete_time=int(job["complete_time"])))
    store.mark_published(job["job_id"])
    log.info("job %s %s; result published", job["job_id"], job["job_status"])


def process_job(settings: Settings, store: JobStore, job_id: str, user_id: str | None = None):
    """Annotate one job unless it is finished or held by a live annotator; return its row."""
    job = store.get(job_id)
    if job is None:
        log.warning("job %s does not exist; request skipped", job_id)
        return None
    if user_id is not None and job["user_id"] != user_id:
        log.warning("request names user %s who does not own job %s; skipped", user_id, job_id)
        return None
    if job["job_status"] in (COMPLETED, FAILED):
        if "result_published_at" in job:
            log.info("job %s is already %s; duplicate request skipped", job_id, job["job_status"])
        else:  # the last attempt recorded the state but died before publishing
            publish_result(settings, store, job)
        return job
    run_id = str(uuid.uuid4())
    claimed = store.claim(job_id, run_id, settings.annotator_lease_seconds)
    if claimed is None:
        current = store.get(job_id) or {}
        wait = int(current.get("lease_until", time.time())) - int(time.time()) + 1
        raise Retry(max(wait, 1), "job is running on another annotator")
    log.info("job %s claimed (%s, %d bytes)", job_id, job["input_file_name"], job["input_size"])
    final = _run_claimed(settings, store, claimed, run_id)
    if final is None:
        log.warning("job %s changed hands before its outcome was recorded", job_id)
        return store.get(job_id)
    publish_result(settings, store, final)
    return final


def _run_claimed(settings: Settings, store: JobStore, job: dict, run_id: str) -> dict | None:
    """Run a claimed job and record its outcome; transient errors release it and propagate."""
    try:
        details = run_job(settings, store, job, run_id)
    except (InvalidJobInput, JobTimeout) as exc:
        log.info("job %s failed: %s", job["job_id"], exc)
        return store.fail(job["job_id"], str(exc), run_id)
    except LostLease:
        return None
    except Exception:
        store.release(job["job_id"], run_id)
        raise
    return store.complete(job["job_id"], run_id, details)


def give_up(settings: Settings, store: JobStore, job_id: str, reason: str) -> None:
    """Mark a job FAILED after its retry budget and announce it."""
    job = store.fail(job_id, f"GAS could not process this file: {reason}")
    if job:
        publish_result(settings, store, job)


def main() -> None:
    """Consume job requests until SIGTERM."""
    setup_logging()
    settings = load_settings()
    store = JobStore(settings)

    def handle(message: Message, delivery: Delivery) -> None:
        if delivery.receive_count > settings.max_receives:
            give_up(settings, store, message.job_id, "it was tried too many times")
            return
        process_job(settings, store, message.job_id, message.user_id)

    def on_give_up(message: Message, exc: Exception) -> None:
        give_up(settings, store, message.job_id, str(exc))

    Worker(
        settings, "job_requests", handle, concurrency=settings.annotator_concurrency,
        visibility_seconds=settings.annotator_lease_seconds, on_give_up=on_give_up,
        accepts=(JobRequest,),
    ).run()


if __name__ == "__main__":
    main()
