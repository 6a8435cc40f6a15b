"""Write outputs atomically: temporary names first, renamed only when the whole run worked."""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack
from pathlib import Path


def umask() -> int:
    """Return the process's umask without changing it (Linux reports it in /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)  # elsewhere: read it by setting it, then put it back at once
    os.umask(old)
    return old


class AtomicOutputs:
    """Outputs written under temporary names in their folder, renamed only when all succeed."""

    def __init__(self, stack: ExitStack) -> None:
        self._pairs: list[tuple[str, Path]] = []
        self._mode = 0o666 & ~umask()  # what open() would give a new file (mkstemp gives 0600)
        stack.callback(self._discard)

    def new(self, final: Path) -> str:
        """Return a temporary path beside final, to be renamed to it by commit()."""
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
        os.fchmod(fd, self._mode)
        os.close(fd)
        self._pairs.append((tmp, final))
        return tmp

    def drop(self, tmp: str) -> None:
        """Remove a temporary file that is not an output after all (e.g. a scratch body)."""
        Path(tmp).unlink(missing_ok=True)
        self._pairs = [p for p in self._pairs if p[0] != tmp]

    def commit(self) -> None:
        """Rename every temporary file to its final name."""
        for tmp, final in self._pairs:
            os.replace(tmp, final)
        self._pairs = []

    def _discard(self) -> None:
        """Remove temporary files left after a failure."""
        for tmp, _ in self._pairs:
            Path(tmp).unlink(missing_ok=True)
