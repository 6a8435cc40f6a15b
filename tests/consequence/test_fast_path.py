"""The SNV shortcut decides exactly what VEP's full predicates decide, on every codon."""

from __future__ import annotations

import dataclasses

import pytest

from ann.engine.consequence.alleles import vep_alleles
from ann.engine.consequence.classify import evaluate
from ann.engine.consequence.hgvs import hgvsp
from ann.engine.consequence.model import Model
from ann.engine.consequence.protein import Coding, _snv, general
from ann.engine.consequence.sequence import revcomp

from . import synthetic as S

# An incomplete 5' CDS (no start codon, frame taken from the stop) and a complete one per strand
INCOMPLETE = dataclasses.replace(S.TXP, transcript_id="TXP_NF", cds_start=235)


@pytest.mark.parametrize("tx", [S.TXP, S.TXM, INCOMPLETE], ids=lambda t: t.transcript_id)
def test_shortcut_equals_the_full_rules(genome, tx):
    reference, seq = genome
    model = Model(tx)
    checked = 0
    for pos in range(tx.cds_start, tx.cds_end + 1):
        for alt in "ACGT":
            if alt == seq[pos - 1]:
                continue
            allele = vep_alleles(pos, seq[pos - 1], [alt])[0]
            hit = evaluate(allele, model, reference)
            if hit.coding is None:
                continue  # intronic
            strand_alt = allele.seq if model.plus else revcomp(allele.seq)
            fast, slow = Coding(hit, strand_alt), Coding(hit, strand_alt)
            got = _snv(fast)
            if got is None:
                continue
            assert got == general(slow), (pos, alt)
            assert (fast.ref_codon, fast.alt_codon, fast.ref_pep, fast.alt_pep) == (
                slow.ref_codon, slow.alt_codon, slow.ref_pep, slow.alt_pep)
            assert (fast.start_lost(), fast.stop_lost(), fast.stop_retained()) == (
                slow.start_lost(), slow.stop_lost(), slow.stop_retained())
            names = []
            for coding in (fast, slow):
                hit.coding = coding
                names.append(hgvsp(hit))
            assert names[0] == names[1] and fast.snv and not slow.snv
            checked += 1
    assert checked > 250  # most of the CDS's substitutions went through the shortcut
    if tx is INCOMPLETE:
        assert model.flags == "cds_start_NF" and model.phase == 1
