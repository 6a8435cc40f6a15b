"""Turn the packages' tables into VCF, BED and GTF records."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from ann.bundle import genemodel, gtf
from ann.bundle.errors import BundleError
from ann.bundle.writers import Record


def dbsnp_records(snps: dict[str, list], contigs: dict[str, int],
                  dropped: Counter) -> list[Record]:
    """Return one VCF record per SNP row; POS = _starts + 1 (the table is 0-based, half-open)."""
    out = []
    for chrom, start, end, rsid, ref, alt in zip(
        snps["_labels"], snps["_starts"], snps["_ends"], snps["ID"], snps["ref"], snps["alt"],
        strict=True,
    ):
        if chrom not in contigs:
            dropped["non_primary_contig"] += 1
            continue
        if end - start != len(ref):
            raise BundleError(f"{rsid}: span {start}-{end} does not fit REF {ref}")
        if end > contigs[chrom]:
            raise BundleError(f"{rsid}: {chrom}:{end} lies past the contig's end")
        pos = start + 1
        out.append((chrom, pos, 0, f"{chrom}\t{pos}\t{rsid}\t{ref}\t{alt}\t.\t.\t.\n"))
    return out


def cpg_records(islands: dict[str, list], contigs: dict[str, int],
                dropped: Counter) -> list[Record]:
    """Return one BED record per CpG island (the table's starts are already 0-based)."""
    out = []
    for chrom, start, end, name in zip(
        islands["_labels"], islands["_starts"], islands["_ends"], islands["3"], strict=True
    ):
        if chrom not in contigs:
            dropped["non_primary_contig"] += 1
            continue
        out.append((chrom, start, 0, f"{chrom}\t{start}\t{end}\t{name}\n"))
    return out


def make_genes(genes: dict[str, list], gene_ids: list[str],
               bundle_prefix: str = "") -> list[gtf.Gene]:
    """Return the gene rows as Gene records with their ids (bundle_prefix marks the bundle's)."""
    return [
        gtf.Gene(gid, name, gtype, chrom, strand, start, end, source, level,
                 bool(bundle_prefix) and gid.startswith(bundle_prefix))
        for gid, name, gtype, chrom, strand, start, end, source, level in zip(
            gene_ids, genes["gene_name"], genes["gene_type"], genes["_labels"],
            genes["Strand"], genes["_starts"], genes["_ends"], genes["Source"], genes["level"],
            strict=True,
        )
    ]


def gene_model_records(
    genes: list[gtf.Gene], transcripts: list[genemodel.Transcript], prefix: str,
    contigs: dict[str, int], counts: Counter,
    known: dict[int, tuple[str, tuple[str, ...]]] | None = None,
) -> Callable[[str], list[Record]]:
    """Return records_for(contig): the GTF records of its genes and their transcripts.

    Transcript ids number the transcripts in table order, except those `known` names by
    table row (a real Ensembl id and its tags, e.g. MANE); genes and transcripts off the
    primary contigs are counted and left out.
    """
    known = known or {}
    genes_on: dict[str, list[gtf.Gene]] = defaultdict(list)
    txs_on: dict[str, list[tuple[gtf.Gene, genemodel.Transcript, str, tuple[str, ...]]]] = \
        defaultdict(list)
    for gene in genes:
        if gene.chrom in contigs:
            genes_on[gene.chrom].append(gene)
        else:
            counts["genes_dropped_non_primary"] += 1
    for number, tx in enumerate(transcripts, start=1):
        gene = genes[tx.gene] if tx.gene is not None else None
        if gene is None or gene.chrom not in contigs:
            counts["transcripts_dropped"] += 1
            continue
        counts["coding_transcripts" if tx.cds else "noncoding_transcripts"] += 1
        tid, tags = known.get(number - 1, (f"{prefix}{number:06d}", ()))
        txs_on[gene.chrom].append((gene, tx, tid, tags))

    def records_for(contig: str) -> list[Record]:
        out: list[Record] = []
        for gene in genes_on.pop(contig, []):
            out.extend(gtf.gene_records(gene))
        for gene, tx, transcript_id, tags in txs_on.pop(contig, []):
            out.extend(gtf.transcript_records(gene, tx, transcript_id, tags))
        return out

    return records_for
