"""Liftover as the engine's pre-step: NCBI36 lifted by default, --no-liftover, --lift-to.

Small hand-written chains and sources (no bundle needed); the real hg18 -> hg19 chain is
exercised in test_lift_bundle.py.
"""

from __future__ import annotations

import json

import pysam
import pytest

from ann.engine import annotate_file
from ann.engine.errors import UnsupportedAssemblyError
from ann.engine.liftover import parse_chains

from .engine_fixtures import SOURCES_TOML, info_of, read_records, run_cli, vcf_text, write_sources

# Source chr1 [0,1000) -> target chr1 [100,1100) forward; source chr1 [3000,3100) -> target
# chr2's reverse strand. Coordinates in the chain text are 0-based.
CHAIN = """\
chain 1000 chr1 5000 + 0 1000 chr1 6000 + 100 1100 1
1000

chain 500 chr1 5000 + 3000 3100 chr2 3000 - 50 150 2
100
"""
NCBI36_HEADER = "##fileformat=VCFv4.2\n##reference=NCBI36\n"
RECORDS = [
    "chr1 100 . C T . . DP=5",  # -> chr1:200, where the known source has rs200 C>T
    "chr1 950 . A G . . DP=6",  # -> chr1:1050, in G1's CDS
    "chr1 960 . G A . . DP=7",  # -> chr1:1060, but the target sequence has A there
    "chr1 1500 . A G . . DP=8",  # no chain covers it
    "chr1 3050 . A G . . DP=9",  # lifts onto a reverse strand: REF would change
]


def _chain_file(folder, source: str, target: str):
    chain, _ = parse_chains(CHAIN.splitlines(), source=source, target=target, name="t.chain")
    path = folder / f"{source}.npz"
    chain.save(path)
    return path.name


def _reference(folder):
    """Target chr1: A everywhere but C at 200 (1-based)."""
    fasta = folder / "ref.fa"
    fasta.write_text(">chr1\n" + "A" * 199 + "C" + "A" * 5800 + "\n")
    pysam.tabix_compress(str(fasta), str(fasta) + ".gz", force=True)
    pysam.faidx(str(fasta) + ".gz")
    return "ref.fa.gz"


@pytest.fixture
def lift_sources(tmp_path):
    """The small sources with a [liftover] table (NCBI36 and GRCh37 chains) and a sequence."""
    folder = tmp_path / "sources"
    folder.mkdir()
    ncbi36 = _chain_file(folder, "NCBI36", "GRCh37")
    grch37 = _chain_file(folder, "GRCh37", "GRCh38")
    toml = (f'reference = "{_reference(folder)}"\n\n[liftover]\nNCBI36 = "{ncbi36}"\n'
            f'GRCh37 = "{grch37}"\n\n' + SOURCES_TOML)
    return write_sources(folder, toml)


def _write(tmp_path, header=NCBI36_HEADER, records=RECORDS):
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(records, header=header))
    return path


@pytest.mark.parametrize("processes", [1, 2])
def test_ncbi36_is_lifted_by_default_and_keeps_its_own_coordinates(tmp_path, lift_sources,
                                                                   processes):
    out = tmp_path / "out.vcf"
    summary = annotate_file(_write(tmp_path), out, config_path=lift_sources,
                            processes=processes, log_path=tmp_path / "log")
    recs = read_records(out)
    assert [r[:2] for r in recs] == [["chr1", p.split()[1]] for p in RECORDS]
    info = [info_of(r) for r in recs]
    assert recs[0][2] == "rs200" and info[0]["LIFTED"] == "chr1:200"
    assert info[1]["LIFTED"] == "chr1:1050" and info[1]["GENE"] == "G1"
    assert info[1]["REGION"] == "CDS"
    # Not lifted: passed through with the input's INFO and the reason, nothing looked up.
    assert info[2] == {"DP": "7", "UNLIFTED": "ref_mismatch"}
    assert info[3] == {"DP": "8", "UNLIFTED": "no_chain"}
    assert info[4] == {"DP": "9", "UNLIFTED": "reverse_strand"}
    assert [r[2] for r in recs[2:]] == [".", ".", "."]
    text = out.read_text()
    assert "##INFO=<ID=LIFTED," in text and "##INFO=<ID=UNLIFTED," in text
    # The output declares the input's own contig, with NCBI36's length.
    assert "##contig=<ID=chr1,length=247249719,assembly=NCBI36>" in text
    assert summary["assembly"] == "GRCh37" and summary["input_assembly"] == "NCBI36"
    line = ("NCBI36 detected, lifted to GRCh37: 2 records, 3 unmapped "
            "(1 no chain, 1 ref mismatch, 1 reverse strand)")
    assert summary["liftover"] == {
        "from": "NCBI36", "to": "GRCh37", "chain": "t.chain", "lifted": 2, "unmapped": 3,
        "unmapped_reasons": {"no_chain": 1, "ref_mismatch": 1, "reverse_strand": 1},
        "line": line}
    log = (tmp_path / "log").read_text().splitlines()
    assert line in log and "Assembly: NCBI36 (##reference), annotated on GRCh37" in log
    assert sum(summary["region_classes"].values()) == 2  # only lifted records are classed


def test_no_liftover_refuses_ncbi36_and_writes_nothing(tmp_path, lift_sources):
    out = tmp_path / "out.vcf"
    with pytest.raises(UnsupportedAssemblyError, match="NCBI36.*lifting is switched off"):
        annotate_file(_write(tmp_path), out, config_path=lift_sources, liftover=False)
    assert not out.exists()


def test_cli_lifts_by_default_refuses_with_no_liftover_and_accepts_assembly_ncbi36(
        tmp_path, lift_sources):
    path = _write(tmp_path)
    done = run_cli("annotate", str(path), "-o", str(tmp_path / "a.vcf"), "--config",
                   str(lift_sources))
    assert done.returncode == 0, done.stderr
    assert "NCBI36 detected, lifted to GRCh37: 2 records, 3 unmapped" in done.stdout
    assert json.loads((tmp_path / "in.summary.json").read_text())["liftover"]["lifted"] == 2
    refused = run_cli("annotate", str(path), "-o", str(tmp_path / "b.vcf"), "--config",
                      str(lift_sources), "--no-liftover")
    assert refused.returncode == 2 and "NCBI36" in refused.stderr
    assert not (tmp_path / "b.vcf").exists()
    # A GRCh37-looking file forced to NCBI36 is lifted too.
    grch37 = _write(tmp_path, header="##fileformat=VCFv4.2\n##reference=GRCh37\n")
    forced = run_cli("annotate", str(grch37), "-o", str(tmp_path / "c.vcf"), "--config",
                     str(lift_sources), "--assembly", "NCBI36")
    assert forced.returncode == 0, forced.stderr
    assert info_of(read_records(tmp_path / "c.vcf")[0])["LIFTED"] == "chr1:200"


def test_lift_to_lifts_grch37_on_request_with_the_same_machinery(tmp_path, lift_sources):
    path = _write(tmp_path, header="##fileformat=VCFv4.2\n##reference=GRCh37\n")
    plain = annotate_file(path, tmp_path / "plain.vcf", config_path=lift_sources)
    assert plain["liftover"] is None and "LIFTED" not in info_of(read_records(
        tmp_path / "plain.vcf")[0])
    summary = annotate_file(path, tmp_path / "out.vcf", config_path=lift_sources,
                            lift_to="GRCh38")
    recs = read_records(tmp_path / "out.vcf")
    assert summary["assembly"] == "GRCh38" and summary["input_assembly"] == "GRCh37"
    assert summary["liftover"]["line"].startswith("GRCh37 detected, lifted to GRCh38: 2 records")
    assert recs[0][2] == "rs200" and info_of(recs[0])["LIFTED"] == "chr1:200"


def test_an_unknown_assembly_from_an_api_caller_is_invalid_input(tmp_path, lift_sources):
    with pytest.raises(UnsupportedAssemblyError, match="assembly must be one of"):
        annotate_file(_write(tmp_path), tmp_path / "o.vcf", config_path=lift_sources,
                      assembly="hg17")
