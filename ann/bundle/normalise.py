"""Stream a lab's VCF or BED into the bundle's form: contig names normalised, alleles split.

Used by `python -m ann add-source`. Reads line by line (memory flat on any size), checks the
sort order as it goes, and writes BGZF; a multi-allelic VCF record becomes one record per ALT
with its Number=A values split (Number=R keeps REF's value and the ALT's).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pysam

from ann.bundle.errors import BundleError
from ann.engine.contigs import normalise
from ann.engine.header import parse_structured
from ann.engine.store.text import READ_ERRORS, open_text

PROGRESS_SECONDS = 1.0


def bundle_name(name: str) -> str:
    """Return the bundle's spelling of a contig (chr1 ... chrX, chrY, chrM)."""
    key = normalise(name)
    return "chrM" if key == "MT" else f"chr{key}"


class Progress:
    """Records read, shown on stderr about once a second when it is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.shown = sys.stderr.isatty()
        self._next = time.monotonic() + PROGRESS_SECONDS
        self.count = 0

    def tick(self) -> None:
        self.count += 1
        if self.shown and self.count % 4096 == 0 and time.monotonic() >= self._next:
            self._next = time.monotonic() + PROGRESS_SECONDS
            print(f"\r{self.label}: {self.count:,} records", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.shown:
            print(f"\r{self.label}: {self.count:,} records, done", file=sys.stderr, flush=True)


def _lines(path: Path) -> Iterator[bytes]:
    with open_text(str(path)) as handle:
        try:
            yield from handle
        except READ_ERRORS as exc:
            raise BundleError(f"cannot read {path}: {exc}") from exc


class OrderCheck:
    """Checks that contigs come together and positions ascend within each (clear messages)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: set[str] = set()
        self.contig: str | None = None
        self.last = -1

    def check(self, contig: str, pos: int, line_no: int) -> None:
        if contig != self.contig:
            if contig in self.seen:
                raise BundleError(f"{self.path} is not sorted: contig {contig} appears again on "
                                  f"line {line_no}; sort it first (bcftools sort, or "
                                  "sort -k1,1V -k2,2n for a BED)")
            self.seen.add(contig)
            self.contig, self.last = contig, -1
        if pos < self.last:
            raise BundleError(f"{self.path} is not sorted: position {pos} on {contig} (line "
                              f"{line_no}) comes after {self.last}; sort it first")
        self.last = pos


def normalise_vcf(src: Path, dest: Path, progress: Progress) -> dict:
    """Write src as a sites-only VCF with bundle contig names and one ALT per record."""
    numbers: dict[bytes, str] = {}
    order = OrderCheck(src)
    counts = {"records_in": 0, "records_out": 0, "split": 0}
    with pysam.BGZFile(str(dest), "wb") as out:
        for line_no, raw in enumerate(_lines(src), start=1):
            if raw.startswith(b"##"):
                if raw.startswith(b"##INFO="):
                    attrs = parse_structured(raw[7:].decode("utf-8", "replace").rstrip())
                    numbers[attrs.get("ID", "").encode()] = attrs.get("Number", ".")
                if not raw.startswith(b"##contig="):
                    out.write(raw.rstrip(b"\r\n") + b"\n")
                continue
            if raw.startswith(b"#"):
                out.write(b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
                continue
            f = raw.rstrip(b"\r\n").split(b"\t", 8)
            if len(f) < 8 or not f[1].isdigit():
                raise BundleError(f"{src} line {line_no} is not a VCF record")
            f[0] = bundle_name(f[0].decode()).encode()
            order.check(f[0].decode(), int(f[1]), line_no)
            counts["records_in"] += 1
            progress.tick()
            alts = f[4].split(b",")
            if len(alts) > 1:
                counts["split"] += 1
            for i, alt in enumerate(alts):
                info = _split_info(f[7], numbers, i) if len(alts) > 1 else f[7]
                out.write(b"\t".join([*f[:4], alt, f[5], f[6], info]) + b"\n")
                counts["records_out"] += 1
    pysam.tabix_index(str(dest), preset="vcf", force=True)
    return counts


def _split_info(info: bytes, numbers: dict[bytes, str], i: int) -> bytes:
    """Keep the i-th ALT's share of each Number=A / Number=R value."""
    if info == b".":
        return info
    out = []
    for item in info.split(b";"):
        key, eq, value = item.partition(b"=")
        number = numbers.get(key)
        if eq and number in ("A", "R"):
            parts = value.split(b",")
            wanted = [i] if number == "A" else [0, i + 1]
            if wanted[-1] < len(parts):
                item = key + b"=" + b",".join(parts[j] for j in wanted)
        out.append(item)
    return b";".join(out)


def normalise_bed(src: Path, dest: Path, progress: Progress) -> dict:
    """Write src with bundle contig names (header/track lines dropped), sorted order checked."""
    order = OrderCheck(src)
    rows = 0
    with pysam.BGZFile(str(dest), "wb") as out:
        for line_no, raw in enumerate(_lines(src), start=1):
            if raw.startswith((b"#", b"track", b"browser")) or not raw.strip():
                continue
            f = raw.rstrip(b"\r\n").split(b"\t")
            if len(f) < 3 or not f[1].isdigit() or not f[2].isdigit():
                raise BundleError(f"{src} line {line_no} is not a BED row (contig, start, end)")
            f[0] = bundle_name(f[0].decode()).encode()
            order.check(f[0].decode(), int(f[1]), line_no)
            out.write(b"\t".join(f) + b"\n")
            rows += 1
            progress.tick()
    pysam.tabix_index(str(dest), preset="bed", force=True)
    return {"records_in": rows, "records_out": rows, "split": 0}
