"""The default annotation data bundle, built once from registry packages (issue 2, item 5).

Names are imported on first use, so the engine can read ann.bundle.contigs without pulling in
the builder's pyarrow and pysam.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "BundleError": "ann.bundle.errors",
    "build_bundle": "ann.bundle.bundle",
    "current_assemblies": "ann.bundle.bundle",
    "default_bundle_dir": "ann.bundle.bundle",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'ann.bundle' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
