"""Cut the body into chunks of one contig each, bounded in size, for in-order annotation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import InvalidInputError
from .validate import reappears

CHUNK_BYTES = 1 << 20  # ~20k records: frequent progress, little memory per worker


@dataclass
class Chunk:
    """Consecutive lines of one contig, with the number of the first line."""

    index: int
    contig: bytes
    first_line: int
    data: bytes
    seen: frozenset  # contigs finished before this chunk's contig began


def _contig_at(block: bytes, start: int) -> bytes:
    """Return the CHROM of the line starting at start (the whole line if it has no tab)."""
    nl = block.find(b"\n", start)
    tab = block.find(b"\t", start, nl)
    return block[start:nl if tab < 0 else tab]


def _runs(block: bytes, first_line: int) -> Iterator[tuple[bytes, bytes, int]]:
    """Split a block into (contig, lines, first line) runs with a few searches per run.

    A run ends at the last line of its contig in the block; a contig that stops and resumes
    inside one run is left for the chunk annotator, which checks every line's contig.
    """
    start, line_no, n = 0, first_line, len(block)
    while start < n:
        name = _contig_at(block, start)
        last = block.rfind(b"\n" + name + b"\t", start) if name.strip() else -1
        end = block.find(b"\n", start if last < 0 else last + 1) + 1
        yield name, block[start:end], line_no
        line_no += block.count(b"\n", start, end)
        start = end


def chunk_stream(blocks: Iterable[tuple[bytes, int]]) -> Iterator[Chunk | InvalidInputError]:
    """Yield chunks in file order; yield an error (and stop) when a finished contig resumes."""
    seen: set[bytes] = set()
    contig: bytes | None = None
    parts: list[bytes] = []
    size, first, index = 0, 0, 0
    for block, line_no in blocks:
        for name, data, run_line in _runs(block, line_no):
            if not name.strip() and contig is not None:
                name = contig  # a run of blank lines belongs to the contig in hand
            if name != contig or size >= CHUNK_BYTES:
                if parts:
                    yield Chunk(index, contig, first, b"".join(parts), frozenset(seen))
                    index += 1
                if name != contig:
                    if contig is not None:
                        seen.add(contig)
                    if name in seen:
                        yield reappears(name, run_line)
                        return
                    contig = name
                parts, size, first = [], 0, run_line
            parts.append(data)
            size += len(data)
    if parts:
        yield Chunk(index, contig, first, b"".join(parts), frozenset(seen))
