"""UCSC liftOver chains from sumstats-liftover, parsed once into the bundle's chain arrays."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ann.engine.assembly import CHROMOSOME_LENGTHS, RCRS_LENGTH
from ann.engine.liftover import Chain, parse_chains, read_chain_text


@dataclass(frozen=True)
class ChainSpec:
    """One chain file of the package and the assemblies it lifts between."""

    member: str  # file in sumstats-liftover's data folder
    source: str
    target: str

    @property
    def npz(self) -> str:
        """The bundle file, relative to the target assembly's folder."""
        return f"chains/{self.member.removesuffix('.over.chain.gz')}.npz"


CHAINS = (
    ChainSpec("hg18ToHg19.over.chain.gz", "NCBI36", "GRCh37"),
    ChainSpec("hg38ToHg19.over.chain.gz", "GRCh38", "GRCh37"),
    ChainSpec("hg19ToHg38.over.chain.gz", "GRCh37", "GRCh38"),
)


def chains_into(target: str) -> list[ChainSpec]:
    """Return the chains that lift into an assembly."""
    return [c for c in CHAINS if c.target == target]


def write_chain(spec: ChainSpec, data: bytes, out: Path) -> dict:
    """Parse one chain file and save its arrays under `out`; return its manifest entry."""
    # Blocks onto alt/random/unplaced contigs are dropped (the bundle has no data there); MT
    # is the rCRS in every assembly GAS serves, so it maps onto itself, not through hg18/hg19's
    # NC_001807 chrM chains.
    chain, counts = parse_chains(
        read_chain_text(data), source=spec.source, target=spec.target, name=spec.member,
        target_contigs=set(CHROMOSOME_LENGTHS[spec.target]) - {"MT"},
        identity={"MT": RCRS_LENGTH})
    path = out / spec.npz
    path.parent.mkdir(parents=True, exist_ok=True)
    chain.save(path)
    Chain.load(path)  # fail the build, not the first lifted job, if it does not load back
    return {"from": spec.source, "to": spec.target, "chain": spec.member, **counts}
