"""Cut a contig into segments over which the set of overlapping source intervals is constant."""

from __future__ import annotations

import heapq
from bisect import bisect_right

END_OF_CONTIG = 1 << 62  # a sentinel bound past any position


class RangeTooNarrow(Exception):
    """A variant reaches past the loaded range; the caller reloads up to .end and retries."""

    def __init__(self, end: int) -> None:
        super().__init__(end)
        self.end = end


class ContigSegments:
    """Sorted segment starts with, per segment, the index of its interned interval set."""

    def __init__(self, sources: list, items: list[tuple[int, int, tuple]], hi: int) -> None:
        self.sources = sources  # interval sources, in slot order
        self.hi = hi  # last position whose intervals were loaded
        self.sets: list[tuple] = []
        self.frags: list[bytes | None] = []  # computed when a variant first lands in the set
        self._index: dict[tuple, int] = {}
        self.bounds: list[int] = [0]
        self.seg_sets: list[int] = [self.intern(())]
        self._sweep(items)
        # Past hi nothing is known: a variant reaching there needs a wider load (see span).
        self.bounds.append(hi + 1)
        self.seg_sets.append(self.seg_sets[0])
        self.bounds.append(END_OF_CONTIG)

    def intern(self, keys: tuple) -> int:
        """Return the index of a set of interval keys."""
        idx = self._index.get(keys)
        if idx is None:
            idx = self._index[keys] = len(self.sets)
            self.sets.append(keys)
            self.frags.append(None)
        return idx

    def fragment(self, idx: int) -> bytes:
        """Return (and keep) the INFO fragment of set idx: each source's values in turn."""
        keys = self.sets[idx]
        frag = b"".join(
            source.fragment([k for k in keys if k[0] == source.slot]) for source in self.sources
        )
        self.frags[idx] = frag
        return frag

    def top_class(self, idx: int) -> str | None:
        """Return the region class counted for set idx, or None without a gene model."""
        for source in self.sources:
            if source.top_class is not None:
                return source.top_class([k for k in self.sets[idx] if k[0] == source.slot])
        return None

    def _sweep(self, items: list[tuple[int, int, tuple]]) -> None:
        items.sort(key=lambda item: item[0])
        points = sorted({s for s, _, _ in items} | {e + 1 for _, e, _ in items})
        points = [p for p in points if p <= self.hi]
        active: dict[tuple, int] = {}
        ends: list[tuple[int, tuple]] = []
        j, n = 0, len(items)
        for point in points:
            while ends and ends[0][0] <= point:
                _, key = heapq.heappop(ends)
                left = active[key] - 1
                if left:
                    active[key] = left
                else:
                    del active[key]
            while j < n and items[j][0] <= point:
                start, end, key = items[j]
                heapq.heappush(ends, (end + 1, key))
                active[key] = active.get(key, 0) + 1
                j += 1
            idx = self.intern(tuple(sorted(active)))
            if idx != self.seg_sets[-1]:
                self.bounds.append(point)
                self.seg_sets.append(idx)

    def span(self, k: int, end: int) -> int:
        """Return the set index for positions from segment k up to end (a multi-segment span)."""
        if end > self.hi:
            raise RangeTooNarrow(end)
        last = bisect_right(self.bounds, end) - 1
        keys: set[tuple] = set()
        for i in range(k, last + 1):
            keys.update(self.sets[self.seg_sets[i]])
        return self.intern(tuple(sorted(keys)))
