"""Known-variant sources: match POS/REF/ALT against a prepared store and copy ID and values.

vcfanno's rule: a source record matches a query when POS and REF are equal and they share at
least one ALT; `self` on a Number=A field gives one value per query ALT ('.' where none); the
other ops reduce the values of every matching record. A chunk's positions (sorted) sweep the
contig's blocks, jumping over the gaps through the block index.
"""

from __future__ import annotations

from bisect import bisect_left

from ..lookups import Lookups, SourceValues
from ..ops import info_item, reduce
from ..store.files import Store
from ..store.known import ABSENT, SITES, field_plan

# Scan a chunk's whole range of source sites (set look-ups) when it holds fewer than this many
# sites per query; jump through the index per query otherwise (sparse input, large source).
DENSE_RATIO = 4


class KnownSource:
    """One prepared known-variant source."""

    def __init__(self, spec, store: Store) -> None:
        self.spec = spec
        self.store = store
        meta = {k: tuple(v) for k, v in store.meta.get("info_meta", {}).items()}
        self.plan = field_plan(spec, meta)
        self.writes_ids = any(f.to_id_column for f in spec.fields)
        self._contig: str | None = None

    def annotate(self, lookups: Lookups) -> SourceValues:
        """Return each record's fragment (and IDs) from this source."""
        n = len(lookups)
        info = [b""] * n
        ids = [b""] * n if self.writes_ids else None
        for key, order in lookups.groups():
            if key != self._contig:
                if self._contig is not None:
                    self.store.forget(self._contig)
                self._contig = key
            table = self.store.table(key, SITES)
            if table is None or not table.blocks:
                continue
            pos_of = lookups.pos
            first_b = table.block_at(pos_of[order[0]])
            last_b = min(table.block_at(pos_of[order[-1]]), table.blocks - 1)
            spanned = (last_b - first_b + 1) * table.records // table.blocks
            if spanned < DENSE_RATIO * len(order):
                self._scan(table, first_b, last_b, order, lookups, info, ids)
            else:
                self._sweep(table, order, lookups, info, ids)
        return SourceValues(info, ids)

    def _scan(self, table, first_b: int, last_b: int, order, lookups, info, ids) -> None:
        """Dense input: walk every source site in the chunk's range against a set of queries."""
        pos_of, ref_of, alt_of = lookups.pos, lookups.ref, lookups.alt
        wanted: dict[int, list[int]] = {}
        for i in order:
            at = wanted.get(pos_of[i])
            if at is None:
                wanted[pos_of[i]] = [i]
            else:
                at.append(i)
        for b in range(first_b, last_b + 1):
            block = table.block(b)
            keys = block.keys
            hits = [j for j, k in enumerate(keys) if k in wanted]
            if not hits:
                continue
            lines = block.lines
            j, n = 0, len(hits)
            while j < n:
                start = hits[j]
                k = j + 1
                while k < n and keys[hits[k]] == keys[start]:
                    k += 1
                entries = lines[start:hits[k - 1] + 1]
                for i in wanted[keys[start]]:
                    got_ids, frag = self._match(entries, ref_of[i], alt_of[i])
                    info[i] = frag
                    if ids is not None:
                        ids[i] = got_ids
                j = k

    def _sweep(self, table, order, lookups, info, ids) -> None:
        """Walk the records (sorted by pos) through the contig's blocks."""
        pos_of, ref_of, alt_of = lookups.pos, lookups.ref, lookups.alt
        last, nblocks = table.last, table.blocks
        b, block, keys, j, bl = 0, None, None, 0, -1
        for i in order:
            pos = pos_of[i]
            if pos > bl:
                b = table.block_at(pos, b)
                if b >= nblocks:
                    break
                block = table.block(b)
                keys, j, bl = block.keys, 0, last[b]
                if pos < keys[0]:
                    continue
            j = bisect_left(keys, pos, j)
            if j == len(keys) or keys[j] != pos:
                continue
            k = j + 1
            while k < len(keys) and keys[k] == pos:
                k += 1
            got_ids, frag = self._match(block.lines[j:k], ref_of[i], alt_of[i])
            info[i] = frag
            if ids is not None:
                ids[i] = got_ids

    def _match(self, entries: list[bytes], ref: bytes, alt: bytes) -> tuple[bytes, bytes]:
        """Return (IDs, fragment) of the entries at a query's position."""
        if len(entries) == 1:
            e = entries[0].split(b"\t", 4)
            if e[0] == ref and e[1] == alt and b"," not in alt:
                return e[2], e[3]
        alts = alt.split(b",")
        matched = []
        for entry in entries:
            e = entry.split(b"\t")
            if e[0] != ref:
                continue
            ralts = e[1].split(b",")
            if any(a in ralts for a in alts):
                matched.append((ralts, e[4:]))
        if not matched:
            return b"", b""
        return self._combine(matched, alts)

    def _combine(self, matched, alts: list[bytes]) -> tuple[bytes, bytes]:
        found: list[bytes] = []
        frag = b""
        for i, (spec, name, _, per_allele, flag, _) in enumerate(self.plan):
            if per_allele:
                value = _per_allele(matched, alts, i)
            else:
                values = [vals[i] for _, vals in matched if vals[i] != ABSENT]
                value = reduce("flag" if flag else spec.op, values)
            if spec.to_id_column:
                if value:
                    found.extend(value.replace(b";", b",").split(b","))
                continue
            frag += info_item(name, value)
        return b";".join(dict.fromkeys(found)), frag


def _per_allele(matched, alts: list[bytes], i: int) -> bytes | None:
    """vcfanno's 'self' on a Number=A field: one value per query ALT, '.' where none."""
    out = [b"."] * len(alts)
    for ralts, vals in matched:
        if vals[i] == ABSENT:
            continue
        parts = vals[i].split(b",")
        for q, a in enumerate(alts):
            if a in ralts:
                j = ralts.index(a)
                if j < len(parts):
                    out[q] = parts[j]
    if all(v == b"." for v in out):
        return None
    return b",".join(out)
