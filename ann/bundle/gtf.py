"""GENCODE-style GTF lines for the rebuilt gene models."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ann.bundle.genemodel import Transcript, utrs
from ann.engine.store.genemodel import BUNDLE_ID_TAG

# Sort rank at equal start: a gene line before its transcripts, a transcript before its parts.
_RANK = {"gene": 0, "transcript": 1, "exon": 2, "CDS": 3, "five_prime_UTR": 4,
         "three_prime_UTR": 4}


@dataclass(frozen=True)
class Gene:
    """One gene row with the id the bundle gives it."""

    gene_id: str
    name: str
    gene_type: str
    chrom: str
    strand: str
    start: int
    end: int
    source: str
    level: int
    bundle_id: bool = False  # gene_id only keys the GTF: no Ensembl id is known for the gene


def _attrs(gene: Gene, transcript_id: str | None, exon_number: int | None = None,
           tags: tuple[str, ...] = ()) -> str:
    """Return the GTF attribute column, in GENCODE's key order (tags last, as Ensembl)."""
    parts = [f'gene_id "{gene.gene_id}";']
    if transcript_id is not None:
        parts.append(f'transcript_id "{transcript_id}";')
    parts.append(f'gene_type "{gene.gene_type}"; gene_name "{gene.name}";')
    if exon_number is not None:
        parts.append(f"exon_number {exon_number};")
    parts.append(f"level {gene.level};")
    parts += [f'tag "{tag}";' for tag in tags]
    return " ".join(parts)


def _line(gene: Gene, source: str, feature: str, start: int, end: int, attrs: str,
          frame: str = ".") -> tuple[str, int, int, str]:
    """Return one sortable GTF record: (contig, start, rank, text)."""
    text = (f"{gene.chrom}\t{source}\t{feature}\t{start}\t{end}\t.\t{gene.strand}\t{frame}\t"
            f"{attrs}\n")
    return gene.chrom, start, _RANK[feature], text


def _cds_frames(tx: Transcript) -> list[int]:
    """Return the GTF frame of each CDS piece (bases to skip to the next codon start)."""
    frames, done = [], 0
    for a, b in tx.cds:
        frames.append((3 - done % 3) % 3)
        done += b - a + 1
    return frames


def gene_records(gene: Gene) -> Iterator[tuple[str, int, int, str]]:
    """Yield the gene line (tagged when its id is the bundle's own, so GENE_ID leaves it out)."""
    tags = (BUNDLE_ID_TAG,) if gene.bundle_id else ()
    yield _line(gene, gene.source, "gene", gene.start, gene.end, _attrs(gene, None, tags=tags))


def transcript_records(
    gene: Gene, tx: Transcript, transcript_id: str, tags: tuple[str, ...] = ()
) -> Iterator[tuple[str, int, int, str]]:
    """Yield the transcript line and its exon, CDS and UTR lines, each with the tags."""
    attrs = _attrs(gene, transcript_id, tags=tags)
    yield _line(gene, tx.source, "transcript", tx.start, tx.end, attrs)
    for number, (a, b) in enumerate(tx.exons, start=1):
        yield _line(gene, tx.source, "exon", a, b, _attrs(gene, transcript_id, number, tags))
    for (a, b), frame in zip(tx.cds, _cds_frames(tx), strict=True):
        yield _line(gene, tx.source, "CDS", a, b, attrs, str(frame))
    for kind, a, b in utrs(tx):
        yield _line(gene, tx.source, kind, a, b, attrs)
