"""Assembly detection from the header, refusal of unsupported assemblies, forcing."""

from __future__ import annotations

import pytest

from ann.engine import UnsupportedAssemblyError, annotate_file
from ann.engine.errors import ConfigError

from .engine_fixtures import CHROM_LINE, run_cli

RECORD = "1\t100\t.\tA\tG\t.\t.\t.\n"


def vcf(*meta: str) -> str:
    return "##fileformat=VCFv4.2\n" + "".join(m + "\n" for m in meta) + CHROM_LINE + "\n" + RECORD


@pytest.mark.parametrize(("meta", "assembly", "evidence"), [
    (["##reference=file:///refs/human_g1k_v37.fasta"], "GRCh37", "##reference"),
    (["##reference=hg19"], "GRCh37", "##reference"),
    (["##reference=GRCh38"], "GRCh38", "##reference"),
    (["##reference=/data/Homo_sapiens_assembly38.fasta"], "GRCh38", "##reference"),
    (["##contig=<ID=1,length=249250621>"], "GRCh37", "##contig lengths"),
    (["##contig=<ID=chr1,length=248956422>"], "GRCh38", "##contig lengths"),
    (["##contig=<ID=1,length=1000,assembly=b37>"], "GRCh37", "##contig assembly"),
    (["##contig=<ID=chr1,assembly=hg38>"], "GRCh38", "##contig assembly"),
    (["##contig=<ID=1>", "##contig=<ID=GL000192.1>"], "GRCh37", "contig names"),
    (["##contig=<ID=chr1>", "##contig=<ID=chrUn_KI270302v1>"], "GRCh38", "contig names"),
    (["##contig=<ID=MT,length=16569>"], "GRCh37", "rCRS mitochondrion (either assembly)"),
    ([], "GRCh37", "default"),
])
def test_detection(tmp_path, sources, meta, assembly, evidence):
    path = tmp_path / "in.vcf"
    path.write_text(vcf(*meta))
    summary = annotate_file(path, tmp_path / "o.vcf", config_path=sources)
    assert (summary["assembly"], summary["assembly_detected_from"]) == (assembly, evidence)
    assert any("assumed" in w for w in summary["warnings"]) == (evidence == "default")


@pytest.mark.parametrize("meta", [
    "##reference=NCBI36", "##reference=hg18.fa", "##contig=<ID=chr1,length=247249719>",
    "##contig=<ID=1,assembly=b36>",
])
def test_ncbi36_is_refused_with_liftover_off_unless_forced(tmp_path, sources, meta):
    path = tmp_path / "in.vcf"
    path.write_text(vcf(meta))
    with pytest.raises(UnsupportedAssemblyError) as caught:
        annotate_file(path, tmp_path / "o.vcf", config_path=sources, liftover=False)
    assert "NCBI36" in str(caught.value) and "GRCh37 and GRCh38" in str(caught.value)
    forced = annotate_file(path, tmp_path / "o.vcf", config_path=sources, assembly="GRCh37")
    assert forced["assembly_detected_from"] == "forced"
    assert any("NCBI36" in w for w in forced["warnings"])


def test_cli_refuses_ncbi36_with_exit_2_when_liftover_is_off(tmp_path, sources):
    path = tmp_path / "old.vcf"
    path.write_text(vcf("##reference=NCBI36"))
    result = run_cli("annotate", str(path), "--config", str(sources), "--no-liftover")
    assert result.returncode == 2 and "NCBI36" in result.stderr
    assert not (tmp_path / "old.annot.vcf").exists()


def test_ncbi36_without_any_chain_is_an_operator_error(tmp_path, sources):
    path = tmp_path / "in.vcf"
    path.write_text(vcf("##reference=NCBI36"))
    with pytest.raises(ConfigError, match="no chain lifts NCBI36 into GRCh37"):
        annotate_file(path, tmp_path / "o.vcf", config_path=sources,
                      data_dir=tmp_path / "no-bundle")
    assert not (tmp_path / "o.vcf").exists()


def test_missing_bundle_is_an_operator_error(tmp_path):
    path = tmp_path / "in.vcf"
    path.write_text(vcf("##reference=GRCh38"))
    result = run_cli("annotate", str(path), cwd=tmp_path, env_data=str(tmp_path / "nothing"))
    assert result.returncode == 1 and "GRCh38" in result.stderr and "build-data" in result.stderr


def test_bundle_sources_are_chosen_by_assembly(tmp_path, sources):
    bundle = tmp_path / "bundle"
    (bundle / "GRCh38").mkdir(parents=True)
    for item in sources.parent.iterdir():
        (bundle / "GRCh38" / item.name).symlink_to(item)
    path = tmp_path / "in.vcf"
    path.write_text(vcf("##reference=GRCh38").replace("1\t100", "chr1\t100"))
    summary = annotate_file(path, tmp_path / "o.vcf", data_dir=bundle)
    assert summary["assembly"] == "GRCh38" and len(summary["sources"]) == 3
