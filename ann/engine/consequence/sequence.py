"""DNA helpers: reverse complement, the genetic codes, translation, three-letter amino acids."""

from __future__ import annotations

from itertools import product

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")
_BASES = "TCAG"
# NCBI translation tables 1 (standard) and 2 (vertebrate mitochondrial), codons in TCAG order.
_STANDARD = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
_MITO = "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIMMTTTTNNKKSS**VVVVAAAADDEEGGGG"
STANDARD = {"".join(c): aa for c, aa in zip(product(_BASES, repeat=3), _STANDARD, strict=True)}
MITOCHONDRIAL = {"".join(c): aa for c, aa in zip(product(_BASES, repeat=3), _MITO, strict=True)}
UNAMBIGUOUS = frozenset("ACGT")

THREE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
    "X": "Ter", "U": "Sec",
}


def revcomp(seq: str) -> str:
    """Return the reverse complement of a DNA string."""
    return seq.translate(_COMPLEMENT)[::-1]


def code_for(contig_key: str) -> dict[str, str]:
    """Return the genetic code of a contig (the mitochondrion has its own)."""
    return MITOCHONDRIAL if contig_key == "MT" else STANDARD


def translate(seq: str, code: dict[str, str]) -> str:
    """Translate whole codons; a codon with any other letter than ACGT gives X."""
    get = code.get
    return "".join([get(seq[i:i + 3], "X") for i in range(0, len(seq) - 2, 3)])


def three_letter(peptide: str) -> str:
    """Return a peptide in HGVS three-letter code (X as in HGVS means Ter here, as VEP)."""
    return "".join(THREE_LETTER.get(aa, "Xaa") for aa in peptide)


def unambiguous(seq: str) -> bool:
    """Whether a sequence holds only A, C, G and T (empty counts as unambiguous)."""
    return UNAMBIGUOUS.issuperset(seq)
