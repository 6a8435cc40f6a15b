"""GTF/GFF3 gene models: gene name/ID/type and a region class for each position."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import SourceSpec
from ..ops import info_item, reduce
from . import model_cache
from .tabix import TabixSource

CLASSES = ("CDS", "5_UTR", "3_UTR", "noncoding_exon", "intron", "promoter")
CDS, UTR5, UTR3, NONCODING, INTRON, PROMOTER = range(6)
INTERGENIC = "intergenic"
CACHE_MIN_SPAN = 5_000_000  # bp; a narrower range is parsed directly (cheaper than the cache)
WHOLE_CONTIG_END = 1 << 40
_GTF_ATTR = re.compile(r'(\w+) "([^"]*)"')
_TRANSCRIPT_ID = 'transcript_id "'
_CODING_FEATURES = {"CDS", "start_codon", "stop_codon"}
_GENE_FEATURES = {"gene", "ncRNA_gene", "pseudogene"}


@dataclass(slots=True)
class _Transcript:
    gene: str
    start: int
    end: int
    strand: str
    exons: list[tuple[int, int]] = field(default_factory=list)
    cds_lo: int = 0  # span of CDS, start and stop codons; 0 when non-coding
    cds_hi: int = 0

    def add_cds(self, start: int, end: int) -> None:
        self.cds_lo = start if not self.cds_lo else min(self.cds_lo, start)
        self.cds_hi = max(self.cds_hi, end)


@dataclass(slots=True)
class _Gene:
    name: str
    gene_id: str
    gene_type: str
    start: int
    end: int
    strand: str
    transcripts: list[str] = field(default_factory=list)


class GeneSource:
    """One gene model file; each gene's class intervals become sweep items (slot, gene, class)."""

    def __init__(self, spec: SourceSpec, slot: int) -> None:
        self.spec = spec
        self.slot = slot
        self.tabix = TabixSource(spec.path)
        self.gff = not spec.path.lower().endswith(".gtf.gz")
        self._genes: list[tuple[bytes, bytes, bytes]] = []
        self._fields = [(f.name.encode(), f.op, f.source_field) for f in spec.fields]

    def items(self, contig_key: str, lo: int, hi: int) -> list[tuple[int, int, tuple]]:
        """Return (start, end, key) class items, 1-based inclusive, for positions lo..hi."""
        if hi - lo < CACHE_MIN_SPAN:
            self._genes, out = self._build(contig_key, lo, hi)
            return out
        identity = f"{self.slot}|{self.spec.promoter_window}"
        model = model_cache.load(self.spec.path, identity, contig_key)
        if model is None:
            model = self._build(contig_key, 1, WHOLE_CONTIG_END)
            model_cache.store(self.spec.path, identity, contig_key, model)
        self._genes = model[0]
        return [item for item in model[1] if item[0] <= hi and item[1] >= lo]

    def _build(self, contig_key: str, lo: int, hi: int) -> tuple[list, list]:
        """Return (gene name/id/type list, class items) for genes reaching lo..hi.

        Genes whose body or promoter reach lo..hi are read whole (a second indexed query over
        their full extent), so exons and CDS outside the range still classify those inside.
        """
        window = self.spec.promoter_window
        start, end = max(1, lo - window), hi + window
        # Features crossing either edge may have exons or CDS outside: widen to cover them.
        for edge in (start, end):
            for line in self.tabix.fetch(contig_key, edge, edge):
                f = line.split("\t", 5)
                if len(f) > 5:
                    start, end = min(start, int(f[3])), max(end, int(f[4]))
        genes, transcripts = self._parse(contig_key, start, end)
        names: list[tuple[bytes, bytes, bytes]] = []
        out: list[tuple[int, int, tuple]] = []
        for gi, gene in enumerate(genes.values()):
            names.append((gene.name.encode(), gene.gene_id.encode(), gene.gene_type.encode()))
            out.append((gene.start, gene.end, (self.slot, gi, INTRON)))
            spans = [transcripts[t] for t in gene.transcripts] or [
                _Transcript(gene.gene_id, gene.start, gene.end, gene.strand)
            ]
            # transcripts of a gene share most exons: keep each distinct piece once
            pieces = {piece for tx in spans for piece in self._transcript_items(tx, gi)}
            out.extend(sorted(pieces))
        return names, out

    def _transcript_items(self, tx: _Transcript, gi: int) -> list[tuple[int, int, tuple]]:
        key = (self.slot, gi)
        out = []
        window = self.spec.promoter_window
        if window:
            if tx.strand == "-":
                out.append((tx.end + 1, tx.end + window, (*key, PROMOTER)))
            elif tx.start > 1:
                out.append((max(1, tx.start - window), tx.start - 1, (*key, PROMOTER)))
        if not tx.exons:
            return out
        if not tx.cds_lo:
            return out + [(s, e, (*key, NONCODING)) for s, e in tx.exons]
        lo, hi = tx.cds_lo, tx.cds_hi
        before, after = (UTR3, UTR5) if tx.strand == "-" else (UTR5, UTR3)
        for s, e in tx.exons:
            if s < lo:
                out.append((s, min(e, lo - 1), (*key, before)))
            if e >= lo and s <= hi:
                out.append((max(s, lo), min(e, hi), (*key, CDS)))
            if e > hi:
                out.append((max(s, hi + 1), e, (*key, after)))
        return out

    def _parse(self, contig_key: str, lo: int,
               hi: int) -> tuple[dict[str, _Gene], dict[str, _Transcript]]:
        """Read one contig's genes and transcripts (GTF or GFF3) in file order."""
        genes: dict[str, _Gene] = {}
        transcripts: dict[str, _Transcript] = {}
        lines = self.tabix.fetch(contig_key, lo, hi)
        if self.gff:
            for line in lines:
                f = line.split("\t")
                if len(f) >= 9:
                    self._gff_line(f, genes, transcripts)
        else:
            self._gtf_lines(lines, genes, transcripts)
        for tid, tx in transcripts.items():
            gene = genes.get(tx.gene)
            if gene is None:
                gene = genes[tx.gene] = _Gene(tx.gene, tx.gene, "", tx.start, tx.end, tx.strand)
            gene.transcripts.append(tid)
        return genes, transcripts

    @staticmethod
    def _gtf_lines(lines, genes: dict, transcripts: dict) -> None:
        """Parse GTF lines; exon and CDS lines (most of a GENCODE file) take the short path."""
        tx_get = transcripts.get
        for line in lines:
            f = line.split("\t", 8)
            if len(f) < 9:
                continue
            feature = f[2]
            if feature == "exon" or feature in _CODING_FEATURES:
                attrs = f[8]
                i = attrs.find(_TRANSCRIPT_ID)
                if i < 0:
                    continue
                i += len(_TRANSCRIPT_ID)
                tx = tx_get(attrs[i:attrs.find('"', i)])
                if tx is None:
                    continue
                if feature == "exon":
                    tx.exons.append((int(f[3]), int(f[4])))
                else:
                    tx.add_cds(int(f[3]), int(f[4]))
            elif feature == "gene" or feature == "transcript":
                GeneSource._gtf_record(f, genes, transcripts)

    @staticmethod
    def _gtf_record(f: list[str], genes: dict, transcripts: dict) -> None:
        """Add a GTF gene or transcript line."""
        feature = f[2]
        a = dict(_GTF_ATTR.findall(f[8]))
        gid = a.get("gene_id", "")
        s, e, strand = int(f[3]), int(f[4]), f[6]
        if feature == "gene":
            genes[gid] = _Gene(a.get("gene_name", gid), gid,
                               a.get("gene_type", a.get("gene_biotype", "")), s, e, strand)
        elif "transcript_id" in a:
            transcripts[a["transcript_id"]] = _Transcript(gid, s, e, strand)

    @staticmethod
    def _gff_line(f: list[str], genes: dict, transcripts: dict) -> None:
        a = dict(kv.split("=", 1) for kv in f[8].strip().split(";") if "=" in kv)
        feature, s, e, strand = f[2], int(f[3]), int(f[4]), f[6]
        ident, parents = a.get("ID", ""), [p for p in a.get("Parent", "").split(",") if p]
        if feature in _GENE_FEATURES or (not parents and feature not in ("exon", "CDS")):
            gid = a.get("gene_id", ident)
            genes[ident] = _Gene(a.get("gene_name", a.get("Name", gid)), gid,
                                 a.get("gene_type", a.get("biotype", a.get("gene_biotype", ""))),
                                 s, e, strand)
        elif feature == "exon" or feature in _CODING_FEATURES:
            for p in parents:
                tx = transcripts.get(p)
                if tx is not None:
                    (tx.exons.append((s, e)) if feature == "exon" else tx.add_cds(s, e))
        elif parents and parents[0] in genes:
            transcripts[ident] = _Transcript(parents[0], s, e, strand)

    def fragment(self, keys: list[tuple]) -> bytes:
        """Return the INFO fragment for the active (slot, gene, class) keys."""
        best: dict[int, int] = {}
        for _, gi, cls in keys:
            if cls < best.get(gi, 99):
                best[gi] = cls
        body = [gi for gi, cls in best.items() if cls != PROMOTER]
        frag = b""
        for name, op, what in self._fields:
            if what == "region":
                values = [CLASSES[c].encode() for c in best.values()] or [INTERGENIC.encode()]
            else:
                col = ("gene_name", "gene_id", "gene_type").index(what)
                values = [self._genes[gi][col] for gi in body if self._genes[gi][col]]
            frag += info_item(name, reduce(op, values))
        return frag

    @staticmethod
    def top_class(keys: list[tuple]) -> str:
        """Return the most specific region class among the keys, or intergenic."""
        return CLASSES[min(k[2] for k in keys)] if keys else INTERGENIC


def warm_cache(spec: SourceSpec, slot: int) -> int:
    """Parse every contig of a gene model into the cache; return the number of contigs."""
    source = GeneSource(spec, slot)
    contigs = list(source.tabix.contig_keys())
    for key in contigs:
        source.items(key, 1, WHOLE_CONTIG_END)
    return len(contigs)
