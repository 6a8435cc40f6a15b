"""Open a tabix-indexed source and read one contig of it through the index."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pysam

from ..contigs import alias_map
from ..errors import ConfigError
from ..header import parse_structured


class TabixSource:
    """A bgzipped, tabix-indexed file whose contigs are found by alias."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._file: pysam.TabixFile | None = None
        self._aliases: dict[str, str] = {}

    def _open(self) -> pysam.TabixFile:
        if self._file is None:
            try:
                self._file = pysam.TabixFile(self.path)
            except (OSError, ValueError) as exc:
                raise ConfigError(f"cannot open source {self.path}: {exc}") from exc
            self._aliases = alias_map(self._file.contigs)
        return self._file

    def header(self) -> list[str]:
        """Return the source's header lines (as tabix stored them)."""
        return list(self._open().header)

    def contig_keys(self) -> list[str]:
        """Return the normalised keys of the contigs the file has."""
        self._open()
        return list(self._aliases)

    def fetch(self, contig_key: str, lo: int, hi: int) -> Iterator[str]:
        """Yield the lines overlapping 1-based positions lo..hi of a contig (normalised key).

        Called once per chunk of input (a contig or a stretch of one), never per variant.
        """
        handle = self._open()
        name = self._aliases.get(contig_key)
        if name is None:
            return iter(())
        return handle.fetch(name, max(0, lo - 1), max(hi, lo))


def info_meta(path: str) -> dict[str, tuple[str, str]]:
    """Return {INFO key: (Number, Type)} declared in a bgzipped VCF's header.

    Reads only the header lines (gzip reads BGZF); opening the tabix index would cost more.
    """
    meta = {}
    try:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.startswith("#"):
                    break
                if line.startswith("##INFO="):
                    attrs = parse_structured(line[len("##INFO="):].rstrip("\r\n"))
                    if "ID" in attrs:
                        meta[attrs["ID"]] = (attrs.get("Number", "."), attrs.get("Type", "String"))
    except (OSError, EOFError) as exc:
        raise ConfigError(f"cannot read the header of source {path}: {exc}") from exc
    return meta
