"""What will happen to a job, as its page and the API say it: when a Free result is archived,
how long a running job has left, where a PENDING job is in the queue."""

from __future__ import annotations

import time

from gas.accounts import Profile
from gas.config import Settings
from gas.jobs import COMPLETED, PENDING, RUNNING, JobStore
from gas.progress import seconds_left


def archive_time(settings: Settings, job: dict, profile: Profile | None) -> int | None:
    """When a Free user's result will be archived (complete time + the retention setting)."""
    if profile is None or profile.is_premium or job.get("job_status") != COMPLETED:
        return None
    if job.get("results_file_archive_id") or job.get("restored_at"):
        return None
    return int(job.get("complete_time") or 0) + settings.free_user_data_retention


def queue_position(store: JobStore, job: dict) -> dict | None:
    """PENDING jobs submitted before this one: the user's own and everyone's.

    Jobs submitted in the same second are not counted as ahead (submit times are in seconds).
    """
    if job.get("job_status") != PENDING:
        return None
    submitted = int(job.get("submit_time") or 0)
    return {"yours_ahead": store.count_pending_before(submitted, job["user_id"]),
            "all_ahead": store.count_pending_before(submitted)}


def outlook(settings: Settings, store: JobStore | None, job: dict,
            profile: Profile | None, now: float | None = None) -> dict:
    """The outlook fields of a job (the queue only when a store is given: it costs a scan)."""
    now = time.time() if now is None else now
    view: dict = {"archive_time": archive_time(settings, job, profile),
                  "estimated_records": job.get("estimated_records")}
    if job.get("job_status") == RUNNING:
        view["seconds_left"] = seconds_left(job, now)
    if store is not None and job.get("job_status") == PENDING:
        view["queue"] = queue_position(store, job)
    return view
