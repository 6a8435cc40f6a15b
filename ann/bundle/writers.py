"""Write sorted BGZF files and their tabix indexes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import pysam

from ann.bundle.errors import BundleError

Record = tuple[str, int, int, str]  # contig, start, tie-break rank, text line
TABIX_PRESET = {".vcf.gz": "vcf", ".bed.gz": "bed", ".gtf.gz": "gff"}


def _preset(path: Path) -> str:
    """Return the tabix preset for a file name."""
    for suffix, preset in TABIX_PRESET.items():
        if path.name.endswith(suffix):
            return preset
    raise BundleError(f"no tabix preset for {path.name}")


def write_sorted(path: Path, header: list[str], contig_order: list[str],
                 records_for: Callable[[str], Iterable[Record]]) -> int:
    """Write header lines then each contig's records sorted by start; index with tabix.

    `records_for(contig)` is asked for one contig at a time, in `contig_order`, so only one
    contig's records need to be in memory. Returns the number of records written.
    """
    total = 0
    with pysam.BGZFile(str(path), "wb") as out:
        out.write("".join(f"{line}\n" for line in header).encode())
        for contig in contig_order:
            rows = sorted(records_for(contig), key=lambda row: (row[1], row[2]))
            # Join in slices so the text of a million lines is never held twice at once.
            for i in range(0, len(rows), 100_000):
                out.write("".join(row[3] for row in rows[i:i + 100_000]).encode())
            total += len(rows)
    pysam.tabix_index(str(path), preset=_preset(path), force=True)
    return total


def by_contig(records: Iterable[Record]) -> Callable[[str], list[Record]]:
    """Bucket records by contig; return a records_for(contig) for write_sorted."""
    buckets: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        buckets[record[0]].append(record)
    return lambda contig: buckets.pop(contig, [])
