"""A VCF record's ALT alleles the way VEP represents them.

VEP trims the base that VCF prepends to indels, but only when every REF and ALT allele shares it
(`Bio::EnsEMBL::VEP::Parser::VCF`): then a deletion's allele is `-` and an insertion's is the
inserted bases, placed between `end` and `start` (start = end + 1). All ALTs of a record share
one span. Symbolic alleles (`<DEL>`), `*` and `.` get no consequences.
"""

from __future__ import annotations

from dataclasses import dataclass

SUBSTITUTION, DELETION, INSERTION = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Allele:
    """One ALT allele on the forward strand, over the record's (trimmed) span."""

    index: int  # 0-based position among the record's ALTs
    text: str  # the CSQ Allele column: the allele, or "-" for a deletion
    seq: str  # the ALT bases ("" for a deletion)
    ref: str  # the REF bases of the span ("" for an insertion)
    start: int  # 1-based span; end = start - 1 for an insertion
    end: int
    kind: int  # SUBSTITUTION (same length), DELETION (shorter), INSERTION (longer)
    regions: tuple[tuple[int, int], ...]  # stretches where ALT differs from REF (VEP's rule)
    lo: int  # lowest position the allele touches (an insertion: its left flank)
    hi: int  # highest (an insertion: its right flank)


def _usable(alt: str) -> bool:
    return bool(alt) and alt.isalpha()


def _trim(ref: str, alts: list[str]) -> bool:
    """Whether VEP drops the first base of every allele of this record."""
    usable = [a for a in alts if _usable(a)]
    if not any(len(a) != len(ref) for a in usable):
        return False
    return len({ref[0], *(a[0] for a in usable)}) == 1 and len(ref) > 0


def _regions(ref: str, alt: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Return where ALT differs from REF; short alleles count whole (VEP's differing regions)."""
    if len(ref) <= 1 or len(alt) <= 1:
        return ((start, end),)
    out: list[list[int]] = []
    shorter = min(len(ref), len(alt))
    for i in range(max(len(ref), len(alt))):
        if i >= shorter or ref[i] != alt[i]:
            if out and out[-1][1] == start + i - 1:
                out[-1][1] = start + i
            else:
                out.append([start + i, start + i])
    return tuple((a, b) for a, b in out) or ((start, end),)


def vep_alleles(pos: int, ref: str, alts: list[str]) -> list[Allele | None]:
    """Return one Allele per ALT (None for symbolic, `*` or missing ALTs)."""
    ref = ref.upper()
    upper = [a.upper() for a in alts]
    start = pos
    if _trim(ref, upper):
        ref, upper, start = ref[1:], [a[1:] if _usable(a) else a for a in upper], pos + 1
        upper = [a if a else "-" for a in upper]
    end = start + len(ref) - 1
    out: list[Allele | None] = []
    for i, alt in enumerate(upper):
        if not (_usable(alt) or alt == "-"):
            out.append(None)
            continue
        seq = "" if alt == "-" else alt
        kind = (SUBSTITUTION if len(seq) == len(ref)
                else DELETION if len(seq) < len(ref) else INSERTION)
        out.append(Allele(i, alt, seq, ref, start, end, kind, _regions(ref, seq, start, end),
                          min(start, end), max(start, end)))
    return out
