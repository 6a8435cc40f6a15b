"""Run chunk annotation in this process or in a pool of worker processes, results in order."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator

from .chunks import Chunk
from .errors import InvalidInputError
from .records import ChunkAnnotator, ChunkResult, Plan

_WORKER: ChunkAnnotator | None = None


def _init_worker(plan: Plan) -> None:
    global _WORKER
    _WORKER = ChunkAnnotator(plan)


def _run_chunk(chunk: Chunk) -> ChunkResult:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.annotate(chunk.index, chunk.contig, chunk.data, chunk.first_line, chunk.seen)


class _Failed:
    """A chunk that never ran because the input was already found invalid before it."""

    def __init__(self, error: InvalidInputError) -> None:
        self._error = error

    def get(self) -> ChunkResult:
        raise self._error


def annotate_chunks(plan: Plan, chunks: Iterable[Chunk | InvalidInputError],
                    processes: int) -> Iterator[ChunkResult]:
    """Yield chunk results in input order; at most a few chunks are in flight at once."""
    chunks = iter(chunks)
    head = list(itertools.islice(chunks, 2))
    chunks = itertools.chain(head, chunks)
    if processes <= 1 or len(head) < 2:  # one chunk: a pool would only add start-up time
        annotator = ChunkAnnotator(plan)
        for chunk in chunks:
            if isinstance(chunk, InvalidInputError):
                raise chunk
            yield annotator.annotate(
                chunk.index, chunk.contig, chunk.data, chunk.first_line, chunk.seen
            )
        return
    import multiprocessing  # only a parallel run pays for importing it

    ctx = multiprocessing.get_context("fork")  # workers inherit imports; sources open lazily
    pool = ctx.Pool(processes, initializer=_init_worker, initargs=(plan,))
    try:
        pending: deque = deque()
        for chunk in chunks:
            if isinstance(chunk, InvalidInputError):
                pending.append(_Failed(chunk))
                break
            pending.append(pool.apply_async(_run_chunk, (chunk,)))
            while len(pending) > 2 * processes:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
