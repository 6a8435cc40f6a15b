"""A job's summary (`*.summary.json`, written by the engine): read once for mail and commands.

The job row keeps a few of its counts (`summary`); the file has them all. Older summaries lack
newer keys (`consequences`, `known_ids`...): readers take what is there.
"""

from __future__ import annotations

import json
import logging

from botocore.exceptions import ClientError

from gas import aws
from gas.config import Settings

log = logging.getLogger(__name__)
MAX_SUMMARY_BYTES = 1_000_000  # a summary is a few kB; anything far larger is not one


def load_summary(settings: Settings, job: dict) -> dict:
    """The job's summary file over the row's copy; the row's alone when the file is unreadable."""
    summary = dict(job.get("summary") or {})
    key = job.get("s3_key_summary_file")
    if not key:
        return summary
    try:
        body = aws.client("s3", settings).get_object(
            Bucket=job.get("s3_results_bucket") or settings.results_bucket, Key=key,
            Range=f"bytes=0-{MAX_SUMMARY_BYTES - 1}",
        )["Body"].read()
        stored = json.loads(body)
    except (ClientError, ValueError) as exc:
        log.warning("job %s: summary %s unreadable (%s); using the job row's counts",
                    job["job_id"], key, exc)
        return summary
    return {**summary, **stored} if isinstance(stored, dict) else summary


def top_consequences(summary: dict, count: int) -> list[tuple[str, int]]:
    """The `count` most common most-severe consequences, largest first (ties: most severe first)."""
    classes = summary.get("consequences")
    if not isinstance(classes, dict):
        return []
    # `consequences` is in severity order; a stable sort keeps that order among equal counts.
    ranked = sorted(((term, n) for term, n in classes.items() if isinstance(n, int) and n > 0),
                    key=lambda item: -item[1])
    return ranked[:count]
