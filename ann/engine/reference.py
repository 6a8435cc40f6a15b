"""Reference genome sequence: a BGZF FASTA with .fai and .gzi indexes, read by window.

Contig names go through the engine's aliases (`20`, `chr20`), so a FASTA naming its sequences
either way serves input of either naming. Sequence is returned upper case (soft-masked
repeats are still the reference). pysam is imported when the file is first opened, so importing
this module costs nothing and a Reference crosses process boundaries (it reopens there).
"""

from __future__ import annotations

import os
from pathlib import Path

from .contigs import alias_map
from .errors import ConfigError

# A random read decompresses at least one 64 kB BGZF block (~0.1 ms here); a 16 kB window
# around the record serves its REF check, 3' shifts and duplication checks from memory.
WINDOW_BP = 1 << 14
BEHIND_BP = 1 << 10  # of it before the request, for look-backs


class Reference:
    """One FASTA genome; `fetch` returns 1-based inclusive stretches of a contig."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = str(path)
        self._fasta = None
        self._names: dict[str, str] = {}
        self._lengths: dict[str, int] = {}
        self._window = ("", 0, "")  # contig key, 1-based start, sequence

    def __getstate__(self) -> dict:
        """Pickle the path only; the file is reopened where it is used."""
        return {"path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"])

    def _open(self):
        """Open the FASTA on first use; a missing file or index is the operator's problem."""
        if self._fasta is None:
            import pysam  # the engine's heavy dependency, loaded only when sequence is read

            for suffix in ("", ".fai") + ((".gzi",) if self.path.endswith(".gz") else ()):
                if not Path(self.path + suffix).is_file():
                    raise ConfigError(f"reference {self.path}: {self.path + suffix} is missing")
            try:
                self._fasta = pysam.FastaFile(self.path)
            except (OSError, ValueError) as exc:
                raise ConfigError(f"reference {self.path}: {exc}") from exc
            self._names = alias_map(self._fasta.references)
            self._lengths = {key: self._fasta.get_reference_length(name)
                             for key, name in self._names.items()}
        return self._fasta

    def contig_keys(self) -> list[str]:
        """Return the normalised keys of the sequences the FASTA holds."""
        self._open()
        return list(self._names)

    def length(self, contig_key: str) -> int:
        """Return a contig's length, 0 when the FASTA lacks it."""
        self._open()
        return self._lengths.get(contig_key, 0)

    def fetch(self, contig_key: str, start: int, end: int) -> str:
        """Return bases start..end (1-based, inclusive, clipped to the contig), upper case.

        An unknown contig gives "" (the caller treats the sequence as unknown there).
        """
        key, wstart, seq = self._window
        if key == contig_key and start >= wstart and end < wstart + len(seq):
            return seq[start - wstart:end - wstart + 1]
        fasta = self._open()
        name = self._names.get(contig_key)
        if name is None or end < start:
            return ""
        start, end = max(1, start), min(end, self._lengths[contig_key])
        if end < start:
            return ""
        if end - start + 1 > WINDOW_BP // 2:
            return fasta.fetch(name, start - 1, end).upper()
        wstart = max(1, start - BEHIND_BP)
        wend = min(self._lengths[contig_key], max(end, wstart + WINDOW_BP - 1))
        seq = fasta.fetch(name, wstart - 1, wend).upper()
        self._window = (contig_key, wstart, seq)
        return seq[start - wstart:end - wstart + 1]

    def read(self, contig_key: str, start: int, end: int) -> str:
        """Return bases start..end like `fetch`, read directly (the window stays as it was).

        For whole exons of a transcript: htslib keeps the last block, so ascending reads of
        nearby stretches decompress each block once.
        """
        fasta = self._open()
        name = self._names.get(contig_key)
        start, end = max(1, start), min(end, self._lengths.get(contig_key, 0))
        if name is None or end < start:
            return ""
        return fasta.fetch(name, start - 1, end).upper()

    def close(self) -> None:
        """Close the file (it reopens on the next fetch)."""
        if self._fasta is not None:
            self._fasta.close()
        self.__init__(self.path)
