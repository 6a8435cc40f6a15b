"""Check GAS's consequences against bcftools csq, and time both (issue 9, items 1 and 7).

Run: .venv/bin/python -m bench.consequences [--variants N] [--seed S] [--out DIR]
(`make bench-csq`). Random SNVs and indels in and around the coding exons of GRCh37 chr20
(the bundle's GENCODE GTF, the vt-examples chr20 sequence) go through `bcftools csq -l` (each
record on its own) with a GFF3 written from the same GTF, and through GAS's calculator. Per
variant the most severe consequence is compared, and for missense variants the amino-acid
change; the script prints the agreement, the differences by category and the time of each
tool. It prints figures only; tests/consequence asserts the agreement floor.
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import subprocess
import tempfile
import time
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ann.engine import default_data_dir
from ann.engine.consequence import RANK, consequences
from ann.engine.consequence.gff3 import write_gff3
from ann.engine.consequence.gtf import read_gtf
from ann.engine.reference import Reference
from ann.engine.transcript import Transcript

REPO_ROOT = Path(__file__).resolve().parents[1]
CONTIG = "20"
FLANK_BP = 10  # variants fall in coding exons and this far around them (splice sites, UTRs)
NEAR_BP = 5000  # transcripts this close to a variant are handed to the calculator
VT_REF = "usr/share/doc/vt/examples/ref"

# bcftools csq's names → Sequence Ontology terms as VEP writes them.
BCFTOOLS_TERMS = {
    "synonymous": "synonymous_variant", "missense": "missense_variant",
    "stop_lost": "stop_lost", "stop_gained": "stop_gained",
    "inframe_deletion": "inframe_deletion", "inframe_insertion": "inframe_insertion",
    "frameshift": "frameshift_variant", "splice_acceptor": "splice_acceptor_variant",
    "splice_donor": "splice_donor_variant", "start_lost": "start_lost",
    "splice_region": "splice_region_variant", "stop_retained": "stop_retained_variant",
    "5_prime_utr": "5_prime_UTR_variant", "3_prime_utr": "3_prime_UTR_variant",
    "non_coding": "non_coding_transcript_exon_variant", "intron": "intron_variant",
    "intergenic": "intergenic_variant", "inframe_altering": "protein_altering_variant",
    "coding_sequence": "coding_sequence_variant", "feature_elongation": "feature_elongation",
    "start_retained": "start_retained_variant",
}
# VEP terms bcftools has no name for, seen as the term bcftools gives the same bases.
COMPARED_AS = {
    "splice_donor_5th_base_variant": "splice_region_variant",
    "splice_donor_region_variant": "splice_region_variant",
    "splice_polypyrimidine_tract_variant": "intron_variant",
    # bcftools's non_coding does not tell a non-coding transcript's exons from its introns
    "non_coding_transcript_exon_variant": "non_coding_transcript_variant",
    "incomplete_terminal_codon_variant": "coding_sequence_variant",
    "upstream_gene_variant": "none", "downstream_gene_variant": "none",
    "intergenic_variant": "none", "NMD_transcript_variant": "none",
}

Variant = tuple[int, str, str]  # POS, REF, ALT


def chr20_reference(cache: Path = REPO_ROOT / ".cache") -> Path:
    """Return GRCh37 chr20 (BGZF, .fai, .gzi): the bundle's, else Debian's vt-examples.

    vt-examples is fetched with `apt-get download` and unpacked into `cache` once; its
    `.gzi` index ships gzipped and is unpacked beside the FASTA.
    """
    bundled = default_data_dir() / "GRCh37" / "reference.fa.gz"
    if bundled.is_file():
        return bundled
    fasta = cache / "vt-examples" / "ref" / "20.fa.gz"
    if not Path(str(fasta) + ".gzi").is_file():
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["apt-get", "download", "vt-examples"], cwd=tmp, check=True,
                           capture_output=True)
            deb = next(Path(tmp).glob("vt-examples_*.deb"))
            subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
            fasta.parent.mkdir(parents=True, exist_ok=True)
            for part in (Path(tmp) / VT_REF).iterdir():
                shutil.copy(part, fasta.parent / part.name)
        with gzip.open(Path(str(fasta) + ".gzi.gz")) as src, \
                open(Path(str(fasta) + ".gzi"), "wb") as dst:
            shutil.copyfileobj(src, dst)
    return fasta


def _mutate(rng: random.Random, reference: Reference, pos: int) -> Variant | None:
    """Return one random SNV (60%), deletion or insertion (20% each, 1-9 bp) at pos."""
    kind = rng.random()
    base = reference.fetch(CONTIG, pos, pos)
    if kind < 0.6:
        return pos, base, rng.choice([b for b in "ACGT" if b != base])
    size = rng.randint(1, 9)
    if kind < 0.8:
        ref = reference.fetch(CONTIG, pos, pos + size)
        return pos, ref, ref[0]
    return pos, base, base + "".join(rng.choice("ACGT") for _ in range(size))


def sample_variants(transcripts: list[Transcript], reference: Reference, n: int,
                    seed: int) -> list[Variant]:
    """Draw n variants (one per position) in and around coding exons, sorted by position."""
    rng = random.Random(seed)
    pieces = sorted({(max(s, t.cds_start) - FLANK_BP, min(e, t.cds_end) + FLANK_BP)
                     for t in transcripts if t.coding for s, e in t.exons
                     if e >= t.cds_start and s <= t.cds_end})
    chosen: dict[int, Variant] = {}
    while len(chosen) < n:
        lo, hi = rng.choice(pieces)
        pos = rng.randint(lo, hi)
        if pos in chosen:
            continue
        variant = _mutate(rng, reference, pos)
        if variant and set(variant[1] + variant[2]) <= set("ACGT"):
            chosen[pos] = variant
    return [chosen[p] for p in sorted(chosen)]


def write_vcf(variants: list[Variant], path: Path, length: int) -> None:
    """Write the variants as a sites-only VCF."""
    with open(path, "w") as out:
        out.write(f"##fileformat=VCFv4.2\n##contig=<ID={CONTIG},length={length}>\n"
                  "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for pos, ref, alt in variants:
            out.write(f"{CONTIG}\t{pos}\t.\t{ref}\t{alt}\t.\t.\t.\n")


class Nearby:
    """Transcripts of one contig looked up by position (sorted starts, a bounded scan)."""

    def __init__(self, transcripts: list[Transcript]) -> None:
        self.items = sorted(transcripts, key=lambda t: t.start)
        self.starts = [t.start for t in self.items]
        self.longest = max((t.end - t.start for t in self.items), default=0)

    def around(self, lo: int, hi: int) -> list[Transcript]:
        """Return the transcripts within NEAR_BP of lo..hi."""
        first = bisect_right(self.starts, lo - NEAR_BP - self.longest - 1)
        last = bisect_right(self.starts, hi + NEAR_BP)
        return [t for t in self.items[first:last] if t.end >= lo - NEAR_BP]


def run_gas(variants: list[Variant], transcripts: list[Transcript],
            reference: Reference) -> tuple[list[str], float, int]:
    """Return GAS's CSQ values, the seconds spent computing them and the pairs evaluated."""
    nearby = Nearby(transcripts)
    lookups = [nearby.around(pos, pos + len(ref) - 1) for pos, ref, _ in variants]
    values, pairs = [], 0
    start = time.perf_counter()
    for (pos, ref, alt), near in zip(variants, lookups, strict=True):
        found = consequences(CONTIG, pos, ref, [alt], near, reference)
        values.append(found.value.decode())
        pairs += len(near)
    return values, time.perf_counter() - start, pairs


def run_bcftools(vcf: Path, gff: Path, fasta: Path) -> tuple[list[str], float]:
    """Return bcftools csq -l's BCSQ value per record and its wall time."""
    start = time.perf_counter()
    done = subprocess.run(["bcftools", "csq", "-l", "-f", str(fasta), "-g", str(gff), str(vcf)],
                          check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    out = []
    for line in done.stdout.splitlines():
        if line.startswith("#"):
            continue
        info = line.split("\t")[7]
        out.append(next((kv[5:] for kv in info.split(";") if kv.startswith("BCSQ=")), ""))
    return out, seconds


def _compared(term: str) -> str:
    return COMPARED_AS.get(term, term)


def _worst(terms: set[str]) -> str:
    return min(terms, key=lambda t: RANK.get(t, 99), default="none")


def _frameshift_first(terms: set[str]) -> set[str]:
    """A frameshift's stop: VEP adds stop_gained when the stop is inside the changed codons,
    bcftools when it is the first codon after them; both describe one frameshift."""
    return terms - {"stop_gained"} if "frameshift_variant" in terms else terms


def gas_calls(value: str) -> tuple[str, dict[str, str]]:
    """Return (most severe term, {transcript: missense change}) of a GAS CSQ value.

    On an incomplete 5' CDS VEP counts the padded first codon as residue 1 and bcftools
    counts from the first whole codon: there only the amino acids are compared.
    """
    terms, missense = set(), {}
    for entry in value.split(","):
        f = entry.split("|")
        these = _frameshift_first({_compared(t) for t in f[1].split("&")} - {"none"})
        terms |= these
        if "missense_variant" in these and "/" in f[15]:
            ref, alt = f[15].split("/")
            pos = "" if "cds_start_NF" in f[19] else f[14]
            missense[f[6]] = f"{pos}{ref}>{pos}{alt}"
    return _worst(terms), missense


def bcftools_calls(value: str, incomplete: set[str]) -> tuple[str, dict[str, str]]:
    """Return (most severe term, {transcript: missense change}) of a BCSQ value.

    `incomplete`: transcripts GAS flagged cds_start_NF (compared without positions).
    """
    terms, missense = set(), {}
    for entry in filter(None, value.split(",")):
        f = entry.split("|")
        these = _frameshift_first({_compared(BCFTOOLS_TERMS.get(t.lstrip("*"), t))
                                   for t in f[0].split("&")})
        terms |= these
        if "missense_variant" in these and len(f) > 5:
            change = f[5]
            if f[2] in incomplete:
                change = ">".join(part.lstrip("0123456789") for part in change.split(">"))
            missense[f[2]] = change
    return _worst(terms), missense


@dataclass
class Agreement:
    """How GAS and bcftools compare over a sample."""

    variants: int = 0
    consequence: int = 0  # same most severe consequence
    missense: int = 0  # variants both call missense
    missense_same: int = 0  # ... with the same amino-acid change on every shared transcript
    differences: Counter = field(default_factory=Counter)  # (GAS, bcftools) → variants
    examples: dict = field(default_factory=dict)

    @property
    def agreed(self) -> int:
        """Variants agreeing on the consequence and, for missense, the amino-acid change."""
        return self.consequence - (self.missense - self.missense_same)

    @property
    def rate(self) -> float:
        """The agreed fraction."""
        return self.agreed / self.variants if self.variants else 0.0


def compare(variants: list[Variant], ours: list[str], theirs: list[str]) -> Agreement:
    """Compare the two tools variant by variant."""
    result = Agreement(variants=len(variants))
    for variant, a, b in zip(variants, ours, theirs, strict=True):
        incomplete = {e.split("|")[6] for e in a.split(",") if "cds_start_NF" in e}
        (worst_a, mis_a), (worst_b, mis_b) = gas_calls(a), bcftools_calls(b, incomplete)
        if worst_a != worst_b:
            result.differences[(worst_a, worst_b)] += 1
            result.examples.setdefault((worst_a, worst_b), (variant, a, b))
            continue
        result.consequence += 1
        if worst_a == "missense_variant":
            result.missense += 1
            shared = mis_a.keys() & mis_b.keys()
            if shared and all(mis_a[t] == mis_b[t] for t in shared):
                result.missense_same += 1
            else:
                result.differences[("missense: amino acids", "")] += 1
                result.examples.setdefault(("missense: amino acids", ""), (variant, a, b))
    return result


@dataclass
class Check:
    """One comparison run: the agreement and the figures of both tools."""

    agreement: Agreement
    gas_seconds: float  # first pass: each transcript's model and sequence prepared on sight
    warm_seconds: float  # the same records again, models cached
    pairs: int
    bcftools_seconds: float
    load_seconds: float


def check(n: int = 2500, seed: int = 20, out: Path | None = None,
          gtf: Path | None = None, fasta: Path | None = None) -> Check:
    """Sample, run both tools and compare; files go to `out` (a temporary folder if None)."""
    gtf = gtf or default_data_dir() / "GRCh37" / "genes.gtf.gz"
    fasta = fasta or chr20_reference()
    reference = Reference(fasta)
    start = time.perf_counter()
    transcripts = read_gtf(gtf, [CONTIG])
    load = time.perf_counter() - start
    variants = sample_variants(transcripts, reference, n, seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = out or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        vcf, gff = folder / "variants.vcf", folder / "chr20.gff3"
        write_vcf(variants, vcf, reference.length(CONTIG))
        with open(gff, "w") as handle:
            write_gff3(transcripts, handle, reference=reference)
        theirs, bcf_seconds = run_bcftools(vcf, gff, fasta)
    ours, gas_seconds, pairs = run_gas(variants, transcripts, reference)
    warm = run_gas(variants, transcripts, reference)[1]
    return Check(compare(variants, ours, theirs), gas_seconds, warm, pairs, bcf_seconds, load)


def _print(result: Check, show: int) -> None:
    """Print the agreement, the differences and the timings."""
    a = result.agreement
    print(f"variants: {a.variants:,}  agree: {a.agreed:,} ({a.rate:.2%})")
    print(f"  most severe consequence: {a.consequence:,} ({a.consequence / a.variants:.2%})")
    print(f"  missense amino-acid change: {a.missense_same:,} of {a.missense:,}")
    print("differences (GAS most severe / bcftools most severe: variants):")
    for (ours, theirs), count in a.differences.most_common():
        print(f"  {ours} / {theirs or '-'}: {count}")
        if show:
            variant, mine, bcf = a.examples[(ours, theirs)]
            print(f"      e.g. {variant}\n      GAS  {mine[:300]}\n      bcf  {bcf[:300]}")
    for label, seconds in (("first pass", result.gas_seconds), ("cached", result.warm_seconds)):
        print(f"GAS {label}: {seconds:.3f} s for {result.pairs:,} (variant, transcript) pairs "
              f"= {seconds / result.pairs * 1e6:.2f} us/pair, "
              f"{a.variants / seconds:,.0f} variants/s")
    print(f"  (GTF read apart: {result.load_seconds:.2f} s; the first pass reads each "
          "transcript's sequence)")
    print(f"bcftools csq -l: {result.bcftools_seconds:.3f} s "
          f"({a.variants / result.bcftools_seconds:,.0f} variants/s, GFF3 parsing included)")


def main() -> None:
    """Run the comparison from the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.consequences", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out" / "csq")
    parser.add_argument("--examples", action="store_true", help="print one example per difference")
    args = parser.parse_args()
    _print(check(args.variants, args.seed, args.out), args.examples)


if __name__ == "__main__":
    main()
