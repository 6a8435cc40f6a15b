"""Read GTF gene models (GENCODE/Ensembl style) into `Transcript` records.

Used by the GFF3 writer, the tests and the bcftools comparison; the engine's transcript store
serves the pipeline. The CDS span of a Transcript includes the stop codon: GTF files that list
`stop_codon` outside their CDS lines (GENCODE, Ensembl) have it added; the GAS bundle's GTF
already ends its CDS with the stop codon (checked on GRCh37 chr20 against the sequence).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..contigs import normalise
from ..transcript import Transcript

_ATTR = re.compile(r'(\S+) "([^"]*)"')
_CODING = {"CDS", "stop_codon", "start_codon"}


@dataclass
class _Builder:
    """A transcript being collected from its GTF lines."""

    attrs: dict[str, str]
    strand: str
    tags: list[str]
    exons: list[tuple[int, int]] = field(default_factory=list)
    cds: list[tuple[int, int, int]] = field(default_factory=list)  # start, end, phase
    codons: list[tuple[int, int]] = field(default_factory=list)

    def build(self, contig: str, tid: str) -> Transcript | None:
        """Return the Transcript, None when it has no exons."""
        if not self.exons:
            return None
        exons = tuple(sorted(set(self.exons)))
        a = self.attrs
        cds_start = cds_end = phase = 0
        if self.cds:
            spans = [(s, e) for s, e, _ in self.cds] + self.codons
            cds_start, cds_end = min(s for s, _ in spans), max(e for _, e in spans)
            first = (min(self.cds) if self.strand == "+"
                     else max(self.cds, key=lambda c: c[1]))
            phase = first[2]
        gene_type = a.get("gene_type", a.get("gene_biotype", ""))
        return Transcript(
            transcript_id=tid, gene_id=a.get("gene_id", ""),
            gene_name=a.get("gene_name", a.get("gene_id", "")),
            biotype=a.get("transcript_type", a.get("transcript_biotype", gene_type)),
            contig=normalise(contig), strand=self.strand, start=exons[0][0], end=exons[-1][1],
            exons=exons, cds_start=cds_start, cds_end=cds_end, cds_phase=phase,
            tags=tuple(self.tags), gene_type=gene_type)


def _lines(path: Path, contigs: Iterable[str] | None) -> Iterator[str]:
    """Yield the GTF's lines: through the tabix index for chosen contigs, else all of them."""
    tbi = Path(str(path) + ".tbi")
    if contigs is not None and tbi.is_file():
        import pysam

        with pysam.TabixFile(str(path)) as tabix:
            names = {normalise(c): c for c in tabix.contigs}
            for key in contigs:
                if normalise(key) in names:
                    yield from tabix.fetch(names[normalise(key)])
        return
    wanted = None if contigs is None else {normalise(c) for c in contigs}
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            if wanted is None or normalise(line.split("\t", 1)[0]) in wanted:
                yield line


def read_gtf(path: str | Path, contigs: Iterable[str] | None = None) -> list[Transcript]:
    """Return the transcripts of a GTF (all, or of some contigs), by contig then start."""
    groups: dict[tuple[str, str], _Builder] = {}
    for line in _lines(Path(path), contigs):
        f = line.rstrip("\n").split("\t")
        if len(f) < 9 or (f[2] != "exon" and f[2] not in _CODING):
            continue
        a = dict(_ATTR.findall(f[8]))
        tid = a.get("transcript_id")
        if not tid:
            continue
        builder = groups.get((f[0], tid))
        if builder is None:
            tags = re.findall(r'tag "([^"]*)"', f[8])
            builder = groups[(f[0], tid)] = _Builder(a, f[6], tags)
        start, end = int(f[3]), int(f[4])
        if f[2] == "exon":
            builder.exons.append((start, end))
        elif f[2] == "CDS":
            builder.cds.append((start, end, int(f[7]) if f[7].isdigit() else 0))
        elif f[2] == "stop_codon":
            builder.codons.append((start, end))
    out = [t for (contig, tid), b in groups.items() if (t := b.build(contig, tid)) is not None]
    out.sort(key=lambda t: (t.contig, t.start, t.end, t.transcript_id))
    return out
