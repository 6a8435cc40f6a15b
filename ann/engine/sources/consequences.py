"""VEP-style consequences (INFO/CSQ) from the csq branch's calculator, through the per-record seam.

The calculator (`ann.engine.consequence`) is written against `ann.engine.transcript.Transcript`;
this adapter gives it the transcripts near each record from the gene model's prepared store and
the reference sequence when the sources TOML names one.
"""

from __future__ import annotations

from ..errors import ConfigError
from .per_record import PerRecordSource
from .transcripts import TranscriptStore


class ConsequenceSource(PerRecordSource):
    """INFO/CSQ for every ALT and transcript near a record."""

    label_names = ("consequences", "impacts")

    def __init__(self, spec, store, reference: str | None) -> None:
        try:
            from .. import consequence
        except ImportError as exc:
            raise ConfigError(f"{spec.label}: the field \"consequence\" needs the consequence "
                              "calculator (ann.engine.consequence), not in this build") from exc
        self._calc = consequence
        self.name = next(f.name for f in spec.fields if f.source_field == "consequence").encode()
        self.transcripts = TranscriptStore(store)
        self.reference = None
        if reference is not None:
            from ..reference import open_reference

            self.reference = open_reference(reference)

    def value(self, contig, pos, end, ref, alts):
        near = self.transcripts.transcripts_overlapping(contig, pos, end)
        return self._calc.csq_value(contig, pos, ref, alts, near, self.reference)

    def labels(self, value):
        return self._calc.most_severe(value)
