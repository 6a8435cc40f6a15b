"""Coding consequences on the hand-built genome, the same changes on both strands.

Each case is written in transcript orientation (CDS position, transcript base); the test places
it on the genome of the + or - strand transcript, so codons, HGVS and numbering must come out
the same on both.
"""

from __future__ import annotations

import pytest

from ann.engine.consequence.sequence import STANDARD, THREE_LETTER, revcomp

from . import synthetic as S
from .conftest import annotate

STRANDS = [pytest.param(S.TXP, id="plus"), pytest.param(S.TXM, id="minus")]
COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}


def _snv(tx, seq: str, cds: int, alt_tx: str) -> tuple[int, str, str]:
    """Place a transcript-orientation SNV at c.<cds> on the genome: (POS, REF, ALT)."""
    pos = S.cds_genomic(tx, cds)
    alt = alt_tx if tx.strand == "+" else COMPLEMENT[alt_tx]
    return pos, seq[pos - 1], alt


@pytest.mark.parametrize("tx", STRANDS)
@pytest.mark.parametrize("cds, alt, terms, hgvsc, hgvsp, codons, aa, protein", [
    (1, "G", "start_lost", "c.1A>G", "p.(Met1?)", "Atg/Gtg", "M/V", "1"),
    (4, "G", "missense_variant", "c.4A>G", "p.(Lys2Glu)", "Aaa/Gaa", "K/E", "2"),
    (9, "A", "synonymous_variant", "c.9G>A", "p.(Leu3%3D)", "ctG/ctA", "L", "3"),
    (10, "T", "stop_gained", "c.10C>T", "p.(Gln4Ter)", "Cag/Tag", "Q/*", "4"),
    (118, "C", "stop_lost", "c.118T>C", "p.(Ter40GlnextTer2)", "Taa/Caa", "*/Q", "40"),
    (119, "G", "stop_retained_variant", "c.119A>G", "p.(Ter40%3D)", "tAa/tGa", "*", "40"),
    (30, "A", "splice_region_variant&synonymous_variant", "c.30C>A", "p.(Gly10%3D)",
     "ggC/ggA", "G", "10"),
])
def test_substitutions_in_the_cds(genome, tx, cds, alt, terms, hgvsc, hgvsp, codons, aa,
                                  protein):
    reference, seq = genome
    found, by_tx = annotate(*_snv(tx, seq, cds, alt)[:2], [_snv(tx, seq, cds, alt)[2]],
                            reference)
    e = by_tx[tx.transcript_id]
    assert e["Consequence"] == terms
    assert e["HGVSc"] == f"{tx.transcript_id}:{hgvsc}"
    assert e["HGVSp"] == f"{tx.transcript_id}:{hgvsp}"
    assert (e["Codons"], e["Amino_acids"], e["Protein_position"]) == (codons, aa, protein)
    assert (e["CDS_position"], e["cDNA_position"]) == (str(cds), str(cds + 30))
    assert e["STRAND"] == ("1" if tx.strand == "+" else "-1")
    assert e["EXON"] == ("1/3" if cds <= 30 else "3/3")
    assert not found.ref_mismatch


@pytest.mark.parametrize("tx", STRANDS)
def test_impact_is_that_of_the_most_severe_term(genome, tx):
    reference, seq = genome
    pos, ref, alt = _snv(tx, seq, 30, "A")  # splice region (LOW) and synonymous (LOW)
    found, by_tx = annotate(pos, ref, [alt], reference)
    assert by_tx[tx.transcript_id]["IMPACT"] == "LOW"
    pos, ref, alt = _snv(tx, seq, 10, "T")
    found, by_tx = annotate(pos, ref, [alt], reference)
    assert (found.worst, found.impact) == ("stop_gained", "HIGH")


def _deletion(tx, seq: str, first: int, last: int) -> tuple[int, str, str]:
    """A VCF deletion of c.<first>..c.<last> (transcript order) with its left anchor base."""
    lo, hi = sorted((S.cds_genomic(tx, first), S.cds_genomic(tx, last)))
    return lo - 1, seq[lo - 2:hi], seq[lo - 2]


def _insertion(tx, seq: str, after: int, bases_tx: str) -> tuple[int, str, str]:
    """A VCF insertion of transcript bases between c.<after> and c.<after + 1>."""
    a, b = S.cds_genomic(tx, after), S.cds_genomic(tx, after + 1)
    pos = min(a, b)
    bases = bases_tx if tx.strand == "+" else revcomp(bases_tx)
    return pos, seq[pos - 1], seq[pos - 1] + bases


def _frameshift_protein(deleted_at: int) -> tuple[int, str, int | str]:
    """Translate the CDS + 3' UTR with one base deleted: (first changed residue, its new amino
    acid, residues to the new stop counted from it) - worked out here, independently."""
    mrna = "".join(S.CODONS) + S.UTR3
    edited = mrna[:deleted_at - 1] + mrna[deleted_at:]
    old = [STANDARD[mrna[i:i + 3]] for i in range(0, 120, 3)]
    new = [STANDARD[edited[i:i + 3]] for i in range(0, len(edited) - 2, 3)]
    first = next(i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b)
    stop = new.index("*", first) if "*" in new[first:] else None
    return first + 1, new[first], "?" if stop is None else stop - first + 1


@pytest.mark.parametrize("tx", STRANDS)
def test_frameshift_deletion_is_shifted_3prime_in_hgvs_only(genome, tx):
    reference, seq = genome
    pos, ref, alt = _deletion(tx, seq, 14, 14)  # one A of GAA AAG (c.14-c.17 are A)
    found, by_tx = annotate(pos, ref, [alt], reference)
    e = by_tx[tx.transcript_id]
    assert e["Allele"] == "-" and e["Consequence"] == "frameshift_variant"
    assert e["HGVSc"] == f"{tx.transcript_id}:c.17del"
    assert (e["CDS_position"], e["Protein_position"]) == ("14", "5")
    assert (e["Amino_acids"], e["Codons"]) == ("E/X", "gAa/ga")
    first, aa, to_stop = _frameshift_protein(14)
    assert to_stop != "?"  # the genome is built so that the shifted frame meets a stop
    three = THREE_LETTER[S.PROTEIN[first - 1]] + str(first) + THREE_LETTER[aa]
    assert e["HGVSp"] == f"{tx.transcript_id}:p.({three}fsTer{to_stop})"


@pytest.mark.parametrize("tx", STRANDS)
def test_inframe_deletion_in_a_repeat_names_the_last_copy(genome, tx):
    reference, seq = genome
    pos, ref, alt = _deletion(tx, seq, 34, 36)  # the middle GAG of GAG GAG GAG
    found, by_tx = annotate(pos, ref, [alt], reference)
    e = by_tx[tx.transcript_id]
    assert e["Consequence"] == "inframe_deletion"
    assert e["HGVSc"] == f"{tx.transcript_id}:c.37_39del"
    assert e["HGVSp"] == f"{tx.transcript_id}:p.(Glu13del)"
    assert (e["Amino_acids"], e["Codons"], e["Protein_position"]) == ("E/-", "GAG/-", "12")


@pytest.mark.parametrize("tx", STRANDS)
@pytest.mark.parametrize("after, bases, terms, hgvsc, hgvsp, protein, aa", [
    (39, "GAG", "inframe_insertion", "c.37_39dup", "p.(Glu13dup)", "13-14", "-/E"),
    (39, "TTT", "inframe_insertion", "c.39_40insTTT", "p.(Glu13_Pro14insPhe)", "13-14", "-/F"),
    (40, "GGG", "protein_altering_variant", "c.40_41insGGG", "p.(Pro14delinsArgAla)", "14",
     "P/RA"),
])
def test_insertions(genome, tx, after, bases, terms, hgvsc, hgvsp, protein, aa):
    reference, seq = genome
    pos, ref, alt = _insertion(tx, seq, after, bases)
    found, by_tx = annotate(pos, ref, [alt], reference)
    e = by_tx[tx.transcript_id]
    assert e["Allele"] == alt[1:]
    assert e["Consequence"] == terms
    assert e["HGVSc"] == f"{tx.transcript_id}:{hgvsc}"
    assert e["HGVSp"] == f"{tx.transcript_id}:{hgvsp}"
    assert (e["Protein_position"], e["Amino_acids"]) == (protein, aa)
    assert e["CDS_position"] == f"{after}-{after + 1}"


@pytest.mark.parametrize("tx", STRANDS)
def test_deletion_across_the_exon_end_has_open_positions(genome, tx):
    reference, seq = genome
    last_exon_base = S.cds_genomic(tx, 30)
    donor = last_exon_base + (1 if tx.strand == "+" else -1)
    lo, hi = sorted((S.cds_genomic(tx, 29), donor + (1 if tx.strand == "+" else -1)))
    found, by_tx = annotate(lo - 1, seq[lo - 2:hi], [seq[lo - 2]], reference)
    e = by_tx[tx.transcript_id]
    assert e["Consequence"] == "splice_donor_variant&coding_sequence_variant"
    assert (e["cDNA_position"], e["CDS_position"]) == ("59-?", "29-?")
    assert e["EXON"] == "1/3" and e["INTRON"] == "1/2"


@pytest.mark.parametrize("tx", STRANDS)
def test_without_a_reference_the_structure_decides(tx, genome):
    _, seq = genome
    pos, ref, alt = _snv(tx, seq, 4, "G")
    _, by_tx = annotate(pos, ref, [alt], None)
    e = by_tx[tx.transcript_id]
    assert e["Consequence"] == "coding_sequence_variant"
    assert e["HGVSc"] == f"{tx.transcript_id}:c.4A>G"  # the record's own REF, no reference
    assert (e["HGVSp"], e["Codons"], e["Amino_acids"]) == ("", "", "")
    assert e["CDS_position"] == "4" and e["Protein_position"] == "2"
    cases = [(_deletion(tx, seq, 14, 14), "frameshift_variant"),
             (_deletion(tx, seq, 34, 36), "inframe_deletion"),
             (_insertion(tx, seq, 39, "TTT"), "inframe_insertion"),
             (_snv(tx, seq, 2, "C"), "start_lost")]
    for (pos, ref, alt), term in cases:
        _, by_tx = annotate(pos, ref, [alt], None)
        assert by_tx[tx.transcript_id]["Consequence"] == term, (pos, ref, alt)


@pytest.mark.parametrize("tx", STRANDS)
def test_ref_that_disagrees_with_the_reference_gets_structure_only(genome, tx):
    reference, seq = genome
    pos, ref, alt = _snv(tx, seq, 4, "G")
    wrong = next(b for b in "ACGT" if b not in (ref, alt))
    found, by_tx = annotate(pos, wrong, [alt], reference)
    e = by_tx[tx.transcript_id]
    assert found.ref_mismatch
    assert e["Consequence"] == "coding_sequence_variant"
    assert (e["HGVSc"], e["HGVSp"], e["Amino_acids"]) == ("", "", "")
