"""Primary contigs of each assembly, in karyotype order, with their lengths."""

from __future__ import annotations

from ann.engine.assembly import CHROMOSOME_LENGTHS, SUPPORTED


def ucsc_name(key: str) -> str:
    """Return the UCSC-style name of a contig key, as the registry packages spell it (chrM)."""
    return "chrM" if key == "MT" else f"chr{key}"


# UCSC-style names -> lengths, from the engine's one table of chromosome lengths; chrM is the
# rCRS (16,569 bp) in both, because GENCODE's chrM genes use rCRS coordinates (hg19's own chrM,
# NC_001807, is 16,571 bp and is not used).
CONTIGS: dict[str, dict[str, int]] = {
    asm: {ucsc_name(key): length for key, length in CHROMOSOME_LENGTHS[asm].items()}
    for asm in SUPPORTED
}


def contig_header(assembly: str) -> list[str]:
    """Return the VCF ##contig lines for an assembly's primary contigs."""
    return [
        f"##contig=<ID={name},length={length},assembly={assembly}>"
        for name, length in CONTIGS[assembly].items()
    ]
