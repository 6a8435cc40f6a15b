"""One transcript of a gene model, shared by the gene-model store and the consequence calculator."""

from __future__ import annotations

from dataclasses import dataclass

Interval = tuple[int, int]  # 1-based, inclusive, genomic coordinates


@dataclass(frozen=True, slots=True)
class Transcript:
    """A transcript's structure on the genome (ascending coordinates whatever the strand)."""

    transcript_id: str
    gene_id: str
    gene_name: str
    biotype: str  # the transcript's biotype; the gene's when the model has none
    contig: str  # normalised contig key (1..22, X, Y, MT)
    strand: str  # "+" or "-"
    start: int  # span of the exons, 1-based inclusive
    end: int
    exons: tuple[Interval, ...]  # ascending genomic order
    cds_start: int = 0  # genomic span of the coding sequence, stop codon included; 0: non-coding
    cds_end: int = 0
    cds_phase: int = 0  # phase of the first coding base in transcript order (incomplete 5' CDS)
    tags: tuple[str, ...] = ()  # GTF tags, e.g. "MANE_Select", "MANE_Plus_Clinical", "cds_start_NF"
    gene_type: str = ""

    @property
    def coding(self) -> bool:
        """Whether the transcript has a coding sequence."""
        return self.cds_start > 0
