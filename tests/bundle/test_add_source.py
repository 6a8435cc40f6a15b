"""`python -m ann add-source`: a lab's own VCF or BED checked, split, prepared and configured."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ann.bundle.add_source import add_source
from ann.bundle.added import carry_added
from ann.bundle.errors import BundleError
from ann.engine import annotate_file
from tests.engine.engine_fixtures import info_of, read_records, vcf_text, write_sources

REPO = Path(__file__).resolve().parents[2]
EXAC = Path("/usr/share/doc/vcfanno-examples/example/exac.vcf.gz")  # Debian vcfanno-examples
LAB_VCF = """\
##fileformat=VCFv4.2
##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">
##INFO=<ID=AN,Number=1,Type=Integer,Description="Alleles">
##INFO=<ID=AD,Number=R,Type=Integer,Description="Depths">
##contig=<ID=1,length=249250621>
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1
1\t100\trsA\tA\tG,T\t.\tPASS\tAF=0.1,0.2;AN=10;AD=5,3,2\tGT\t0/1
1\t300\trsB\tC\tT\t.\tPASS\tAF=0.3;AN=12;AD=9,3\tGT\t0/1
2\t50\trsC\tT\tC\t.\tPASS\tAF=0.4;AN=8;AD=1,1\tGT\t1/1
"""


@pytest.fixture
def bundle(tmp_path, monkeypatch):
    """A bundle folder with the engine tests' small GRCh37 sources."""
    monkeypatch.setenv("GAS_ENGINE_CACHE", str(tmp_path / "engine-cache"))
    write_sources(tmp_path / "bundle" / "GRCh37")
    return tmp_path / "bundle"


def lab_file(tmp_path, text=LAB_VCF, name="lab.vcf.gz") -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()))
    return path


def test_added_vcf_is_split_normalised_configured_and_used(tmp_path, bundle):
    entry = add_source(lab_file(tmp_path), "GRCh37", fields="AF,AN,AD", data_dir=bundle)
    assert (entry["records_in"], entry["records_out"], entry["split"]) == (3, 4, 1)
    folder = bundle / "GRCh37"
    with gzip.open(folder / "added" / "lab.vcf.gz", "rt") as fh:
        body = [x.split("\t") for x in fh if not x.startswith("#")]
    assert [(r[0], r[1], r[4], r[7].strip()) for r in body[:2]] == [
        ("chr1", "100", "G", "AF=0.1;AN=10;AD=5,3"), ("chr1", "100", "T", "AF=0.2;AN=10;AD=5,2")]
    assert len(body[0]) == 8  # sites only
    toml = (folder / "sources.toml").read_text()
    assert toml.count("# >>> add-source lab") == 1 and '"added/lab.vcf.gz"' in toml
    manifest = json.loads((bundle / "manifest.json").read_text())
    recorded = manifest["assemblies"]["GRCh37"]["added"]["lab"]
    assert recorded["names"] == ["LAB_AF", "LAB_AN", "LAB_AD"] and len(recorded["sha256"]) == 64
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["1 100 . A T . . .", "chr2 50 . T C . . ."]))
    annotate_file(path, tmp_path / "o.vcf", data_dir=bundle)
    recs = read_records(tmp_path / "o.vcf")
    assert info_of(recs[0])["LAB_AF"] == "0.2" and info_of(recs[1])["LAB_AN"] == "8"
    assert 'Description="AF from lab.vcf.gz (added by add-source)"' in \
        (tmp_path / "o.vcf").read_text()


def test_adding_again_changes_nothing(tmp_path, bundle):
    lab = lab_file(tmp_path)
    add_source(lab, "GRCh37", fields="AF", data_dir=bundle)
    folder = bundle / "GRCh37"
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    toml = (folder / "sources.toml").read_text()
    add_source(lab, "GRCh37", fields="AF", data_dir=bundle)
    assert (folder / "sources.toml").read_text() == toml
    after = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()
             and p.name != "sources.toml"}
    assert all(before[p] == t for p, t in after.items())


@pytest.mark.parametrize(("text", "words"), [
    (LAB_VCF.replace("1\t300", "1\t30"), "position 30 on chr1"),
    (LAB_VCF + "1\t900\t.\tA\tG\t.\t.\t.\tGT\t0/1\n", "contig chr1 appears again"),
])
def test_unsorted_file_is_refused_with_a_clear_message(tmp_path, bundle, text, words):
    toml = (bundle / "GRCh37" / "sources.toml").read_text()
    lab = lab_file(tmp_path, text)
    with pytest.raises(BundleError) as caught:
        add_source(lab, "GRCh37", fields="AF", data_dir=bundle)
    assert "not sorted" in str(caught.value) and words in str(caught.value)
    assert (bundle / "GRCh37" / "sources.toml").read_text() == toml
    env = {**os.environ, "PYTHONPATH": str(REPO), "GAS_ANNOTATION_DATA": str(bundle)}
    result = subprocess.run([sys.executable, "-m", "ann", "add-source", str(lab), "--assembly",
                             "GRCh37", "--fields", "AF"], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 1 and "not sorted" in result.stderr
    assert "Traceback" not in result.stderr


def test_added_bed_columns(tmp_path, bundle):
    bed = tmp_path / "scores.bed"
    bed.write_text("track name=x\n1\t90\t120\t0.5\tlow\n1\t200\t260\t0.9\thigh\n")
    add_source(bed, "GRCh37", columns="4,5", names="SCORE,LEVEL", ops="first,uniq",
               data_dir=bundle)
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["chr1 100 . A G . . .", "chr1 250 . A G . . ."]))
    annotate_file(path, tmp_path / "o.vcf", data_dir=bundle)
    recs = read_records(tmp_path / "o.vcf")
    assert [(info_of(r)["SCORE"], info_of(r)["LEVEL"]) for r in recs] == [("0.5", "low"),
                                                                         ("0.9", "high")]


def test_added_sources_survive_a_rebuild(tmp_path, bundle):
    add_source(lab_file(tmp_path), "GRCh37", fields="AF", data_dir=bundle)
    fresh = tmp_path / "fresh"
    write_sources(fresh)
    carry_added(bundle / "GRCh37", fresh)
    assert (fresh / "added" / "lab.vcf.gz").is_file()
    assert (fresh / "sources.toml").read_text().count("# >>> add-source lab") == 1


@pytest.mark.skipif(not EXAC.is_file(), reason="Debian package vcfanno-examples not installed")
def test_worked_example_exac_extract(tmp_path, bundle):
    entry = add_source(EXAC, "GRCh37", fields="AF,AC_Adj", label="exac", data_dir=bundle)
    assert entry["records_out"] >= entry["records_in"] > 100
    with gzip.open(EXAC, "rt") as fh:
        first = next(x for x in fh if not x.startswith("#")).split("\t")
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text([f"{first[0]} {first[1]} . {first[3]} {first[4]} . . ."]))
    annotate_file(path, tmp_path / "o.vcf", data_dir=bundle)
    got = info_of(read_records(tmp_path / "o.vcf")[0])
    assert float(got["EXAC_AF"]) == pytest.approx(float(info_of(first)["AF"]), rel=1e-4)
