"""Write outputs atomically: temporary names first, renamed only when the whole run worked."""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack
from pathlib import Path


class AtomicOutputs:
    """Outputs written under temporary names in their folder, renamed only when all succeed."""

    def __init__(self, stack: ExitStack) -> None:
        self._pairs: list[tuple[str, Path]] = []
        stack.callback(self._discard)

    def new(self, final: Path) -> str:
        """Return a temporary path beside final, to be renamed to it by commit()."""
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
        os.close(fd)
        self._pairs.append((tmp, final))
        return tmp

    def commit(self) -> None:
        """Rename every temporary file to its final name."""
        for tmp, final in self._pairs:
            os.replace(tmp, final)
        self._pairs = []

    def _discard(self) -> None:
        """Remove temporary files left after a failure."""
        for tmp, _ in self._pairs:
            Path(tmp).unlink(missing_ok=True)
