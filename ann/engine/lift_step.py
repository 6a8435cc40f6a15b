"""The liftover pre-step: each chunk's records looked up at their lifted position.

A LiftStep is carried to worker processes inside the Plan, so it holds paths only; each process
loads the chain arrays (and the target sequence for the REF check) on first use. Records that
lift get `LIFTED=<contig>:<pos>` and are looked up there; the others are switched off (passed
through unannotated) with `UNLIFTED=<reason>`. Counts flow back through `lookups.counts`
("lifted", "unmapped:<reason>") and are summed over chunks by the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .liftover import Chain, LiftPlan, LiftStatus, TargetSequence, chains_in, lift_info
from .lookups import Lookups

UNMAPPED = "unmapped:"  # count key prefix of records that did not lift, by reason


@dataclass
class LiftStep:
    """Lift records from `source` into `target` for the look-ups; the output keeps its own."""

    source: str
    target: str
    chain_path: str
    reference: str | None = None  # target FASTA: REF must equal it where it holds the contig
    chain_name: str = ""
    _plan: LiftPlan | None = field(default=None, repr=False, compare=False)

    name = "liftover"  # the summary JSON key

    @classmethod
    def load(cls, config_paths: list[Path], source: str, target: str,
             reference: str | None) -> LiftStep:
        """Find the chain lifting `source` in the first sources TOML that names one; load it."""
        for config in config_paths:
            chain_path = chains_in(config).get(source)
            if chain_path is not None:
                break
        else:
            from .errors import ConfigError

            raise ConfigError(f"no chain lifts {source} into {target}: "
                              f"{', '.join(map(str, config_paths))} name none in [liftover]")
        step = cls(source, target, str(chain_path), reference)
        plan = step.plan()  # checked in the main process: a bad chain fails before any work
        step.chain_name = plan.chain.name
        return step

    def plan(self) -> LiftPlan:
        """Return the loaded chain and sequence (once per process)."""
        if self._plan is None:
            from .errors import ConfigError

            chain = Chain.load(self.chain_path)
            if (chain.source, chain.target) != (self.source, self.target):
                raise ConfigError(f"{self.chain_path} lifts {chain.source} to {chain.target}, "
                                  f"not {self.source} to {self.target}")
            sequence = TargetSequence(self.reference) if self.reference else None
            self._plan = LiftPlan(self.source, self.target, chain, sequence, 0, {})
        return self._plan

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_plan"] = None  # pysam handles do not pickle; workers load their own
        return state

    def __call__(self, lookups: Lookups) -> None:
        """Replace each record's look-up coordinates by its lifted ones, or switch it off."""
        if not len(lookups):
            return
        lifted = self.plan().lift(lookups.contig, lookups.pos, lookups.end, lookups.ref)
        chrom = lookups.chrom or (lookups.contig[0] if lookups.contig else "")
        counts = lookups.counts
        for i in range(len(lookups)):
            status = int(lifted.status[i])
            lookups.flags[i] = b";" + lift_info(lifted, i, chrom).encode()
            if status == LiftStatus.LIFTED:
                lookups.contig[i] = str(lifted.contig[i])
                lookups.pos[i] = int(lifted.pos[i])
                lookups.end[i] = int(lifted.end[i])
                counts["lifted"] += 1
            else:
                lookups.active[i] = False
                counts[UNMAPPED + LiftStatus(status).reason] += 1

    def declarations(self) -> list[str]:
        """Return the ##INFO lines of LIFTED and UNLIFTED."""
        return self.plan().declarations()

    def summary(self, counts) -> dict:
        """Return the summary JSON's `liftover` object, with the count log's line."""
        plan = self.plan()
        plan.lifted = int(counts.get("lifted", 0))
        plan.unmapped = {k[len(UNMAPPED):]: int(n) for k, n in counts.items()
                         if k.startswith(UNMAPPED) and n}
        return {**plan.summary(), "unmapped_reasons": dict(sorted(plan.unmapped.items())),
                "line": plan.log_line()}
