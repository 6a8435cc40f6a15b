"""The per-chunk hot loop: check and annotate the records of one contig run."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from . import validate
from .config import SourceSpec
from .contigs import normalise
from .sources.bed import BedSource
from .sources.genes import GeneSource
from .sources.known import KnownMatcher, KnownSource, load_contig
from .sources.segments import ContigSegments, RangeTooNarrow

INFO_CHECK_RECORDS = 1000  # records per chunk whose INFO keys are checked against the header
RANGE_PADDING = 10_000  # bp loaded past a chunk's last position, for deletions reaching on
WHOLE_CONTIG = (1, 1 << 40)


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs to annotate chunks; picklable."""

    specs: tuple[SourceSpec, ...]
    columns: int  # columns on the #CHROM line
    version3: bool
    info_ids: frozenset[str]
    replace_keys: frozenset[bytes]  # added keys the input already declares: drop old values


@dataclass
class ChunkResult:
    """What annotating one chunk produced."""

    index: int
    contig: bytes
    first_line: int
    output: bytes
    records: int = 0
    first_pos: int = 0
    last_pos: int = 0
    in_dbsnp: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    undeclared: dict[str, int] = field(default_factory=dict)


@dataclass
class _ContigData:
    key: str
    lo: int
    hi: int
    known: dict[int, object]
    segments: ContigSegments


class ChunkAnnotator:
    """Holds the sources of one process and the data of the contig it is working on."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        known = [KnownSource(s) for s in plan.specs if s.kind == "vcf"]
        self.matcher = KnownMatcher(known)
        self.known = known
        slots = [s for s in plan.specs if s.kind != "vcf"]
        self.intervals = [
            BedSource(s, i) if s.kind == "bed" else GeneSource(s, i) for i, s in enumerate(slots)
        ]
        self._data: _ContigData | None = None

    def contig_data(self, contig: bytes, lo: int, hi: int) -> _ContigData:
        """Load positions lo..hi of one contig from every source (kept while they cover)."""
        key = normalise(contig.decode("utf-8", "replace"))
        data = self._data
        if data is None or data.key != key or lo < data.lo or hi > data.hi:
            self._data = None  # free the previous range before loading the next
            items: list = []
            for source in self.intervals:
                items.extend(source.items(key, lo, hi))
            self._data = _ContigData(
                key, lo, hi, load_contig(self.matcher, key, lo, hi),
                ContigSegments(self.intervals, items, hi),
            )
        return self._data

    def annotate(self, index: int, contig: bytes, block: bytes, first_line: int,
                 seen: frozenset) -> ChunkResult:
        """Annotate a block of whole lines that should all be on one contig."""
        lines = block.split(b"\n")
        lines.pop()  # the block ends with a newline
        lo, hi = _position_range(lines)
        while True:
            data = self.contig_data(contig, lo, hi)
            result = ChunkResult(index, contig, first_line, b"")
            try:
                out = self._sweep(lines, contig, data, first_line, seen, result)
            except RangeTooNarrow as short:  # a long deletion or SV: load further and redo
                hi = short.end + RANGE_PADDING
                continue
            break
        result.output = b"\n".join(out) + b"\n" if out else b""
        result.undeclared = self._undeclared(lines[:INFO_CHECK_RECORDS], first_line)
        return result

    def _sweep(self, lines, contig, data, first, seen, result):  # noqa: C901 - the hot loop
        """Check and annotate each line; kept flat and local-variable heavy for speed."""
        plan = self.plan
        nf = 9 if plan.columns > 8 else 8
        sample_tabs = plan.columns - 9 if plan.columns > 8 else -1
        version3 = plan.version3
        replace = plan.replace_keys
        known_get = data.known.get
        match = self.matcher.match
        segs = data.segments
        bounds, seg_sets, frags = segs.bounds, segs.seg_sets, segs.frags
        hits = [0] * len(frags)
        ref_letters, alt_letters = validate.REF_LETTERS, validate.ALT_LETTERS
        k, nb, last, first_pos, in_dbsnp = 0, bounds[1], 1, 0, 0
        out = []
        append = out.append
        for i, line in enumerate(lines):
            f = line.split(b"\t", 8)
            if len(f) != nf or (sample_tabs >= 0 and f[8].count(b"\t") != sample_tabs):
                if not line.strip():
                    continue  # tolerate blank lines; they are not records
                raise validate.column_error(line, plan.columns, first + i)
            if f[0] != contig:
                raise validate.contig_error(lines, i, contig, seen, first)
            p = f[1]
            if not p.isdigit():
                raise validate.pos_error(p, first + i)
            pos = int(p)
            if pos < last:
                raise validate.order_error(pos, last, contig, first + i)
            last = pos
            ref, alt = f[3], f[4]
            if not ref or ref.translate(None, ref_letters):
                validate.check_ref(ref, first + i)
            end = pos + len(ref) - 1
            if not alt or alt.translate(None, alt_letters):
                end = validate.check_alt(alt, f[7], pos, end, version3, first + i)
            if pos >= nb:
                k = bisect_right(bounds, pos, k) - 1
                nb = bounds[k + 1]
            if end < nb:
                si = seg_sets[k]
            else:
                si = segs.span(k, end)
                hits.extend([0] * (len(frags) - len(hits)))
            hits[si] += 1
            ann = frags[si]
            if ann is None:
                ann = segs.fragment(si)
            site = known_get(pos)
            if site is not None:
                ids, kfrag = match(site, ref, alt)
                ann = kfrag + ann
                if ids:
                    f[2] = ids if f[2] == b"." else _merge_ids(f[2], ids)
                    in_dbsnp += 1
                    if not ann:
                        append(b"\t".join(f))
                        continue
                elif f[2][:2] == b"rs":
                    in_dbsnp += 1
            elif f[2] != b"." and f[2][:2] == b"rs":
                in_dbsnp += 1
            if ann:
                info = f[7]
                if replace:
                    info = _drop_keys(info, replace)
                f[7] = ann[1:] if info == b"." or not info else info + ann
                append(b"\t".join(f))
            else:
                append(line)
        result.records = len(out)
        if out:
            first_pos = int(out[0].split(b"\t", 2)[1])
        result.first_pos, result.last_pos, result.in_dbsnp = first_pos, last, in_dbsnp
        for si, n in enumerate(hits):
            if n:
                top = segs.top_class(si)
                if top is not None:
                    result.classes[top] = result.classes.get(top, 0) + n
        return out

    def _undeclared(self, lines: list[bytes], first: int) -> dict[str, int]:
        """Return INFO keys the header does not declare, with the first line using each."""
        found: dict[str, int] = {}
        declared = self.plan.info_ids
        for i, line in enumerate(lines):
            f = line.split(b"\t", 8)
            if len(f) < 8 or f[7] == b".":
                continue
            for item in f[7].split(b";"):
                key = item.split(b"=", 1)[0].decode("utf-8", "replace")
                if key and key not in declared and key not in found:
                    found[key] = first + i
        return found


def _merge_ids(current: bytes, ids: bytes) -> bytes:
    """Add known IDs to an ID column that already has some, keeping those first."""
    if not current:
        return ids
    return b";".join(dict.fromkeys(current.split(b";") + ids.split(b";")))


def _drop_keys(info: bytes, keys: frozenset[bytes]) -> bytes:
    """Remove INFO entries whose key the engine is about to write again."""
    kept = [item for item in info.split(b";") if item.split(b"=", 1)[0] not in keys]
    return b";".join(kept) or b"."



def _position_range(lines: list[bytes]) -> tuple[int, int]:
    """Return (first POS, last POS + padding) of a chunk; the whole contig if unreadable."""
    try:
        lo = int(next(x for x in lines if x.strip()).split(b"\t", 2)[1])
        hi = int(next(x for x in reversed(lines) if x.strip()).split(b"\t", 2)[1])
    except (StopIteration, IndexError, ValueError):
        return WHOLE_CONTIG
    if lo < 1 or hi < lo:
        return WHOLE_CONTIG  # the sweep will report the problem
    return lo, hi + RANGE_PADDING
