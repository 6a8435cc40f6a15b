"""What the transcript structure decides: splice sites, introns, UTRs, flanks, numbering."""

from __future__ import annotations

import dataclasses

import pytest

from ann.engine.consequence import consequences, most_severe
from ann.engine.consequence.alleles import vep_alleles

from . import synthetic as S
from .conftest import annotate

STRANDS = [pytest.param(S.TXP, id="plus"), pytest.param(S.TXM, id="minus")]


def _intron1(tx, offset: int) -> int:
    """Genomic position of intron 1 at c.30+<offset> (offset > 0) or c.31<offset> (< 0)."""
    sign = 1 if tx.strand == "+" else -1
    if offset > 0:
        return S.cds_genomic(tx, 30) + sign * offset
    return S.cds_genomic(tx, 31) + sign * offset


def _change(seq: str, pos: int) -> tuple[int, str, list[str]]:
    ref = seq[pos - 1]
    return pos, ref, ["A" if ref != "A" else "C"]


@pytest.mark.parametrize("tx", STRANDS)
@pytest.mark.parametrize("offset, terms, position", [
    (1, "splice_donor_variant", "c.30+1"),
    (2, "splice_donor_variant", "c.30+2"),
    (3, "splice_donor_region_variant&intron_variant", "c.30+3"),
    (5, "splice_donor_5th_base_variant&intron_variant", "c.30+5"),
    (7, "splice_region_variant&intron_variant", "c.30+7"),
    (9, "intron_variant", "c.30+9"),
    (-1, "splice_acceptor_variant", "c.31-1"),
    (-2, "splice_acceptor_variant", "c.31-2"),
    (-3, "splice_region_variant&splice_polypyrimidine_tract_variant&intron_variant", "c.31-3"),
    (-10, "splice_polypyrimidine_tract_variant&intron_variant", "c.31-10"),
    (-20, "intron_variant", "c.31-20"),
    (70, "intron_variant", "c.30+70"),  # nearer the 5' exon by one base
    (-70, "intron_variant", "c.31-70"),  # nearer the 3' exon by one base
])
def test_intron_positions(genome, tx, offset, terms, position):
    reference, seq = genome
    pos, ref, alts = _change(seq, _intron1(tx, offset))
    _, by_tx = annotate(pos, ref, alts, reference)
    e = by_tx[tx.transcript_id]
    assert e["Consequence"] == terms
    assert e["HGVSc"].split(":")[1][:len(position)] == position
    assert (e["INTRON"], e["EXON"], e["cDNA_position"]) == ("1/2", "", "")


@pytest.mark.parametrize("tx", STRANDS)
@pytest.mark.parametrize("cdna, terms, hgvs, exon", [
    (10, "5_prime_UTR_variant", "c.-21", "1/3"),
    (170, "3_prime_UTR_variant", "c.*20", "3/3"),
    (61, "splice_region_variant", "c.31", "2/3"),  # first base of exon 2 (and codon 11)
])
def test_exonic_positions(genome, tx, cdna, terms, hgvs, exon):
    reference, seq = genome
    pos, ref, alts = _change(seq, S.genomic(tx, cdna))
    _, by_tx = annotate(pos, ref, alts, reference)
    e = by_tx[tx.transcript_id]
    assert terms in e["Consequence"].split("&")
    assert e["HGVSc"].split(":")[1].startswith(hgvs)
    assert (e["EXON"], e["cDNA_position"]) == (exon, str(cdna))


@pytest.mark.parametrize("tx, pos, term, distance", [
    (S.TXP, 150, "upstream_gene_variant", 51), (S.TXP, 750, "downstream_gene_variant", 50),
    (S.TXM, 1750, "upstream_gene_variant", 50), (S.TXM, 1150, "downstream_gene_variant", 51),
])
def test_flanks_follow_the_strand(genome, tx, pos, term, distance):
    reference, seq = genome
    _, by_tx = annotate(*_change(seq, pos), reference)
    e = by_tx[tx.transcript_id]
    assert (e["Consequence"], e["IMPACT"], e["DISTANCE"]) == (term, "MODIFIER", str(distance))
    assert e["HGVSc"] == "" and e["EXON"] == ""


def test_nothing_within_5kb_is_intergenic(genome):
    reference, seq = genome
    found, by_tx = annotate(*_change(seq, 9000), reference)
    assert (found.worst, found.impact) == ("intergenic_variant", "MODIFIER")
    assert list(by_tx) == [""]
    assert by_tx[""]["Consequence"] == "intergenic_variant"
    assert not any(v for k, v in by_tx[""].items() if k not in ("Allele", "Consequence",
                                                                "IMPACT"))


@pytest.mark.parametrize("pos, terms, hgvs", [
    (2050, "non_coding_transcript_exon_variant", "n.50"),
    (2150, "intron_variant&non_coding_transcript_variant", "n.100+50"),
    (2101, "splice_donor_variant&non_coding_transcript_variant", "n.100+1"),
])
def test_non_coding_transcript(genome, pos, terms, hgvs):
    reference, seq = genome
    _, by_tx = annotate(*_change(seq, pos), reference)
    e = by_tx["TXN"]
    assert (e["Consequence"], e["BIOTYPE"], e["SYMBOL"]) == (terms, "lincRNA", "GENEN")
    assert e["HGVSc"].startswith(f"TXN:{hgvs}")


def test_deletion_over_a_whole_transcript_ablates_it(genome):
    reference, seq = genome
    _, by_tx = annotate(1990, seq[1989:2311], [seq[1989]], reference)
    e = by_tx["TXN"]
    assert (e["Consequence"], e["IMPACT"], e["EXON"], e["INTRON"]) == (
        "transcript_ablation", "HIGH", "1-2/2", "1/1")


@pytest.mark.parametrize("pos, ref, alts, shown", [
    (100, "A", ["G"], [("G", 100, 100)]),
    (100, "AT", ["A"], [("-", 101, 101)]),
    (100, "A", ["AGG"], [("GG", 101, 100)]),
    (100, "AT", ["A", "ATT"], [("-", 101, 101), ("TT", 101, 101)]),  # all share the A
    (100, "A", ["G", "AT"], [("G", 100, 100), ("AT", 100, 100)]),  # not all share it
    (100, "ATG", ["ACC"], [("ACC", 100, 102)]),  # same length: never trimmed
    (100, "A", ["<DEL>", "*", "C"], [None, None, ("C", 100, 100)]),
])
def test_alleles_are_trimmed_as_vep_does(pos, ref, alts, shown):
    got = [None if a is None else (a.text, a.start, a.end) for a in vep_alleles(pos, ref, alts)]
    assert got == shown


def test_a_record_of_symbolic_alleles_has_no_consequences():
    assert consequences("7", 300, "A", ["<DUP>"], S.ALL) is None


def test_mane_transcripts_come_first(genome):
    reference, seq = genome
    mane = dataclasses.replace(S.TXN, transcript_id="TXN_MANE", tags=("MANE_Select",))
    pos, ref, alts = _change(seq, 2050)
    coding_nearby = dataclasses.replace(S.TXP, start=1900, exons=((1900, 2060),),
                                        cds_start=2040, cds_end=2060, transcript_id="TXQ")
    found = consequences("7", pos, ref, alts, [coding_nearby, S.TXN, mane], reference)
    features = [e.split("|")[6] for e in found.value.decode().split(",")]
    assert features[0] == "TXN_MANE"
    assert found.value.decode().split(",")[0].split("|")[-1] == "MANE_Select"
    assert most_severe(found.value) == (found.worst, found.impact)


def test_multiallelic_records_get_one_entry_per_allele_and_transcript(genome):
    reference, seq = genome
    pos = S.cds_genomic(S.TXP, 4)
    found = consequences("7", pos, seq[pos - 1], ["G", "T"], [S.TXP], reference)
    alleles = [e.split("|")[0] for e in found.value.decode().split(",")]
    assert alleles == ["G", "T"]
