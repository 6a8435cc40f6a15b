"""The benchmark's generated inputs and its record-by-record comparison (no timing here)."""

import pysam
import pytest

from bench import synth
from bench.compare import compare


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return synth.generate(tmp_path_factory.mktemp("bench"), variants=5000, known=3000,
                          genes=400)


def test_generated_vcfs_are_sorted_indexed_and_realistic(inputs):
    with pysam.VariantFile(str(inputs.vcf)) as vcf:
        recs = [(r.chrom, r.pos, r.ref, r.alts) for r in vcf]
    assert len(recs) == 5000
    order = list(synth.CONTIG_LENGTHS)
    keys = [(order.index(c), p) for c, p, _, _ in recs]
    assert keys == sorted(keys)
    assert sum(len(alts) > 1 for *_, alts in recs) > 100  # multi-allelic records
    assert len({c for c, *_ in recs}) == len(order)
    with pysam.VariantFile(str(inputs.known)) as known:
        sites = {(r.chrom, r.pos, r.ref, r.alts[0]) for r in known}
        assert "AF" in known.header.info
    assert len(sites) >= 2900
    matched = sum(any((c, p, ref, a) in sites for a in alts) for c, p, ref, alts in recs)
    assert matched > 1000
    with pysam.TabixFile(str(inputs.genes)) as bed:
        assert sum(1 for _ in bed.fetch("chr1")) > 10


def _with_info(src, dst, edit=None):
    """Copy a VCF's records as plain text, giving each INFO an added value."""
    with pysam.BGZFile(str(src), "rb") as fh, open(dst, "w") as out:
        for n, line in enumerate(fh.read().decode().splitlines()):
            cols = line.split("\t")
            if not line.startswith("#"):
                cols[7] = f"GENE=G{n}" if edit is None or n != edit else "GENE=other"
            out.write("\t".join(cols) + "\n")


def test_compare_finds_equal_and_differing_records(inputs, tmp_path):
    _with_info(inputs.vcf, tmp_path / "a.vcf")
    _with_info(inputs.vcf, tmp_path / "b.vcf")
    _with_info(inputs.vcf, tmp_path / "c.vcf", edit=200)
    same = compare(tmp_path / "a.vcf", tmp_path / "b.vcf", ["GENE"])
    assert same.equal and same.records == 5000
    differ = compare(tmp_path / "a.vcf", tmp_path / "c.vcf", ["GENE"])
    assert differ.mismatches == 1 and differ.per_key == {"GENE": 1}
