"""How `gas` shows things to people: aligned columns and UTC times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime


def utc(epoch: float | None) -> str:
    """An epoch time as `YYYY-MM-DD HH:MM:SS UTC` ('-' when unset)."""
    if not epoch:
        return "-"
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Rows under their headers in left-aligned columns (the last column is not padded)."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths[:-1], strict=True))
        + ("  " if len(row) > 1 else "") + row[-1]
        for row in cells
    )
