"""Detect the genome assembly of a VCF from ##reference, ##contig lines and contig names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .contigs import normalise
from .errors import UnsupportedAssemblyError
from .header import Header

SUPPORTED = ("GRCh37", "GRCh38")
DEFAULT = "GRCh37"
RCRS_LENGTH = 16569  # the revised Cambridge Reference Sequence, MT in GRCh37 and GRCh38

# Names that mean an assembly, matched as words in ##reference / assembly= values.
_ALIASES = [
    (re.compile(r"grch37|hg19|\bb37\b|hs37|g1k_v37|ncbi37|_v37|assembly19", re.I), "GRCh37"),
    (re.compile(r"grch38|hg38|\bb38\b|hs38|ncbi38|_v38|assembly38", re.I), "GRCh38"),
    (re.compile(r"ncbi36|hg18|\bb36\b|_v36|grch36", re.I), "NCBI36"),
]

# Primary chromosome lengths (UCSC chromInfo / NCBI assembly reports).
_LENGTHS = {
    "GRCh37": [249250621, 243199373, 198022430, 191154276, 180915260, 171115067, 159138663,
               146364022, 141213431, 135534747, 135006516, 133851895, 115169878, 107349540,
               102531392, 90354753, 81195210, 78077248, 59128983, 63025520, 48129895,
               51304566, 155270560, 59373566],
    "GRCh38": [248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973,
               145138636, 138394717, 133797422, 135086622, 133275309, 114364328, 107043718,
               101991189, 90338345, 83257441, 80373285, 58617616, 64444167, 46709983,
               50818468, 156040895, 57227415],
    "NCBI36": [247249719, 242951149, 199501827, 191273063, 180857866, 170899992, 158821424,
               146274826, 140273252, 135374737, 134452384, 132349534, 114142980, 106368585,
               100338915, 88827254, 78774742, 76117153, 63811651, 62435964, 46944323,
               49691432, 154913754, 57772954],
}
_NAMES = [str(i) for i in range(1, 23)] + ["X", "Y"]
_BY_LENGTH = {
    (name, length): asm
    for asm, lengths in _LENGTHS.items()
    for name, length in zip(_NAMES, lengths, strict=True)
}
_SCAFFOLD_NAMES = [
    (re.compile(r"^(chrUn_)?gl0\d{4}|hs37d5|_gl0\d{4}", re.I), "GRCh37"),
    (re.compile(r"ki27\d{4}|_alt$|^chrUn_|^HLA-|^chrEBV$", re.I), "GRCh38"),
]


@dataclass(frozen=True)
class Assembly:
    """The assembly chosen for a file and how it was found."""

    name: str
    detected_from: str
    warnings: tuple[str, ...] = ()


def detect(header: Header) -> tuple[str | None, str]:
    """Return (assembly or None, evidence) from the header alone."""
    for contig in header.contigs:
        name = _alias(contig.get("assembly", ""))
        if name:
            return name, "##contig assembly"
    for contig in header.contigs:
        length = contig.get("length", "")
        if length.isdigit():
            name = _BY_LENGTH.get((normalise(contig.get("ID", "")), int(length)))
            if name:
                return name, "##contig lengths"
    for reference in header.references:
        name = _alias(reference)
        if name:
            return name, "##reference"
    for contig in header.contigs:
        for pattern, name in _SCAFFOLD_NAMES:
            if pattern.search(contig.get("ID", "")):
                return name, "contig names"
    return None, ""


def _alias(text: str) -> str | None:
    for pattern, name in _ALIASES:
        if pattern.search(text):
            return name
    return None


def _mito_only(header: Header) -> bool:
    """True when the only declared contig is an rCRS mitochondrion (fits either assembly)."""
    ids = {normalise(c.get("ID", "")) for c in header.contigs}
    lengths = {c.get("length") for c in header.contigs}
    return ids == {"MT"} and lengths <= {str(RCRS_LENGTH), None}


def choose(header: Header, forced: str | None) -> Assembly:
    """Pick the assembly: forced, detected and supported, or the default with a warning."""
    found, evidence = detect(header)
    if forced is not None:
        if forced not in SUPPORTED:
            raise ValueError(f"assembly must be one of {', '.join(SUPPORTED)}, not {forced!r}")
        notes = ()
        if found and found != forced:
            notes = (f"the file looks like {found} (from {evidence}) but {forced} was forced",)
        return Assembly(forced, "forced", notes)
    if found in SUPPORTED:
        return Assembly(found, evidence)
    if found is not None:
        raise UnsupportedAssemblyError(
            f"the file declares assembly {found} (from {evidence}); supported assemblies are "
            f"{' and '.join(SUPPORTED)} (choose one explicitly to annotate anyway)"
        )
    if _mito_only(header):
        return Assembly(DEFAULT, "rCRS mitochondrion (either assembly)")
    return Assembly(
        DEFAULT,
        "default",
        (f"the assembly could not be detected from the header; {DEFAULT} was assumed",),
    )
