"""One annotation run: stream chunks through the annotators, write in order, count."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from .assembly import Assembly
from .chunks import chunk_stream
from .config import SourceSpec
from .errors import InvalidInputError
from .executor import annotate_chunks
from .header import Header
from .records import ChunkResult, KnownIds, Plan
from .store.files import Store
from .summary import build_summary
from .vcf_reader import VcfReader
from .version import gas_version
from .writer import added_declarations, source_info

REF_MISMATCH = "ref_mismatch"  # the consequence source's label of a REF the sequence contradicts

PROGRESS_INTERVAL_SECONDS = 1.0


class AnnotationRun:
    """The counts and settings of one annotation run."""

    def __init__(self, header: Header, specs: list[SourceSpec], stores: list[Store],
                 progress: Callable[[int], None] | None, presteps: tuple = (),
                 reference: str | None = None) -> None:
        self.header = header
        self.specs = specs
        metas = [s.meta for s in stores]
        self.declarations = added_declarations(specs, metas) + [
            line for step in presteps if hasattr(step, "declarations")
            for line in step.declarations()]  # e.g. LIFTED / UNLIFTED
        self.sources = [source_info(s, m) for s, m in zip(specs, metas, strict=True)]
        added = {f.name.encode() for s in specs for f in s.fields if not f.to_id_column}
        self.presteps = presteps
        self.plan = Plan(
            tuple(specs), tuple(str(s.folder) for s in stores), header.columns,
            header.version.startswith("3"), frozenset(header.info_ids),
            frozenset(added & {i.encode() for i in header.info_ids}), presteps,
            reference or next((s.reference for s in specs if s.reference), None),
        )
        self.writes_ids = any(f.to_id_column for s in specs for f in s.fields)
        self.total = self.indel_v33 = 0
        self.known_ids = KnownIds()
        self.labels: dict[str, Counter] = {}
        self.prestep_counts: Counter = Counter()
        self.chromosomes: dict[str, int] = {}
        self.undeclared: dict[str, int] = {}
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
        self.indel_v33 += result.indel_v33
        self.known_ids.add(result.known_ids)
        for name, counter in result.labels.items():
            self.labels.setdefault(name, Counter()).update(counter)
        self.prestep_counts.update(result.prestep_counts)
        if result.records:
            chrom = result.contig.decode("utf-8", "replace")
            self.chromosomes[chrom] = self.chromosomes.get(chrom, 0) + result.records
        for key, line in result.undeclared.items():
            self.undeclared.setdefault(key, line)
        now = time.monotonic()
        if self._progress is not None and now - self._last_progress >= PROGRESS_INTERVAL_SECONDS:
            self._last_progress = now
            self._progress(self.total)

    @property
    def contigs(self) -> list[str]:
        """The contigs the body holds, in file order."""
        return list(self.chromosomes)

    def summary(self, chosen: Assembly, runtime: float, crlf: bool, input_name: str) -> dict:
        """Return the summary dict of the finished run."""
        warnings = [*chosen.warnings, *self.header.warnings]
        if crlf:
            warnings.append("the file uses CRLF (Windows) line endings; the output uses LF")
        warnings += [f"INFO key {k} is not declared in the header (first used on line {n})"
                     for k, n in self.undeclared.items()]
        undeclared = [c for c in self.chromosomes if c not in self.header.contig_ids]
        if undeclared and self.header.contigs:
            warnings.append("contigs without a ##contig header line (declared in the output): "
                            + ", ".join(undeclared))
        mismatched = self.labels.get(REF_MISMATCH, {}).get(REF_MISMATCH, 0)
        if mismatched:
            name = Path(self.plan.reference or "").name
            warnings.append(f"{mismatched} records have a REF that differs from the reference "
                            f"sequence ({name}): their consequences come from the transcript "
                            "structure only (no codons, amino acids or HGVS)")
        if self.indel_v33:
            warnings.append(f"{self.indel_v33} records keep VCF 3.3 D/I indel alleles, which "
                            "VCF 4.2 cannot write without the reference sequence")
        extra = {p.name: p.summary(self.prestep_counts) for p in self.presteps
                 if hasattr(p, "summary")}
        return build_summary(
            version=gas_version(), assembly=chosen.name, detected_from=chosen.detected_from,
            total=self.total, known_ids=self.known_ids if self.writes_ids else None,
            labels=self.labels, chromosomes=self.chromosomes, warnings=warnings,
            runtime=runtime, sources=self.sources, input_name=input_name,
            extra={"input_assembly": chosen.lift_from or chosen.name,
                   "consequence_ref_mismatches": mismatched, **extra},
        )
