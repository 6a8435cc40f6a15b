"""Rebuilding transcripts from the packages' flat tables, and deriving 5'/3' UTRs."""

import pytest

from ann.bundle import genemodel
from ann.bundle.cds import attach_cds
from ann.bundle.errors import BundleError
from ann.bundle.genemodel import Transcript, utr_pieces
from ann.bundle.tables import GENE_COLUMNS, read_columns
from tests.bundle import bundle_slices as slices

PARTS = ["gene_name", "_labels", "_starts", "_ends"]


def _read(name: str, columns: list[str]) -> dict[str, list]:
    """Read one of the fake package's tables as the builder does."""
    return read_columns(slices.parquet_bytes(slices.tables()[name]), columns)


def _rebuild() -> list[Transcript]:
    """Run the builder's transcript reconstruction on the fake tables."""
    genes = _read("genes.parquet", GENE_COLUMNS)
    txs = _read("transcripts.parquet", GENE_COLUMNS)
    transcripts = genemodel.transcripts_with_exons(
        txs, _read("exons.parquet", PARTS), genemodel.assign_genes(genes, txs))
    unresolved = attach_cds(transcripts, txs["gene_name"], _read("CDSs.parquet", PARTS),
                                      [(None, _read("UTRs.parquet", PARTS))])
    assert unresolved == 0
    return transcripts


@pytest.mark.parametrize(("strand", "exons", "cds", "expected"), [
    ("+", [(100, 200), (300, 400), (500, 600)], [(150, 200), (300, 400), (500, 550)],
     [("five_prime_UTR", 100, 149), ("three_prime_UTR", 551, 600)]),
    ("-", [(500, 600), (300, 400), (100, 200)], [(500, 550), (300, 400), (150, 200)],
     [("five_prime_UTR", 551, 600), ("three_prime_UTR", 100, 149)]),
    ("+", [(100, 200), (300, 400)], [(300, 350)],  # CDS starts in the second exon
     [("five_prime_UTR", 100, 200), ("three_prime_UTR", 351, 400)]),
    ("-", [(300, 400), (100, 200)], [(300, 400), (100, 200)], []),  # CDS fills the exons
    ("+", [(100, 200)], [], []),  # non-coding
])
def test_utr_pieces_follow_strand(strand, exons, cds, expected):
    assert sorted(utr_pieces(strand, exons, cds)) == sorted(expected)


def test_exon_rows_are_split_per_transcript():
    txs = _rebuild()
    assert [t.exons for t in txs] == [
        [(1000, 2300), (4000, 4800)],
        [(1000, 1200), (2000, 2300), (4000, 5000)],
        [(13000, 14000), (11000, 11500), (10000, 10400)],
        [(100, 200)],
    ]


def test_retained_intron_transcript_does_not_take_the_next_transcripts_cds():
    retained, coding, minus, mito = _rebuild()
    assert retained.cds == []
    assert coding.cds == [(1100, 1200), (2000, 2300), (4000, 4500)]
    assert genemodel.utrs(coding) == [("five_prime_UTR", 1000, 1099),
                                      ("three_prime_UTR", 4501, 5000)]
    assert genemodel.utrs(minus) == [("five_prime_UTR", 13601, 14000),
                                     ("three_prime_UTR", 10000, 10199)]
    assert mito.cds == [] and mito.gene == 2


def test_exon_rows_that_fit_no_transcript_are_an_error():
    genes = _read("genes.parquet", GENE_COLUMNS)
    txs = _read("transcripts.parquet", GENE_COLUMNS)
    exons = _read("exons.parquet", PARTS)
    for column in exons.values():
        column.append(column[-1])  # one exon row too many
    with pytest.raises(BundleError, match="exon rows belong to no transcript"):
        genemodel.transcripts_with_exons(txs, exons, genemodel.assign_genes(genes, txs))


def test_dictionary_columns_read_as_strings():
    genes = _read("genes.parquet", GENE_COLUMNS)
    assert genes["gene_name"] == ["GP", "GM", "MT-X"]
    assert genes["_starts"] == [1000, 10000, 100]
