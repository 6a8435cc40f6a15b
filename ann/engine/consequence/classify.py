"""One ALT allele against one transcript: its consequence terms and positions (VEP's rules).

Outside the transcript: upstream/downstream within 5 kb (by the transcript's strand), else
nothing. Inside: splice and intron terms (`splice`), UTR and non-coding exon terms here,
coding terms (`protein`). Positions follow VEP's mapper: the first/last base of the allele in
transcript order maps to cDNA/CDS/protein, `?` when it is not exonic; an insertion sits between
two positions and is shown as the pair around it.
"""

from __future__ import annotations

from bisect import bisect_left

from . import terms as T
from .alleles import DELETION, Allele
from .model import Model
from .protein import Coding, structure_only, with_sequence
from .sequence import revcomp
from .splice import effects

FLANK_BP = 5000  # VEP's upstream/downstream distance


class Hit:
    """The result of one (allele, transcript) pair; the formatter reads these fields."""

    __slots__ = ("allele", "model", "mask", "exon", "intron", "distance", "cdna_start",
                 "cdna_end", "cds_start", "cds_end", "tl_start", "tl_end", "coding")

    def __init__(self, allele: Allele, model: Model, mask: int = 0) -> None:
        self.allele, self.model, self.mask = allele, model, mask
        self.exon = self.intron = ""
        self.distance = None
        self.cdna_start = self.cdna_end = self.cds_start = self.cds_end = None
        self.tl_start = self.tl_end = None
        self.coding: Coding | None = None


def _flanking(al: Allele, m: Model) -> Hit | None:
    """Return an upstream/downstream hit within 5 kb of the transcript, else None."""
    tx = m.tx
    before = tx.start - FLANK_BP <= al.end < tx.start
    after = tx.end < al.start <= tx.end + FLANK_BP
    if not (before or after):
        return None
    mask = T.UPSTREAM if before == m.plus else T.DOWNSTREAM
    hit = Hit(al, m, mask)
    hit.distance = min(abs(al.start - tx.start), abs(al.start - tx.end),
                       abs(al.end - tx.start), abs(al.end - tx.end))
    return hit


def _mapped(al: Allele, m: Model, to) -> tuple[int | None, int | None]:
    """Map the allele's ends through `to` (genomic → unit) as Ensembl's mapper does."""
    if al.start > al.end:  # insertion: between its two flanks
        f5, f3 = (al.end, al.start) if m.plus else (al.start, al.end)
        x5, x3 = to(f5), to(f3)
        if x5 is not None and x3 is not None:
            return x3, x5
        if x5 is not None:
            return x5 + 1, x5
        if x3 is not None:
            return x3, x3 - 1
        return None, None
    b5, b3 = (al.start, al.end) if m.plus else (al.end, al.start)
    return to(b5), to(b3)


def _numbers(hit: Hit, first: int, near_intron: bool) -> None:
    """Set EXON and INTRON as VEP does: n/N, a-b/N for a span, in transcript order."""
    al, m = hit.allele, hit.model
    s, e = al.start, al.end
    exons = []
    i = first
    while i < m.n_exons and m.starts[i] <= al.hi:
        if e >= m.starts[i] and s <= m.ends[i]:
            exons.append(m.exon_number(i))
        i += 1
    if exons:
        hit.exon = _range(exons, m.n_exons)
    if near_intron:
        introns = []
        k = max(first - 1, 0)
        while k < len(m.istarts) and m.istarts[k] <= al.hi:
            if e >= m.istarts[k] and s <= m.iends[k]:
                introns.append(m.intron_number(k))
            k += 1
        if introns:
            hit.intron = _range(introns, m.n_exons - 1)


def _range(numbers: list[int], total: int) -> str:
    lo, hi = min(numbers), max(numbers)
    return f"{lo}/{total}" if lo == hi else f"{lo}-{hi}/{total}"


def _touches_cds(m: Model, first: int, lo: int, hi: int) -> bool:
    """Whether an exonic base of lo..hi lies in the coding sequence."""
    i = first
    while i < m.n_exons and m.starts[i] <= hi:
        if max(lo, m.starts[i], m.cds_s) <= min(hi, m.ends[i], m.cds_e):
            return True
        i += 1
    return False


def _utr(al: Allele, m: Model) -> int:
    """Return 5'/3' UTR bits of an allele in an exon of a coding transcript."""
    tx, s, e = m.tx, al.start, al.end
    insertion = s > e
    before = (e >= tx.start and s <= m.cds_s - 1) or (insertion and s == m.cds_s)
    after = (e >= m.cds_e + 1 and s <= tx.end) or (insertion and e == m.cds_e)
    five, three = (before, after) if m.plus else (after, before)
    return (T.UTR5 if five else 0) | (T.UTR3 if three else 0)


def _exonic_non_coding(al: Allele, m: Model, first: int) -> bool:
    """Whether the allele lies on an exon (an insertion: both flanks in it)."""
    i = first
    while i < m.n_exons and m.starts[i] <= al.hi:
        if al.end >= m.starts[i] and al.start <= m.ends[i]:
            return True
        i += 1
    return False


def _coding_terms(hit: Hit, reference) -> int:
    """Map the allele into the CDS and return its coding consequence bits."""
    al, m = hit.allele, hit.model
    # the sequence first: it can reveal an incomplete CDS whose frame shifts CDS positions
    known = reference is not None and m.load_sequence(reference)
    if al.start <= al.end:  # a span: its two ends map, already placed in cDNA
        cs, ce = m.cds_of(hit.cdna_start), m.cds_of(hit.cdna_end)
        hit.cds_start, hit.cds_end = cs, ce
        hit.tl_start = None if cs is None else (cs + 2) // 3
        hit.tl_end = None if ce is None else (ce + 2) // 3
    else:  # an insertion: the flank rules apply in each unit
        hit.cds_start, hit.cds_end = _mapped(al, m, lambda g: m.cds_of(m.cdna(g)))

        def peptide(g: int) -> int | None:
            cds = m.cds_of(m.cdna(g))
            return None if cds is None else (cds + 2) // 3

        hit.tl_start, hit.tl_end = _mapped(al, m, peptide)
    coding = hit.coding = Coding(hit, al.seq if m.plus else revcomp(al.seq))
    if known:
        return with_sequence(coding)
    return structure_only(coding)


def evaluate(al: Allele, m: Model, reference=None) -> Hit | None:
    """Return the consequences of one allele on one transcript, None when it is too far.

    `reference` is given only when the record's REF agrees with the reference sequence.
    """
    tx = m.tx
    if al.end < tx.start or al.start > tx.end:
        return _flanking(al, m)
    lo, hi = al.lo, al.hi
    first = bisect_left(m.ends, lo)
    if al.kind == DELETION and al.start <= tx.start and al.end >= tx.end:
        hit = Hit(al, m, T.TRANSCRIPT_ABLATION)
        _numbers(hit, first, True)
        return hit
    hit = Hit(al, m)
    exonic = first < m.n_exons and m.starts[first] <= hi
    mask, near_intron, frameshift_intron = effects(al, m, first, lo, hi, exonic)
    if exonic:
        hit.cdna_start, hit.cdna_end = _mapped(al, m, m.cdna)
    if not m.coding:
        mask |= T.NON_CODING_EXON if _exonic_non_coding(al, m, first) else T.NON_CODING
    elif exonic:
        mask |= _utr(al, m)
        if _touches_cds(m, first, lo, hi):
            mask |= _coding_terms(hit, reference)
    if tx.biotype == "nonsense_mediated_decay":
        mask |= T.NMD
    if not mask:  # only a frameshift intron (a gap in the model) holds the allele
        in_cds = m.coding and hi >= m.cds_s and lo <= m.cds_e
        mask = T.CODING_SEQUENCE if in_cds and frameshift_intron else T.INTRON
    hit.mask = mask
    _numbers(hit, first, near_intron)
    return hit
