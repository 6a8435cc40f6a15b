"""Logging set-up shared by every process: one format, with the job id on every line."""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator

_job_id: contextvars.ContextVar[str] = contextvars.ContextVar("job_id", default="-")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [job=%(job_id)s] %(message)s"
# Libraries that log routine steps at INFO (botocore every retry, alembic each start-up step and
# plugin); their warnings still show, their chatter stays out of the service's logs.
QUIET_LIBRARIES = ("botocore", "alembic")


class JobIdFilter(logging.Filter):
    """Adds the job id in hand (or '-') to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach `job_id` to the record; never drops it."""
        if not hasattr(record, "job_id"):
            record.job_id = _job_id.get()
        return True


@contextlib.contextmanager
def job_context(job_id: str) -> Iterator[None]:
    """Log lines inside this block carry `job_id`."""
    token = _job_id.set(job_id)
    try:
        yield
    finally:
        _job_id.reset(token)


def setup_logging(level: str = "INFO") -> None:
    """Configure the root logger once for a GAS process (`Settings.log_level`, GAS_LOG_LEVEL)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(JobIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
