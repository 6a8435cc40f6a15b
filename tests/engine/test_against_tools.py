"""The engine gives the values vcfanno and bcftools give on the same small inputs."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pysam
import pytest

from ann.engine import annotate_file

from .engine_fixtures import (
    CHROM_LINE,
    HEADER,
    info_of,
    read_records,
    tabix_source,
    vcf_text,
)

BASES = "ACGT"


def _inputs(folder: Path, seed: int = 7) -> dict[str, Path]:
    """Write a query VCF, a known-variant VCF and a BED of genes sharing positions."""
    rng = random.Random(seed)
    query, known = [], []
    for chrom in ("1", "2"):
        pos = 0
        for _ in range(1500):
            pos += rng.randint(1, 400)
            ref = rng.choice(BASES) * rng.choice([1, 1, 1, 3])
            alts = rng.sample([b for b in BASES if b != ref[0]], rng.choice([1, 1, 2]))
            query.append((chrom, pos, ref, ",".join(alts)))
            if rng.random() < 0.4:  # a known variant sharing one of the query's alleles
                kalts = rng.sample(alts, 1) + rng.sample(BASES, rng.choice([0, 1]))
                kalts = [a for a in dict.fromkeys(kalts) if a != ref]
                afs = ",".join(f"{rng.random():.3f}" for _ in kalts)
                known.append(f"{chrom}\t{pos}\trs{len(known) + 1}\t{ref}\t{','.join(kalts)}"
                             f"\t.\t.\tAF={afs};SRC=s{rng.randint(1, 3)}")
    head = "##fileformat=VCFv4.2\n##contig=<ID=1,length=1000000>\n##contig=<ID=2,length=1000000>\n"
    kv = (head + '##INFO=<ID=AF,Number=A,Type=Float,Description="af">\n'
          '##INFO=<ID=SRC,Number=1,Type=String,Description="src">\n'
          "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" + "\n".join(known) + "\n")
    beds = []
    for chrom in ("1", "2"):
        for i in range(300):
            start = rng.randint(0, 600_000)
            beds.append((chrom, start, start + rng.randint(1, 5000), f"G{chrom}_{i}"))
    beds.sort()
    bed = "".join(f"{c}\t{s}\t{e}\t{n}\n" for c, s, e, n in beds)
    q = folder / "query.vcf"
    q.write_text(head + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" + "".join(
        f"{c}\t{p}\t.\t{r}\t{a}\t.\t.\t.\n" for c, p, r, a in query))
    return {"query": q, "known": tabix_source(folder, "known.vcf", kv, "vcf"),
            "bed": tabix_source(folder, "genes.bed", bed, "bed")}


VCFANNO_TOML = """\
[[annotation]]
file = "known.vcf.gz"
fields = ["ID", "AF", "AF", "SRC", "SRC", "SRC"]
names = ["KNOWN_ID", "AF_FIRST", "AF_SELF", "SRC_UNIQ", "SRC_CONCAT", "SRC_flag"]
ops = ["first", "first", "self", "uniq", "concat", "flag"]

[[annotation]]
file = "genes.bed.gz"
columns = [4, 4, 4, 4]
names = ["GENE_UNIQ", "GENE_FIRST", "GENE_CONCAT", "IN_GENE_flag"]
ops = ["uniq", "first", "concat", "flag"]
"""
NAMES = ["KNOWN_ID", "AF_FIRST", "AF_SELF", "SRC_UNIQ", "SRC_CONCAT", "SRC",
         "GENE_UNIQ", "GENE_FIRST", "GENE_CONCAT", "IN_GENE"]


def _by_site(path: Path) -> dict[tuple, list[str]]:
    return {(r[0], r[1], r[3], r[4]): r for r in read_records(path)}


@pytest.mark.skipif(shutil.which("vcfanno") is None,
                    reason="vcfanno is not installed (Debian package vcfanno)")
def test_same_values_as_vcfanno(tmp_path):
    files = _inputs(tmp_path)
    config = tmp_path / "conf.toml"
    config.write_text(VCFANNO_TOML)
    theirs = tmp_path / "vcfanno.vcf"
    with open(theirs, "w") as out:
        subprocess.run(["vcfanno", "-p", "2", str(config), str(files["query"])], cwd=tmp_path,
                       stdout=out, stderr=subprocess.DEVNULL, check=True, timeout=120)
    annotate_file(files["query"], tmp_path / "gas.vcf", config_path=config)
    ours, expected = _by_site(tmp_path / "gas.vcf"), _by_site(theirs)
    assert ours.keys() == expected.keys() and len(ours) == 3000
    annotated = 0
    for site, rec in expected.items():
        want = {k: v for k, v in info_of(rec).items() if k in NAMES}
        got = {k: v for k, v in info_of(ours[site]).items() if k in NAMES}
        assert got == want, site
        annotated += bool(want)
    assert annotated > 1000  # the comparison covers many annotated records


@pytest.mark.skipif(shutil.which("bcftools") is None,
                    reason="bcftools is not installed (Debian package bcftools)")
def test_same_ids_and_genes_as_bcftools(tmp_path):
    files = _inputs(tmp_path)
    query = Path(pysam.tabix_index(str(files["query"]), preset="vcf", keep_original=True))
    header = tmp_path / "h.txt"
    header.write_text('##INFO=<ID=GENE,Number=.,Type=String,Description="g">\n')
    ids = tmp_path / "ids.vcf.gz"
    subprocess.run(["bcftools", "annotate", "-a", str(files["known"]), "-c", "ID", "-Oz",
                    "-o", str(ids), str(query)], check=True, timeout=120)
    theirs = tmp_path / "bcftools.vcf"
    subprocess.run(["bcftools", "annotate", "-a", str(files["bed"]), "-h", str(header),
                    "-c", "CHROM,FROM,TO,GENE", "-l", "GENE:unique", "-o", str(theirs), str(ids)],
                   check=True, timeout=120)
    config = tmp_path / "gas.toml"
    config.write_text('[[annotation]]\nfile = "known.vcf.gz"\nfields = ["ID"]\nnames = ["ID"]\n'
                      'ops = ["first"]\n\n[[annotation]]\nfile = "genes.bed.gz"\ncolumns = [4]\n'
                      'names = ["GENE"]\nops = ["uniq"]\n')
    annotate_file(query, tmp_path / "gas.vcf", config_path=config)
    ours, expected = _by_site(tmp_path / "gas.vcf"), _by_site(theirs)
    assert ours.keys() == expected.keys()
    for site, rec in expected.items():
        assert ours[site][2] == rec[2], site
        want = set(info_of(rec).get("GENE", "").split(",")) - {""}
        assert set(info_of(ours[site]).get("GENE", "").split(",")) - {""} == want, site


DECLARATIONS = """\
##INFO=<ID=END,Number=1,Type=Integer,Description="End">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
"""


@pytest.mark.skipif(shutil.which("bcftools") is None,
                    reason="bcftools is not installed (Debian package bcftools)")
def test_bcftools_reads_the_output_without_errors(tmp_path, sources):
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text([
        "chr1 100 . A G,T 50 PASS DP=3 GT:DP 0/1:4", "chr1 130 . A <DEL> . . END=1100 GT:DP 1/1:2",
        "chr1 1060 rs9 A C,* . . . GT:DP ./.:.", "chrM 73 . A G . . . GT:DP 1:9",
    ], header=HEADER + DECLARATIONS, chrom_line=CHROM_LINE + "\tFORMAT\tS1"))
    out = tmp_path / "out.vcf"
    annotate_file(path, out, config_path=sources)
    result = subprocess.run(["bcftools", "view", str(out)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "[E::" not in result.stderr and "[W::" not in result.stderr, result.stderr
    assert result.stdout.count("\n#CHROM") == 1 and len(read_records(out)) == 4
