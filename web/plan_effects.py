"""What a plan change does to a user's existing results: the words of the confirmation page."""

from __future__ import annotations

import time
from dataclasses import dataclass

from gas.config import Settings
from gas.jobs import COMPLETED
from web.jobviews import EXPECTED_WAIT, is_archived


@dataclass(frozen=True)
class PlanEffects:
    """Counts of the user's results a plan change touches."""

    archived: int  # restored by an upgrade
    available: int  # completed results in S3 now
    in_free_window: int  # completed recently: archived at the window's end after a downgrade


def plan_effects(settings: Settings, jobs: list[dict], now: float | None = None) -> PlanEffects:
    """Count what an upgrade restores and what a downgrade lets the archive take."""
    now = time.time() if now is None else now
    done = [job for job in jobs if job.get("job_status") == COMPLETED]
    archived = [job for job in done if is_archived(job)]
    available = [job for job in done if not is_archived(job)]
    # The archive worker looks at the role when a result's Free window ends: results whose
    # window is still open (and that were never restored) are archived after a downgrade.
    open_window = [job for job in available if not job.get("restored_at")
                   and int(job.get("complete_time") or 0) + settings.free_user_data_retention > now]
    return PlanEffects(len(archived), len(available), len(open_window))


RESTORE_WAIT = f"{EXPECTED_WAIT['Expedited']} (or {EXPECTED_WAIT['Standard']} when the " \
               "archive has no capacity for a fast retrieval)"
