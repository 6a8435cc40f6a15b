"""Generate the benchmark's input VCF and sources: realistic shape, fixed seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pysam

# GRCh38 primary contig lengths; variants are spread over them in proportion.
CONTIG_LENGTHS = {
    "chr1": 248956422, "chr2": 242193529, "chr3": 198295559, "chr4": 190214555,
    "chr5": 181538259, "chr6": 170805979, "chr7": 159345973, "chr8": 145138636,
    "chr9": 138394717, "chr10": 133797422, "chr11": 135086622, "chr12": 133275309,
    "chr13": 114364328, "chr14": 107043718, "chr15": 101991189, "chr16": 90338345,
    "chr17": 83257441, "chr18": 80373285, "chr19": 58617616, "chr20": 64444167,
    "chr21": 46709983, "chr22": 50818468, "chrX": 156040895,
}
BASES = "ACGT"
VERSION = 2  # bump when the generated data change, so cached inputs are made again
KNOWN_SHARE = 0.3  # share of input records at a known site (mostly with a matching ALT)
KNOWN_FROM_INPUT = 0.75  # share of the known sites placed at input records (rest elsewhere)
MULTI_ALLELIC_SHARE = 0.05
INDEL_SHARE = 0.05
SAME_POS_SHARE = 0.01  # a second record at the same position, as real call sets have


@dataclass(frozen=True)
class BenchInputs:
    """Paths of the generated files."""

    vcf: Path
    known: Path
    genes: Path
    config: Path
    bed_header: Path


def _alleles(rng: random.Random, first: str | None = None) -> tuple[str, list[str]]:
    """Return a REF (starting with base `first` if given) and its ALTs: mostly SNVs, some
    indels, some multi-allelic."""
    ref = first or rng.choice(BASES)
    if rng.random() < INDEL_SHARE:
        if rng.random() < 0.5:
            return ref + "".join(rng.choices(BASES, k=rng.randint(1, 3))), [ref]
        return ref, [ref + "".join(rng.choices(BASES, k=rng.randint(1, 3)))]
    others = [b for b in BASES if b != ref]
    count = 2 if rng.random() < MULTI_ALLELIC_SHARE else 1
    return ref, rng.sample(others, count)


def _positions(rng: random.Random, length: int, count: int) -> list[int]:
    """Return `count` sorted positions on a contig, some repeated."""
    pos = sorted(rng.randrange(10_000, length - 10_000) for _ in range(count))
    return [pos[i - 1] if i and rng.random() < SAME_POS_SHARE else p for i, p in enumerate(pos)]


def _header(extra: list[str], columns: str) -> str:
    """Return VCF header text with contigs."""
    lines = ["##fileformat=VCFv4.2", *extra]
    lines += [f"##contig=<ID={c},length={n},assembly=GRCh38>" for c, n in CONTIG_LENGTHS.items()]
    return "\n".join(lines) + f"\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO{columns}\n"


def _shares(total: int) -> dict[str, int]:
    """Split a count over the contigs in proportion to their lengths."""
    size = sum(CONTIG_LENGTHS.values())
    shares = {c: total * n // size for c, n in CONTIG_LENGTHS.items()}
    shares["chr1"] += total - sum(shares.values())  # rounding remainder, so counts are exact
    return shares


def write_variants(out: Path, variants: int, known: int, seed: int) -> tuple[Path, Path]:
    """Write input.vcf.gz and known.vcf.gz (AF, one record per site), both tabix-indexed."""
    rng = random.Random(seed)
    vcf, kvcf = out / "input.vcf.gz", out / "known.vcf.gz"
    known_shares = _shares(known)
    # The known set keeps its size whatever the input's, as a real one does: with 10M input
    # records fewer of them sit at known sites.
    at_known = min(KNOWN_SHARE, KNOWN_FROM_INPUT * known / variants)
    with pysam.BGZFile(str(vcf), "wb") as fin, pysam.BGZFile(str(kvcf), "wb") as fknown:
        fin.write(_header(['##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">',
                           '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">'],
                          "\tFORMAT\tS1\tS2").encode())
        fknown.write(_header(['##INFO=<ID=AF,Number=A,Type=Float,Description="Allele freq">'],
                             "").encode())
        for chrom, count in _shares(variants).items():
            sites: dict[int, tuple[str, str]] = {}
            lines, last_pos, last_ref = [], 0, ""
            for pos in _positions(rng, CONTIG_LENGTHS[chrom], count):
                # A second record at a position shares the reference base, as real ones do.
                ref, alts = _alleles(rng, last_ref[0] if pos == last_pos else None)
                last_pos, last_ref = pos, ref
                if pos not in sites and rng.random() < at_known:
                    alt = rng.choice(alts) if rng.random() < 0.9 else ref + "T"
                    sites[pos] = (ref, alt)
                lines.append(f"{chrom}\t{pos}\t.\t{ref}\t{','.join(alts)}\t50\tPASS\t"
                             f"DP={rng.randint(5, 90)}\tGT\t0/1\t0/0\n")
            fin.write("".join(lines).encode())
            extra = max(0, known_shares[chrom] - len(sites))
            for pos in _positions(rng, CONTIG_LENGTHS[chrom], extra):
                if pos not in sites:
                    ref, alts = _alleles(rng)
                    sites[pos] = (ref, alts[0])
            fknown.write("".join(
                f"{chrom}\t{pos}\trs{rng.randrange(1, 10**9)}\t{ref}\t{alt}\t.\t.\t"
                f"AF={rng.random():.4f}\n" for pos, (ref, alt) in sorted(sites.items())
            ).encode())
    for path in (vcf, kvcf):
        pysam.tabix_index(str(path), preset="vcf", force=True)
    return vcf, kvcf


def write_genes(out: Path, genes: int, seed: int) -> Path:
    """Write genes.bed.gz: overlapping intervals named from a pool (so names repeat)."""
    rng = random.Random(seed + 1)
    pool = [f"GENE{i:05d}" for i in range(int(genes * 0.8))]
    path = out / "genes.bed.gz"
    with pysam.BGZFile(str(path), "wb") as fh:
        for chrom, count in _shares(genes).items():
            rows = []
            for _ in range(count):
                start = rng.randrange(0, CONTIG_LENGTHS[chrom] - 300_000)
                length = int(10 ** rng.uniform(2.7, 5.3))  # 500 bp to 200 kb, log-uniform
                rows.append((start, start + length, rng.choice(pool)))
            rows.sort()
            fh.write("".join(f"{chrom}\t{s}\t{e}\t{n}\n" for s, e, n in rows).encode())
    pysam.tabix_index(str(path), preset="bed", force=True)
    return path


CONFIG = """\
[[annotation]]
file = "known.vcf.gz"
fields = ["ID", "AF"]
names = ["KNOWN_ID", "KNOWN_AF"]
ops = ["first", "first"]

[[annotation]]
file = "genes.bed.gz"
columns = [4]
names = ["GENE"]
ops = ["uniq"]
"""
BED_HEADER = '##INFO=<ID=GENE,Number=.,Type=String,Description="Overlapping genes">\n'


def generate(out: Path, variants: int, known: int, genes: int, seed: int = 20261128) \
        -> BenchInputs:
    """Write every benchmark input into `out` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    vcf, kvcf = write_variants(out, variants, known, seed)
    bed = write_genes(out, genes, seed)
    (out / "sources.toml").write_text(CONFIG)
    (out / "gene_header.txt").write_text(BED_HEADER)
    return BenchInputs(vcf, kvcf, bed, out / "sources.toml", out / "gene_header.txt")
