"""The annotator worker: job requests in, annotated results out (`python -m ann.annotator`).

The worker loop hands each `job_requests` message to the job runner (`ann.job_runner`), which
claims, runs, records and announces the job; only then does the loop delete the message.
"""

from __future__ import annotations

from ann.job_runner import give_up, process_job
from gas.config import load_settings
from gas.jobs import JobStore
from gas.logs import setup_logging
from gas.messages import JobRequest
from gas.worker import Delivery, Worker


def main() -> None:
    """Consume job requests until SIGTERM."""
    settings = load_settings()
    setup_logging(settings.log_level)
    store = JobStore(settings)

    def handle(message: JobRequest, delivery: Delivery) -> None:
        if delivery.receive_count > settings.max_receives:
            give_up(settings, store, message.job_id, "it was tried too many times")
            return
        process_job(settings, store, message.job_id, message.user_id)

    def on_give_up(message: JobRequest, exc: Exception) -> None:
        give_up(settings, store, message.job_id, str(exc))

    Worker(
        settings, "job_requests", handle, concurrency=settings.annotator_concurrency,
        visibility_seconds=settings.annotator_lease_seconds, on_give_up=on_give_up,
        accepts=(JobRequest,),
    ).run()


if __name__ == "__main__":
    main()
