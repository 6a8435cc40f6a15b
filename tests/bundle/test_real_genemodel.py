"""UTRs derived from exons and CDS agree with the UTR tables the packages ship (one contig)."""

from collections import Counter

import pytest

from ann.bundle import genemodel
from ann.bundle.assemblies import ASSEMBLIES, GENE_TABLES
from ann.bundle.bundle import default_package_dir
from ann.bundle.cds import attach_cds
from ann.bundle.packages import read_members
from ann.bundle.tables import GENE_COLUMNS, read_columns

PARTS = ["gene_name", "_labels", "_starts", "_ends"]


def _on_contig(table: dict[str, list], contig: str) -> dict[str, list]:
    """Keep the rows of one contig (the tables keep each contig's rows together)."""
    keep = [i for i, c in enumerate(table["_labels"]) if c == contig]
    return {k: [v[i] for i in keep] for k, v in table.items()}


@pytest.mark.parametrize(("assembly", "contig"), [("GRCh37", "chr22"), ("GRCh38", "chr21")])
def test_derived_utrs_equal_the_packaged_utr_rows(real_bundle, assembly, contig):
    spec = ASSEMBLIES[assembly]
    names = [*GENE_TABLES, *(n for _, n in spec.utr_tables)]
    data = read_members(default_package_dir() / spec.genome.filename, spec.genome, names)
    genes = _on_contig(read_columns(data["genes.parquet"], GENE_COLUMNS), contig)
    txs = _on_contig(read_columns(data["transcripts.parquet"], GENE_COLUMNS), contig)
    exons = _on_contig(read_columns(data["exons.parquet"], PARTS), contig)
    cds = _on_contig(read_columns(data["CDSs.parquet"], PARTS), contig)
    utr_tables = [(kind, _on_contig(read_columns(data[n], PARTS), contig))
                  for kind, n in spec.utr_tables]

    transcripts = genemodel.transcripts_with_exons(
        txs, exons, genemodel.assign_genes(genes, txs))
    assert attach_cds(transcripts, txs["gene_name"], cds, utr_tables) == 0

    derived = Counter((kind if utr_tables[0][0] else None, a, b)
                      for tx in transcripts for kind, a, b in genemodel.utrs(tx))
    packaged = Counter((kind, a, b) for kind, table in utr_tables
                       for a, b in zip(table["_starts"], table["_ends"], strict=True))
    assert sum(packaged.values()) > 1000
    assert derived == packaged
    assert sum(bool(tx.cds) for tx in transcripts) > 500
