"""What sources look up for one chunk: per-record coordinates a pre-step may replace.

The chunk annotator fills one Lookups per chunk from the records it has checked: every record
on the chunk's contig at its own POS. A pre-step (liftover, for example) may then replace any
record's contig key, pos and end, or switch a record off (`active[i] = False`, with a reason in
`flags[i]`): the sources look up what they are given, and the output keeps the input's own
coordinates. Positions need not be sorted nor on one contig: `groups()` sorts them for the
sources' sweeps.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import le


@dataclass
class Lookups:
    """Per-record look-up coordinates and alleles of one chunk (index i = i-th record)."""

    contig: list[str]  # normalised contig key (1..22, X, Y, MT, ...)
    pos: list[int]  # 1-based
    end: list[int]  # last reference base the record covers (1-based, inclusive)
    ref: list[bytes]
    alt: list[bytes]  # the ALT column as written (comma-separated)
    active: list[bool] = field(default_factory=list)  # False: pass through unannotated
    flags: list[bytes] = field(default_factory=list)  # INFO a pre-step adds: b";LIFTED=1:5"
    counts: Counter = field(default_factory=Counter)  # a pre-step's counts, summed over chunks
    chrom: str = ""  # the chunk's CHROM as the input writes it (chr1 or 1)

    def __post_init__(self) -> None:
        self._groups: list | None = None
        n = len(self.pos)
        if not self.active:
            self.active = [True] * n
        if not self.flags:
            self.flags = [b""] * n

    def __len__(self) -> int:
        return len(self.pos)

    def groups(self) -> list[tuple[str, list[int]]]:
        """Return [(contig key, record indices sorted by pos)] over the active records.

        Computed once, when the first source asks (pre-steps have run by then).
        """
        if self._groups is not None:
            return self._groups
        contig, active, pos = self.contig, self.active, self.pos
        if all(active) and (len(contig) < 2 or contig.count(contig[0]) == len(contig)):
            # The usual chunk: one contig, in file order (checked sorted by the parser).
            order = range(len(contig))
            if not all(map(le, pos, pos[1:])):
                order = sorted(order, key=pos.__getitem__)
            self._groups = [(contig[0], order)] if contig else []
            return self._groups
        by_contig: dict[str, list[int]] = {}
        for i, key in enumerate(contig):
            if active[i]:
                by_contig.setdefault(key, []).append(i)
        self._groups = [(key, sorted(idx, key=pos.__getitem__)) for key, idx in by_contig.items()]
        return self._groups


@dataclass
class SourceValues:
    """What one source gives a chunk: per record an INFO fragment (b'' for none).

    `ids`: per record IDs for the ID column (known-variant sources writing it), else None.
    `labels`: per-record labels the summary counts, e.g. {"region_classes": [...]}.
    """

    info: list[bytes]
    ids: list[bytes] | None = None
    labels: dict[str, list[str | None]] = field(default_factory=dict)
