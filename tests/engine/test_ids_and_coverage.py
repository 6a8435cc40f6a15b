"""GENE_ID only where a real id is known; "found in dbSNP" counts what GAS matched; coverage."""

from __future__ import annotations

from ann.engine import annotate_file

from .engine_fixtures import GTF, info_of, read_records, tabix_source, vcf_text

# G3 carries the bundle's own key (tagged gas_bundle_id): no Ensembl id is known for it.
BUNDLE_GENE = """\
chr1\tT\tgene\t3000\t3500\t.\t+\t.\tgene_id "GAS37G000003"; gene_name "G3"; \
gene_type "lncRNA"; tag "gas_bundle_id";
chr1\tT\ttranscript\t3000\t3500\t.\t+\t.\tgene_id "GAS37G000003"; transcript_id "GAS37T000009";
chr1\tT\texon\t3000\t3500\t.\t+\t.\tgene_id "GAS37G000003"; transcript_id "GAS37T000009";
"""


def test_a_gene_without_a_real_id_gets_gene_but_no_gene_id(tmp_path, sources):
    g1, rest = GTF.split("chr1\tT\tgene\t5000", 1)  # G3 sorts between G1 and G2
    tabix_source(sources.parent, "genes.gtf", g1 + BUNDLE_GENE + "chr1\tT\tgene\t5000" + rest,
                 "gff")
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["chr1 1060 . A G . . .", "chr1 3100 . A G . . ."]))
    annotate_file(path, tmp_path / "o.vcf", config_path=sources)
    real, bundle = (info_of(r) for r in read_records(tmp_path / "o.vcf"))
    assert real["GENE"] == "G1" and real["GENE_ID"] == "ENSG1"
    assert bundle["GENE"] == "G3" and "GENE_ID" not in bundle
    assert "GAS37G" not in (tmp_path / "o.vcf").read_text().split("#CHROM")[1]


def test_found_in_dbsnp_counts_only_what_gas_matched(tmp_path, sources):
    path = tmp_path / "in.vcf"
    # Made-up IDs GAS cannot find, a record without one, and one the known source has.
    path.write_text(vcf_text(["chr1 50 rs999999999 A G . . .", "chr1 60 rs12345 C T . . .",
                              "chr1 70 . G A . . .", "chr1 100 rs100 A G . . ."]))
    log = tmp_path / "o.log"
    summary = annotate_file(path, tmp_path / "o.vcf", config_path=sources, log_path=log)
    assert summary["in_dbsnp"] == 1 and summary["in_dbsnp_pct"] == 25.0
    assert summary["known_ids"] == {"matched": 1, "carried": 3, "confirmed": 1, "added": 0,
                                    "contradicted": 0}
    assert summary["coverage"] == "1 of the file's own 3 IDs confirmed, 0 added"
    text = log.read_text()
    assert "In dbSNP: 1 (25.00%)" in text
    assert "Coverage: 1 of the file's own 3 IDs confirmed, 0 added" in text.splitlines()


def test_coverage_counts_ids_added_to_records_without_one(tmp_path, sources):
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["chr1 100 . A G . . .", "chr1 200 rs200 C T . . ."]))
    summary = annotate_file(path, tmp_path / "o.vcf", config_path=sources)
    assert summary["coverage"] == "1 of the file's own 1 IDs confirmed, 1 added"
    assert [r[2] for r in read_records(tmp_path / "o.vcf")] == ["rs100", "rs200"]
