"""The per-chunk pipeline: check the records, fill the look-ups, ask every source, write.

1. parse and check each line (the hot loop below); 2. fill a Lookups with every record's
contig key, POS, end, REF and ALT; 3. let the pre-steps replace look-up coordinates
(liftover); 4. ask each source for its per-record values (`annotate(lookups)`); 5. join the
values onto the records in config order. The output keeps the input's own coordinates.
"""

from __future__ import annotations

import gc
from collections import Counter
from dataclasses import dataclass, field

from . import validate
from .config import SourceSpec
from .contigs import normalise
from .lookups import Lookups, SourceValues
from .sources.build import open_sources

INFO_CHECK_RECORDS = 1000  # records per chunk whose INFO keys are checked against the header


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs to annotate chunks; picklable."""

    specs: tuple[SourceSpec, ...]
    stores: tuple[str, ...]  # prepared store folder of each spec
    columns: int  # columns on the #CHROM line
    version3: bool
    info_ids: frozenset[str]
    replace_keys: frozenset[bytes]  # added keys the input already declares: drop old values
    presteps: tuple = ()  # callables prestep(lookups) run before the sources (liftover)
    reference: str | None = None  # FASTA for sources that need the sequence


@dataclass
class KnownIds:
    """Counts of known-variant IDs: what GAS matched and how it compares with the file's own."""

    matched: int = 0
    carried: int = 0
    confirmed: int = 0
    added: int = 0
    contradicted: int = 0

    def add(self, other: KnownIds) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


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
    known_ids: KnownIds = field(default_factory=KnownIds)
    labels: dict[str, Counter] = field(default_factory=dict)
    undeclared: dict[str, int] = field(default_factory=dict)
    indel_v33: int = 0
    prestep_counts: Counter = field(default_factory=Counter)


class ChunkAnnotator:
    """Holds the open sources of one process."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.sources = open_sources(plan)
        self.writes_ids = any(f.to_id_column for s in plan.specs for f in s.fields)

    def annotate(self, index: int, contig: bytes, block: bytes, first_line: int,
                 seen: frozenset) -> ChunkResult:
        """Annotate a block of whole lines that should all be on one contig."""
        # A chunk makes ~10 objects per record and no reference cycles: the cyclic collector
        # would walk them over and over (a third of the parse time, measured), so pause it.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._annotate(index, contig, block, first_line, seen)
        finally:
            if collecting:
                gc.enable()

    def _annotate(self, index: int, contig: bytes, block: bytes, first_line: int,
                  seen: frozenset) -> ChunkResult:
        result = ChunkResult(index, contig, first_line, b"")
        lines = block.split(b"\n")
        lines.pop()  # the block ends with a newline
        recs, lookups = self._parse(lines, contig, first_line, seen, result)
        for step in self.plan.presteps:
            step(lookups)
        result.prestep_counts = lookups.counts
        values = [source.annotate(lookups) for source in self.sources]
        out = self._join(recs, lookups, values, result)
        result.output = b"\n".join(out) + b"\n" if out else b""
        result.records = len(out)
        if recs:
            result.first_pos, result.last_pos = lookups_pos_first_last(recs)
        result.undeclared = self._undeclared(lines[:INFO_CHECK_RECORDS], first_line)
        return result

    def _parse(self, lines, contig, first, seen, result):
        """Check each line; return its columns and the chunk's look-ups (flat for speed)."""
        plan = self.plan
        nf = 9 if plan.columns > 8 else 8
        sample_tabs = plan.columns - 9 if plan.columns > 8 else -1
        version3 = plan.version3
        ref_letters, alt_letters = validate.REF_LETTERS, validate.ALT_LETTERS
        recs, pos_l, end_l = [], [], []
        add_rec, add_pos, add_end = recs.append, pos_l.append, end_l.append
        last = 1
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
            if version3:
                result.indel_v33 += _to_v42(f)
            add_rec(f)
            add_pos(pos)
            add_end(end)
        chrom = contig.decode("utf-8", "replace")
        return recs, Lookups([normalise(chrom)] * len(recs), pos_l, end_l,
                             [f[3] for f in recs], [f[4] for f in recs], chrom=chrom)

    def _join(self, recs, lookups: Lookups, values: list[SourceValues], result) -> list[bytes]:
        """Add every source's values to the records; count IDs and labels."""
        infos = [v.info for v in values]
        frags = list(map(b"".join, zip(*infos, lookups.flags, strict=True))) if infos else \
            lookups.flags
        id_lists = [v.ids for v in values if v.ids is not None]
        found = id_lists[0] if len(id_lists) == 1 else _merge_id_lists(id_lists, len(recs))
        replace = self.plan.replace_keys
        counts = result.known_ids
        out = []
        append = out.append
        for f, frag, ids in zip(recs, frags, found or [b""] * len(recs), strict=True):
            own = f[2]
            if found is not None and (ids or own != b"."):
                _count_ids(counts, own, ids)
                if ids:
                    f[2] = ids if own == b"." else _merge_ids(own, ids)
            if frag:
                info = f[7]
                if replace:
                    info = _drop_keys(info, replace)
                f[7] = frag[1:] if info == b"." or not info else info + frag
            append(b"\t".join(f))
        for v in values:
            for name, labels in v.labels.items():
                counter = result.labels.setdefault(name, Counter())
                counter.update(x for x in labels if x is not None)
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


def lookups_pos_first_last(recs: list[list[bytes]]) -> tuple[int, int]:
    """Return the first and last POS of a chunk's records."""
    return int(recs[0][1]), int(recs[-1][1])


def _to_v42(f: list[bytes]) -> int:
    """Rewrite VCF 3.3's missing QUAL (-1) and passing FILTER (0); return 1 for D/I alleles."""
    if f[5] == b"-1":
        f[5] = b"."
    if f[6] == b"0":
        f[6] = b"PASS"
    return int(any(a[:1] in (b"D", b"I") for a in f[4].split(b",")))


def _count_ids(counts: KnownIds, own: bytes, found: bytes) -> None:
    """Count one record's own rs IDs against the IDs GAS found for it."""
    carried = own[:2] == b"rs" or b";rs" in own
    if found:
        counts.matched += 1
    if carried:
        counts.carried += 1
    if not found:
        return
    mine = set(own.split(b";")) if own != b"." else set()
    got = found.split(b";")
    if any(g not in mine for g in got):
        counts.added += 1
    if carried:
        own_rs = {x for x in mine if x[:2] == b"rs"}
        if own_rs.intersection(got):
            counts.confirmed += 1
        else:
            counts.contradicted += 1


def _merge_id_lists(lists: list[list[bytes]], n: int) -> list[bytes] | None:
    """Merge per-record IDs of several sources, each ID once, in source order."""
    if not lists:
        return None
    out = []
    for parts in zip(*lists, strict=True):
        kept = [p for p in parts if p]
        out.append(b";".join(dict.fromkeys(b";".join(kept).split(b";"))) if kept else b"")
    return out


def _merge_ids(current: bytes, ids: bytes) -> bytes:
    """Add known IDs to an ID column that already has some, keeping those first."""
    if not current:
        return ids
    return b";".join(dict.fromkeys(current.split(b";") + ids.split(b";")))


def _drop_keys(info: bytes, keys: frozenset[bytes]) -> bytes:
    """Remove INFO entries whose key the engine is about to write again."""
    kept = [item for item in info.split(b";") if item.split(b"=", 1)[0] not in keys]
    return b";".join(kept) or b"."
