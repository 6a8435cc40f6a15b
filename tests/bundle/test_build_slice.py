"""Building one assembly's folder from a small package in the real packages' layout."""

import tomllib

import pysam
import pytest

from ann.bundle.build import build_assembly
from ann.bundle.errors import BundleError
from ann.bundle.packages import read_members
from ann.bundle.records import dbsnp_records
from tests.bundle import bundle_slices as slices


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the fake package into a folder; return (folder, manifest entry)."""
    root = tmp_path_factory.mktemp("slice")
    archive = slices.write_fake_package(root)
    out = root / "GRCh37"
    out.mkdir()
    return out, build_assembly(slices.FAKE_SPEC, {slices.FAKE.name: archive}, out)


def _gtf(folder, region: str) -> list[list[str]]:
    """Return the GTF lines overlapping a region, split into columns."""
    with pysam.TabixFile(str(folder / "genes.gtf.gz")) as tbx:
        return [line.split("\t") for line in tbx.fetch(region=region)]


def test_known_variants_vcf_has_pos_one_based_and_primary_contigs_only(built):
    folder, entry = built
    with pysam.VariantFile(str(folder / "dbsnp.vcf.gz")) as vcf:
        assert vcf.header.contigs["chr1"].length == 249250621
        assert "chrM" in vcf.header.contigs
        recs = [(r.chrom, r.pos, r.id, r.ref, r.alts) for r in vcf]
    assert recs == [("chr1", 1000, "rs1", "A", ("G",)), ("chr1", 1150, "rs2", "C", ("T",)),
                    ("chrX", 500, "rs4", "T", ("C",))]
    assert entry["tables"]["common"] == {"rows": 4, "dropped": {"non_primary_contig": 1}}


def test_gtf_carries_derived_utrs_on_both_strands(built):
    folder, _ = built
    features = {(f[2], int(f[3]), int(f[4])) for f in _gtf(folder, "chr1:1-20000")}
    assert {("five_prime_UTR", 1000, 1099), ("three_prime_UTR", 4501, 5000),
            ("five_prime_UTR", 13601, 14000), ("three_prime_UTR", 10000, 10199),
            ("CDS", 1100, 1200), ("gene", 10000, 14000)} <= features
    attrs = next(f[8] for f in _gtf(folder, "chr1:1000-1000") if f[2] == "gene")
    # No package gives this assembly gene ids: bundle ids, never the gene name again.
    assert 'gene_id "GX000001"; gene_type "protein_coding"; gene_name "GP";' in attrs
    # ... tagged as the bundle's own key, so the engine writes no GENE_ID for it.
    assert attrs.rstrip().endswith('tag "gas_bundle_id";')


def test_retained_intron_transcript_has_exons_but_no_cds(built):
    folder, _ = built
    lines = _gtf(folder, "chr1:1000-5000")
    by_tx: dict[str, set[str]] = {}
    for f in lines:
        if 'transcript_id "' in f[8]:
            tx = f[8].split('transcript_id "')[1].split('"')[0]
            by_tx.setdefault(tx, set()).add(f[2])
    assert by_tx == {"TX000001": {"transcript", "exon"},
                     "TX000002": {"transcript", "exon", "CDS", "five_prime_UTR",
                                  "three_prime_UTR"}}


def test_chrM_gene_and_cpg_islands_are_written(built):
    folder, entry = built
    assert [f[2] for f in _gtf(folder, "chrM:150-150")] == ["gene", "transcript", "exon"]
    with pysam.TabixFile(str(folder / "cpg_islands.bed.gz")) as tbx:
        assert list(tbx.fetch("chr1")) == ["chr1\t500\t1500\tCpG:50"]
    assert entry["files"]["cpg_islands.bed.gz"]["records"] == 1


def test_sources_toml_lists_each_file_with_vcfanno_keys(built):
    folder, _ = built
    config = tomllib.loads((folder / "sources.toml").read_text())
    by_file = {a["file"]: a for a in config["annotation"]}
    assert by_file["dbsnp.vcf.gz"]["names"] == ["ID"]
    # Without real gene ids the GENE_ID key is left out; consequences are on by default.
    assert by_file["genes.gtf.gz"]["names"] == ["GENE", "REGION", "CSQ"]
    assert by_file["genes.gtf.gz"]["fields"] == ["gene_name", "region", "consequence"]
    assert by_file["genes.gtf.gz"]["ops"] == ["uniq", "uniq", "self"]
    assert by_file["cpg_islands.bed.gz"] == {
        "file": "cpg_islands.bed.gz", "columns": [4], "names": ["CPG_ISLAND"], "ops": ["flag"],
        "descriptions": ["the variant lies in a CpG island, UCSC cpgIslandExt via fakegenome 1.0"]}
    for table in config["annotation"]:
        assert len(table["descriptions"]) == len(table["names"])
    assert "reference" not in config and "liftover" not in config
    for name in by_file:
        assert (folder / name).is_file() and (folder / f"{name}.tbi").is_file()


def test_manifest_entry_records_licence_counts_and_checksums(built):
    folder, entry = built
    assert entry["packages"][0]["licence"] == "GPL-2.0-or-later"
    genes = entry["files"]["genes.gtf.gz"]
    assert genes["records"] == 3 + 4 + 9 + 6 + 4  # genes, transcripts, exons, CDS, UTRs
    assert len(genes["sha256"]) == 64 and genes["bytes"] == (folder / "genes.gtf.gz").stat().st_size
    assert entry["gene_model"]["coding_transcripts"] == 2
    assert entry["gene_model"]["gene_id"].startswith("GXNNNNNN (bundle ids")


def test_snp_whose_span_does_not_fit_ref_is_refused():
    snps = {"_labels": ["chr1"], "_starts": [100], "_ends": [102], "ID": ["rs9"], "ref": ["A"],
            "alt": ["G"]}
    with pytest.raises(BundleError, match="does not fit REF"):
        dbsnp_records(snps, {"chr1": 1000}, dropped={})


def test_missing_member_is_named(tmp_path):
    archive = slices.write_fake_package(tmp_path)
    with pytest.raises(BundleError, match="lacks nothing.parquet"):
        read_members(archive, slices.FAKE, ["genes.parquet", "nothing.parquet"])
