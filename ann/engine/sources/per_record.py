"""Sources computed per record in Python: the seam for consequences and the like.

Subclass PerRecordSource and implement `value(contig, pos, end, ref, alts)`, returning the
record's INFO value (bytes, without the key) or None, and optionally per-record summary labels
(`labels(value)`). The engine calls `annotate(lookups)` once per chunk; records a pre-step
switched off are skipped. `self.transcripts` (when given a gene-model store) answers
`transcripts_overlapping(contig, start, end)`.
"""

from __future__ import annotations

from ..lookups import Lookups, SourceValues


class PerRecordSource:
    """Base class: one INFO key whose value is computed record by record."""

    name: bytes = b""
    label_names: tuple[str, ...] = ()  # summary counters this source fills, e.g. "impacts"

    def value(self, contig: str, pos: int, end: int, ref: bytes,
              alts: list[bytes]) -> bytes | None:
        """Return the INFO value for one record (None: write nothing)."""
        raise NotImplementedError

    def labels(self, value: bytes) -> tuple[str | None, ...]:
        """Return one label per name in label_names for a value (for the summary counts)."""
        return ()

    def annotate(self, lookups: Lookups) -> SourceValues:
        """Compute every active record's value."""
        n = len(lookups)
        info = [b""] * n
        labels: dict[str, list[str | None]] = {k: [None] * n for k in self.label_names}
        prefix = b";" + self.name + b"="
        for key, order in lookups.groups():
            for i in order:
                value = self.value(key, lookups.pos[i], lookups.end[i], lookups.ref[i],
                                   lookups.alt[i].split(b","))
                if value is None:
                    continue
                info[i] = prefix + value
                for name, label in zip(self.label_names, self.labels(value), strict=False):
                    labels[name][i] = label
        return SourceValues(info, labels=labels)
