"""One annotation run: stream chunks through the annotators, write in order, count."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing

from .assembly import Assembly
from .chunks import chunk_stream
from .config import SourceSpec
from .errors import InvalidInputError
from .executor import annotate_chunks
from .header import Header
from .records import ChunkResult, Plan
from .summary import build_summary
from .vcf_reader import VcfReader
from .version import gas_version
from .writer import added_declarations, source_info

PROGRESS_INTERVAL_SECONDS = 1.0


class AnnotationRun:
    """The counts and settings of one annotation run."""

    def __init__(self, header: Header, specs: list[SourceSpec],
                 progress: Callable[[int], None] | None) -> None:
        self.header = header
        self.specs = specs
        self.declarations = added_declarations(specs)
        self.sources = [source_info(s) for s in specs]
        added = {f.name.encode() for s in specs for f in s.fields if not f.to_id_column}
        self.plan = Plan(
            tuple(specs), header.columns, header.version.startswith("3"),
            frozenset(header.info_ids), frozenset(added & {i.encode() for i in header.info_ids}),
        )
        self.has_genes = any(
            s.kind == "genes" and any(f.source_field == "region" for f in s.fields) for s in specs
        )
        self.total = self.in_dbsnp = 0
        self.classes: dict[str, int] = {}
        self.chromosomes: dict[str, int] = {}
        self.undeclared: dict[str, int] = {}
        self.undeclared_contigs: list[str] = []
        self._progress = progress
        self._last_progress = time.monotonic()
        self._prev: ChunkResult | None = None

    def annotate(self, reader: VcfReader, out, processes: int) -> None:
        """Stream the body through the chunk annotators and write results in order."""
        chunks = chunk_stream(reader.blocks())
        with closing(annotate_chunks(self.plan, chunks, processes)) as results:
            for result in results:
                self._check_continuity(result)
                out.write(result.output)
                self._count(result)
        if self._progress is not None:
            self._progress(self.total)

    def _check_continuity(self, result: ChunkResult) -> None:
        """Catch disorder across a chunk boundary, which no single chunk can see."""
        prev = self._prev
        if (prev is not None and prev.contig == result.contig and result.records
                and prev.records and result.first_pos < prev.last_pos):
            name = result.contig.decode("utf-8", "replace")
            raise InvalidInputError(
                f"records are not sorted: POS {result.first_pos} on {name} comes after POS "
                f"{prev.last_pos}", result.first_line,
            )
        if result.records:
            self._prev = result

    def _count(self, result: ChunkResult) -> None:
        self.total += result.records
        self.in_dbsnp += result.in_dbsnp
        for name, n in result.classes.items():
            self.classes[name] = self.classes.get(name, 0) + n
        if result.records:
            chrom = result.contig.decode("utf-8", "replace")
            if chrom not in self.chromosomes and self.header.contigs and \
                    chrom not in self.header.contig_ids:
                self.undeclared_contigs.append(chrom)
            self.chromosomes[chrom] = self.chromosomes.get(chrom, 0) + result.records
        for key, line in result.undeclared.items():
            self.undeclared.setdefault(key, line)
        now = time.monotonic()
        if self._progress is not None and now - self._last_progress >= PROGRESS_INTERVAL_SECONDS:
            self._last_progress = now
            self._progress(self.total)

    def summary(self, chosen: Assembly, runtime: float, crlf: bool) -> dict:
        """Return the summary dict of the finished run."""
        warnings = [*chosen.warnings, *self.header.warnings]
        if crlf:
            warnings.append("the file uses CRLF (Windows) line endings; the output uses LF")
        warnings += [f"INFO key {k} is not declared in the header (first used on line {n})"
                     for k, n in self.undeclared.items()]
        if self.undeclared_contigs:
            warnings.append("contigs without a ##contig header line: "
                            + ", ".join(self.undeclared_contigs))
        classes = self.classes if self.has_genes else {}
        return build_summary(
            version=gas_version(), assembly=chosen.name, detected_from=chosen.detected_from,
            total=self.total, in_dbsnp=self.in_dbsnp, classes=classes,
            chromosomes=self.chromosomes, warnings=warnings, runtime=runtime,
            sources=self.sources,
        )
