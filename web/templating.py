"""Jinja filters for the templates."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask


def epoch(value: int | float | None) -> str:
    """An epoch time as a readable UTC time ('—' when unset, including Jinja's Undefined)."""
    if not value:
        return "—"
    return datetime.fromtimestamp(float(value), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def filesize(value: int | None) -> str:
    """A byte count in B/KB/MB/GB (1 KB = 1024 bytes, as the plan limits are stated)."""
    size = float(value or 0)
    if size < 1024:
        return f"{size:.0f} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f}".removesuffix(".0") + f" {unit}"


def duration(seconds: int | None) -> str:
    """Seconds as a short duration (e.g. '5 minutes')."""
    seconds = int(seconds or 0)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def duration_left(seconds: int | float | None) -> str:
    """An estimate in its largest whole unit, rounded up ('3 minutes', '1 hour', '20 seconds')."""
    seconds = max(0, int(seconds or 0))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = -(-seconds // size) if seconds < 10 * size else round(seconds / size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def install_filters(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters.update(epoch=epoch, filesize=filesize, duration=duration,
                                 duration_left=duration_left)
