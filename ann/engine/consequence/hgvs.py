"""HGVS names of an allele on a transcript, VEP's way (`hgvs_transcript`, `hgvs_protein`).

HGVSc: `c.` on coding and `n.` on non-coding transcripts, intronic offsets from the nearer exon
(`c.123+4A>G`, `c.-12-3C>T`), `c.-N` in the 5' UTR and `c.*N` in the 3' UTR; deletions and
insertions are first shifted 3' in the transcript's direction (HGVS's rule, which VEP applies to
HGVS only), an insertion copying the bases before it is a `dup`.
HGVSp: three-letter amino acids in VEP's predicted form `p.(Arg12Trp)`, `p.(Leu5=)` for
synonymous, `fsTer`/`extTer` counts to the next stop; `=` is written `%3D` in the VCF, as VEP.
The protein is named by its transcript (the gene models carry no protein identifiers).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .alleles import SUBSTITUTION, Allele
from .classify import Hit
from .model import Model
from .sequence import THREE_LETTER as THREE
from .sequence import revcomp, three_letter, unambiguous

SHIFT_LIMIT_BP = 1000  # VEP looks this far for the 3' shift
_TER_TAIL = re.compile(r"Ter\w+")


# --- positions ---------------------------------------------------------------------------
def _coordinate(m: Model, cdna: int, offset: str) -> str:
    """Turn a cDNA position (and intron offset) into HGVS c./n. numbering."""
    if not m.coding:
        return f"{cdna}{offset}"
    if cdna > m.cce:
        return f"*{cdna - m.cce}{offset}"
    if cdna < m.ccs:
        return f"{cdna - m.ccs}{offset}"
    return f"{cdna - m.ccs + 1}{offset}"


def position(m: Model, g: int) -> str | None:
    """Return the HGVS position of a genomic position in a transcript, None outside it."""
    cdna = m.cdna(g)
    if cdna is not None:
        return _coordinate(m, cdna, "")
    i = bisect_right(m.starts, g) - 1
    if i < 0 or i + 1 >= m.n_exons:
        return None
    up, down = g - m.ends[i], m.starts[i + 1] - g
    if up < down or (up == down and m.plus):
        return _coordinate(m, m.cdna(m.ends[i]), f"+{up}" if m.plus else f"-{up}")
    return _coordinate(m, m.cdna(m.starts[i + 1]), f"-{down}" if m.plus else f"+{down}")


def _span(m: Model, lo: int, hi: int) -> str | None:
    """Return `a` or `a_b` for genomic lo..hi, in transcript order."""
    a, b = (lo, hi) if m.plus else (hi, lo)
    pa = position(m, a)
    if lo == hi or pa is None:
        return pa
    pb = position(m, b)
    return None if pb is None else f"{pa}_{pb}"


# --- 3' shifting -------------------------------------------------------------------------
def _shift(al: Allele, m: Model, reference) -> tuple[int, int, str]:
    """Shift a pure deletion or insertion 3' in transcript direction: (start, end, bases)."""
    s, e = al.start, al.end
    bases = al.ref or al.seq
    contig = m.tx.contig
    if m.plus:
        ahead = reference.fetch(contig, e + 1, e + SHIFT_LIMIT_BP)
        n = 0
        while n < len(ahead) and ahead[n] == bases[0]:
            bases, n = bases[1:] + bases[0], n + 1
        return s + n, e + n, bases
    behind = reference.fetch(contig, max(1, s - SHIFT_LIMIT_BP), s - 1)
    n = 0
    while n < len(behind) and behind[-1 - n] == bases[-1]:
        bases, n = bases[-1] + bases[:-1], n + 1
    return s - n, e - n, bases


def _insertion(al: Allele, m: Model, reference, tx_seq) -> str | None:
    """Name a pure insertion (shifted 3'): `dup` when it repeats the bases before it."""
    s, e, bases = _shift(al, m, reference)
    if not (m.tx.start <= e and s <= m.tx.end):
        return None
    n = len(bases)
    before = (reference.fetch(m.tx.contig, e - n + 1, e) if m.plus
              else reference.fetch(m.tx.contig, s, s + n - 1))
    if before == bases:
        span = _span(m, e - n + 1, e) if m.plus else _span(m, s, s + n - 1)
        return None if span is None else f"{span}dup"
    flanks = _span(m, e, s)
    return None if flanks is None else f"{flanks}ins{tx_seq(bases)}"


def _deletion(al: Allele, m: Model, reference) -> str | None:
    """Name a pure deletion (shifted 3')."""
    if reference is not None:
        s, e, _ = _shift(al, m, reference)
    else:
        s, e = al.start, al.end
    if s < m.tx.start or e > m.tx.end:
        return None
    span = _span(m, s, e)
    return None if span is None else f"{span}del"


def _clipped(m: Model, lo: int, hi: int, ref: str, alt: str) -> tuple[int, int, str, str, str]:
    """Clip shared leading/trailing bases (transcript orientation) off a substitution-like pair.

    Returns (lo, hi, ref, alt, preseq) with lo..hi the genomic span that remains.
    """
    i = 0
    while i < len(ref) and i < len(alt) and ref[i] == alt[i]:
        i += 1
    preseq, ref, alt = ref[:i], ref[i:], alt[i:]
    j = 0
    while j < len(ref) and j < len(alt) and ref[-1 - j] == alt[-1 - j]:
        j += 1
    ref, alt = ref[:len(ref) - j], alt[:len(alt) - j]
    return (lo + i, hi - j, ref, alt, preseq) if m.plus else (lo + j, hi - i, ref, alt, preseq)


def _substitution(hit: Hit, ref: str, alt: str) -> str | None:
    """Name a same-length or complex change (ref and alt in transcript orientation)."""
    al, m = hit.allele, hit.model
    if al.kind == SUBSTITUTION and len(ref) == 1:
        pos = str(hit.cds_start) if hit.cds_start is not None else position(m, al.start)
        return None if pos is None or ref == alt else f"{pos}{ref}>{alt}"
    if al.kind == SUBSTITUTION and alt == revcomp(ref):
        span = _span(m, al.start, al.end)
        return None if span is None else f"{span}inv"
    lo, hi, ref, alt, preseq = _clipped(m, al.start, al.end, ref, alt)
    if not ref and not alt:
        return None
    if len(ref) == 1 and len(alt) == 1:
        pos = position(m, lo)
        return None if pos is None else f"{pos}{ref}>{alt}"
    if not ref:  # an insertion after the clipped prefix
        if preseq.endswith(alt):
            span = _span(m, lo - len(alt), lo - 1) if m.plus else _span(m, hi + 1, hi + len(alt))
            return None if span is None else f"{span}dup"
        flanks = _span(m, lo - 1, lo) if m.plus else _span(m, hi, hi + 1)
        return None if flanks is None else f"{flanks}ins{alt}"
    span = _span(m, lo, hi)
    if span is None:
        return None
    return f"{span}del" if not alt else f"{span}delins{alt}"


def hgvsc(hit: Hit, reference, trust_ref: bool) -> str:
    """Return the HGVSc of an allele inside its transcript ("" when it cannot be named).

    `reference` gives sequence (bases, shifting); without one, `trust_ref` says the record's
    own REF may be used (no reference configured), which names substitutions only.
    """
    al, m = hit.allele, hit.model
    if not unambiguous(al.seq) or not (reference is not None or trust_ref):
        return ""
    tx_seq = (lambda s: s) if m.plus else revcomp
    if not al.seq and al.ref:
        name = _deletion(al, m, reference) if reference is not None else None
    elif not al.ref:
        name = _insertion(al, m, reference, tx_seq) if reference is not None else None
    else:
        # the record's REF: given a reference, it was checked against it
        name = _substitution(hit, tx_seq(al.ref), tx_seq(al.seq))
    if name is None:
        return ""
    return f"{m.tx.transcript_id}:{'c' if m.coding else 'n'}.{name}"


# --- protein -----------------------------------------------------------------------------
class _Protein:
    """The pieces of an HGVSp name being built (VEP's `$hgvs_notation`)."""

    __slots__ = ("ref", "alt", "start", "end", "kind", "preseq", "original_ref")

    def __init__(self, ref: str, alt: str, start: int, end: int) -> None:
        self.ref, self.alt, self.start, self.end = ref, alt, start, end
        self.kind, self.preseq, self.original_ref = "", "", ref

    def clip(self) -> None:
        """Drop amino acids shared at both ends, moving start/end (VEP's `_clip_alleles`)."""
        ref, alt = self.ref, self.alt
        if ref[:1] == "*" and alt[:1] == "*":  # the stop is re-created: VEP clips nothing
            return
        i = 0
        while i < len(ref) and i < len(alt) and ref[i] == alt[i]:
            i += 1
        self.preseq, ref, alt = ref[:i], ref[i:], alt[i:]
        j = 0
        while j < len(ref) and j < len(alt) and ref[-1 - j] == alt[-1 - j]:
            j += 1
        self.ref, self.alt = ref[:len(ref) - j], alt[:len(alt) - j]
        self.start, self.end = self.start + i, self.end - j

    def classify(self) -> None:
        """Set the event type from the peptides (VEP's `_get_hgvs_protein_type`)."""
        ref, alt = self.ref.replace("*", "X", 1), self.alt.replace("*", "X", 1)
        self.ref, self.alt = ref, alt
        if ref in ("", "-"):
            self.kind = "ins"
        elif alt in ("", "-"):
            self.kind = "del"
        elif len(ref) == 1 and len(alt) == 1:
            self.kind = ">"
        elif len(ref) != len(alt) or (len(ref) > 1 and len(alt) > 1):
            self.kind = "delins"
        else:
            self.kind = ">"

    def shift_3prime(self, peptide: str) -> None:
        """Move a deletion or insertion past identical residues after it (HGVS's 3' rule)."""
        post = self._after(peptide, self.end + 1)
        seq = self.alt if self.kind == "ins" else self.ref
        if post is None or not seq:
            return
        n = 0
        while n <= len(post) - len(seq) and seq[0] == post[n]:
            self.start, self.end, seq, n = self.start + 1, self.end + 1, seq[1:] + seq[0], n + 1
        if self.kind == "ins":
            self.alt = seq
        else:
            self.ref = seq

    def _after(self, peptide: str, pos: int, length: int | None = None) -> str | None:
        """Return the reference residues from pos (1-based), None past the end (VEP's rule)."""
        seq = peptide + (self.original_ref if self.original_ref.startswith("*") else "")
        if len(seq) <= pos:
            return None
        return seq[pos - 1:] if length is None else seq[pos - 1:pos - 1 + length]


def _alt_residues(hit: Hit, first: int):
    """Yield (position, residue) of the edited protein from residue `first` (1-based) on,
    reading on into the 3' UTR, up to and including the first stop."""
    c, m = hit.coding, hit.model
    begin = (first - 1) * 3
    seq = m.cds[begin:c.cs - 1] + c.alt + m.cds[c.ce:] + m.utr3
    get, pos = m.code.get, first
    for i in range(0, len(seq) - 2, 3):
        aa = get(seq[i:i + 3], "X")
        yield pos, aa
        if aa == "*":
            return
        pos += 1


def _extra_residues(hit: Hit, pos: int, frameshift: bool) -> str:
    """Count residues to the next stop after a stop loss or frameshift ("?" when none)."""
    stop = next((p for p, aa in _alt_residues(hit, hit.tl_start) if aa == "*"), None)
    if stop is None:
        return "?"
    extra = stop - pos if frameshift else stop - 1 - hit.model.protein_length()
    return str(extra) if extra > 0 else "?"


def _frameshift_start(hit: Hit, p: _Protein) -> None:
    """Find the first residue a frameshift changes (VEP's `_get_fs_peptides`)."""
    m = hit.model
    p.start = hit.tl_start
    for pos, aa in _alt_residues(hit, hit.tl_start):
        p.start, p.ref, p.alt = pos, m.residue(pos), aa
        if p.ref == "*" and aa == "*":
            p.kind = "="
            return
        if p.ref != aa:
            return
    p.alt, p.kind = "", "del"  # the protein ends where the edit is: nothing after it


def _insertion_peptides(hit: Hit, p: _Protein) -> bool:
    """Shift an insertion 3', call it a dup when it repeats what precedes it, flank it."""
    peptide = hit.model.protein()
    p.shift_3prime(peptide)
    if "*" not in p.alt:
        before = p.start - len(p.alt) - 1
        if before >= 0 and peptide[before:before + len(p.alt)] == p.alt:
            p.kind, p.end, p.start = "dup", p.start - 1, p.start - len(p.alt)
            p.alt = three_letter(p.alt)
            return True
    flank = p._after(peptide, min(p.start, p.end), 2)
    if not flank:
        return False
    p.ref = flank
    return True


def _peptides(hit: Hit, p: _Protein) -> bool:
    """Turn the peptides into HGVS's (VEP's `_get_hgvs_peptides`); False: cannot name it."""
    c = hit.coding
    if p.kind == "fs":
        _frameshift_start(hit, p)
    elif p.kind == "ins":
        if not _insertion_peptides(hit, p):
            return False
        if p.kind == "dup":
            return True
    elif p.kind == "del":
        p.shift_3prime(hit.model.protein())
    p.ref = three_letter(p.ref) if p.ref != "-" else p.ref
    p.alt = "del" if p.alt in ("-", "") and p.kind == "del" else three_letter(p.alt)
    if c.start_lost():
        p.alt, p.kind = "?", ""
    elif p.kind == "del" and not p.ref:
        return False
    elif p.kind == "fs":
        p.ref = p.ref[:3]
    return True


def _protein_text(hit: Hit, p: _Protein) -> str:
    """Write the p. description of the prepared pieces (VEP's `_get_hgvs_protein_format`)."""
    ref, alt, start, end, kind = p.ref, p.alt, p.start, p.end, p.kind
    if ref == alt and kind not in ("fs", "ins"):
        return f"{ref}{start}="
    if hit.coding.stop_lost() and kind in ("del", ">"):
        alt = f"{alt[:3]}extTer{_extra_residues(hit, start - 1, False)}"
        if len(ref) > 3 and kind == "del":
            return f"{ref[:3]}{start}_{ref[-3:]}{end}{alt}"
        return f"{ref}{start}{alt}"
    if kind == "dup":
        return f"{alt[:3]}{start}_{alt[-3:]}{end}dup" if start < end else f"{alt}{start}dup"
    if kind in ("delins", "ins"):
        alt = _TER_TAIL.sub("Ter", alt)
        if start == end and kind == "delins":
            return f"{ref[:3]}{start}delins{alt}"
        start, end = min(start, end), max(start, end)
        return f"{ref[:3]}{start}_{ref[-3:]}{end}{kind}{alt}"
    if kind == "fs":
        if alt == "Ter":
            return f"{ref}{start}{alt}"
        return f"{ref}{start}{alt}fsTer{_extra_residues(hit, start - 1, True)}"
    if kind == "del":
        if len(ref) > 3:
            return f"{ref[:3]}{start}_{ref[-3:]}{end}del"
        return f"{ref}{start}del"
    if start != end:
        return f"{ref}{start}_{alt}{end}"
    return f"{ref}{start}{alt}"


def _snv_protein(hit: Hit) -> str:
    """The p. text of a one-residue change, as the general path writes it."""
    c = hit.coding
    ref, alt, pos = THREE[c.ref_pep], THREE[c.alt_pep], c.ts
    if c.start_lost():
        return f"{ref}{pos}?"
    if ref == alt:
        return f"{ref}{pos}="
    if c.stop_lost():
        return f"{ref}{pos}{alt}extTer{_extra_residues(hit, pos - 1, False)}"
    return f"{ref}{pos}{alt}"


def hgvsp(hit: Hit) -> str:
    """Return the HGVSp of an allele in a coding sequence ("" when there is none)."""
    c = hit.coding
    if (c is None or c.ref_pep is None or c.alt_pep is None or not (c.ts and c.te)
            or not unambiguous(hit.allele.seq)):
        return ""
    if c.snv:
        return f"{hit.model.tx.transcript_id}:p.({_snv_protein(hit)})"
    p = _Protein(c.ref_pep, c.alt_pep, c.ts, c.te)
    if p.alt != p.ref:
        p.clip()
    if c.frameshift():
        p.kind = "fs"
    else:
        p.classify()
    if not _peptides(hit, p):
        return ""
    text = _protein_text(hit, p).replace("Xaa", "Ter")
    return f"{hit.model.tx.transcript_id}:p.({text})"
