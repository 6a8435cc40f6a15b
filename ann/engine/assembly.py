"""Detect the genome assembly of a VCF from its header, and decide whether to lift it.

Evidence, strongest first: ##contig assembly= values, ##contig lengths, ##reference (and
##assembly) values, reference FASTA paths inside other header lines (GATK and other tools write
their command line there), then scaffold names among the ##contig IDs. Assembly words are
matched inside file names and paths too (`human_b36_both.fasta`, `1000GenomesPilot-NCBI36`,
`human_g1k_v37.fasta`), not only as whole words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .contigs import normalise
from .errors import UnsupportedAssemblyError
from .header import Header

SUPPORTED = ("GRCh37", "GRCh38")  # assemblies the bundle has annotation data for
LIFTABLE = {"NCBI36": "GRCh37"}  # assemblies lifted by default, and where to
KNOWN = (*SUPPORTED, *LIFTABLE)
DEFAULT = "GRCh37"
RCRS_LENGTH = 16569  # the revised Cambridge Reference Sequence, MT in GRCh37 and GRCh38

# Primary chromosome lengths 1..22, X, Y (UCSC chromInfo / NCBI assembly reports); the single
# definition GAS uses (ann.bundle.contigs builds the bundle's contig table from it).
_PRIMARY = [str(i) for i in range(1, 23)] + ["X", "Y"]
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
# Contig key -> length, in karyotype order. MT is the rCRS in GRCh37 and GRCh38 (GENCODE's
# chrM genes use it); NCBI36's own chrM (NC_001807) is not a contig GAS annotates.
CHROMOSOME_LENGTHS: dict[str, dict[str, int]] = {
    asm: {**dict(zip(_PRIMARY, lengths, strict=True)),
          **({"MT": RCRS_LENGTH} if asm in SUPPORTED else {})}
    for asm, lengths in _LENGTHS.items()
}
_BY_LENGTH = {
    (name, length): asm
    for asm, lengths in _LENGTHS.items()
    for name, length in zip(_PRIMARY, lengths, strict=True)
}

# Assembly words. A word may sit inside a file name or path (`human_b36_both`, `-NCBI36`,
# `g1k_v37`, `assembly19`): it must not follow a letter or digit, nor be followed by a digit.
_WORD = r"(?<![a-z0-9])(?:{})(?![0-9])"
_ALIASES = [
    (re.compile(_WORD.format(r"grch37|hg19|b37|hs37(?:d5)?|ncbi37|g1k_?v37|assembly19"), re.I),
     "GRCh37"),
    (re.compile(_WORD.format(r"grch38|hg38|b38|hs38(?:dh)?|ncbi38|assembly38"), re.I), "GRCh38"),
    (re.compile(_WORD.format(r"ncbi36|hg18|b36|g1k_?v36|grch36|hs36"), re.I), "NCBI36"),
]
# A reference FASTA named inside another header line, e.g. GATK's reference_sequence=....
_FASTA_PATH = re.compile(r"[\w./~+-]+\.(?:fa|fasta|fna|fas|2bit)(?:\.b?gz)?(?![\w.])", re.I)
_STRUCTURED = {"INFO", "FORMAT", "FILTER", "ALT", "contig", "reference", "assembly",
               "fileformat", "SAMPLE", "PEDIGREE", "META"}
_RCRS = re.compile(r"^\s*(rCRS|NC_012920(\.1)?)\s*$", re.I)
_SCAFFOLD_NAMES = [
    (re.compile(r"^(chrUn_)?gl0\d{4}|hs37d5|_gl0\d{4}", re.I), "GRCh37"),
    (re.compile(r"ki27\d{4}|_alt$|^chrUn_|^HLA-|^chrEBV$", re.I), "GRCh38"),
]


@dataclass(frozen=True)
class Assembly:
    """The assembly whose data annotates a file, how it was found, and any lift into it."""

    name: str  # the annotation data's assembly (the lift's target when lifted)
    detected_from: str
    warnings: tuple[str, ...] = ()
    lift_from: str | None = None  # the file's own assembly when its records are lifted

    @property
    def lifted(self) -> bool:
        """Whether records are lifted from the file's assembly into `name` for look-ups."""
        return self.lift_from is not None


def alias(text: str) -> str | None:
    """Return the assembly an assembly word in `text` names (inside paths too), or None."""
    for pattern, name in _ALIASES:
        if pattern.search(text):
            return name
    return None


def detect(header: Header) -> tuple[str | None, str]:
    """Return (assembly or None, evidence) from the header alone."""
    for contig in header.contigs:
        name = alias(contig.get("assembly", ""))
        if name:
            return name, "##contig assembly"
    for contig in header.contigs:
        length = contig.get("length", "")
        if length.isdigit():
            name = _BY_LENGTH.get((normalise(contig.get("ID", "")), int(length)))
            if name:
                return name, "##contig lengths"
    for reference in header.references:
        name = alias(reference)
        if name:
            return name, "##reference"
    found = _from_reference_paths(header)
    if found:
        return found
    for contig in header.contigs:
        for pattern, name in _SCAFFOLD_NAMES:
            if pattern.search(contig.get("ID", "")):
                return name, "contig names"
    return None, ""


def _from_reference_paths(header: Header) -> tuple[str, str] | None:
    """Find a reference FASTA path in a tool's header line (##UnifiedGenotyper=..., ...)."""
    for raw in header.meta_lines:
        text = raw.decode("utf-8", "replace")
        key = text[2:].partition("=")[0]
        if key in _STRUCTURED:
            continue
        for path in _FASTA_PATH.findall(text):
            name = alias(path.rsplit("/", 1)[-1])
            if name:
                return name, f"reference file in ##{key}"
    return None


def _mito_only(header: Header) -> bool:
    """True when the file declares only an rCRS mitochondrion (fits either assembly)."""
    if header.contigs:
        ids = {normalise(c.get("ID", "")) for c in header.contigs}
        lengths = {c.get("length") for c in header.contigs}
        return ids == {"MT"} and lengths <= {str(RCRS_LENGTH), None}
    return bool(header.references) and all(_RCRS.search(r) for r in header.references)


def choose(header: Header, forced: str | None, *, liftover: bool = False,
           lift_to: str | None = None) -> Assembly:
    """Pick the annotation assembly and any lift into it.

    `forced` names the file's assembly (detection is skipped); an NCBI36 file (detected or
    forced) is lifted to GRCh37 when `liftover` is on and refused otherwise; `lift_to` asks for
    the file's records to be lifted into another supported assembly (GRCh37 <-> GRCh38).
    """
    for value, what in ((forced, "assembly"), (lift_to, "lift target")):
        allowed = KNOWN if what == "assembly" else SUPPORTED
        if value is not None and value not in allowed:
            raise ValueError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    found, evidence = detect(header)
    if forced is not None:
        notes = ()
        if found and found != forced:
            notes = (f"the file looks like {found} (from {evidence}) but {forced} was forced",)
        own = Assembly(forced, "forced", notes)
    elif found is not None:
        own = Assembly(found, evidence)
    elif _mito_only(header):
        own = Assembly(DEFAULT, "rCRS mitochondrion (either assembly)")
    else:
        own = Assembly(DEFAULT, "default", (
            f"the assembly could not be detected from the header; {DEFAULT} was assumed",))
    return _with_lift(own, liftover, lift_to)


def _with_lift(own: Assembly, liftover: bool, lift_to: str | None) -> Assembly:
    """Turn the file's own assembly into the annotation assembly, lifting where asked."""
    target = lift_to or (LIFTABLE.get(own.name) if liftover else None)
    if own.name not in SUPPORTED and target is None:
        hint = "; lifting is switched off" if own.name in LIFTABLE else ""
        raise UnsupportedAssemblyError(
            f"the file declares assembly {own.name} (from {own.detected_from}); supported "
            f"assemblies are {' and '.join(SUPPORTED)}{hint} (choose one explicitly to "
            "annotate anyway)"
        )
    if target is None or target == own.name:
        return own
    return Assembly(target, own.detected_from, own.warnings, lift_from=own.name)
