"""Where the engine's data lives: the annotation bundle and the prepared-source cache.

The one definition of both folders (the annotator passes Settings.annotation_data explicitly;
the command line and the bundle builder use these defaults).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    """Return the data bundle folder: $GAS_ANNOTATION_DATA or <repo>/.cache/annotation-data."""
    env = os.environ.get("GAS_ANNOTATION_DATA")
    return Path(env) if env else REPO_ROOT / ".cache" / "annotation-data"


def engine_cache_dir() -> Path:
    """Return the prepared-source cache: $GAS_ENGINE_CACHE or <repo>/.cache/engine."""
    env = os.environ.get("GAS_ENGINE_CACHE")
    return Path(env) if env else REPO_ROOT / ".cache" / "engine"
