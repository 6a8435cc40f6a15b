"""VEP-style consequences (INFO/CSQ) from ann.engine.consequence, through the per-record seam.

The calculator is written against `ann.engine.transcript.Transcript`; this adapter gives it
the transcripts near each record from the gene model's prepared store and the reference
sequence when the sources TOML names one (top-level `reference`).
"""

from __future__ import annotations

from ..consequence import consequences
from ..lookups import Lookups, SourceValues
from .per_record import PerRecordSource
from .transcripts import TranscriptStore


class ConsequenceSource(PerRecordSource):
    """INFO/CSQ for every ALT and transcript near a record; counts the most severe term."""

    label_names = ("consequences", "impacts", "ref_mismatch")

    def __init__(self, spec, store, reference: str | None) -> None:
        self.name = next(f.name for f in spec.fields if f.source_field == "consequence").encode()
        self.transcripts = TranscriptStore(store)
        self.reference = None
        if reference is not None:
            from ..reference import Reference

            self.reference = Reference(reference)

    def annotate(self, lookups: Lookups) -> SourceValues:
        """Compute every active record's CSQ value and its most severe term and IMPACT."""
        n = len(lookups)
        info = [b""] * n
        worst: list[str | None] = [None] * n
        impact: list[str | None] = [None] * n
        mismatch: list[str | None] = [None] * n
        prefix = b";" + self.name + b"="
        near = self.transcripts.transcripts_overlapping
        for key, order in lookups.groups():
            for i in order:
                pos, ref = lookups.pos[i], lookups.ref[i].decode()
                alts = lookups.alt[i].decode().split(",")
                found = consequences(key, pos, ref, alts, near(key, pos, lookups.end[i]),
                                     self.reference)
                if found is None:
                    continue
                if found.ref_mismatch:
                    mismatch[i] = "ref_mismatch"  # counted by the run, warned once
                if not found.value:
                    continue
                info[i] = prefix + found.value
                worst[i], impact[i] = found.worst, found.impact
        return SourceValues(info, labels={"consequences": worst, "impacts": impact,
                                          "ref_mismatch": mismatch})
