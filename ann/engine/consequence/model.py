"""What the calculator derives from a Transcript once: exon order, cDNA/CDS offsets, sequence.

A Model is built the first time a transcript is seen and cached (bounded, oldest dropped first:
input sorted by position revisits recent transcripts only). The spliced sequence is read from
the reference on first need and kept with the model.
"""

from __future__ import annotations

from bisect import bisect_right

from ..transcript import Transcript
from .sequence import code_for, revcomp, translate

CACHE_SIZE = 4096  # models; a genome-wide input walks past each transcript once

_cache: dict[tuple, Model] = {}


class Model:
    """A transcript with its coordinates prepared for genomic → cDNA/CDS mapping."""

    __slots__ = (
        "tx", "plus", "starts", "ends", "cstart", "cdna_len", "n_exons", "istarts", "iends",
        "coding", "cds_s", "cds_e", "ccs", "cce", "phase", "start_nf", "end_nf", "cds_len",
        "flags", "mane", "label", "reference", "seq", "cds", "utr5", "utr3", "peptide", "code",
    )

    def __init__(self, tx: Transcript) -> None:
        self.tx = tx
        self.plus = tx.strand != "-"
        self.starts = [s for s, _ in tx.exons]
        self.ends = [e for _, e in tx.exons]
        self._number_exons()
        self.istarts = [e + 1 for e in self.ends[:-1]]
        self.iends = [s - 1 for s in self.starts[1:]]
        self.flags = "&".join(t for t in tx.tags if t.startswith("cds_"))
        self.mane = "&".join(t for t in ("MANE_Select", "MANE_Plus_Clinical") if t in tx.tags)
        self.start_nf = "cds_start_NF" in tx.tags
        self.end_nf = "cds_end_NF" in tx.tags
        self.code = code_for(tx.contig)
        self.label = None  # the CSQ columns naming the transcript, written once
        self.reference = None
        self.seq = self.cds = self.utr5 = self.utr3 = self.peptide = None
        self._coding()

    def _number_exons(self) -> None:
        """Give each exon (ascending order) the cDNA position of its 5'-most base."""
        n = self.n_exons = len(self.starts)
        self.cstart = [0] * n
        acc = 1
        for i in range(n) if self.plus else range(n - 1, -1, -1):
            self.cstart[i] = acc
            acc += self.ends[i] - self.starts[i] + 1
        self.cdna_len = acc - 1

    def _coding(self) -> None:
        """Place the CDS in cDNA coordinates; a CDS whose ends are not exonic is ignored."""
        tx = self.tx
        self.coding = False
        # VEP pads an incomplete 5' CDS with N to keep the frame; the GTF/GFF phase is the
        # number of bases to skip to the first whole codon, so padding = (3 - phase) % 3.
        self.cds_s, self.cds_e, self.phase = tx.cds_start, tx.cds_end, (3 - tx.cds_phase) % 3
        if not tx.coding:
            return
        five, three = (tx.cds_start, tx.cds_end) if self.plus else (tx.cds_end, tx.cds_start)
        ccs, cce = self.cdna(five), self.cdna(three)
        if ccs is None or cce is None or cce < ccs:
            return
        self.coding, self.ccs, self.cce = True, ccs, cce
        self.cds_len = cce - ccs + 1 + self.phase

    def cdna(self, pos: int) -> int | None:
        """Return the cDNA position of a genomic position, None when it is not exonic."""
        i = bisect_right(self.starts, pos) - 1
        if i < 0 or pos > self.ends[i]:
            return None
        if self.plus:
            return self.cstart[i] + pos - self.starts[i]
        return self.cstart[i] + self.ends[i] - pos

    def cds_of(self, cdna: int | None) -> int | None:
        """Return the CDS position of a cDNA position, None outside the coding sequence."""
        if cdna is None or not self.coding or cdna < self.ccs or cdna > self.cce:
            return None
        return cdna - self.ccs + 1 + self.phase

    def exon_number(self, i: int) -> int:
        """Return the transcript-order number (1 = 5'-most) of the i-th exon in genomic order."""
        return i + 1 if self.plus else self.n_exons - i

    def intron_number(self, k: int) -> int:
        """Return the transcript-order number of the k-th intron in genomic order."""
        return k + 1 if self.plus else self.n_exons - 1 - k

    def load_sequence(self, reference) -> bool:
        """Read the spliced sequence once per reference; False when the reference lacks it."""
        if self.reference is reference:
            return self.seq is not None
        self.reference = reference
        self.seq = None
        tx = self.tx
        parts = [reference.read(tx.contig, s, e) for s, e in zip(self.starts, self.ends,
                                                                    strict=True)]
        if any(len(p) != e - s + 1 for p, s, e in zip(parts, self.starts, self.ends,
                                                       strict=True)):
            return False
        seq = "".join(parts)
        self.seq = seq if self.plus else revcomp(seq)
        if self.coding:
            self._check_ends(self.seq[self.ccs - 1:self.cce])
            self.utr5 = self.seq[:self.ccs - 1]
            self.cds = "N" * self.phase + self.seq[self.ccs - 1:self.cce]
            self.utr3 = self.seq[self.cce:]
            self.peptide = None  # translated when first needed (`protein`)
        return True

    def protein(self) -> str:
        """Return the reference protein (the CDS translated, a final stop left off)."""
        if self.peptide is None:
            peptide = translate(self.cds, self.code)
            self.peptide = peptide[:-1] if peptide.endswith("*") else peptide
        return self.peptide

    def protein_length(self) -> int:
        """Return the reference protein's length without translating it."""
        whole = len(self.cds) // 3
        last = self.cds[whole * 3 - 3:whole * 3]
        return whole - 1 if whole and self.code.get(last) == "*" else whole

    def residue(self, pos: int) -> str:
        """Return residue pos (1-based) of the protein followed by its stop, "" past both."""
        length = self.protein_length()
        if pos <= length:
            return self.code.get(self.cds[pos * 3 - 3:pos * 3], "X")
        return "*" if pos == length + 1 else ""

    def _check_ends(self, cds: str) -> None:
        """Mark an incomplete CDS as its annotation would (cds_start_NF / cds_end_NF).

        Gene models without those tags (the GAS bundle's GTF) still have CDSs that do not start
        with a start codon or end with a stop; VEP then reports no start/stop consequences.
        A CDS complete at its 3' end takes its reading frame from the stop codon.
        """
        flags = set(self.flags.split("&")) - {""}
        if not self.start_nf and self.phase == 0 and translate(cds[:3], self.code) != "M":
            self.start_nf = True
            flags.add("cds_start_NF")
        if not self.end_nf and translate(cds[len(cds) - 3:], self.code) != "*":
            self.end_nf = True
            flags.add("cds_end_NF")
        if self.start_nf and not self.end_nf and self.phase == 0 and len(cds) % 3:
            self.phase = 3 - len(cds) % 3
            self.cds_len = self.cce - self.ccs + 1 + self.phase
        self.flags = "&".join(sorted(flags))


def model_for(tx: Transcript) -> Model:
    """Return the cached Model of a transcript, building it on first sight."""
    key = (tx.transcript_id, tx.contig, tx.start, tx.end, tx.cds_start, tx.cds_end, tx.strand)
    model = _cache.get(key)
    if model is None:
        if len(_cache) >= CACHE_SIZE:
            for old in list(_cache)[:CACHE_SIZE // 2]:
                del _cache[old]
        model = _cache[key] = Model(tx)
    return model
