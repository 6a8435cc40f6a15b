"""The reference base at a site, from the data that knows it: sequence first, then site lists.

HapMap3's A1/A2 are forward-strand but not ordered by reference, so a site can be written with
its real REF only where something genome-oriented knows the base: the chromosome sequence
(GRCh37 chr20), dbSNP's REF in the common-variant table, peddy's 1000 Genomes sites, or the EAF
table's genome-oriented SNPID. Every source's bases are checked against the sequence where it
exists, and against the sources before it where they meet.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pysam

Site = tuple[str, int]  # UCSC contig name, 1-based POS


class Orientation:
    """Reference bases by site, each with the source it came from; the first source wins."""

    def __init__(self, sequences: dict[str, np.ndarray] | None = None) -> None:
        self.sequences = sequences or {}  # UCSC contig name -> uint8 bases (upper case)
        self.bases: dict[Site, tuple[str, str]] = {}
        self.checks: dict[str, Counter] = {}

    def sequence_base(self, contig: str, pos: int) -> str | None:
        """Return the sequence's base at a 1-based position, or None where it is not held."""
        seq = self.sequences.get(contig)
        if seq is None or not 0 < pos <= len(seq):
            return None
        return chr(seq[pos - 1])

    def add(self, label: str, contig: str, pos: int, ref: str) -> None:
        """Record a genome-oriented REF from `label`, checking it against what is known."""
        checks = self.checks.setdefault(label, Counter())
        base = self.sequence_base(contig, pos)
        if base is not None:
            checks["sequence_agrees" if base == ref[0] else "sequence_disagrees"] += 1
        known = self.bases.get((contig, pos))
        if known is None:
            self.bases[(contig, pos)] = (ref, label)
        elif known[1] != label:
            checks[f"agrees_with_{known[1]}" if known[0] == ref
                   else f"disagrees_with_{known[1]}"] += 1

    def ref_at(self, contig: str, pos: int) -> tuple[str, str] | None:
        """Return (reference base, source) at a site, the sequence before any site list."""
        base = self.sequence_base(contig, pos)
        if base is not None and base != "N":
            return base, "sequence"
        return self.bases.get((contig, pos))

    def report(self) -> dict[str, dict[str, int]]:
        """Return the agreement counts per source, for the manifest."""
        return {label: dict(sorted(c.items())) for label, c in self.checks.items() if c}


def sequence_arrays(fasta_path: str, names: dict[str, str]) -> dict[str, np.ndarray]:
    """Read whole contigs of a FASTA as upper-case uint8 arrays, keyed by UCSC name."""
    out = {}
    with pysam.FastaFile(fasta_path) as fasta:
        for name in fasta.references:
            ucsc = names.get(name)
            if ucsc is not None:
                out[ucsc] = np.frombuffer(fasta.fetch(name).upper().encode(), dtype=np.uint8)
    return out
