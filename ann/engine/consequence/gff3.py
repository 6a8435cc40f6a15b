"""Write gene models as Ensembl-style GFF3, the form `bcftools csq` reads.

`ID=gene:…;Name=…;biotype=…` on gene lines, `ID=transcript:…;Parent=gene:…;biotype=…` on
transcript lines, `Parent=transcript:…` on exon, CDS and UTR lines. Gene ids must be unique:
GRCh37's bundle repeats gene names as ids and some names (Y_RNA, U3...) name several loci on a
contig, so each locus (transcripts of one id overlapping on one strand) gets its own id, the
second and later ones suffixed `_2`, `_3`... A transcript of a protein-coding gene without a
CDS is written as `processed_transcript` (Ensembl's biotypes never have a coding one without).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TextIO

from ..transcript import Transcript
from .model import Model


def _loci(transcripts: list[Transcript]) -> list[list[Transcript]]:
    """Split one gene id's transcripts (same contig) into loci of overlapping spans."""
    loci: list[list[Transcript]] = []
    ends: list[int] = []
    for tx in sorted(transcripts, key=lambda t: (t.strand, t.start)):
        if loci and loci[-1][0].strand == tx.strand and tx.start <= ends[-1]:
            loci[-1].append(tx)
            ends[-1] = max(ends[-1], tx.end)
        else:
            loci.append([tx])
            ends.append(tx.end)
    return loci


def _cds_pieces(tx: Transcript, phase0: int) -> list[tuple[int, int, int]]:
    """Return (start, end, GFF phase) of each CDS piece, phases counted in transcript order."""
    pieces = [(max(s, tx.cds_start), min(e, tx.cds_end)) for s, e in tx.exons
              if e >= tx.cds_start and s <= tx.cds_end]
    ordered = pieces if tx.strand != "-" else pieces[::-1]
    out, done = [], 0
    for s, e in ordered:
        out.append((s, e, (phase0 - done) % 3))
        done += e - s + 1
    return sorted(out)


def _utrs(tx: Transcript) -> list[tuple[str, int, int]]:
    """Return the UTR pieces of a coding transcript, named by strand."""
    left, right = ("five_prime_UTR", "three_prime_UTR")[:: 1 if tx.strand != "-" else -1]
    out = []
    for s, e in tx.exons:
        if s < tx.cds_start:
            out.append((left, s, min(e, tx.cds_start - 1)))
        if e > tx.cds_end:
            out.append((right, max(s, tx.cds_end + 1), e))
    return out


def _transcript_lines(tx: Transcript, name: str, gene: str, phase0: int) -> list[str]:
    """Return the transcript line and its exon/CDS/UTR lines (columns 3-9 after the contig)."""
    coding = tx.coding
    biotype = tx.biotype if coding or tx.biotype != "protein_coding" else "processed_transcript"
    tid = tx.transcript_id
    lines = [f"{'mRNA' if coding else 'transcript'}\t{tx.start}\t{tx.end}\t.\t{tx.strand}\t.\t"
             f"ID=transcript:{tid};Parent=gene:{gene};Name={name};biotype={biotype}"]
    lines += [f"exon\t{s}\t{e}\t.\t{tx.strand}\t.\tParent=transcript:{tid}" for s, e in tx.exons]
    if coding:
        lines += [f"CDS\t{s}\t{e}\t.\t{tx.strand}\t{p}\tParent=transcript:{tid}"
                  for s, e, p in _cds_pieces(tx, phase0)]
        lines += [f"{kind}\t{s}\t{e}\t.\t{tx.strand}\t.\tParent=transcript:{tid}"
                  for kind, s, e in _utrs(tx)]
    return lines


def write_gff3(transcripts: Iterable[Transcript], out: TextIO,
               names: dict[str, str] | None = None, reference=None) -> int:
    """Write transcripts as GFF3 to `out`; return the number of genes written.

    `names` maps contig keys to the names to write (default: the keys). With a `reference`,
    a CDS lacking its start codon takes its frame from its stop codon, as the calculator does.
    """
    by_gene: dict[tuple[str, str], list[Transcript]] = defaultdict(list)
    for tx in transcripts:
        by_gene[(tx.contig, tx.gene_id)].append(tx)
    seen: dict[str, int] = defaultdict(int)
    genes = []
    for (contig, gene_id), group in by_gene.items():
        for locus in _loci(group):
            seen[gene_id] += 1
            gid = gene_id if seen[gene_id] == 1 else f"{gene_id}_{seen[gene_id]}"
            genes.append((contig, min(t.start for t in locus), gid, locus))
    genes.sort(key=lambda g: (g[0], g[1]))
    out.write("##gff-version 3\n")
    for contig, start, gid, locus in genes:
        name = (names or {}).get(contig, contig)
        first = locus[0]
        out.write(f"{name}\tGAS\tgene\t{start}\t{max(t.end for t in locus)}\t.\t{first.strand}"
                  f"\t.\tID=gene:{gid};Name={first.gene_name};"
                  f"biotype={first.gene_type or first.biotype}\n")
        for tx in sorted(locus, key=lambda t: (t.start, t.transcript_id)):
            phase0 = tx.cds_phase
            if reference is not None and tx.coding:
                model = Model(tx)
                if model.load_sequence(reference):
                    phase0 = (3 - model.phase) % 3  # the model's N padding as a GFF phase
            for line in _transcript_lines(tx, first.gene_name, gid, phase0):
                out.write(f"{name}\tGAS\t{line}\n")
    return len(genes)
