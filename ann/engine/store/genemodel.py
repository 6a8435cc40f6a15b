"""Read one contig of a GTF/GFF3 gene model into genes and Transcript records (for preparing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..transcript import Transcript

_GTF_ATTR = re.compile(r'(\w+) "([^"]*)"')
_TRANSCRIPT_ID = b'transcript_id "'
_CODING = {b"CDS", b"start_codon", b"stop_codon"}
_GENE_FEATURES = {"gene", "ncRNA_gene", "pseudogene"}
# The tag on a gene line whose gene_id is the bundle's own key (no Ensembl id is known).
BUNDLE_ID_TAG = "gas_bundle_id"


@dataclass(slots=True)
class Gene:
    """One gene: its names and span."""

    name: str
    gene_id: str
    gene_type: str
    start: int
    end: int
    strand: str
    transcripts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TranscriptParts:
    """A transcript while its lines are read."""

    transcript_id: str
    gene: str
    start: int
    end: int
    strand: str
    biotype: str = ""
    tags: tuple[str, ...] = ()
    exons: list[tuple[int, int]] = field(default_factory=list)
    cds_lo: int = 0  # span of CDS, start and stop codons; 0 when non-coding
    cds_hi: int = 0
    phases: list[tuple[int, int]] = field(default_factory=list)  # (CDS start, GTF frame)

    def add_coding(self, start: int, end: int, frame: bytes, feature: bytes) -> None:
        self.cds_lo = start if not self.cds_lo else min(self.cds_lo, start)
        self.cds_hi = max(self.cds_hi, end)
        if feature == b"CDS" and frame.isdigit():
            self.phases.append((start, int(frame)))

    def record(self, gene: Gene, contig_key: str) -> Transcript:
        """Return the finished Transcript."""
        exons = tuple(sorted(self.exons))
        start = exons[0][0] if exons else self.start
        end = max(e for _, e in exons) if exons else self.end
        phase = 0
        if self.phases:
            first = min(self.phases) if self.strand != "-" else max(self.phases)
            phase = first[1]
        return Transcript(
            self.transcript_id, gene.gene_id, gene.name, self.biotype or gene.gene_type,
            contig_key, self.strand, start, end, exons, self.cds_lo, self.cds_hi, phase,
            self.tags, gene.gene_type,
        )


def parse_gtf(rows) -> tuple[dict[str, Gene], dict[str, TranscriptParts]]:
    """Parse one contig's GTF rows (lists of bytes columns) into genes and transcripts."""
    genes: dict[str, Gene] = {}
    txs: dict[str, TranscriptParts] = {}
    tx_get = txs.get
    for _, f in rows:
        if len(f) < 9:
            continue
        feature = f[2]
        if feature == b"exon" or feature in _CODING:
            attrs = f[8]
            i = attrs.find(_TRANSCRIPT_ID)
            if i < 0:
                continue
            i += len(_TRANSCRIPT_ID)
            tx = tx_get(attrs[i:attrs.find(b'"', i)].decode())
            if tx is None:
                continue
            if feature == b"exon":
                tx.exons.append((int(f[3]), int(f[4])))
            else:
                tx.add_coding(int(f[3]), int(f[4]), f[7], feature)
        elif feature in (b"gene", b"transcript"):
            _gtf_record(f, genes, txs)
    return _link(genes, txs)


def _gtf_record(f: list[bytes], genes: dict, txs: dict) -> None:
    """Add a GTF gene or transcript line."""
    text = f[8].decode("utf-8", "replace")
    a = dict(_GTF_ATTR.findall(text))
    gid = a.get("gene_id", "")
    s, e, strand = int(f[3]), int(f[4]), f[6].decode()
    if f[2] == b"gene":
        # A bundle id only keys the GTF's lines: GENE_ID and CSQ's Gene leave it out.
        shown = "" if f'tag "{BUNDLE_ID_TAG}"' in text else gid
        genes[gid] = Gene(a.get("gene_name", gid), shown,
                          a.get("gene_type", a.get("gene_biotype", "")), s, e, strand)
    elif "transcript_id" in a:
        tags = tuple(m for m in re.findall(r'tag "([^"]*)"', text))
        txs[a["transcript_id"]] = TranscriptParts(
            a["transcript_id"], gid, s, e, strand,
            a.get("transcript_type", a.get("transcript_biotype", "")), tags)


def parse_gff(rows) -> tuple[dict[str, Gene], dict[str, TranscriptParts]]:
    """Parse one contig's GFF3 rows into genes and transcripts."""
    genes: dict[str, Gene] = {}
    txs: dict[str, TranscriptParts] = {}
    for _, f in rows:
        if len(f) < 9:
            continue
        cols = [c.decode("utf-8", "replace") for c in f]
        a = dict(kv.split("=", 1) for kv in cols[8].strip().split(";") if "=" in kv)
        feature, s, e, strand = cols[2], int(cols[3]), int(cols[4]), cols[6]
        ident, parents = a.get("ID", ""), [p for p in a.get("Parent", "").split(",") if p]
        if feature in _GENE_FEATURES or (not parents and feature not in ("exon", "CDS")):
            gid = a.get("gene_id", ident)
            genes[ident] = Gene(a.get("gene_name", a.get("Name", gid)), gid,
                                a.get("gene_type", a.get("biotype", a.get("gene_biotype", ""))),
                                s, e, strand)
        elif feature == "exon" or feature.encode() in _CODING:
            for p in parents:
                tx = txs.get(p)
                if tx is not None:
                    if feature == "exon":
                        tx.exons.append((s, e))
                    else:
                        tx.add_coding(s, e, f[7], feature.encode())
        elif parents and parents[0] in genes:
            tid = a.get("transcript_id", ident.removeprefix("transcript:"))
            tags = tuple(t for t in a.get("tag", "").split(",") if t)
            txs[ident] = TranscriptParts(tid, parents[0], s, e, strand,
                                         a.get("transcript_type", a.get("biotype", "")), tags)
    return _link(genes, txs)


def _link(genes: dict[str, Gene], txs: dict[str, TranscriptParts]):
    """Attach transcripts to their genes (a transcript without a gene line gets one)."""
    for key, tx in txs.items():
        gene = genes.get(tx.gene)
        if gene is None:
            gene = genes[tx.gene] = Gene(tx.gene, tx.gene, "", tx.start, tx.end, tx.strand)
        gene.transcripts.append(key)
    return genes, txs


def encode_transcript(t: Transcript) -> bytes:
    """Serialise a Transcript as one tab-separated line."""
    exons = ",".join(f"{a}-{b}" for a, b in t.exons)
    return "\t".join([
        t.transcript_id, t.gene_id, t.gene_name, t.biotype, t.contig, t.strand, str(t.start),
        str(t.end), exons, str(t.cds_start), str(t.cds_end), str(t.cds_phase), ",".join(t.tags),
        t.gene_type,
    ]).encode()


def decode_transcript(line: bytes) -> Transcript:
    """Return the Transcript a line of encode_transcript holds."""
    f = line.decode().split("\t")
    exons = tuple(tuple(map(int, x.split("-"))) for x in f[8].split(",")) if f[8] else ()
    return Transcript(f[0], f[1], f[2], f[3], f[4], f[5], int(f[6]), int(f[7]), exons,
                      int(f[9]), int(f[10]), int(f[11]),
                      tuple(x for x in f[12].split(",") if x), f[13])
