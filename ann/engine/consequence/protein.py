"""Consequences inside the coding sequence: codons, amino acids and VEP's coding predicates.

The rules follow `Bio::EnsEMBL::Variation::Utils::VariationEffect` (read there, written anew):
with sequence the reference and alternative codons and peptides decide missense, synonymous,
stop gained/lost/retained, start lost/retained, in-frame insertion/deletion and frameshift;
without sequence (no reference, or REF disagreeing with it) only what the structure decides:
frameshift, in-frame indels, start codon changes, otherwise coding_sequence_variant.
"""

from __future__ import annotations

import re

from . import terms as T
from .alleles import SUBSTITUTION
from .sequence import translate, unambiguous

_AFTER_STOP = re.compile(r"\*.+")


def _peptide(codon: str, code: dict[str, str]) -> str:
    """Translate a codon string VEP's way: a trailing partial codon adds X, nothing is "-"."""
    if codon == "-":
        return "-"
    whole = len(codon) // 3 * 3
    pep = translate(codon[:whole], code) if whole else ""
    if whole < len(codon) and pep != "*":
        pep += "X"
    return pep or "-"


def _trim_common(a: str, b: str) -> tuple[str, str]:
    """Remove the common prefix, then the common suffix, of two strings."""
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    a, b = a[i:], b[i:]
    j = 0
    while j < len(a) and j < len(b) and a[-1 - j] == b[-1 - j]:
        j += 1
    return (a[:len(a) - j], b[:len(b) - j]) if j else (a, b)


class Coding:
    """One allele on one coding transcript; attributes filled by `evaluate`."""

    __slots__ = ("hit", "m", "alt", "cs", "ce", "ts", "te", "cstart", "cend", "ref_codon",
                 "alt_codon", "ref_pep", "alt_pep", "indel", "partial", "_memo", "snv")

    def __init__(self, hit, alt: str) -> None:
        self.hit = hit
        self.m = hit.model
        self.alt = alt  # the allele on the transcript's strand
        self.cs, self.ce = hit.cds_start, hit.cds_end
        self.ts, self.te = hit.tl_start, hit.tl_end
        # VEP's cdna_start/cdna_end: ascending, but start = end + 1 for an insertion
        self.cstart, self.cend = hit.cdna_start, hit.cdna_end
        self.ref_codon = self.alt_codon = self.ref_pep = self.alt_pep = None
        self.indel = hit.allele.kind != SUBSTITUTION
        self._memo: dict[str, bool] = {}
        self.snv = False  # decided by the SNV shortcut (`_snv`)
        m = self.m
        self.partial = bool(self.ts) and 0 < m.cds_len - (self.ts * 3 - 3) < 3

    # --- codons and peptides -------------------------------------------------------------
    def make_codons(self) -> None:
        """Cut the reference and alternative codons around the allele (VEP's `codon`)."""
        cs, ce, ts, te = self.cs, self.ce, self.ts, self.te
        if not (ts and te) or cs is None or ce is None:
            return
        cds = self.m.cds
        first = ts * 3 - 3
        length = te * 3 - first
        ref = cds[first:first + length] if length > 0 else ""
        alt_cds = cds[:cs - 1] + self.alt + cds[ce:]
        alt_len = length + len(self.alt) - (ce - cs + 1)
        alt = alt_cds[first:first + alt_len] if alt_len > 0 else ""
        self.ref_codon, self.alt_codon = ref or "-", alt or "-"
        al = self.hit.allele
        if unambiguous(al.seq) and unambiguous(al.ref):
            code = self.m.code
            self.ref_pep, self.alt_pep = _peptide(self.ref_codon, code), _peptide(alt, code)

    def peps(self) -> tuple[str, str] | None:
        """Return (ref, alt) peptides with "-" as "", None when not known."""
        if self.ref_pep is None or self.alt_pep is None:
            return None
        return (("" if self.ref_pep == "-" else self.ref_pep),
                ("" if self.alt_pep == "-" else self.alt_pep))

    def codons(self) -> tuple[str, str] | None:
        """Return (ref, alt) codons with "-" as "", None for frameshifts or unknown."""
        if self.ref_codon is None or self.frameshift():
            return None
        return (("" if self.ref_codon == "-" else self.ref_codon),
                ("" if self.alt_codon == "-" else self.alt_codon))

    # --- where the allele sits ------------------------------------------------------------
    def overlaps_start(self) -> bool:
        """Whether the allele's cDNA span touches the start codon (complete 5' CDS only)."""
        m, a, b = self.m, self.cstart, self.cend
        return (not m.start_nf and a is not None and b is not None
                and b >= m.ccs and a <= m.ccs + 2)

    def overlaps_stop(self) -> bool:
        """Whether the allele's cDNA span touches the stop codon (complete 3' CDS only)."""
        m, a, b = self.m, self.cstart, self.cend
        return (not m.end_nf and a is not None and b is not None
                and b >= m.cce - 2 and a <= m.cce)

    def _edited(self, seq: str, at: int) -> str:
        """Return seq with the allele written over its cDNA span starting at index `at`."""
        return seq[:at] + self.alt + seq[at + self.cend - self.cstart + 1:]

    def start_altered(self) -> bool:
        """Whether an indel changes the start codon or what precedes it.

        VEP's `_ins_del_start_altered`.
        """
        m = self.m
        utr, cds = m.utr5, m.cds
        new = self._edited(utr + cds, self.cstart - 1)
        if utr and new[:len(utr)] == utr and new[len(utr):len(utr) + 3] == "ATG":
            return False
        if len(new) < len(cds):
            return True
        return cds != new[len(new) - len(cds):]

    def start_codon_changed(self) -> bool:
        """Whether the codon at the start position is no longer ATG (`_inv_start_altered`)."""
        utr = self.m.utr5
        if not utr or self.cend > len(utr) + len(self.m.cds):
            return False
        return self._edited(utr + self.m.cds, self.cstart - 1)[len(utr):len(utr) + 3] != "ATG"

    def stop_altered(self) -> bool:
        """Whether an indel touching the stop codon leaves no stop there.

        VEP's `_ins_del_stop_altered`.
        """
        if not (self.indel and self.overlaps_stop()) or self.cs is None:
            return False
        cds = self.m.cds
        new = self._edited(cds + self.m.utr3, self.cs - 1)
        if len(new) < len(cds):
            return True
        return translate(new[len(cds) - 3:len(cds)], self.m.code) != "*"

    # --- VEP's predicates (memoised; several call each other) ----------------------------
    def _once(self, name: str, fn) -> bool:
        memo = self._memo
        if name not in memo:
            memo[name] = False  # as VEP's predicate cache: a re-entrant call sees False
            memo[name] = bool(fn())
        return memo[name]

    def start_lost(self) -> bool:
        """start_lost: the start codon is changed and the protein does not start the same."""
        return self._once("start_lost", self._start_lost)

    def _start_lost(self) -> bool:
        if not self.overlaps_start():
            return False
        if (self.indel and unambiguous(self.alt) and self.start_altered()
                and not (self.inframe_insertion() or self.inframe_deletion())):
            return True
        if unambiguous(self.alt) and self.start_codon_changed():
            return True
        peps = self.peps()
        if not peps or not peps[0] or not peps[1] or peps[1] == "X":
            return False
        ref, alt = peps
        return self.ts == 1 and not alt.endswith(ref) and not alt.startswith(ref)

    def start_retained(self) -> bool:
        """start_retained_variant: the start codon is touched but stays."""
        if not self.overlaps_start() or not unambiguous(self.alt):
            return False
        if not self.indel:
            new = self._edited(self.m.utr5 + self.m.cds, self.cstart - 1)
            return new[len(new) - len(self.m.cds):][:3] == "ATG"
        return not self.start_altered()

    def stop_lost(self) -> bool:
        """stop_lost: the stop codon's amino acid is gone."""
        return self._once("stop_lost", self._stop_lost)

    def _stop_lost(self) -> bool:
        peps = self.peps()
        if peps is not None:
            return "*" in peps[0] and "*" not in peps[1]
        return unambiguous(self.alt) and self.stop_altered()

    def stop_retained(self) -> bool:
        """stop_retained_variant: the stop codon is touched and a stop stays where it was."""
        return self._once("stop_retained", self._stop_retained)

    def _stop_retained(self) -> bool:
        if self.partial or self.stop_lost():
            return False
        peps = self.peps()
        if peps is not None and peps[1]:
            return self._ref_eq_alt(*peps)
        return (self.indel and self.overlaps_stop() and unambiguous(self.alt)
                and not self.stop_altered())

    def _ref_eq_alt(self, ref: str, alt: str) -> bool:
        """VEP's `ref_eq_alt_sequence`: does the edited protein still stop where it did."""
        if ref == "X" and alt == "X":
            return False
        m, ts, te = self.m, self.ts, self.te
        length = m.protein_length()
        if ts > length and alt.startswith("*"):
            return True
        # condition 1 needs a stop in ref too: ensembl-variation PR #1202 (VEP issue #1710)
        # fixed an inserted stop ("L/LG*") being called stop_retained instead of stop_gained
        if ((ref == alt[:1] and "*" in alt and "*" in ref)
                or ("*" in ref and ref.find("*") == alt.find("*"))):
            return True
        tail = (ts - 1) + len(alt) + max(0, length - te) - length
        if not 0 < tail < 3:  # only then can the edited protein equal the old one plus a tail
            return False
        peptide = m.protein()
        return peptide == (peptide[:ts - 1] + alt + peptide[te:])[:length]

    def stop_gained(self) -> bool:
        """stop_gained: a stop appears in the protein where there was none."""
        if self.stop_retained():
            return False
        peps = self.peps()
        return peps is not None and "*" in peps[1] and "*" not in peps[0]

    def frameshift(self) -> bool:
        """frameshift_variant: the CDS length changes by other than a multiple of three."""
        return self._once("frameshift", self._frameshift)

    def _frameshift(self) -> bool:
        if not self.indel or self.partial or self.cs is None or self.ce is None:
            return False
        if self.stop_retained():
            return False
        return abs(len(self.alt) - (self.ce - self.cs + 1)) % 3 != 0

    def inframe_insertion(self) -> bool:
        """inframe_insertion: codons are added and the protein keeps its ends."""
        if self.hit.allele.kind != 2 or self.start_lost():
            return False
        codons, peps = self.codons(), self.peps()
        if codons is None or len(codons[1]) <= len(codons[0]) or peps is None:
            return False
        if (len(self.alt) - (self.ce - self.cs + 1)) % 3:
            # one or two bases inserted into a stop codon that stays: VEP 112 calls that
            # in-frame (its issue #1856); it is a stop_retained_variant only
            return False
        ref, alt = peps
        if alt.endswith(ref) and self.start_retained():
            return False
        alt = _AFTER_STOP.sub("*", alt)
        return alt.startswith(ref) or alt.endswith(ref)

    def inframe_deletion(self) -> bool:
        """inframe_deletion: whole codons are removed."""
        return self._once("inframe_deletion", self._inframe_deletion)

    def _inframe_deletion(self) -> bool:
        if self.hit.allele.kind != 1 or self.partial:
            return False
        codons = self.codons()
        if codons is None or len(codons[1]) >= len(codons[0]):
            return False
        ref, alt = codons
        if ref.startswith(alt) or ref.endswith(alt):
            return True
        ref, alt = _trim_common(ref, alt)
        return not alt and len(ref) % 3 == 0

    def missense(self) -> bool:
        """missense_variant: one or more amino acids change, the length stays."""
        peps = self.peps()
        if peps is None or self.indel:
            return False
        if (self.start_lost() or self.stop_lost() or self.stop_gained() or self.partial
                or self.stop_retained()):
            return False
        return peps[0] != peps[1] and len(peps[0]) == len(peps[1])

    def protein_altering(self) -> bool:
        """protein_altering_variant: the protein changes in a way no finer term describes."""
        peps = self.peps()
        if peps is None:
            return False
        ref, alt = peps
        if len(ref) == len(alt) or ref.startswith("*") or alt.startswith("*"):
            return False
        if alt.startswith(ref) or alt.endswith(ref):
            return False
        return not (self.inframe_deletion() or self.start_lost() or self.frameshift())

    def synonymous(self) -> bool:
        """synonymous_variant: the amino acids are the same."""
        peps = self.peps()
        if peps is None or not peps[0] or peps[0] != peps[1] or "X" in peps[0]:
            return False
        return not self.stop_retained() and not self.start_retained()

    def coding_unknown(self) -> bool:
        """coding_sequence_variant: in the CDS, but the protein change cannot be told."""
        peps = self.peps()
        if not (peps is None or "X" in self.alt_pep or "X" in self.ref_pep):
            return False
        return not (self.frameshift() or self.inframe_deletion() or self.protein_altering()
                    or self.start_retained() or self.start_lost() or self.stop_retained()
                    or self.stop_lost())


def _snv(c: Coding) -> int | None:
    """The common case the long way would also decide: one base changed in a whole codon.

    Returns None when the general rules are needed (tests check both agree on every SNV).
    """
    m, cs, ts = c.m, c.cs, c.ts
    if c.indel or len(c.alt) != 1 or cs is None or cs != c.ce or ts != c.te or c.partial:
        return None
    first = ts * 3 - 3
    ref_codon = m.cds[first:first + 3]
    at = cs - 1 - first
    alt_codon = ref_codon[:at] + c.alt + ref_codon[at + 1:]
    rp, ap = m.code.get(ref_codon), m.code.get(alt_codon)
    if rp is None or ap is None or c.hit.allele.ref not in "ACGT":
        return None
    c.ref_codon, c.alt_codon, c.ref_pep, c.alt_pep = ref_codon, alt_codon, rp, ap
    start_lost = start_retained = False
    if c.overlaps_start():
        start_retained = c.start_retained()
        start_lost = (c.m.utr5 and c.start_codon_changed()) or (ts == 1 and ap != rp)
    stop_lost = rp == "*" and ap != "*"
    stop_retained = ap == "*" and (rp == "*" or ts > m.protein_length())
    c._memo.update(start_lost=bool(start_lost), stop_lost=stop_lost, frameshift=False,
                   stop_retained=stop_retained, inframe_deletion=False)
    c.snv = True
    mask = ((T.START_LOST if start_lost else 0) | (T.STOP_LOST if stop_lost else 0)
            | (T.START_RETAINED if start_retained else 0)
            | (T.STOP_RETAINED if stop_retained else 0))
    if ap == "*" and rp != "*" and not stop_retained:
        mask |= T.STOP_GAINED
    elif rp != ap and not (start_lost or stop_lost or stop_retained):
        mask |= T.MISSENSE
    elif rp == ap and not (stop_retained or start_retained):
        mask |= T.SYNONYMOUS
    return mask


def with_sequence(c: Coding) -> int:
    """Return the coding consequence bits of an allele whose transcript sequence is known."""
    fast = _snv(c)
    if fast is not None:
        return fast
    return general(c)


def general(c: Coding) -> int:
    """Return the coding bits by VEP's predicates, one by one."""
    c.make_codons()
    mask = 0
    checks = (
        (T.STOP_GAINED, c.stop_gained), (T.FRAMESHIFT, c.frameshift),
        (T.STOP_LOST, c.stop_lost), (T.START_LOST, c.start_lost),
        (T.INFRAME_INSERTION, c.inframe_insertion), (T.INFRAME_DELETION, c.inframe_deletion),
        (T.MISSENSE, c.missense), (T.PROTEIN_ALTERING, c.protein_altering),
        (T.START_RETAINED, c.start_retained), (T.STOP_RETAINED, c.stop_retained),
        (T.SYNONYMOUS, c.synonymous), (T.CODING_SEQUENCE, c.coding_unknown),
    )
    for bit, check in checks:
        if check():
            mask |= bit
    if c.partial:
        mask |= T.INCOMPLETE_TERMINAL_CODON
    return mask


def structure_only(c: Coding) -> int:
    """Return what the structure alone decides (no codons: no reference, or REF disagreed)."""
    if c.partial:
        return T.INCOMPLETE_TERMINAL_CODON | T.CODING_SEQUENCE
    if c.indel and c.cs is not None and c.ce is not None:
        change = len(c.alt) - (c.ce - c.cs + 1)
        if change % 3:
            return T.FRAMESHIFT
        if c.overlaps_start():
            return T.START_LOST
        return T.INFRAME_INSERTION if change > 0 else T.INFRAME_DELETION
    if not c.indel and c.overlaps_start() and _changes_start(c):
        return T.START_LOST
    return T.CODING_SEQUENCE


def _changes_start(c: Coding) -> bool:
    """Whether a substitution's differing bases fall on the start codon (an ATG by annotation)."""
    m = c.m
    for rs, re_ in c.hit.allele.regions:
        for pos in range(rs, re_ + 1):
            cdna = m.cdna(pos)
            if cdna is not None and m.ccs <= cdna <= m.ccs + 2:
                return True
    return False
