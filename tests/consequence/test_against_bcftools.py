"""GAS's consequences against bcftools csq on GRCh37 chr20 (issue 9: at least 97% agree)."""

from __future__ import annotations

import pytest

from bench.consequences import check

AGREEMENT_FLOOR = 0.97


@pytest.mark.slow
def test_most_severe_consequence_and_missense_changes_agree(chr20, grch37_gtf):
    # 2,500 random SNVs and indels in and around coding exons, fixed seed, bcftools csq -l
    result = check(2500, seed=20, gtf=grch37_gtf, fasta=chr20)
    agreement = result.agreement
    assert agreement.variants == 2500
    assert agreement.missense > 500  # the sample does exercise amino-acid changes
    assert agreement.missense_same == agreement.missense
    assert agreement.rate >= AGREEMENT_FLOOR, agreement.differences.most_common()
