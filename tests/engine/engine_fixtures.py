"""Helpers for engine tests: small VCF/BED/GTF sources, written and tabix-indexed per test."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pysam

REPO = Path(__file__).resolve().parents[2]

KNOWN_VCF = """\
##fileformat=VCFv4.2
##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">
##INFO=<ID=CLN,Number=1,Type=String,Description="Clinical note">
##contig=<ID=chr1,length=249250621>
##contig=<ID=chr2,length=243199373>
##contig=<ID=chrM,length=16569>
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
chr1\t100\trs100\tA\tG\t.\t.\tAF=0.1;CLN=benign
chr1\t100\trs101\tA\tT\t.\t.\tAF=0.15
chr1\t200\trs200\tC\tT,G\t.\t.\tAF=0.2,0.3
chr1\t300\trs300\tAT\tA\t.\t.\tAF=0.4
chr1\t1500\trs1500\tG\tC\t.\t.\tAF=0.5
chr2\t50\trs50\tT\tC\t.\t.\tAF=0.05
chrM\t73\trs73\tA\tG\t.\t.\tAF=0.9
"""

BED = """\
chr1\t90\t150\tlowA
chr1\t120\t400\tlowB;x
chr2\t0\t100\tchr2region
"""

# Gene G1 (+ strand) on chr1: transcript 1000-2000, exons 1000-1100 and 1400-2000,
# CDS 1050-1500; so 1000-1049 is 5'UTR, 1101-1399 intron, 1501-2000 3'UTR, 0-999 promoter.
# Gene G2 (- strand, non-coding) on chr1: 5000-6000 one exon 5000-5200; promoter 6001-8000.
GTF = """\
chr1\tT\tgene\t1000\t2000\t.\t+\t.\tgene_id "ENSG1"; gene_name "G1"; gene_type "protein_coding";
chr1\tT\ttranscript\t1000\t2000\t.\t+\t.\tgene_id "ENSG1"; transcript_id "ENST1";
chr1\tT\texon\t1000\t1100\t.\t+\t.\tgene_id "ENSG1"; transcript_id "ENST1";
chr1\tT\tCDS\t1050\t1100\t.\t+\t0\tgene_id "ENSG1"; transcript_id "ENST1";
chr1\tT\texon\t1400\t2000\t.\t+\t.\tgene_id "ENSG1"; transcript_id "ENST1";
chr1\tT\tCDS\t1400\t1500\t.\t+\t0\tgene_id "ENSG1"; transcript_id "ENST1";
chr1\tT\tgene\t5000\t6000\t.\t-\t.\tgene_id "ENSG2"; gene_name "G2"; gene_type "lncRNA";
chr1\tT\ttranscript\t5000\t6000\t.\t-\t.\tgene_id "ENSG2"; transcript_id "ENST2";
chr1\tT\texon\t5000\t5200\t.\t-\t.\tgene_id "ENSG2"; transcript_id "ENST2";
chrM\tT\tgene\t1\t500\t.\t+\t.\tgene_id "ENSGM"; gene_name "MT-X"; gene_type "Mt_rRNA";
chrM\tT\ttranscript\t1\t500\t.\t+\t.\tgene_id "ENSGM"; transcript_id "ENSTM";
chrM\tT\texon\t1\t500\t.\t+\t.\tgene_id "ENSGM"; transcript_id "ENSTM";
"""

SOURCES_TOML = """\
[[annotation]]
file = "known.vcf.gz"
fields = ["ID", "AF", "CLN"]
names = ["ID", "KNOWN_AF", "KNOWN_CLN"]
ops = ["first", "self", "first"]

[[annotation]]
file = "regions.bed.gz"
columns = [4, 4]
names = ["LOWCOMP", "IN_LOWCOMP_flag"]
ops = ["uniq", "flag"]

[[annotation]]
file = "genes.gtf.gz"
fields = ["gene_name", "gene_id", "region"]
names = ["GENE", "GENE_ID", "REGION"]
ops = ["uniq", "uniq", "uniq"]
promoter_window = 1000
"""

HEADER = """\
##fileformat=VCFv4.2
##reference=GRCh37
##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">
##contig=<ID=chr1,length=249250621>
##contig=<ID=chr2,length=243199373>
##contig=<ID=chrM,length=16569>
"""
CHROM_LINE = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"


def tabix_source(folder: Path, name: str, text: str, preset: str) -> Path:
    """Write text, sort it like the tools expect, bgzip and tabix-index it; return the .gz."""
    plain = folder / name
    plain.write_text(text)
    return Path(pysam.tabix_index(str(plain), preset=preset, force=True, keep_original=False))


def write_sources(folder: Path, toml: str = SOURCES_TOML) -> Path:
    """Create the three small sources and a sources.toml naming them; return the TOML path."""
    folder.mkdir(parents=True, exist_ok=True)
    tabix_source(folder, "known.vcf", KNOWN_VCF, "vcf")
    tabix_source(folder, "regions.bed", BED, "bed")
    tabix_source(folder, "genes.gtf", GTF, "gff")
    path = folder / "sources.toml"
    path.write_text(toml)
    return path


def vcf_text(records: list[str], header: str = HEADER, chrom_line: str = CHROM_LINE) -> str:
    """Return a VCF: header, #CHROM line, then records given with tabs or single spaces."""
    body = "".join(r.replace(" ", "\t") + "\n" for r in records)
    return header + chrom_line + "\n" + body


def read_records(path: Path) -> list[list[str]]:
    """Return the data lines of a (plain) VCF split into columns."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:
        return [line.rstrip("\n").split("\t") for line in handle if not line.startswith("#")]


def info_of(record: list[str]) -> dict[str, str]:
    """Return a record's INFO as a dict (flags map to '')."""
    if record[7] == ".":
        return {}
    return dict((item.split("=", 1) + [""])[:2] for item in record[7].split(";"))


def run_cli(*args: str, cwd: Path | None = None,
            env_data: str | None = None) -> subprocess.CompletedProcess:
    """Run `python -m ann ...` with the repository importable (env_data: GAS_ANNOTATION_DATA)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if env_data is not None:
        env["GAS_ANNOTATION_DATA"] = env_data
    return subprocess.run(
        [sys.executable, "-m", "ann", *args], cwd=cwd or REPO, capture_output=True, text=True,
        timeout=120, env=env,
    )
