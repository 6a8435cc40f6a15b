"""BED and gene-model sources: the prepared segments of a contig, looked up by window.

A record's span (POS to its end) usually lies in one segment: its INFO fragment is the one
prepared for that segment's set. A span crossing segments takes the union of their members
and builds the fragment with the function used at prepare time, so both give equal values.
"""

from __future__ import annotations

from bisect import bisect_right

from ..lookups import Lookups, SourceValues
from ..store.files import Store
from ..store.intervals import (
    CLASS_SLOTS,
    INTERGENIC,
    MEMBERS,
    SEGMENTS,
    SETS,
    bed_fragment,
    gene_fragment,
)
from ..store.prepare import bed_fields, gene_fields

SET_CACHE = 50_000  # distinct sets kept per contig (a dense chunk reuses them a lot)


class IntervalTables:
    """One contig's segments, sets and members tables of a store, with a set cache."""

    def __init__(self, store: Store, key: str, prefix: str = "") -> None:
        self.segments = store.table(key, prefix + SEGMENTS)
        self.sets = store.table(key, prefix + SETS)
        self.members = store.table(key, prefix + MEMBERS)
        self._sets: dict[int, tuple[bytes, str, bytes]] = {}

    def set_row(self, sid: int) -> tuple[bytes, str, bytes]:
        """Return (fragment, top class, member ids) of a set."""
        row = self._sets.get(sid)
        if row is None:
            if len(self._sets) >= SET_CACHE:
                self._sets.clear()
            top, ids, frag = self.sets.by_ordinal(sid).split(b"\t", 2)
            row = self._sets[sid] = (frag, top.decode(), ids)
        return row

    def set_ids(self, order: list[int], pos_of: list[int], end_of: list[int]):
        """Yield (record index, set id or None for a span, member ids of a span)."""
        table = self.segments
        first, nblocks = table.first, table.blocks
        b, keys, lines, nxt, lo = -1, None, None, -1, -1
        for i in order:
            pos = pos_of[i]
            if pos >= nxt or pos < lo:  # outside the block in hand
                b = bisect_right(first, pos) - 1
                block = table.block(b)
                keys, lines = block.keys, block.lines
                lo = keys[0]
                nxt = first[b + 1] if b + 1 < nblocks else 1 << 62
                j = 0
            j = bisect_right(keys, pos, j) - 1
            seg_end = (keys[j + 1] if j + 1 < len(keys) else nxt) - 1
            if end_of[i] <= seg_end:
                yield i, int(lines[j]), None
            else:
                yield i, None, self.span_members(b, j, end_of[i])

    def span_members(self, b: int, j: int, end: int) -> list[int]:
        """Return the sorted union of member ids over the segments from (block b, j) to end."""
        table = self.segments
        found: set[int] = set()
        while b < table.blocks:
            block = table.block(b)
            keys, lines = block.keys, block.lines
            while j < len(keys) and keys[j] <= end:
                ids = self.set_row(int(lines[j]))[2]
                if ids:
                    found.update(map(int, ids.split(b",")))
                j += 1
            if j < len(keys):
                break
            b, j = b + 1, 0
        return sorted(found)

    def member(self, ordinal: int) -> bytes:
        """Return one member's stored values."""
        return self.members.by_ordinal(ordinal)


class IntervalSource:
    """One prepared BED or gene-model source."""

    def __init__(self, spec, store: Store) -> None:
        self.spec = spec
        self.store = store
        self.genes = spec.kind == "genes"
        self.counts_classes = self.genes and any(f.source_field == "region" for f in spec.fields)
        self.bed_fields = None if self.genes else bed_fields(spec)
        self.gene_fields = gene_fields(spec) if self.genes else None
        self._tables: tuple[str, IntervalTables | None] | None = None

    def _contig(self, key: str) -> IntervalTables | None:
        if self._tables is None or self._tables[0] != key:
            if self._tables is not None:
                self.store.forget(self._tables[0])
            tables = IntervalTables(self.store, key) if self.store.table(key, SEGMENTS) else None
            self._tables = (key, tables)
        return self._tables[1]

    def annotate(self, lookups: Lookups) -> SourceValues:
        """Return each record's fragment (and, for gene models, its top region class)."""
        n = len(lookups)
        info = [b""] * n
        top: list[str | None] = [None] * n
        none = self._empty()
        for key, order in lookups.groups():
            tables = self._contig(key)
            if tables is None:
                for i in order:
                    info[i], top[i] = none
                continue
            self._lookup(tables, order, lookups.pos, lookups.end, info, top)
        labels = {"region_classes": top} if self.counts_classes else {}
        return SourceValues(info, labels=labels)

    def _lookup(self, tables: IntervalTables, order, pos_of, end_of, info, top) -> None:
        """Fill info/top for the records in order (sorted); the hot loop of dense inputs."""
        table = tables.segments
        first, nblocks = table.first, table.blocks
        rows: dict[bytes, tuple[bytes, str, bytes]] = {}  # set id (as stored) -> set row
        keys, lines, nxt, lo, j, b = None, None, -1, 0, 0, -1
        set_row = tables.set_row
        seg_lo, seg_hi, row = 1, 0, None  # the segment in hand: [seg_lo, seg_hi) and its row
        for i in order:
            pos = pos_of[i]
            end = end_of[i]
            if seg_lo <= pos and end < seg_hi:  # same segment as the record before
                info[i], top[i] = row[0], row[1]
                continue
            if pos >= nxt or pos < lo:  # outside the block in hand
                b = bisect_right(first, pos) - 1
                block = table.block(b)
                keys, lines = block.keys, block.lines
                lo, j, n = keys[0], 0, len(keys)
                nxt = first[b + 1] if b + 1 < nblocks else 1 << 62
            j = bisect_right(keys, pos, j) - 1
            hi = keys[j + 1] if j + 1 < n else nxt
            if end < hi:
                sid = lines[j]
                row = rows.get(sid)
                if row is None:
                    row = rows[sid] = set_row(int(sid))
                seg_lo, seg_hi = keys[j], hi
                info[i], top[i] = row[0], row[1]
            else:
                seg_lo, seg_hi = 1, 0
                info[i], top[i] = self._span_fragment(tables, tables.span_members(b, j, end))

    def _empty(self) -> tuple[bytes, str | None]:
        """The fragment and class of a position no interval covers."""
        if self.genes:
            frag, cls = gene_fragment(self.gene_fields, [])
            return frag, cls if self.counts_classes else INTERGENIC
        return b"", ""

    def _span_fragment(self, tables: IntervalTables, ids: list[int]) -> tuple[bytes, str]:
        if not self.genes:
            rows = [tables.member(m).split(b"\t") for m in ids]
            return bed_fragment(self.bed_fields, rows), ""
        members = [(m // CLASS_SLOTS, tables.member(m // CLASS_SLOTS).split(b"\t"),
                    m % CLASS_SLOTS) for m in ids]
        return gene_fragment(self.gene_fields, members)
