"""Annotation values and pass-through: known variants, BED, gene regions, edge-case inputs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pysam
import pytest

from ann.engine import annotate_file

from .engine_fixtures import (
    CHROM_LINE,
    HEADER,
    info_of,
    read_records,
    run_cli,
    tabix_source,
    vcf_text,
    write_sources,
)


def annotate(tmp_path: Path, sources: Path, text: str | bytes, name: str = "in.vcf", **kw):
    """Annotate text written to name; return (records, summary)."""
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    out = tmp_path / "out.annot.vcf"
    summary = annotate_file(path, out, config_path=sources, **kw)
    return read_records(out), summary


def test_known_variant_sets_id_and_per_allele_values(tmp_path, sources):
    recs, summary = annotate(tmp_path, sources, vcf_text([
        "chr1 100 . A G,T . . DP=3",
        "chr1 200 . C A,G . . .",
        "chr1 300 . A G . . .",
    ]))
    assert recs[0][2] == "rs100"
    assert info_of(recs[0])["KNOWN_AF"] == "0.1,0.15"
    assert info_of(recs[0])["DP"] == "3"
    assert recs[1][2] == "rs200" and info_of(recs[1])["KNOWN_AF"] == ".,0.3"
    assert recs[2][2] == "." and "KNOWN_AF" not in info_of(recs[2])  # REF differs from AT
    assert summary["in_dbsnp"] == 2 and summary["total_variants"] == 3


def test_existing_ids_are_kept_and_only_matched_ids_count_as_found(tmp_path, sources):
    recs, summary = annotate(tmp_path, sources, vcf_text([
        "chr1 100 mine A G . . .",
        "chr1 150 rs999 A G . . .",  # carries an rs ID that no source knows
        "chr1 200 rs200 C T . . .",  # carries the ID GAS finds too
        "chr1 1500 rs7 G C . . .",  # GAS finds rs1500: the file's own ID is contradicted
    ]))
    assert [r[2] for r in recs] == ["mine;rs100", "rs999", "rs200", "rs7;rs1500"]
    assert summary["in_dbsnp"] == 3 and summary["in_dbsnp_pct"] == 75.0
    assert summary["known_ids"] == {"matched": 3, "carried": 3, "confirmed": 1, "added": 2,
                                    "contradicted": 1}



@pytest.mark.parametrize(("pos", "ref", "region", "gene"), [
    (500, "A", "promoter", "G1"),  # a promoter-only row names the gene whose promoter it is
    (1020, "A", "5_UTR", "G1"),
    (1060, "A", "CDS", "G1"),
    (1200, "A", "intron", "G1"),
    (1600, "A", "3_UTR", "G1"),
    (5100, "A", "noncoding_exon", "G2"),
    (6500, "A", "promoter", "G2"),
    (9000, "A", "intergenic", None),
    (1095, "A" * 20, "CDS", "G1"),  # a deletion from CDS into the intron: the most specific
])
def test_region_classes(tmp_path, sources, pos, ref, region, gene):
    recs, summary = annotate(tmp_path, sources, vcf_text([f"chr1 {pos} . {ref} C . . ."]))
    info = info_of(recs[0])
    assert info["REGION"] == region
    assert info.get("GENE") == gene
    assert summary["region_classes"] == {region: 1}


def test_bed_overlap_uses_the_whole_ref_span_and_symbolic_end(tmp_path, sources):
    recs, _ = annotate(tmp_path, sources, vcf_text([
        "chr1 85 . AAAAAA A . . .",  # covers 85-90: BED 90-150 is 91-150, 1-based
        "chr1 86 . AAAAAA A . . .",  # covers 86-91: overlaps
        "chr1 130 . A <DEL> . . END=1100",
        "chr1 6500 . A <DEL> . . END=7000",
    ]))
    assert "LOWCOMP" not in info_of(recs[0])
    assert info_of(recs[1])["LOWCOMP"] == "lowA" and "IN_LOWCOMP" in info_of(recs[1])
    assert info_of(recs[2])["LOWCOMP"] == "lowA,lowB,x"
    assert info_of(recs[2])["REGION"] == "CDS"  # promoter to CDS of G1: the most specific
    assert info_of(recs[3])["REGION"] == "promoter"


def test_symbolic_and_star_alleles_pass_through(tmp_path, sources):
    lines = ["chr1 100 . A <INS> . . .", "chr1 101 . A * . . .", "chr1 102 . A A[chr2:5[ . . .",
             "chr1 103 . A . . . ."]
    recs, summary = annotate(tmp_path, sources, vcf_text(lines))
    assert [r[4] for r in recs] == ["<INS>", "*", "A[chr2:5[", "."]
    assert summary["total_variants"] == 4


def test_many_samples_are_untouched(tmp_path, sources):
    samples = [f"S{i}" for i in range(300)]
    genotypes = "\t".join("0/1:12" if i % 2 else "1/1:7" for i in range(300))
    text = vcf_text([f"chr1 100 . A G 50 PASS DP=9 GT:DP\t{genotypes}"],
                    chrom_line=CHROM_LINE + "\tFORMAT\t" + "\t".join(samples))
    recs, _ = annotate(tmp_path, sources, text)
    assert "\t".join(recs[0][8:]) == "GT:DP\t" + genotypes


@pytest.mark.parametrize("compression", ["gzip", "bgzf"])
def test_compressed_input(tmp_path, sources, compression):
    text = vcf_text([f"chr1 {p} . A G . . ." for p in range(100, 30_000, 3)])
    path = tmp_path / "in.vcf.gz"
    if compression == "gzip":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        with pysam.BGZFile(str(path), "wb") as handle:
            handle.write(text.encode())
    out = tmp_path / "o.vcf"
    summary = annotate_file(path, out, config_path=sources)
    assert summary["total_variants"] == len(range(100, 30_000, 3))
    assert read_records(out)[0][2] == "rs100"


@pytest.mark.parametrize(("chrom", "known"), [("1", "rs100"), ("chr1", "rs100"),
                                              ("MT", "rs73"), ("chrM", "rs73"), ("M", "rs73")])
def test_contig_aliases_look_up_but_keep_input_names(tmp_path, sources, chrom, known):
    pos = 73 if known == "rs73" else 100
    recs, summary = annotate(tmp_path, sources, vcf_text([f"{chrom} {pos} . A G . . ."]))
    assert recs[0][0] == chrom and recs[0][2] == known
    assert summary["chromosomes"] == {chrom: 1}


def test_mitochondrial_variant_gets_the_mt_gene(tmp_path, sources):
    recs, _ = annotate(tmp_path, sources, vcf_text(["chrM 73 . A G . . ."]))
    assert info_of(recs[0])["GENE"] == "MT-X"


def test_input_contig_order_differs_from_sources(tmp_path, sources):
    recs, _ = annotate(tmp_path, sources, vcf_text([
        "chrM 73 . A G . . .", "chr2 50 . T C . . .", "chr1 100 . A G . . .",
    ]))
    assert [r[2] for r in recs] == ["rs73", "rs50", "rs100"]


def test_header_only_file(tmp_path, sources):
    recs, summary = annotate(tmp_path, sources, vcf_text([]))
    assert recs == [] and summary["total_variants"] == 0
    header = (tmp_path / "out.annot.vcf").read_text()
    assert header.splitlines()[-1] == CHROM_LINE


def test_crlf_input(tmp_path, sources):
    text = vcf_text(["chr1 100 . A G . . ."]).replace("\n", "\r\n")
    recs, summary = annotate(tmp_path, sources, text)
    assert recs[0][2] == "rs100" and "\r" not in recs[0][7]
    assert any("CRLF" in w for w in summary["warnings"])


def test_warnings_for_undeclared_info_missing_contigs_and_vcf33(tmp_path, sources):
    text = "##fileformat=VCFv3.3\n" + CHROM_LINE + "\nchr1\t100\t.\tA\tD1\t.\t.\tXX=1\n"
    recs, summary = annotate(tmp_path, sources, text)
    warnings = " | ".join(summary["warnings"])
    assert "VCF 3.3" in warnings and "no ##contig" in warnings
    assert "INFO key XX is not declared" in warnings and "line 3" in warnings
    assert recs[0][4] == "D1"


def test_blank_lines_are_tolerated(tmp_path, sources):
    recs, summary = annotate(tmp_path, sources, vcf_text([
        "chr1 100 . A G . . .", "", "chr1 200 . C T . . .", ""]))
    assert summary["total_variants"] == 2


def test_output_header_declares_keys_and_provenance(tmp_path, sources):
    annotate(tmp_path, sources, vcf_text(["chr1 100 . A G . . ."]))
    header = [x for x in (tmp_path / "out.annot.vcf").read_text().splitlines() if x[:2] == "##"]
    declared = {x.split("ID=")[1].split(",")[0] for x in header if x.startswith("##INFO")}
    added = {"KNOWN_AF", "KNOWN_CLN", "LOWCOMP", "IN_LOWCOMP", "GENE", "GENE_ID", "REGION"}
    assert added <= declared
    assert '##INFO=<ID=IN_LOWCOMP,Number=0,Type=Flag' in "\n".join(header)
    assert any(x.startswith("##GAS_version=") for x in header)
    assert any(x.startswith("##GAS_command=annotate_file(") for x in header)
    assert sum(x.startswith("##GAS_source=<") and "sha256=" in x for x in header) == 3


def test_input_declaring_an_added_key_is_replaced_not_duplicated(tmp_path, sources):
    header = HEADER + '##INFO=<ID=REGION,Number=1,Type=String,Description="old">\n'
    recs, _ = annotate(tmp_path, sources, vcf_text(["chr1 100 . A G . . REGION=old;DP=1"],
                                                   header=header))
    assert recs[0][7].count("REGION=") == 1 and info_of(recs[0])["REGION"] == "promoter"
    assert info_of(recs[0])["DP"] == "1"


def test_parallel_output_equals_serial(tmp_path, sources):
    lines = [f"chr1 {p} . A G . . ." for p in range(1, 120_000, 2)]
    lines += [f"chr2 {p} . T C . . ." for p in range(1, 60_000, 3)]
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(lines))
    serial = annotate_file(path, tmp_path / "a.vcf", config_path=sources, processes=1)
    parallel = annotate_file(path, tmp_path / "b.vcf", config_path=sources, processes=2)
    assert read_records(tmp_path / "a.vcf") == read_records(tmp_path / "b.vcf")
    for key in ("total_variants", "in_dbsnp", "region_classes", "chromosomes"):
        assert serial[key] == parallel[key]


def test_progress_is_reported(tmp_path, sources):
    seen: list[int] = []
    lines = [f"chr1 {p} . A G . . ." for p in range(1, 50_000)]
    annotate(tmp_path, sources, vcf_text(lines), progress=seen.append)
    assert seen and seen[-1] == len(lines) and seen == sorted(seen)


def test_cli_writes_three_outputs_with_default_names(tmp_path, sources):
    (tmp_path / "sample.vcf.gz").write_bytes(gzip.compress(
        vcf_text(["chr1 100 . A G . . .", "chr1 1060 . A C . . ."]).encode()))
    result = run_cli("annotate", str(tmp_path / "sample.vcf.gz"), "--config", str(sources),
                     "-p", "2")
    assert result.returncode == 0, result.stderr
    assert read_records(tmp_path / "sample.annot.vcf")[1][7].endswith("REGION=CDS")
    summary = json.loads((tmp_path / "sample.summary.json").read_text())
    assert summary["total_variants"] == 2 and summary["region_classes"] == {"promoter": 1,
                                                                            "CDS": 1}
    log = (tmp_path / "sample.vcf.count.log").read_text()
    assert "Total variants: 2" in log and "In dbSNP: 1 (50.00%)" in log
    assert "##GAS_command=python -m ann annotate" in (tmp_path / "sample.annot.vcf").read_text()


def test_id_only_configuration_writes_the_id_column(tmp_path):
    config = write_sources(tmp_path / "src", (
        '[[annotation]]\nfile = "known.vcf.gz"\nfields = ["ID"]\nnames = ["ID"]\n'
        'ops = ["first"]\n'))
    recs, summary = annotate(tmp_path, config, vcf_text(["chr1 200 . C A,G . . ."]))
    assert recs[0][2] == "rs200" and recs[0][7] == "."
    assert summary["in_dbsnp"] == 1


def test_long_deletion_reaching_past_the_loaded_range(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    tabix_source(folder, "far.bed", "chr1\t4000000\t4000100\tfar\n", "bed")
    config = folder / "far.toml"
    config.write_text('[[annotation]]\nfile = "far.bed.gz"\ncolumns = [4]\nnames = ["FAR"]\n'
                      'ops = ["first"]\n')
    recs, _ = annotate(tmp_path, config, vcf_text([
        "chr1 100 . A <DEL> . . END=5000000", "chr1 200 . A G . . .",
        "chr1 3999000 . " + "A" * 1500 + " A . . ."]), processes=2)
    assert [info_of(r).get("FAR") for r in recs] == ["far", None, "far"]


GFF3 = """\
##gff-version 3
chr1\tT\tgene\t1000\t2000\t.\t-\t.\tID=gene:G9;Name=NINE;biotype=protein_coding;gene_id=ENSG9
chr1\tT\tmRNA\t1000\t2000\t.\t-\t.\tID=transcript:T9;Parent=gene:G9
chr1\tT\texon\t1000\t1200\t.\t-\t.\tParent=transcript:T9
chr1\tT\tCDS\t1100\t1200\t.\t-\t0\tParent=transcript:T9
chr1\tT\texon\t1800\t2000\t.\t-\t.\tParent=transcript:T9
chr1\tT\tCDS\t1800\t1900\t.\t-\t0\tParent=transcript:T9
"""


@pytest.mark.parametrize(("pos", "region"), [
    (1050, "3_UTR"), (1150, "CDS"), (1500, "intron"), (1950, "5_UTR"), (2500, "promoter"),
])
def test_gff3_gene_model_on_the_minus_strand(tmp_path, pos, region):
    folder = tmp_path / "src"
    folder.mkdir()
    tabix_source(folder, "genes.gff3", GFF3, "gff")
    config = folder / "gff.toml"
    config.write_text('[[annotation]]\nfile = "genes.gff3.gz"\n'
                      'fields = ["gene_name", "gene_id", "gene_type", "region"]\n'
                      'names = ["GENE", "GENE_ID", "GENE_TYPE", "REGION"]\n'
                      'ops = ["uniq", "uniq", "uniq", "uniq"]\n')
    recs, _ = annotate(tmp_path, config, vcf_text([f"chr1 {pos} . A G . . ."]))
    info = info_of(recs[0])
    assert info["REGION"] == region
    if region != "promoter":
        assert (info["GENE"], info["GENE_ID"], info["GENE_TYPE"]) == ("NINE", "ENSG9",
                                                                      "protein_coding")
