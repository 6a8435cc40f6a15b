"""Generate the sparse benchmark: few input variants on 3 contigs, a large known-variant source."""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pysam

from bench.synth import CONTIG_LENGTHS

CONTIGS = ("chr1", "chr2", "chr3")
AT_KNOWN = 0.5  # share of input records placed at a known site (ALT shared)
LARGEST = 20_000_000  # sites of the largest source; smaller ones keep every n-th of its sites
SUBSET = 10  # the query's known sites are among every 10th site (in the 2M source too)
SAMPLE_SHARE = 0.02
BASES = "ACGT"
CONFIG = """\
[[annotation]]
file = "{known}"
fields = ["ID", "AF"]
names = ["KNOWN_ID", "KNOWN_AF"]
ops = ["first", "self"]
"""


@dataclass(frozen=True)
class SparseInputs:
    """One known-variant source and the sparse query VCF against it."""

    vcf: Path
    known: Path
    config: Path


def _bgzip(path: Path, lines) -> None:
    """Write lines through bgzip (two threads) and index with tabix."""
    with open(path, "wb") as out:
        proc = subprocess.Popen(["bgzip", "-@", "2", "-c"], stdin=subprocess.PIPE, stdout=out)
        for chunk in lines:
            proc.stdin.write(chunk)
        proc.stdin.close()
        if proc.wait():
            raise RuntimeError(f"bgzip failed on {path}")
    pysam.tabix_index(str(path), preset="vcf", force=True)


def _header(info: str) -> bytes:
    lines = ["##fileformat=VCFv4.2", info]
    lines += [f"##contig=<ID={c},length={CONTIG_LENGTHS[c]}>" for c in CONTIGS]
    return ("\n".join(lines) + "\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n").encode()


def write_known(path: Path, sites: int, seed: int, every: int = 1
                ) -> dict[str, list[tuple[int, str, str]]]:
    """Write every `every`-th of `sites` known variants over CONTIGS; return a sample.

    The sites of a source made with every=10 are a subset of those made with every=1, and the
    sample comes from the sites every source keeps, so one query serves every size.
    """
    rng = random.Random(seed)
    total = sum(CONTIG_LENGTHS[c] for c in CONTIGS)
    sample: dict[str, list[tuple[int, str, str]]] = {c: [] for c in CONTIGS}

    def lines():
        yield _header('##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">')
        for chrom in CONTIGS:
            n = sites * CONTIG_LENGTHS[chrom] // total
            gap = max(1, CONTIG_LENGTHS[chrom] // (n + 1))
            pos, out = 10_000, []
            for i in range(n):
                pos += rng.randint(1, 2 * gap - 1)
                keep = rng.random() < SAMPLE_SHARE and i % SUBSET == 0
                if i % every:
                    continue
                ref = BASES[i & 3]
                alt = BASES[(i + 1 + (i >> 2) % 3) & 3]
                af = (i % 997) / 997
                out.append(f"{chrom}\t{pos}\trs{i + 1}\t{ref}\t{alt}\t.\t.\tAF={af:.4f}\n")
                if keep:
                    sample[chrom].append((pos, ref, alt))
                if len(out) == 50_000:
                    yield "".join(out).encode()
                    out = []
            yield "".join(out).encode()

    _bgzip(path, lines())
    return sample


def write_query(path: Path, variants: int, sample: dict, seed: int) -> None:
    """Write a sparse query VCF: `variants` records over CONTIGS, half at known sites."""
    rng = random.Random(seed + 1)
    per = variants // len(CONTIGS)
    body = []
    for chrom in CONTIGS:
        known = rng.sample(sample[chrom], min(len(sample[chrom]), int(per * AT_KNOWN)))
        rows = [(p, r, a) for p, r, a in known]
        while len(rows) < per:
            p = rng.randrange(10_000, CONTIG_LENGTHS[chrom] - 10_000)
            r = rng.choice(BASES)
            rows.append((p, r, rng.choice([b for b in BASES if b != r])))
        for p, r, a in sorted(rows):
            body.append(f"{chrom}\t{p}\t.\t{r}\t{a}\t50\tPASS\tDP=10\n")
    path.write_bytes(_header('##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">')
                     + "".join(body).encode())


def generate(folder: Path, sites: int, variants: int, seed: int = 20261202) -> SparseInputs:
    """Write (or reuse) a source of `sites` (LARGEST / n) and the shared sparse query."""
    folder.mkdir(parents=True, exist_ok=True)
    every = max(1, LARGEST // sites)
    known, query = folder / f"known{sites}.vcf.gz", folder / f"query{variants}.vcf"
    stamp = folder / f"complete-{sites}"
    if not stamp.exists():
        print(f"generating a {LARGEST // every:,}-site source in {folder} ...", flush=True)
        sample = write_known(known, LARGEST, seed, every)
        if not query.exists():
            write_query(query, variants, sample, seed)
        stamp.write_text("ok\n")
    config = folder / f"sources{sites}.toml"
    config.write_text(CONFIG.format(known=known.name))
    return SparseInputs(query, known, config)
