"""BED sources: overlap with 0-based half-open intervals; values from chosen columns."""

from __future__ import annotations

from ..config import SourceSpec
from ..errors import ConfigError
from ..ops import info_item, reduce
from .tabix import TabixSource


class BedSource:
    """One BED file; its intervals become sweep items keyed (slot, row)."""

    def __init__(self, spec: SourceSpec, slot: int) -> None:
        self.spec = spec
        self.slot = slot
        self.tabix = TabixSource(spec.path)
        self._values: list[tuple[bytes, ...]] = []
        self._fields = [(f.name.encode(), f.op, f.column - 1) for f in spec.fields]

    def items(self, contig_key: str, lo: int, hi: int) -> list[tuple[int, int, tuple]]:
        """Return (start, end, key) items, 1-based inclusive, overlapping lo..hi."""
        self._values = []
        cols = [c for _, _, c in self._fields]
        need = max(cols) + 1
        out = []
        for row, line in enumerate(self.tabix.fetch(contig_key, lo, hi)):
            f = line.split("\t")
            if len(f) < max(need, 3):
                raise ConfigError(f"{self.spec.path}: a line on {contig_key} has {len(f)} columns, "
                                  f"fewer than the {need} the configuration reads")
            start, end = int(f[1]), int(f[2])
            # vcfanno replaces ';' so a value cannot break the INFO field
            self._values.append(tuple(f[c].replace(";", ",").encode() for c in cols))
            if end > start:  # an empty interval overlaps nothing
                out.append((start + 1, end, (self.slot, row)))
        return out

    def fragment(self, keys: list[tuple]) -> bytes:
        """Return the INFO fragment for the rows in keys (in file order)."""
        rows = [self._values[k[1]] for k in keys]
        frag = b""
        for i, (name, op, _) in enumerate(self._fields):
            frag += info_item(name, reduce(op, [r[i] for r in rows]))
        return frag

    top_class = None
