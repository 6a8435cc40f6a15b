"""Open the sources of a plan in config order (one object per process)."""

from __future__ import annotations

from ..store.files import Store, read_meta
from .intervals import IntervalSource
from .known import KnownSource


def open_sources(plan) -> list:
    """Return the run-time source objects of a Plan, in the order of its [[annotation]] tables."""
    sources: list = []
    for spec, folder in zip(plan.specs, plan.stores, strict=True):
        store = Store(folder, read_meta(folder))
        if spec.kind == "vcf":
            sources.append(KnownSource(spec, store))
            continue
        if spec.kind == "bed" or any(f.source_field != "consequence" for f in spec.fields):
            sources.append(IntervalSource(spec, store))
        if any(f.source_field == "consequence" for f in spec.fields):
            from .consequences import ConsequenceSource  # only runs that ask for consequences

            sources.append(ConsequenceSource(spec, store, plan.reference))
    return sources
