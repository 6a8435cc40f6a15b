"""The transcript store: Transcript records near a position, from a prepared gene model.

`transcripts_overlapping(contig, start, end)` returns the transcripts whose span +-5 kb
(VEP's upstream/downstream distance) reaches start..end, decoding only those: the consequence
calculator reads them (ann.engine.transcript.Transcript).
"""

from __future__ import annotations

from ..store.files import Store
from ..store.genemodel import decode_transcript
from ..store.prepare import TX_PREFIX
from ..transcript import Transcript
from .intervals import IntervalTables

DECODED_CACHE = 20_000  # Transcript records kept decoded per contig


class TranscriptStore:
    """Transcripts of one prepared gene-model store, by window."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._key: str | None = None
        self._tables: IntervalTables | None = None
        self._decoded: dict[int, Transcript] = {}

    def _contig(self, key: str) -> IntervalTables | None:
        if key != self._key:
            self._key, self._decoded = key, {}
            has = self.store.table(key, TX_PREFIX + "segments") is not None
            self._tables = IntervalTables(self.store, key, TX_PREFIX) if has else None
        return self._tables

    def transcripts_overlapping(self, contig: str, start: int, end: int) -> list[Transcript]:
        """Return the transcripts whose span +-5 kb overlaps start..end (normalised contig)."""
        tables = self._contig(contig)
        if tables is None:
            return []
        _, sid, span = next(tables.set_ids([0], [start], [max(start, end)]))
        if sid is not None:
            ids_text = tables.set_row(sid)[2]
            ids = [int(x) for x in ids_text.split(b",")] if ids_text else []
        else:
            ids = span
        return [self._transcript(tables, i) for i in ids]

    def _transcript(self, tables: IntervalTables, ordinal: int) -> Transcript:
        tx = self._decoded.get(ordinal)
        if tx is None:
            if len(self._decoded) >= DECODED_CACHE:
                self._decoded.clear()
            tx = self._decoded[ordinal] = decode_transcript(tables.member(ordinal))
        return tx
