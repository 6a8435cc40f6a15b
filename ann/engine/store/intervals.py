"""Prepare interval sources: per contig, the segments over which the overlapping set is constant.

Three tables per contig: `segments` (keyed by segment start, payload the set id), `sets`
(by ordinal: top region class, member ids, INFO fragment) and `members` (by ordinal: each
member's values). A look-up is a bisect into one block; a record spanning several segments
takes the union of their members and builds its fragment with the same function used here.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator

from ..ops import info_item, reduce

SEGMENTS, SETS, MEMBERS = "segments", "sets", "members"
INTERN_LIMIT = 200_000  # distinct sets remembered while preparing (bounds memory, not values)

# Region classes in severity order (most specific first); a member id of a gene model is
# gene ordinal * CLASS_SLOTS + class.
CLASSES = ("CDS", "5_UTR", "3_UTR", "noncoding_exon", "intron", "promoter")
CDS, UTR5, UTR3, NONCODING, INTRON, PROMOTER = range(6)
CLASS_SLOTS = 8
INTERGENIC = "intergenic"
MITO = "MT"  # no promoters on the mitochondrial genome (genes on both strands, no TSS regions)


def segments(items: Iterable[tuple[int, int, int]]) -> Iterator[tuple[int, tuple[int, ...]]]:
    """Yield (first position, member set) per segment from items sorted by start.

    Items are (start, end, member), 1-based inclusive. Memory holds only the active items.
    The first segment starts at 0 (the empty set), so every position falls in a segment.
    """
    active: dict[int, int] = {}
    ends: list[tuple[int, int]] = []  # (first position no longer covered, member)
    state = {"pending": (0, ()), "last": None}

    def change(point: int) -> Iterator[tuple[int, tuple[int, ...]]]:
        # The set changes at point; the previous pending segment is final once point moves on.
        pending = state["pending"]
        if point > pending[0] and pending[1] != state["last"]:
            state["last"] = pending[1]
            yield pending
        state["pending"] = (point, tuple(sorted(active)))

    def close_through(limit: int) -> Iterator[tuple[int, tuple[int, ...]]]:
        while ends and ends[0][0] <= limit:
            point = ends[0][0]
            while ends and ends[0][0] == point:
                _, member = heapq.heappop(ends)
                left = active[member] - 1
                if left:
                    active[member] = left
                else:
                    del active[member]
            yield from change(point)

    for start, end, member in items:
        yield from close_through(start)
        active[member] = active.get(member, 0) + 1
        heapq.heappush(ends, (end + 1, member))
        yield from change(start)
    yield from close_through(1 << 62)
    if state["pending"][1] != state["last"]:
        yield state["pending"]


def write_segments(writer, key: str, items, fragment_of, prefix: str = "") -> int:
    """Sweep items into the contig's segments and sets tables; return the number of sets."""
    seg_table = writer.table(key, prefix + SEGMENTS)
    set_table = writer.table(key, prefix + SETS, keyed=False)
    interned: dict[tuple[int, ...], int] = {}
    count = 0
    for point, members in segments(items):
        sid = interned.get(members)
        if sid is None:
            if len(interned) >= INTERN_LIMIT:
                interned.clear()
            sid = interned[members] = count
            frag, top = fragment_of(members)
            ids = ",".join(map(str, members)).encode()
            set_table.add(count, b"\t".join([top.encode(), ids, frag]))
            count += 1
        seg_table.add(point, str(sid).encode())
    return count


def bed_fragment(fields: list[tuple[bytes, str]], rows: list[list[bytes]]) -> bytes:
    """Return the INFO fragment of the BED rows a position overlaps (rows in file order)."""
    frag = b""
    for i, (name, op) in enumerate(fields):
        frag += info_item(name, reduce(op, [r[i] for r in rows]))
    return frag


def gene_fragment(fields: list[tuple[bytes, str, str]],
                  members: list[tuple[int, list[bytes], int]]) -> tuple[bytes, str]:
    """Return (INFO fragment, top class) for the (gene, gene values, class) members of a span.

    Per gene the most specific class counts; GENE names the genes whose body is hit, or the
    genes whose promoter it is when no body is; REGION lists the classes by severity.
    """
    best: dict[int, int] = {}
    values: dict[int, list[bytes]] = {}
    for gene, vals, cls in members:
        values[gene] = vals
        if cls < best.get(gene, 99):
            best[gene] = cls
    body = [g for g, c in best.items() if c != PROMOTER] or list(best)
    classes = sorted(set(best.values()))
    top = CLASSES[classes[0]] if classes else INTERGENIC
    frag = b""
    for name, op, what in fields:
        if what == "region":
            vals = [CLASSES[c].encode() for c in classes] or [INTERGENIC.encode()]
        else:
            col = ("gene_name", "gene_id", "gene_type").index(what)
            vals = [values[g][col] for g in body if values[g][col]]
        frag += info_item(name, reduce(op, vals))
    return frag, top
