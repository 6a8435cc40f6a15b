"""Sequence Ontology consequence terms with Ensembl's severity rank and IMPACT.

The table is Ensembl's (`Bio::EnsEMBL::Variation::Utils::Constants`, %OVERLAP_CONSEQUENCES):
rank 1 is the most severe. Only the terms a sequence variant on a transcript can get are listed,
plus intergenic_variant; structural-variant and regulatory terms are left out.
"""

from __future__ import annotations

from collections.abc import Iterable

# (SO term, IMPACT, SO accession) in Ensembl's rank order.
_TABLE = (
    ("transcript_ablation", "HIGH", "SO:0001893"),
    ("splice_acceptor_variant", "HIGH", "SO:0001574"),
    ("splice_donor_variant", "HIGH", "SO:0001575"),
    ("stop_gained", "HIGH", "SO:0001587"),
    ("frameshift_variant", "HIGH", "SO:0001589"),
    ("stop_lost", "HIGH", "SO:0001578"),
    ("start_lost", "HIGH", "SO:0002012"),
    ("transcript_amplification", "HIGH", "SO:0001889"),
    ("feature_elongation", "HIGH", "SO:0001907"),
    ("feature_truncation", "HIGH", "SO:0001906"),
    ("inframe_insertion", "MODERATE", "SO:0001821"),
    ("inframe_deletion", "MODERATE", "SO:0001822"),
    ("missense_variant", "MODERATE", "SO:0001583"),
    ("protein_altering_variant", "MODERATE", "SO:0001818"),
    ("splice_donor_5th_base_variant", "LOW", "SO:0001787"),
    ("splice_region_variant", "LOW", "SO:0001630"),
    ("splice_donor_region_variant", "LOW", "SO:0002170"),
    ("splice_polypyrimidine_tract_variant", "LOW", "SO:0002169"),
    ("incomplete_terminal_codon_variant", "LOW", "SO:0001626"),
    ("start_retained_variant", "LOW", "SO:0002019"),
    ("stop_retained_variant", "LOW", "SO:0001567"),
    ("synonymous_variant", "LOW", "SO:0001819"),
    ("coding_sequence_variant", "MODIFIER", "SO:0001580"),
    ("mature_miRNA_variant", "MODIFIER", "SO:0001620"),
    ("5_prime_UTR_variant", "MODIFIER", "SO:0001623"),
    ("3_prime_UTR_variant", "MODIFIER", "SO:0001624"),
    ("non_coding_transcript_exon_variant", "MODIFIER", "SO:0001792"),
    ("intron_variant", "MODIFIER", "SO:0001627"),
    ("NMD_transcript_variant", "MODIFIER", "SO:0001621"),
    ("non_coding_transcript_variant", "MODIFIER", "SO:0001619"),
    ("coding_transcript_variant", "MODIFIER", "SO:0001968"),
    ("upstream_gene_variant", "MODIFIER", "SO:0001631"),
    ("downstream_gene_variant", "MODIFIER", "SO:0001632"),
    ("intergenic_variant", "MODIFIER", "SO:0001628"),
)

TERMS: tuple[str, ...] = tuple(term for term, _, _ in _TABLE)
RANK: dict[str, int] = {term: i + 1 for i, term in enumerate(TERMS)}
IMPACT: dict[str, str] = {term: impact for term, impact, _ in _TABLE}
ACCESSION: dict[str, str] = {term: acc for term, _, acc in _TABLE}
IMPACTS: tuple[str, ...] = ("HIGH", "MODERATE", "LOW", "MODIFIER")

# The terms as bit positions, so a transcript's consequences are one int and sort by rank.
BIT: dict[str, int] = {term: 1 << i for i, term in enumerate(TERMS)}
(TRANSCRIPT_ABLATION, SPLICE_ACCEPTOR, SPLICE_DONOR, STOP_GAINED, FRAMESHIFT, STOP_LOST,
 START_LOST, _AMPLIFICATION, _ELONGATION, _TRUNCATION, INFRAME_INSERTION, INFRAME_DELETION,
 MISSENSE, PROTEIN_ALTERING, SPLICE_DONOR_5TH_BASE, SPLICE_REGION, SPLICE_DONOR_REGION,
 SPLICE_POLYPYRIMIDINE, INCOMPLETE_TERMINAL_CODON, START_RETAINED, STOP_RETAINED, SYNONYMOUS,
 CODING_SEQUENCE, _MATURE_MIRNA, UTR5, UTR3, NON_CODING_EXON, INTRON, NMD, NON_CODING,
 _CODING_TRANSCRIPT, UPSTREAM, DOWNSTREAM, INTERGENIC) = (BIT[t] for t in TERMS)

_NAMES_BY_MASK: dict[int, str] = {}


def names(mask: int) -> str:
    """Return the &-joined terms of a bit mask, most severe first (VEP's order)."""
    text = _NAMES_BY_MASK.get(mask)
    if text is None:
        text = "&".join(term for i, term in enumerate(TERMS) if mask >> i & 1)
        _NAMES_BY_MASK[mask] = text
    return text


def worst(mask: int) -> str:
    """Return the most severe term of a non-empty bit mask."""
    return TERMS[(mask & -mask).bit_length() - 1]


def most_severe(terms: Iterable[str]) -> str | None:
    """Return the most severe of some term names (unknown names rank last), None if empty."""
    return min(terms, key=lambda term: RANK.get(term, len(TERMS) + 1), default=None)
