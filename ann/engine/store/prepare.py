"""Prepare any source of a sources TOML into its store (known variants, BED, gene models)."""

from __future__ import annotations

from ..config import SourceSpec
from ..errors import ConfigError
from . import genemodel
from .files import StoreWriter
from .intervals import (
    CDS,
    CLASS_SLOTS,
    INTRON,
    MEMBERS,
    MITO,
    NONCODING,
    PROMOTER,
    UTR3,
    UTR5,
    bed_fragment,
    gene_fragment,
    write_segments,
)
from .known import prepare_known

TRANSCRIPT_FLANK = 5000  # bp either side of a transcript: VEP's upstream/downstream distance
TX_PREFIX = "tx_"  # the transcript index's tables: tx_segments, tx_sets, tx_members


def prepare(spec: SourceSpec, writer: StoreWriter) -> dict:
    """Write the source's tables; return counts for the metadata."""
    if spec.kind == "vcf":
        return prepare_known(spec, writer)
    if spec.kind == "bed":
        return _prepare_bed(spec, writer)
    return _prepare_genes(spec, writer)


def bed_fields(spec: SourceSpec) -> list[tuple[bytes, str]]:
    """(output name, op) of each BED field, in the order the members table stores them."""
    return [(f.name.encode(), f.op) for f in spec.fields]


def _prepare_bed(spec: SourceSpec, writer: StoreWriter) -> dict:
    fields = bed_fields(spec)
    cols = [f.column - 1 for f in spec.fields]
    need = max([*cols, 2]) + 1
    rows = total = 0
    for key, name, lines in _runs(spec, 1):
        writer.contig(key, name)
        members = writer.table(key, MEMBERS, keyed=False)
        values_of: dict[int, list[bytes]] = {}

        def items(lines=lines, members=members, values_of=values_of):
            nonlocal rows
            for row, (line_no, f) in enumerate(lines):
                if len(f) < need:
                    raise ConfigError(f"source {spec.path} line {line_no} has {len(f)} columns, "
                                      f"fewer than the {need} the configuration reads")
                start, end = int(f[1]), int(f[2])
                # vcfanno replaces ';' so a value cannot break the INFO field
                vals = [f[c].replace(b";", b",") for c in cols]
                members.add(row, b"\t".join(vals))
                values_of[row] = vals
                rows += 1
                if end > start:  # an empty interval overlaps nothing
                    yield start + 1, end, row

        def fragment_of(ids, values_of=values_of):
            frag = bed_fragment(fields, [values_of[i] for i in ids])
            return frag, ""

        total += write_segments(writer, key, _forgetting(items(), values_of), fragment_of)
    return {"records": rows, "sets": total}


def _forgetting(items, values_of: dict):
    """Pass items on, dropping values of rows far behind the sweep (keeps memory bounded)."""
    ends: dict[int, int] = {}
    for n, item in enumerate(items):
        ends[item[2]] = item[1]
        yield item
        if n % 10_000 == 9_999:
            start = item[0]
            for row in [r for r, e in ends.items() if e < start - 1]:
                values_of.pop(row, None)
                del ends[row]


def gene_fields(spec: SourceSpec) -> list[tuple[bytes, str, str]]:
    """(output name, op, gene field) of each gene-model field but the consequence one."""
    return [(f.name.encode(), f.op, f.source_field) for f in spec.fields
            if f.source_field != "consequence"]


def _prepare_genes(spec: SourceSpec, writer: StoreWriter) -> dict:
    parse = genemodel.parse_gff if not spec.path.lower().endswith(".gtf.gz") else \
        genemodel.parse_gtf
    fields = gene_fields(spec)
    counts = {"genes": 0, "transcripts": 0}
    for key, name, lines in _runs(spec, 3):
        writer.contig(key, name)
        genes, txs = parse(lines)
        gene_list = list(genes.values())
        members = writer.table(key, MEMBERS, keyed=False)
        vals = []
        for gi, gene in enumerate(gene_list):
            v = [gene.name.encode(), gene.gene_id.encode(), gene.gene_type.encode()]
            members.add(gi, b"\t".join(v))
            vals.append(v)
        window = 0 if key == MITO else spec.promoter_window
        items = sorted(_class_items(gene_list, txs, window))

        def fragment_of(ids, vals=vals):
            return gene_fragment(fields, [(m // CLASS_SLOTS, vals[m // CLASS_SLOTS],
                                           m % CLASS_SLOTS) for m in ids])

        write_segments(writer, key, items, fragment_of)
        _write_transcripts(writer, key, gene_list, txs)
        counts["genes"] += len(gene_list)
        counts["transcripts"] += len(txs)
    return counts


def _write_transcripts(writer: StoreWriter, key: str, genes, txs) -> None:
    """Write the contig's Transcript records and an index of their spans +-5 kb."""
    records = [txs[t].record(g, key) for g in genes for t in g.transcripts]
    records.sort(key=lambda t: (t.start, t.end))
    table = writer.table(key, TX_PREFIX + MEMBERS, keyed=False)
    items = []
    for i, t in enumerate(records):
        table.add(i, genemodel.encode_transcript(t))
        items.append((max(1, t.start - TRANSCRIPT_FLANK), t.end + TRANSCRIPT_FLANK, i))
    items.sort()
    write_segments(writer, key, items, lambda ids: (b"", ""), TX_PREFIX)


def _class_items(genes, txs, window: int):
    """Yield (start, end, member) class pieces of every gene (member = gene * slots + class)."""
    for gi, gene in enumerate(genes):
        base = gi * CLASS_SLOTS
        yield gene.start, gene.end, base + INTRON
        parts = [txs[t] for t in gene.transcripts] or [
            genemodel.TranscriptParts(gene.gene_id, gene.gene_id, gene.start, gene.end,
                                      gene.strand)]
        # transcripts of a gene share most exons: keep each distinct piece once
        pieces = {p for tx in parts for p in _transcript_items(tx, base, window)}
        yield from pieces


def _transcript_items(tx, base: int, window: int) -> list[tuple[int, int, int]]:
    out = []
    if window:
        if tx.strand == "-":
            out.append((tx.end + 1, tx.end + window, base + PROMOTER))
        elif tx.start > 1:
            out.append((max(1, tx.start - window), tx.start - 1, base + PROMOTER))
    if not tx.exons:
        return out
    if not tx.cds_lo:
        return out + [(s, e, base + NONCODING) for s, e in tx.exons]
    lo, hi = tx.cds_lo, tx.cds_hi
    before, after = (UTR3, UTR5) if tx.strand == "-" else (UTR5, UTR3)
    for s, e in tx.exons:
        if s < lo:
            out.append((s, min(e, lo - 1), base + before))
        if e >= lo and s <= hi:
            out.append((max(s, lo), min(e, hi), base + CDS))
        if e > hi:
            out.append((max(s, hi + 1), e, base + after))
    return out


def _runs(spec: SourceSpec, start_column: int):
    from .text import contig_runs

    return contig_runs(spec.path, start_column)
