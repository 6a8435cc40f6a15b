"""The defaults on the real bundle, through the real CLI: NCBI36 lifted, consequences on.

Skipped when `python -m ann build-data` has not run. The NCBI36 records are course-sample
shaped (premium_1's `##reference=human_b36_both.fasta`); rs3094315 is at hg18 chr1:742429,
hg19 752566, GRCh38 817186; rs3746698 (hg18 chr20:3076403) lifts into FASTKD5's CDS on the
bundle's chr20 sequence.
"""

from __future__ import annotations

import json
import subprocess

import pysam
import pytest

from ann.engine import default_data_dir
from ann.engine.consequence import EXTRA_FIELDS, FIELDS

from .engine_fixtures import info_of, read_records, run_cli

BUNDLE = default_data_dir()
pytestmark = pytest.mark.skipif(
    not (BUNDLE / "GRCh37" / "reference.fa.gz").is_file(),
    reason=f"no data bundle at {BUNDLE} (run `python -m ann build-data`)",
)

NCBI36 = """\
##fileformat=VCFv4.0
##reference=human_b36_both.fasta
##INFO=<ID=DP,Number=1,Type=Integer,Description="Total Depth">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
1\t200000\t.\tA\tG\t.\tPASS\tDP=10
1\t742429\t.\tG\tA\t.\tPASS\tDP=11
20\t3076403\trs3746698\tT\tC\t.\tPASS\tDP=12
20\t3076403\t.\tG\tC\t.\tPASS\tDP=13
"""
GRCH37 = """\
##fileformat=VCFv4.2
##reference=GRCh37
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
1\t752566\t.\tG\tA\t.\tPASS\t.
20\t3128403\t.\tT\tC\t.\tPASS\t.
"""


def _split_vep(*args: str) -> str:
    return subprocess.run(["bcftools", "+split-vep", *args], capture_output=True, text=True,
                          check=True).stdout


def test_plain_annotate_lifts_ncbi36_and_writes_consequences(tmp_path):
    (tmp_path / "old.vcf").write_text(NCBI36)
    done = run_cli("annotate", "old.vcf", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    line = ("NCBI36 detected, lifted to GRCh37: 2 records, 2 unmapped "
            "(1 no chain, 1 ref mismatch)")
    assert line in done.stdout
    out = tmp_path / "old.annot.vcf"
    recs = read_records(out)
    info = [info_of(r) for r in recs]
    assert [r[1] for r in recs] == ["200000", "742429", "3076403", "3076403"]  # its own
    assert info[0] == {"DP": "10", "UNLIFTED": "no_chain"}
    assert recs[1][2] == "rs3094315" and info[1]["LIFTED"] == "1:752566"
    assert info[2]["LIFTED"] == "20:3128403" and "FASTKD5" in info[2]["GENE"].split(",")
    # G is not the GRCh37 base there (T): the record would change, so it is not annotated.
    assert info[3] == {"DP": "13", "UNLIFTED": "ref_mismatch"}
    assert "CSQ" in info[1] and "CSQ" in info[2]
    fields = [x.split("\t")[1] for x in _split_vep("-l", str(out)).splitlines()]
    assert fields == list(FIELDS + EXTRA_FIELDS)
    rows = _split_vep("-s", "worst", "-f", "%POS %Consequence %IMPACT %SYMBOL %Amino_acids\n",
                      "-i", "POS=3076403", str(out)).split()
    assert rows[0] == "3076403" and rows[3] == "FASTKD5"
    assert rows[1] in ("missense_variant", "synonymous_variant") and rows[4] != "."
    summary = json.loads((tmp_path / "old.summary.json").read_text())
    assert summary["liftover"]["line"] == line and summary["liftover"]["lifted"] == 2
    assert sum(summary["consequences"].values()) == 2 == sum(summary["impacts"].values())
    log = (tmp_path / "old.vcf.count.log").read_text()
    assert line in log and "Most severe consequence:" in log and "Impact:" in log


def test_no_liftover_refuses_the_same_file(tmp_path):
    (tmp_path / "old.vcf").write_text(NCBI36)
    done = run_cli("annotate", "old.vcf", "--no-liftover", cwd=tmp_path)
    assert done.returncode == 2 and "NCBI36" in done.stderr
    assert not (tmp_path / "old.annot.vcf").exists()


def test_lift_to_grch38_finds_the_rsid_there(tmp_path):
    (tmp_path / "new.vcf").write_text(GRCH37)
    done = run_cli("annotate", "new.vcf", "--lift-to", "GRCh38", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    recs = read_records(tmp_path / "new.annot.vcf")
    assert recs[0][2] == "rs3094315" and info_of(recs[0])["LIFTED"] == "1:817186"
    summary = json.loads((tmp_path / "new.summary.json").read_text())
    assert summary["assembly"] == "GRCh38" and summary["liftover"]["from"] == "GRCh37"


def test_reference_option_replaces_the_sequence_and_mismatches_are_counted_once(tmp_path):
    (tmp_path / "new.vcf").write_text(GRCH37)
    fasta = tmp_path / "all_a.fa"
    fasta.write_text(">20\n" + "A" * 3_200_000 + "\n")
    pysam.tabix_compress(str(fasta), str(fasta) + ".gz")
    pysam.faidx(str(fasta) + ".gz")
    done = run_cli("annotate", "new.vcf", "--reference", f"{fasta}.gz", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "new.summary.json").read_text())
    assert summary["consequence_ref_mismatches"] == 1
    assert sum("differs from the reference sequence (all_a.fa.gz)" in w
               for w in summary["warnings"]) == 1
    chr20 = info_of(read_records(tmp_path / "new.annot.vcf")[1])
    assert "coding_sequence_variant" in chr20["CSQ"]  # structure only: no amino acids
    missing = run_cli("annotate", "new.vcf", "--reference", "nowhere.fa.gz", cwd=tmp_path)
    assert missing.returncode == 1 and "nowhere.fa.gz" in missing.stderr
