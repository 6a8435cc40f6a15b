"""One VCF record → its INFO/CSQ value in VEP's layout, and what the summary counts need."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..transcript import Transcript
from . import hgvs
from . import terms as T
from .alleles import Allele, vep_alleles
from .classify import Hit, evaluate
from .model import Model, model_for
from .sequence import revcomp, unambiguous

FIELDS = ("Allele", "Consequence", "IMPACT", "SYMBOL", "Gene", "Feature_type", "Feature",
          "BIOTYPE", "EXON", "INTRON", "HGVSc", "HGVSp", "cDNA_position", "CDS_position",
          "Protein_position", "Amino_acids", "Codons")
EXTRA_FIELDS = ("DISTANCE", "STRAND", "FLAGS", "MANE")
_ESCAPE = str.maketrans({",": "&", "|": "&", ";": "%3B", "=": "%3D", " ": "_", "\t": "_"})
_MANE_ORDER = {"MANE_Select": 0, "MANE_Plus_Clinical": 1}
_FLANKS = T.UPSTREAM | T.DOWNSTREAM


@dataclass(frozen=True, slots=True)
class RecordConsequences:
    """The CSQ value of one record and its summary: most severe term and IMPACT."""

    value: bytes
    worst: str
    impact: str
    ref_mismatch: bool  # REF disagreed with the reference: coding terms from structure only


def _coords(start: int | None, end: int | None) -> str:
    """Write a position range as VEP does: a, a-b, ?-b, a-? (an insertion as low-high)."""
    if start is None:
        return "" if end is None else f"?-{end}"
    if end is None:
        return f"{start}-?"
    if start == end:
        return str(start)
    return f"{end}-{start}" if start > end else f"{start}-{end}"


def _display_codon(codon: str, at: int | None, allele: str) -> str:
    """Lower-case a codon and upper-case the allele's bases in it (VEP's display codon)."""
    codon = codon.lower()
    if at is None or not allele:
        return codon
    return codon[:at] + codon[at:at + len(allele)].upper() + codon[at + len(allele):]


def _protein_fields(hit: Hit) -> tuple[str, str, str, str]:
    """Return CDS_position, Protein_position, Amino_acids and Codons of a coding hit."""
    c, m = hit.coding, hit.model
    cds, protein = _coords(hit.cds_start, hit.cds_end), _coords(hit.tl_start, hit.tl_end)
    aa = codons = ""
    if c.ref_pep and c.alt_pep:
        aa = c.alt_pep if c.ref_pep == c.alt_pep else f"{c.ref_pep}/{c.alt_pep}"
    if c.ref_codon and c.alt_codon:
        at = None if hit.cdna_start is None else (hit.cdna_start - m.ccs + m.phase) % 3
        ref_tx = hit.allele.ref if m.plus else revcomp(hit.allele.ref)
        codons = (f"{_display_codon(c.ref_codon, at, ref_tx)}/"
                  f"{_display_codon(c.alt_codon, at, c.alt)}")
    return cds, protein, aa, codons


def _label(m: Model) -> str:
    """Return the transcript's SYMBOL|Gene|Feature_type|Feature|BIOTYPE, escaped once."""
    if m.label is None:
        tx = m.tx
        m.label = "|".join(f.translate(_ESCAPE) for f in (tx.gene_name, tx.gene_id, "Transcript",
                                                          tx.transcript_id, tx.biotype))
    return m.label


def _entry(hit: Hit, reference, trust_ref: bool) -> str:
    """Write one CSQ entry (FIELDS then EXTRA_FIELDS) for a hit."""
    al, m, mask = hit.allele, hit.model, hit.mask
    hgvsc = "" if mask & _FLANKS else hgvs.hgvsc(hit, reference, trust_ref)
    hgvsp = ""
    cds = protein = aa = codons = ""
    if hit.coding is not None:
        cds, protein, aa, codons = _protein_fields(hit)
        hgvsp = hgvs.hgvsp(hit).replace("=", "%3D")
    distance = "" if hit.distance is None else str(hit.distance)
    return "|".join((
        al.text, T.names(mask), T.IMPACT[T.worst(mask)], _label(m), hit.exon, hit.intron,
        hgvsc, hgvsp, _coords(hit.cdna_start, hit.cdna_end), cds, protein, aa, codons,
        distance, "1" if m.plus else "-1", m.flags, m.mane))


def _intergenic(al: Allele) -> str:
    """Write the entry of an allele with no transcript within 5 kb."""
    empty = len(FIELDS) + len(EXTRA_FIELDS) - 3
    return "|".join((al.text, "intergenic_variant", "MODIFIER") + ("",) * empty)


def _reference_state(reference, contig: str, pos: int, ref: str) -> tuple[object, bool, bool]:
    """Return (reference to use or None, may trust REF, REF mismatch) for one record."""
    if reference is None:
        return None, True, False
    seq = reference.fetch(contig, pos, pos + len(ref) - 1)
    if len(seq) != len(ref):  # the reference lacks this contig: nothing to check against
        return None, True, False
    ref = ref.upper()
    for a, b in zip(ref, seq, strict=True):
        if a != b and a in "ACGT" and b in "ACGT":
            return None, False, True
    return reference, unambiguous(ref), False


def _hits(alleles: list[Allele], transcripts: Iterable[Transcript], reference) -> list[tuple]:
    """Evaluate every allele on every transcript; return (sort key, hit) pairs."""
    out = []
    for tx in transcripts:
        m = model_for(tx)
        found = [h for h in (evaluate(al, m, reference) for al in alleles) if h is not None]
        if not found:
            continue
        best = 0
        for h in found:
            best |= h.mask
        key = (_MANE_ORDER.get(m.mane.split("&")[0], 2) if m.mane else 2,
               T.RANK[T.worst(best)], tx.transcript_id)
        out.extend(((key, h.allele.index), h) for h in found)
    out.sort(key=lambda pair: pair[0])
    return out


def consequences(contig: str, pos: int, ref: str, alts: list[str],
                 transcripts: Iterable[Transcript], reference=None) -> RecordConsequences | None:
    """Return the CSQ of one record, None when no ALT can have consequences (symbolic, `*`).

    `contig` is the normalised key (`contigs.normalise`), `transcripts` those near the record
    (within 5 kb count; others are skipped), `reference` an `ann.engine.reference.Reference`.
    """
    alleles = [al for al in vep_alleles(pos, ref, alts) if al is not None]
    if not alleles:
        return None
    usable, trust_ref, mismatch = _reference_state(reference, contig, pos, ref)
    hits = _hits(alleles, transcripts, usable)
    if not hits:
        value = ",".join(_intergenic(al) for al in alleles)
        return RecordConsequences(value.encode(), "intergenic_variant", "MODIFIER", mismatch)
    mask = 0
    for _, hit in hits:
        mask |= hit.mask
    value = ",".join(_entry(hit, usable, trust_ref) for _, hit in hits)
    worst = T.worst(mask)
    return RecordConsequences(value.encode(), worst, T.IMPACT[worst], mismatch)


def csq_value(contig: str, pos: int, ref: str, alts: list[str],
              transcripts: Iterable[Transcript], reference=None) -> bytes | None:
    """Return the INFO CSQ value of one record (see `consequences`)."""
    found = consequences(contig, pos, ref, alts, transcripts, reference)
    return None if found is None else found.value


def csq_header_line(extra_fields: tuple[str, ...] = EXTRA_FIELDS, source: str = "") -> str:
    """Return the ##INFO line declaring CSQ (VEP's layout; bcftools +split-vep reads it)."""
    origin = f" from {source}".replace('"', "'") if source else ""
    layout = "|".join(FIELDS + tuple(extra_fields))
    return ("##INFO=<ID=CSQ,Number=.,Type=String,Description=\"Consequence annotations "
            f"(Ensembl VEP's terms and layout), computed by GAS{origin}. Format: {layout}\">")


def most_severe(value: bytes | str) -> tuple[str, str] | None:
    """Return (most severe term, its IMPACT) of a CSQ value written here, None if empty."""
    text = value.decode() if isinstance(value, bytes) else value
    best = None
    for entry in text.split(","):
        parts = entry.split("|", 2)
        if len(parts) > 1 and parts[1]:
            term = parts[1].split("&", 1)[0]  # entries list their terms most severe first
            if best is None or T.RANK.get(term, 99) < T.RANK.get(best, 99):
                best = term
    return None if best is None else (best, T.IMPACT.get(best, "MODIFIER"))
