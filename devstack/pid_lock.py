"""An exclusive lock on a file that names its holder's pid (one stack, one emulator per dir)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import TextIO


class LockHeld(Exception):
    """Another process holds the lock; `holder` is the pid it wrote (or "unknown")."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def hold_pid_lock(path: Path) -> TextIO:
    """Take the lock without waiting and write this pid into the file; keep the handle open.

    Opened with "a+", not "w": a refused attempt must not erase the holder's pid.
    """
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise LockHeld(holder) from None
    handle.truncate(0)
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle
