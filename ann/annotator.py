"""The annotator worker: job requests in, annotated results out (`python -m ann.annotator`).

The worker loop hands each `job_requests` message to the job runner (`ann.job_runner`), which
claims, runs, records and announces the job; only then does the loop delete the message.
A sweep every half `GAS_STALLED_JOB_SECONDS` requests again the jobs whose request was lost.
"""

from __future__ import annotations

import logging
import threading

from ann.job_runner import give_up, process_job, sweep
from gas.config import Settings, load_settings
from gas.jobs import JobStore
from gas.logs import setup_logging
from gas.messages import JobRequest
from gas.worker import Delivery, Worker

log = logging.getLogger("ann.annotator")


def _sweep_forever(settings: Settings, store: JobStore) -> None:
    """Run the stalled-job sweep every half period, for the life of the process."""
    pause = threading.Event()
    while not pause.wait(settings.stalled_job_seconds / 2):
        try:
            sweep(settings, store)
        except Exception:  # a failed sweep (emulator restarting, say) is retried next period
            log.warning("stalled-job sweep failed", exc_info=True)


def main() -> None:
    """Consume job requests until SIGTERM."""
    settings = load_settings()
    setup_logging(settings.log_level)
    store = JobStore(settings)

    threading.Thread(target=_sweep_forever, args=(settings, store), name="sweep",
                     daemon=True).start()

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
