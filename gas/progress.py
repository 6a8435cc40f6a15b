"""What a job page can promise: the input's record count estimated at submission, time left."""

from __future__ import annotations

HEAD_BYTES = 65_536  # the part of an input read at submission to measure its record lines
GZIP_MAGIC = b"\x1f\x8b"


def estimate_records(head: bytes, size: int) -> int | None:
    """Data records in a plain VCF of `size` bytes whose first bytes are `head`.

    The mean length of the complete record lines in `head`, applied to the bytes after the
    header; None for compressed input or when `head` holds no record line.
    """
    if head.startswith(GZIP_MAGIC):
        return None
    lines = head.split(b"\n")
    if len(head) < size:
        lines = lines[:-1]  # the last line may be cut
    header_bytes = sum(len(line) + 1 for line in lines if line.startswith(b"#"))
    records = [line for line in lines if line and not line.startswith(b"#")]
    if not records:
        return None
    mean = sum(len(line) + 1 for line in records) / len(records)
    return max(len(records), round((size - header_bytes) / mean))


def seconds_left(job: dict, now: float) -> int | None:
    """Estimated seconds until a RUNNING job finishes, from its progress rate since start."""
    total, done = job.get("estimated_records"), int(job.get("progress") or 0)
    started = job.get("start_time")
    if not total or not started or done <= 0:
        return None
    elapsed = max(now - float(started), 1.0)
    return max(0, round((max(int(total), done) - done) * elapsed / done))
